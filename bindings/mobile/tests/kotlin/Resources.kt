// The calls Python gained with several resources, pools, the roster and the rule changes
// (issue 14), through the Kotlin API: the shared vectors of testdata/resources (the cases
// the Rust, Python and Node runners run), each call's error codes, and the options that
// cross as JSON (booking limits, grid options, weekday forms, the `break` rule).
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
import org.medsched.Store
import org.medsched.Tokens
import org.medsched.firstAvailableSeries

/** The fields of an error's report that say why, by code, as the resource scripts expect them. */
private val WHY = mapOf(
    "invalid_input" to listOf("field", "problem"),
    "not_found" to listOf("kind", "id"),
    "slot_unavailable" to listOf("doctor_id", "reason"),
)

private fun resourceError(e: MedschedException): JsonObject {
    val report = json(e.errorReport().json).asJsonObject
    val out = JsonObject()
    out.add("code", JsonPrimitive(e.errorReport().code))
    for (name in WHY[e.errorReport().code] ?: emptyList()) out.add(name, report[name] ?: JsonNull.INSTANCE)
    return out
}

private fun claim(slot: JsonObject): JsonObject {
    val out = JsonObject()
    for (name in listOf("doctor_id", "clinicians", "equipment")) out.add(name, slot[name] ?: JsonArray())
    return out
}

private fun resourceScript(doc: JsonObject, case: JsonObject): List<JsonElement> {
    val schedule = Schedule(
        doc["tenant"].asString, doc["clinic"].toString(), doc["calendars"].toString(),
        doc["appointment_types"].toString(), null,
    )
    val bookings = Bookings(Store.memory(), 5u)
    return case["steps"].asJsonArray.map { s ->
        val step = s.asJsonObject
        val args = Triple(step["actor"].toString(), Instant.parse(step["now"].asString), step["request"].toString())
        try {
            when (step["call"].asString) {
                "book" -> claim(json(bookings.book(schedule, args.first, args.second, args.third)).asJsonObject["slot"].asJsonObject)
                "book_joint" -> claim(json(bookings.bookJoint(schedule, args.first, args.second, args.third)).asJsonObject["slot"].asJsonObject)
                else -> {
                    val booked = json(bookings.bookFromPool(schedule, args.first, args.second, args.third)).asJsonObject
                    claim(booked["appointment"].asJsonObject["slot"].asJsonObject).also { it.add("assignment", booked["assignment"]) }
                }
            }
        } catch (e: MedschedException) {
            JsonObject().also { it.add("error", resourceError(e)) }
        }
    }
}

private fun doctorsOf(doc: JsonObject, rules: ClinicRules = ClinicRules(doc["clinic"].toString())): Map<String, Availability> =
    doc["calendars"].asJsonArray.associate { it.asJsonObject["doctor_id"].asString to Availability(rules, it.toString()) }

private fun jointStarts(doc: JsonObject, case: JsonObject): JsonArray {
    val doctors = doctorsOf(doc)
    val series = doctors.getValue(case["doctor"].asString).jointSlots(
        case["clinicians"].asJsonArray.map { doctors.getValue(it.asString) },
        case["equipment"].asJsonArray.map { it.asString },
        case["request"].toString(), case["occupancy"].toString(), null,
    )
    return JsonArray().also { out -> series.slots().forEach { out.add(it.start.toString()) } }
}

/** Runs every case of testdata/resources and the surface checks; returns how many cases ran. */
fun runResources(): Int {
    var count = 0
    val files = testdata.resolve("resources").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
    for (file in files) {
        val doc = readJson(file)
        for (c in doc["cases"].asJsonArray) {
            val case = c.asJsonObject
            count++
            Checks.check("resources/${file.nameWithoutExtension}: ${case["name"].asString}") {
                if (case["op"].asString == "script") {
                    val got = resourceScript(doc, case)
                    val steps = case["steps"].asJsonArray
                    expect(steps.size() == got.size) { "${got.size} results for ${steps.size()} steps" }
                    steps.zip(got).forEach { (step, result) ->
                        val expected = step.asJsonObject["expect"]
                        expect(agree(expected, result)) { "${step.asJsonObject["name"]}: expected $expected, got $result" }
                    }
                } else {
                    val got = jointStarts(doc, case)
                    expect(agree(case["expect"], got)) { "expected ${case["expect"]}, got $got" }
                }
            }
        }
    }
    surfaceChecks(readJson(testdata.resolve("resources/resources.json")))
    return count
}

private const val MAIN = """{"locations": [{"id": "main", "time_zone": "UTC"}]}"""
private const val AM = """[{"start": "09:00", "end": "12:00"}]"""

private fun weekly(doctorId: String, weekdays: String, sessions: String) =
    """{"doctor_id": "$doctorId", "templates": [{"id": "t", "location_id": "main", "weekdays": $weekdays, "sessions": $sessions}]}"""

private const val CONSULT_MONDAY = """{"appointment_type": {"id": "consult", "duration_minutes": 15},
    "start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z", "now": "2026-03-01T00:00:00Z"}"""

private fun surfaceChecks(doc: JsonObject) {
    val opRequest = doc["cases"].asJsonArray.map { it.asJsonObject }.first { it["op"].asString == "joint_slots" }["request"].toString()
    Checks.check("jointSlots refuses unknown equipment and a limit of 0 (invalid_input)") {
        val doctors = doctorsOf(doc)
        val cut = doctors.getValue("dr-cut")
        val gas = listOf(doctors.getValue("dr-gas"))
        expect(raises { cut.jointSlots(gas, listOf("x-ray"), opRequest, null, null) } is MedschedException.InvalidInput) { "x-ray" }
        val zero = raises { cut.jointSlots(gas, listOf("theatre"), opRequest, null, 0u) }
        expect(zero is MedschedException.InvalidInput && zero.errorReport().field == "limit") { "limit: ${zero.errorReport()}" }
        expect(cut.jointSlots(gas, listOf("theatre"), opRequest, null, 1u).count() == 1u) { "limit 1" }
    }
    Checks.check("bookJoint and bookFromPool: not_found, invalid_input, slot_unavailable") {
        val schedule = Schedule(doc["tenant"].asString, doc["clinic"].toString(), doc["calendars"].toString(), doc["appointment_types"].toString(), null)
        val bookings = Bookings(Store.memory(), 5u)
        val staff = """{"kind": "staff", "id": "desk"}"""
        val now = Instant.parse("2026-03-01T00:00:00Z")
        fun joint(id: String, clinician: String) = """{"appointment_id": "$id", "patient_id": "pat-$id", "doctor_id": "dr-cut",
            "appointment_type_id": "op", "clinicians": ["$clinician"], "equipment": ["theatre"], "start": "2026-03-03T11:00:00Z"}"""
        expect(raises { bookings.bookJoint(schedule, staff, now, joint("op-1", "dr-nobody")) } is MedschedException.NotFound) { "not_found" }
        val garbled = raises { bookings.bookJoint(schedule, staff, now, """{"surgeon": "x"}""") }
        expect(garbled is MedschedException.InvalidInput && garbled.errorReport().field == "request.surgeon") { "${garbled.errorReport()}" }
        bookings.bookJoint(schedule, staff, now, joint("op-1", "dr-gas"))
        val taken = raises { bookings.bookJoint(schedule, staff, now, joint("op-2", "dr-gas")) }
        expect(taken is MedschedException.SlotUnavailable) { "slot_unavailable: $taken" }
        val pool = """{"appointment_id": "p-1", "patient_id": "pat-p", "appointment_type_id": "consult", "start": "2026-03-03T09:00:00Z",
            "pool": {"id": "gp", "doctor_ids": ["dr-ash"], "rule": {"rule": "round_robin"}}}"""
        val placed = json(bookings.bookFromPool(schedule, staff, now, pool)).asJsonObject
        expect(placed["assignment"].asJsonObject["doctor_id"].asString == "dr-ash") { "$placed" }
        val again = raises { bookings.bookFromPool(schedule, staff, now, pool.replace("\"p-1\"", "\"p-2\"").replace("pat-p", "pat-q")) }
        expect(again is MedschedException.SlotUnavailable) { "pool full: $again" }
    }
    Checks.check("a roster refuses a mistyped doctor (invalid_input on doctor_id, unknown_reference)") {
        val rules = ClinicRules(MAIN, null, listOf("dr-asha", "dr-ben"))
        expect(Availability(rules, weekly("dr-asha", "[\"Mon\"]", AM)).doctorId() == "dr-asha") { "on the roster" }
        val e = raises { Availability(rules, weekly("dr-asa", "[\"Mon\"]", AM)) }
        val r = e.errorReport()
        expect(e is MedschedException.InvalidInput && r.field == "doctor_id" && r.value == "dr-asa" && r.problem == "unknown_reference") { "$r" }
        val doubled = raises { ClinicRules(MAIN, null, listOf("dr-asha", "dr-asha")) }
        expect(doubled.errorReport().problem == "duplicate_id") { "${doubled.errorReport()}" }
        val limits = raises { ClinicRules(MAIN, """{"max_slots": -1}""", null) }
        expect(limits.errorReport().field == "limits.max_slots") { "${limits.errorReport()}" }
    }
    Checks.check("resolve merges touching open intervals with mergeOpen") {
        val calendar = """{"doctor_id": "dr-asha", "templates": [
            {"id": "am", "location_id": "main", "weekdays": ["Mon"], "sessions": [{"start": "09:00", "end": "12:00"}]},
            {"id": "pm", "location_id": "main", "weekdays": ["Mon"], "sessions": [{"start": "12:00", "end": "15:00"}]}]}"""
        val asha = Availability(ClinicRules(MAIN), calendar)
        val (start, end) = Instant.parse("2026-03-02T00:00:00Z") to Instant.parse("2026-03-03T00:00:00Z")
        fun open(text: String) = json(text).asJsonArray.filter { it.asJsonObject["status"].asString == "open" }
        expect(open(asha.resolve(start, end)).size == 2) { "two pieces by default" }
        val merged = open(asha.resolve(start, end, true))
        expect(merged.size == 1 && merged[0].asJsonObject["end"].asString == "2026-03-02T15:00:00Z") { "$merged" }
    }
    Checks.check("firstAvailableSeries says when the search stopped looking (truncated)") {
        val rules = ClinicRules(MAIN, """{"max_slots": 4}""", null)
        val monday = Availability(rules, weekly("dr-mon", "[\"Mon\"]", """[{"start": "10:00", "end": "12:00"}]"""))
        val found = firstAvailableSeries(listOf(DoctorOccupancy(monday, null)), CONSULT_MONDAY, 6u)
        expect(found.count() == 4u && found.truncated()) { "${found.count()} ${found.truncated()}" }
        val short = CONSULT_MONDAY.replace("2026-03-09T00:00:00Z", "2026-03-02T10:45:00Z")
        val all = firstAvailableSeries(listOf(DoctorOccupancy(monday, null)), short, 6u)
        expect(all.count() == 3u && !all.truncated()) { "${all.count()} ${all.truncated()}" }
    }
    Checks.check("weekday forms (Mon, Monday, MO, ISO 1) agree; a break is closed as rule break") {
        val rules = ClinicRules(MAIN)
        val session = """[{"start": "09:00", "end": "13:00", "breaks": [{"start": "11:00", "end": "11:15"}]}]"""
        val (start, end) = Instant.parse("2026-03-02T00:00:00Z") to Instant.parse("2026-03-03T00:00:00Z")
        val answers = listOf("[\"Mon\"]", "[\"Monday\"]", "[\"MO\"]", "[1]", "[\"1\"]").map {
            Availability(rules, weekly("dr-a", it, session)).resolve(start, end)
        }
        expect(answers.all { it == answers[0] }) { "$answers" }
        val why = json(Availability(rules, weekly("dr-a", "[1]", session)).explain(Instant.parse("2026-03-02T11:05:00Z"))).asJsonObject
        expect(why["status"].asString == "closed" && why["rule"].asString == "break") { "$why" }
        val bad = raises { Availability(rules, weekly("dr-a", "[8]", session)) }
        expect(bad.errorReport().field == "templates[0].weekdays[0]") { "${bad.errorReport()}" }
    }
    Checks.check("booking limits and grid options cross as JSON") {
        val calendar = weekly("dr-a", "[\"Mon\"]", """[{"start": "09:00", "end": "11:00"}]""").dropLast(1) + """, "booking_limits": {"per_day": 1}}"""
        val doctor = Availability(ClinicRules(MAIN), calendar)
        val request = """{"appointment_type": {"id": "consult", "duration_minutes": 30, "start_offset_minutes": 5},
            "start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z", "now": "2026-03-01T00:00:00Z"}"""
        val free = doctor.slots(request, null, null).slots()
        expect(free.isNotEmpty() && free.all { it.start.epochSecond / 60 % 15 == 5L }) { "$free" }
        val booked = """{"reservations": [{"id": "a-1", "doctor_id": "dr-a", "start": "${free[0].start}", "end": "${free[0].end}"}]}"""
        val full = doctor.slots(request, booked, """{"include_unavailable": true}""")
        expect(full.count() == 0u && full.unavailableJson().contains("limit_reached")) { full.toJson() }
    }
    Checks.check("Tokens take Limits, refused by field") {
        Tokens(Store.memory(), 5u, """{"max_slots": 1000}""")
        val refused = raises { Tokens(Store.memory(), 5u, """{"max_tokens": "many"}""") }
        expect(refused is MedschedException.InvalidInput && refused.errorReport().field!!.startsWith("limits")) { "${refused.errorReport()}" }
    }
}
