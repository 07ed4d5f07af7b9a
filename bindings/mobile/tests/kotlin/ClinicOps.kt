// Bookability and rate limits through the Kotlin API: the shared vectors of
// testdata/clinic_ops (bookability, the GCRA's steps), the same cases the Rust, Python and
// Node tests run, and the rate limiter over a store.
package org.medsched.tests

import java.time.Instant
import org.medsched.MedschedException
import org.medsched.RateLimiter
import org.medsched.Store
import org.medsched.checkRate
import org.medsched.evaluateBookability
import org.medsched.scoreBookability

/** Runs every bookability and rate-limit case; returns how many ran. */
fun runClinicOps(): Int {
    var count = 0
    val bookability = readJson(testdata.resolve("clinic_ops/bookability.json"))
    val clinic = bookability["clinic"].toString()
    for (c in bookability["cases"].asJsonArray) {
        val case = c.asJsonObject
        count++
        Checks.check("bookability: ${case["name"].asString}") {
            val got = json(
                evaluateBookability(
                    case["facts"].toString(), clinic, case["calendar"].toString(),
                    case["appointment_type"].toString(), Instant.parse(case["now"].asString),
                    case["policy"]?.toString(),
                ),
            )
            expect(agree(case["expect"], got)) { "expected ${case["expect"]}, got $got" }
        }
    }
    val rateLimit = readJson(testdata.resolve("clinic_ops/rate_limit.json"))
    for (c in rateLimit["cases"].asJsonArray) {
        val case = c.asJsonObject
        count++
        Checks.check("rate limit: ${case["name"].asString}") {
            val rate = case["rate"].toString()
            var now = Instant.parse(case["start"].asString)
            var tat: Instant? = null
            for ((i, s) in case["steps"].asJsonArray.withIndex()) {
                val step = s.asJsonObject
                now = now.plusMillis(step["after_ms"].asLong)
                val got = json(checkRate(rate, tat, now, step["cost"].asInt.toUInt())).asJsonObject
                if (got["decision"].asString == "allowed") tat = Instant.parse(got["tat"].asString)
                expect(agree(step["expect"], got)) { "step $i: expected ${step["expect"]}, got $got" }
            }
        }
    }
    Checks.check("rate limit: a cost over the limit names the field") {
        val e = raises { checkRate("""{"limit": 2, "period_seconds": 60}""", null, Instant.parse("2026-03-01T00:00:00Z"), 3u) }
        expect(e is MedschedException.InvalidInput && e.errorReport().field == "cost") { "${e.errorReport()}" }
    }
    Checks.check("rate limiter: every key counted, over a limit refused by kind, not key") {
        val store = Store.memory()
        val limits = json(RateLimiter(store, null).limitsJson()).asJsonObject
        limits.add("phone", json("""{"limit": 1, "period_seconds": 600}"""))
        val limiter = RateLimiter(store, limits.toString())
        expect(json(limiter.limitsJson()) == limits) { limiter.limitsJson() }
        val now = Instant.parse("2026-03-01T06:00:00Z")
        expect(limiter.acquire(rateKeys("pat-1"), now, 1u) == 0u) { "a request left over" }
        val e = raises { limiter.acquire(rateKeys("pat-2"), now.plusSeconds(1), 1u) }
        val report = e.errorReport()
        expect(e is MedschedException.RateLimited && report.kind == "phone" && report.retryAfterMs == 599_000uL) { "$report" }
        expect(report.message == "too many requests for this phone: retry in 599000 ms") { report.message }
    }
    Checks.check("rate limiter: bad limits and the app's own storage are refused by field") {
        val bad = raises { RateLimiter(Store.memory(), """{"patient": {"limit": 0}}""") }
        expect(bad is MedschedException.InvalidInput) { "${bad.errorReport()}" }
        val limiter = RateLimiter(Store.app(MapStore()), null)
        val e = raises { limiter.acquire(rateKeys("pat-1"), Instant.parse("2026-03-01T06:00:00Z"), 1u) }
        expect(e is MedschedException.InvalidInput && e.errorReport().field == "store") { "${e.errorReport()}" }
    }
    Checks.check("bookability: kept calendar facts that are not there are refused") {
        val e = raises { scoreBookability("""{"profile_complete": true}""", "{}", null) }
        expect(e is MedschedException.InvalidInput) { "${e.errorReport()}" }
    }
    return count
}

/** The patient's, a phone's and an address's keys of one request, as `RateKey` JSON. */
fun rateKeys(patient: String): String = """[
    {"tenant": "clinic-1", "kind": "patient", "value": "$patient"},
    {"tenant": "clinic-1", "kind": "phone", "value": "+91 98460 12345"},
    {"tenant": "clinic-1", "kind": "ip", "value": "203.0.113.9"}
]"""
