// Bookability and rate limits through the Kotlin API: the shared vectors of
// testdata/clinic_ops (bookability, the GCRA's steps), the same cases the Rust, Python and
// Node tests run.
package org.medsched.tests

import java.time.Instant
import org.medsched.MedschedException
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
    Checks.check("bookability: kept calendar facts that are not there are refused") {
        val e = raises { scoreBookability("""{"profile_complete": true}""", "{}", null) }
        expect(e is MedschedException.InvalidInput) { "${e.errorReport()}" }
    }
    return count
}
