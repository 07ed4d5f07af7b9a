// Every error code, each thrown by a real call, with the fields that say why; the refused
// inputs of testdata/errors.json; and the errors of stores written in Kotlin.
package org.medsched.tests

import com.google.gson.JsonObject
import java.time.Instant
import org.medsched.AppStore
import org.medsched.Availability
import org.medsched.Bookings
import org.medsched.ClinicRules
import org.medsched.MedschedException
import org.medsched.Schedule
import org.medsched.Store
import org.medsched.Tokens

/** The booking vectors' clinic: dr-a and dr-b share room r1 in Europe/London. */
val bookingDoc: JsonObject by lazy { readJson(testdata.resolve("vectors/booking.json")) }

fun bookingSchedule(): Schedule = Schedule(
    bookingDoc["tenant"].asString, bookingDoc["clinic"].toString(),
    bookingDoc["calendars"].toString(), bookingDoc["appointment_types"].toString(), null,
)

const val MONDAY = "2026-03-02"
val NOW: Instant = Instant.parse("2026-03-01T08:00:00Z")
fun patient(id: String) = "{\"kind\": \"patient\", \"id\": \"$id\"}"
val STAFF = "{\"kind\": \"staff\", \"id\": \"rcp-1\"}"

fun bookRequest(id: String, start: String, patient: String = "pat-1", doctor: String = "dr-a") =
    "{\"appointment_id\": \"$id\", \"patient_id\": \"$patient\", \"doctor_id\": \"$doctor\", " +
        "\"appointment_type_id\": \"consult\", \"start\": \"$start\"}"

private fun storeError(store: AppStore): MedschedException {
    val bookings = Bookings(Store.app(store), 3u)
    return raises { bookings.day(bookingSchedule(), MONDAY) }
}

fun runErrors() {
    val doc = readJson(testdata.resolve("errors.json"))
    for (c in doc["cases"].asJsonArray) {
        val case = c.asJsonObject
        Checks.check("errors.json: ${case["name"].asString}") {
            val e = raises {
                val clinic = case["clinic"] ?: doc["base_clinic"]
                val rules = ClinicRules(clinic.toString())
                val calendar = case["calendar"] ?: return@raises
                val doctor = Availability(rules, calendar.toString())
                case["slots"]?.let { doctor.slots(it.toString(), null, null) }
            }
            val report = json(e.errorReport().json).asJsonObject
            val expected = case["expect"].asJsonObject
            for (key in expected.keySet()) {
                expect(agree(expected[key], report[key])) { "$key: expected ${expected[key]}, got ${report[key]}" }
            }
            expect(e is MedschedException.InvalidInput) { "${e::class.simpleName}" }
            expect(e.errorReport().field == expected["field"].asString) { "field ${e.errorReport().field}" }
            expect(e.errorReport().value == expected["value"].asString) { "value ${e.errorReport().value}" }
        }
    }

    val schedule = bookingSchedule()
    Checks.check("invalid_input: an impossible date names the argument") {
        val e = raises { Bookings(Store.memory(), 3u).day(schedule, "2026-02-30") }
        expect(e is MedschedException.InvalidInput) { "$e" }
        val r = e.errorReport()
        expect(r.code == "invalid_input" && r.field == "date" && r.value == "2026-02-30" && r.problem == "malformed") { "$r" }
        expect(r.message.startsWith("invalid date = \"2026-02-30\"")) { r.message }
        expect(e.message!!.contains(r.message)) { "${e.message}" }
        expect(e.code() == "invalid_input" && (e as MedschedException.InvalidInput).report == r) { e.code() }
    }
    Checks.check("invalid_input: an unknown zone") {
        val e = raises {
            Schedule("c", bookingDoc["clinic"].toString(), "[]", "[]", "Mars/Olympus_Mons")
        }
        val r = e.errorReport()
        expect(r.field == "book_time_zone" && r.value == "Mars/Olympus_Mons" && r.problem == "unknown_time_zone") { "$r" }
    }
    Checks.check("invalid_input: an unknown action, with the message every language gives") {
        val e = raises {
            Bookings(Store.memory(), 3u).appointmentAction("uncancel", schedule, STAFF, NOW, MONDAY, "a-1", null)
        }
        expect(e.errorReport().message == "invalid action = \"uncancel\": refers to no known record") { e.errorReport().message }
        expect(e.errorReport().field == "action" && e.errorReport().problem == "unknown_reference") { "${e.errorReport()}" }
    }
    Checks.check("invalid_input: an unknown estimator") {
        val day = "{\"tenant\": \"c\", \"doctor_id\": \"d\", \"date\": \"2026-03-02\"}"
        val e = raises { Tokens(Store.memory(), 3u).waitEstimates(day, "{\"sessions\": []}", NOW, null, "crystal_ball", null, null) }
        expect(e.errorReport().field == "estimator" && e.errorReport().problem == "unknown_reference") { "${e.errorReport()}" }
        val e2 = raises { org.medsched.estimateWaits("crystal_ball", "{}", null, null, null) }
        expect(e2.errorReport().field == "estimator" && e2.errorReport().value == "crystal_ball") { "${e2.errorReport()}" }
    }
    Checks.check("invalid_input: a malformed record names the field path") {
        val e = raises { Bookings(Store.memory(), 3u).book(schedule, "{\"kind\": \"robot\", \"id\": \"x\"}", NOW, bookRequest("a-1", "2026-03-02T09:00:00Z")) }
        expect(e.errorReport().field!!.startsWith("actor")) { "${e.errorReport()}" }
    }
    Checks.check("invalid_input: an instant before 1970") {
        val e = raises { Bookings(Store.memory(), 3u).book(schedule, STAFF, Instant.parse("1969-12-31T23:59:00Z"), bookRequest("a-1", "2026-03-02T09:00:00Z")) }
        expect(e.errorReport().field == "now" && e.errorReport().code == "invalid_input") { "${e.errorReport()}" }
    }
    Checks.check("not_found: an unknown doctor") {
        val e = raises { schedule.availability("dr-nobody") }
        expect(e is MedschedException.NotFound) { "$e" }
        expect(e.errorReport().kind == "doctor" && e.errorReport().id == "dr-nobody") { "${e.errorReport()}" }
    }
    Checks.check("slot_unavailable: the slot is taken, with the doctor, the start and why") {
        val bookings = Bookings(Store.memory(), 3u)
        bookings.book(schedule, patient("pat-1"), NOW, bookRequest("a-1", "2026-03-02T09:00:00Z"))
        val e = raises { bookings.book(schedule, patient("pat-2"), NOW, bookRequest("a-2", "2026-03-02T09:00:00Z", "pat-2")) }
        expect(e is MedschedException.SlotUnavailable) { "$e" }
        val r = e.errorReport()
        expect(r.doctorId == "dr-a" && r.start == Instant.parse("2026-03-02T09:00:00Z")) { "$r" }
        expect(r.reasonJson != null && json(r.reasonJson!!).isJsonObject) { "${r.reasonJson}" }
    }
    Checks.check("invalid_transition: completing a cancelled appointment") {
        val bookings = Bookings(Store.memory(), 3u)
        bookings.book(schedule, patient("pat-1"), NOW, bookRequest("a-1", "2026-03-02T09:00:00Z"))
        bookings.appointmentAction("cancel", schedule, STAFF, NOW, MONDAY, "a-1", "clinic closed")
        val e = raises { bookings.appointmentAction("complete", schedule, STAFF, NOW, MONDAY, "a-1", null) }
        expect(e is MedschedException.InvalidTransition) { "$e" }
        val r = e.errorReport()
        expect(r.kind == "appointment" && r.id == "a-1" && r.from == "cancelled" && r.action == "complete") { "$r" }
    }
    Checks.check("policy_violation: a patient books only for themselves") {
        val e = raises { Bookings(Store.memory(), 3u).book(schedule, patient("pat-2"), NOW, bookRequest("a-1", "2026-03-02T09:00:00Z")) }
        expect(e is MedschedException.PolicyViolation) { "$e" }
        expect(e.errorReport().rule == "not_owner" && e.errorReport().action == "book" && e.errorReport().ruleMessage != null) { "${e.errorReport()}" }
    }
    Checks.check("conflict: another writer always wins, retries exhausted") {
        val store = ConflictingStore()
        val e = raises { Bookings(Store.app(store), 3u).book(schedule, patient("pat-1"), NOW, bookRequest("a-1", "2026-03-02T09:00:00Z")) }
        expect(e is MedschedException.Conflict) { "$e" }
        val r = e.errorReport()
        expect(r.stream == "clinic-vectors/2026-03-02" && r.expected == 0uL && r.actual == 1uL && r.retrySafe) { "$r" }
        expect(store.appends == 3) { "${store.appends} appends" }
    }
    Checks.check("storage: the app's database fails, by kind and message") {
        val e = storeError(FailingStore())
        expect(e is MedschedException.Storage) { "$e" }
        val r = e.errorReport()
        expect(r.storageKind == "SQLiteFullException" && r.message.contains("database or disk is full")) { "$r" }
    }
    Checks.check("storage: an exception medsched does not know") {
        val e = storeError(BuggyStore())
        expect(e is MedschedException.Storage && e.errorReport().message.contains("cursor closed")) { "${e.errorReport()}" }
    }
    Checks.check("storage: a reply medsched cannot read") {
        val e = storeError(GarbledStore())
        expect(e is MedschedException.Storage) { "$e" }
        expect(e.errorReport().message.contains("load returned data medsched cannot read")) { e.errorReport().message }
    }
    Checks.check("invalid_input: the app's store refuses an event") {
        val e = raises { Bookings(Store.app(RefusingStore()), 3u).book(schedule, patient("pat-1"), NOW, bookRequest("a-1", "2026-03-02T09:00:00Z")) }
        expect(e is MedschedException.InvalidInput && e.errorReport().field == "events[0].tenant" && e.errorReport().problem == "conflicting") { "${e.errorReport()}" }
    }
    Checks.check("invalid_input: a store URL of no known store") {
        val e = raises { Store.open("mysql://db/clinic") }
        expect(e.errorReport().field == "url") { "${e.errorReport()}" }
        val pg = raises { Store.open("postgresql://localhost/clinic") }
        expect(pg.errorReport().field == "url" && pg.errorReport().problemMessage!!.contains("no PostgreSQL")) {
            "the mobile library carries no PostgreSQL client: ${pg.errorReport()}"
        }
    }
    Checks.check("every code has its exception class") {
        val codes = listOf(
            MedschedException.InvalidInput::class, MedschedException.NotFound::class,
            MedschedException.SlotUnavailable::class, MedschedException.InvalidTransition::class,
            MedschedException.PolicyViolation::class, MedschedException.Conflict::class,
            MedschedException.RateLimited::class, MedschedException.Storage::class,
        )
        expect(codes.all { MedschedException::class.java.isAssignableFrom(it.java) }) { "not all subclasses" }
    }
}
