// A minimal, screen-less use of medsched in an Android app (the same code runs on the JVM
// test of the binding): rules synced from the server, a doctor's slots offline, why a time
// is closed, a hold then a booking kept in the app's own storage, the patient's place in the
// queue with a wait estimate, and the change feed to sync back. An app copies this into its
// view model and calls it from Dispatchers.IO (every call runs to completion on the calling
// thread).
package org.medsched.example

import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import org.medsched.AppStore
import org.medsched.Bookings
import org.medsched.MedschedException
import org.medsched.Schedule
import org.medsched.Store
import org.medsched.StoreException
import org.medsched.StreamKey
import org.medsched.Tokens

/** The rules as the app syncs them from its server (JSON, in the shared schema). */
object SyncedRules {
    const val TENANT = "clinic-1"
    const val CLINIC = """{"locations": [{"id": "main", "time_zone": "Asia/Kolkata",
        "rooms": [{"id": "r1", "capacity": 1}]}]}"""
    const val CALENDARS = """[{"doctor_id": "dr-asha", "templates": [{"id": "opd",
        "location_id": "main", "room_id": "r1", "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
        "sessions": [{"start": "09:00", "end": "13:00"}]}]}]"""
    const val TYPES = """[{"id": "consult", "duration_minutes": 15}]"""
    const val QUEUE_RULES = """{"sessions": [{"id": "morning",
        "start": "2026-03-02T03:30:00Z", "end": "2026-03-02T07:30:00Z"}]}"""
}

/** The app's storage: here a synchronized map; in an app, a Room table keyed by
 * `stream.key` whose append checks the version and writes in one transaction. */
class AppEventStore : AppStore {
    private val streams = HashMap<String, MutableList<String>>()
    /** Each tenant's feed (FeedEntry JSON), numbered 1, 2, 3, ... per tenant: a position
     * counts the tenant's own events only. */
    private val feeds = HashMap<String, MutableList<String>>()

    @Synchronized
    override fun load(stream: StreamKey): String {
        val events = streams[stream.key].orEmpty()
        return "{\"events\": [${events.joinToString(",")}], \"version\": ${events.size}}"
    }

    @Synchronized
    override fun append(stream: StreamKey, expectedVersion: ULong, events: List<String>): ULong {
        val held = streams.getOrPut(stream.key) { ArrayList() }
        if (held.size.toULong() != expectedVersion) {
            throw StoreException.Conflict(expectedVersion, held.size.toULong())
        }
        val feed = feeds.getOrPut(stream.tenant) { ArrayList() }
        for (event in events) {
            held.add(event)
            feed.add("{\"position\": ${feed.size + 1}, \"stream\": ${stream.json}, " +
                "\"version\": ${held.size}, \"event\": $event}")
        }
        return held.size.toULong()
    }

    @Synchronized
    override fun feed(tenant: String, after: ULong, limit: UInt): String =
        feeds[tenant].orEmpty().drop(after.toInt()).take(limit.toInt())
            .joinToString(",", "[", "]")
}

/** The sample: returns what an app would show, line by line. */
object ClinicSample {
    fun run(): List<String> {
        val shown = ArrayList<String>()
        val now = Instant.parse("2026-03-01T10:00:00Z")
        val schedule = Schedule(SyncedRules.TENANT, SyncedRules.CLINIC, SyncedRules.CALENDARS, SyncedRules.TYPES, null)
        val doctor = schedule.availability("dr-asha")
        val zone = ZoneId.of(schedule.bookTimeZone())

        // Availability and slots, offline.
        val request = """{"appointment_type": {"id": "consult", "duration_minutes": 15},
            "start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z", "now": "$now"}"""
        val slots = doctor.slots(request, null, null).slots()
        shown += "slots on Monday: ${slots.size}, first at ${slots.first().start.atZone(zone).toLocalTime()}"

        // Why is Sunday closed?
        val why = doctor.explain(Instant.parse("2026-03-01T05:00:00Z"))
        shown += "Sunday 10:30: $why"

        // Hold, then book, in the app's own storage.
        val bookings = Bookings(Store.app(AppEventStore()), 5u)
        val patient = """{"kind": "patient", "id": "pat-1"}"""
        val first = slots.first()
        bookings.hold(schedule, patient, now, """{"hold_id": "h-1", "patient_id": "pat-1",
            "doctor_id": "dr-asha", "appointment_type_id": "consult", "start": "${first.start}"}""")
        val bookDate = schedule.bookDate(first.start)
        bookings.bookHold(schedule, patient, now, bookDate, "h-1", "a-1")
        shown += "booked a-1 at ${first.start.atZone(zone).toLocalTime()} on $bookDate"
        try {
            bookings.book(schedule, """{"kind": "patient", "id": "pat-2"}""", now,
                """{"appointment_id": "a-2", "patient_id": "pat-2", "doctor_id": "dr-asha",
                "appointment_type_id": "consult", "start": "${first.start}"}""")
        } catch (e: MedschedException.SlotUnavailable) {
            shown += "second booking refused: ${e.report.code}"
        }

        // The queue: a token, the patient's place and wait.
        val tokens = Tokens(Store.memory(), 5u)
        val day = """{"tenant": "clinic-1", "doctor_id": "dr-asha", "date": "2026-03-02"}"""
        val desk = """{"kind": "staff", "id": "desk-1"}"""
        val morning = Instant.parse("2026-03-02T03:30:00Z")
        for (i in 1..3) {
            tokens.issue(day, SyncedRules.QUEUE_RULES, desk, morning,
                """{"token_id": "w-$i", "kind": "walk_in", "patient_id": "pat-w-$i"}""")
        }
        val queue = tokens.queue(day)
        shown += "token 3 is number ${queue.position(3u)} in line"
        val waits = tokens.waitEstimates(day, SyncedRules.QUEUE_RULES, morning, null, "queue", null, null)
        val wait: Duration = waits.first { it.number == 3u }.wait
        shown += "token 3 waits about ${wait.toMinutes()} minutes"

        // Sync: the events to send to the server, from position 0.
        shown += "feed: ${bookings.feed(schedule, 0u, 100u).split("\"position\"").size - 1} events to sync"
        return shown
    }
}
