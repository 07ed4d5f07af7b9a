// Stores written in Kotlin: a correct one (what an app's Room or SQLite store does), and
// broken ones for the error tests.
package org.medsched.tests

import org.medsched.AppStore
import org.medsched.StoreException
import org.medsched.StreamKey

/** A correct store kept in maps, safe to share between threads: one lock, as a database
 * transaction would serialize the version check and the write. */
open class MapStore : AppStore {
    private val lock = Any()
    private val streams = HashMap<String, MutableList<String>>()
    private data class Entry(val position: Long, val tenant: String, val stream: String, val version: Int, val event: String)
    private val log = ArrayList<Entry>()
    /** Each tenant's last feed position: a tenant's feed counts its own events only. */
    private val heads = HashMap<String, Long>()

    /** How many appends were tried (conflicts included). */
    @Volatile var appends = 0

    override fun load(stream: StreamKey): String = synchronized(lock) {
        val events = streams[stream.key].orEmpty()
        "{\"events\": [${events.joinToString(",")}], \"version\": ${events.size}}"
    }

    override fun append(stream: StreamKey, expectedVersion: ULong, events: List<String>): ULong =
        synchronized(lock) {
            appends++
            val held = streams.getOrPut(stream.key) { ArrayList() }
            if (held.size.toULong() != expectedVersion) {
                throw StoreException.Conflict(expectedVersion, held.size.toULong())
            }
            for (event in events) {
                held.add(event)
                val position = (heads[stream.tenant] ?: 0L) + 1L
                heads[stream.tenant] = position
                log.add(Entry(position, stream.tenant, stream.json, held.size, event))
            }
            held.size.toULong()
        }

    override fun feed(tenant: String, after: ULong, limit: UInt): String = synchronized(lock) {
        log.filter { it.tenant == tenant && it.position > after.toLong() }
            .take(limit.toInt())
            .joinToString(",", "[", "]") {
                "{\"position\": ${it.position}, \"stream\": ${it.stream}, \"version\": ${it.version}, \"event\": ${it.event}}"
            }
    }
}

/** Another writer always appends first. */
class ConflictingStore : MapStore() {
    override fun append(stream: StreamKey, expectedVersion: ULong, events: List<String>): ULong {
        appends++
        throw StoreException.Conflict(expectedVersion, expectedVersion + 1u)
    }
}

/** The app's database fails. */
class FailingStore : MapStore() {
    override fun load(stream: StreamKey): String =
        throw StoreException.Failed("SQLiteFullException", "database or disk is full")
}

/** The app's code has a bug: an exception medsched does not know. */
class BuggyStore : MapStore() {
    override fun load(stream: StreamKey): String = throw IllegalStateException("cursor closed")
}

/** The store returns what is not a stream. */
class GarbledStore : MapStore() {
    override fun load(stream: StreamKey): String = "{\"events\": [{\"not\": \"an event\"}], \"version\": 1}"
}

/** The store refuses an event. */
class RefusingStore : MapStore() {
    override fun append(stream: StreamKey, expectedVersion: ULong, events: List<String>): ULong =
        throw StoreException.Invalid("events[0].tenant", "other-clinic", "conflicting")
}
