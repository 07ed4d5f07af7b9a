// The shared JSON vectors of testdata/vectors, run through the Kotlin API: the same cases
// the Rust and Python tests run, so every language agrees (the DST cases among them).
package org.medsched.tests

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import java.time.Instant
import org.medsched.Availability
import org.medsched.Bookings
import org.medsched.ClinicRules
import org.medsched.DoctorOccupancy
import org.medsched.MedschedException
import org.medsched.Schedule
import org.medsched.Slot
import org.medsched.Store
import org.medsched.Tokens
import org.medsched.estimateWaits
import org.medsched.firstAvailable
import org.medsched.historyFromDays

/** The fields of an error's report that say why, by code, as the scripts expect them. */
private val WHY = mapOf(
    "invalid_input" to listOf("field", "problem"),
    "not_found" to listOf("kind", "id"),
    "slot_unavailable" to listOf("reason"),
    "invalid_transition" to listOf("kind", "from", "action"),
    "policy_violation" to listOf("action", "rule"),
)

/** An error's code and the fields that say why, from its report JSON. */
fun errorJson(e: MedschedException): JsonObject {
    val report = json(e.errorReport().json).asJsonObject
    val out = JsonObject()
    out.add("code", JsonPrimitive(e.errorReport().code))
    for (name in WHY[e.errorReport().code] ?: emptyList()) {
        out.add(name, report[name] ?: JsonNull.INSTANCE)
    }
    return out
}

/** A slot as the core's `Slot` JSON, from the native record. */
fun slotJson(slot: Slot): JsonObject {
    val out = JsonObject()
    out.addProperty("doctor_id", slot.doctorId)
    out.addProperty("location_id", slot.locationId)
    out.add("room_id", slot.roomId?.let { JsonPrimitive(it) } ?: JsonNull.INSTANCE)
    out.addProperty("start", slot.start.toString())
    out.addProperty("end", slot.end.toString())
    out.addProperty("local_start", slot.localStart)
    out.addProperty("buffer_before_minutes", slot.bufferBeforeMinutes.toLong())
    out.addProperty("buffer_after_minutes", slot.bufferAfterMinutes.toLong())
    out.addProperty("capacity_left", slot.capacityLeft.toLong())
    return out
}

private fun doctors(doc: JsonObject): List<Availability> {
    val rules = ClinicRules(doc["clinic"].toString())
    return doc["calendars"].asJsonArray.map { Availability(rules, it.toString()) }
}

private fun types(events: String): JsonArray {
    val out = JsonArray()
    json(events).asJsonArray.forEach { out.add(it.asJsonObject["type"]) }
    return out
}

private fun bookingScript(doc: JsonObject, case: JsonObject): List<JsonElement> {
    val schedule = Schedule(
        doc["tenant"].asString, doc["clinic"].toString(), doc["calendars"].toString(),
        doc["appointment_types"].toString(), null,
    )
    val bookings = Bookings(Store.memory(), 5u)
    return case["steps"].asJsonArray.map { s ->
        val step = s.asJsonObject
        val result = JsonObject()
        try {
            val done = bookings.execute(
                schedule, step["actor"].toString(), Instant.parse(step["now"].asString),
                step["date"].asString, step["command"].toString(),
            )
            val day = bookings.day(schedule, step["date"].asString)
            expect(day == done.book) { "${step["name"]}: the stored day book differs" }
            result.add("events", types(done.eventsJson))
        } catch (e: MedschedException) {
            result.add("error", errorJson(e))
        }
        result
    }
}

private fun tokenScript(doc: JsonObject, case: JsonObject): List<JsonElement> {
    val day = JsonObject()
    day.add("tenant", doc["tenant"])
    day.add("doctor_id", case["doctor_id"])
    day.add("date", case["date"])
    val tokens = Tokens(Store.memory(), 5u)
    return case["steps"].asJsonArray.map { s ->
        val step = s.asJsonObject
        val result = JsonObject()
        try {
            val update = tokens.execute(
                day.toString(), case["rules"].toString(), step["actor"].toString(),
                Instant.parse(step["now"].asString), step["command"].toString(),
            )
            val queue = update.queue
            expect(tokens.queue(day.toString()).line() == queue.line()) {
                "${step["name"]}: the stored queue differs"
            }
            result.add("events", types(update.eventsJson))
            val line = JsonArray()
            queue.line().forEach { line.add(it.toLong()) }
            result.add("line", line)
            result.add("now_serving", queue.nowServing()?.let { JsonPrimitive(it.toLong()) } ?: JsonNull.INSTANCE)
            result.add("token", update.tokenNumber?.let { JsonPrimitive(it.toLong()) } ?: JsonNull.INSTANCE)
        } catch (e: MedschedException) {
            result.add("error", errorJson(e))
        }
        result
    }
}

private fun runCase(doc: JsonObject, case: JsonObject): JsonElement {
    when (case["op"].asString) {
        "wait_estimates" -> {
            val history = case["days"]?.let { historyFromDays(it.toString()) }
            return json(estimateWaits(case["estimator"].asString, case["snapshot"].toString(), history, null, null))
        }
        "first_available" -> {
            val pairs = doctors(doc).zip(case["occupancies"].asJsonArray.toList()).map { (d, o) ->
                DoctorOccupancy(d, o.toString())
            }
            val found = firstAvailable(pairs, case["request"].toString(), case["count"].asInt.toUInt())
            return JsonArray().also { out -> found.forEach { out.add(slotJson(it)) } }
        }
    }
    val doctor = doctors(doc)[case["doctor"]?.asInt ?: 0]
    return when (case["op"].asString) {
        "resolve" -> json(doctor.resolve(Instant.parse(case["start"].asString), Instant.parse(case["end"].asString)))
        "resolve_dates" -> json(doctor.resolveDates(case["location_id"].asString, case["first"].asString, case["last"].asString))
        "explain" -> json(doctor.explain(Instant.parse(case["instant"].asString)))
        "slots" -> {
            val occupancy = case["occupancy"]?.takeUnless { it.isJsonNull }?.toString()
            val series = doctor.slots(case["request"].toString(), occupancy, case["options"]?.toString())
            val got = json(series.toJson()).asJsonObject
            val native = JsonArray().also { out -> series.slots().forEach { out.add(slotJson(it)) } }
            expect(agree(got["slots"], native)) { "native slots differ from the series JSON: ${got["slots"]} vs $native" }
            got
        }
        else -> throw AssertionError("unknown op ${case["op"]}")
    }
}

/** Runs every case of every vector file; returns how many ran. */
fun runVectors(): Int {
    var count = 0
    val files = testdata.resolve("vectors").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
    Checks.check("vector files are there") { expect(files.size >= 6) { "${files.size} vector files" } }
    for (file in files) {
        val doc = readJson(file)
        for (c in doc["cases"].asJsonArray) {
            val case = c.asJsonObject
            count++
            Checks.check("${file.nameWithoutExtension}: ${case["name"].asString}") {
                when (case["op"].asString) {
                    "booking_script" -> checkSteps(case, bookingScript(doc, case))
                    "token_script" -> checkSteps(case, tokenScript(doc, case))
                    else -> {
                        val got = runCase(doc, case)
                        expect(agree(case["expect"], got)) { "expected ${case["expect"]}, got $got" }
                    }
                }
            }
        }
    }
    return count
}

private fun checkSteps(case: JsonObject, got: List<JsonElement>) {
    val steps = case["steps"].asJsonArray
    expect(steps.size() == got.size) { "${got.size} results for ${steps.size()} steps" }
    steps.zip(got).forEach { (step, result) ->
        val expected = step.asJsonObject["expect"]
        expect(agree(expected, result)) { "${step.asJsonObject["name"]}: expected $expected, got $result" }
    }
}
