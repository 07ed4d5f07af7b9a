// A store written in Kotlin under concurrent threads: no slot is ever booked twice, and the
// change feed an app syncs from counts every event once, in order.
package org.medsched.tests

import java.time.Instant
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.medsched.Bookings
import org.medsched.MedschedException
import org.medsched.Store
import org.medsched.checkStore
import org.medsched.example.AppEventStore

private fun <T> race(threads: Int, body: (Int) -> T): List<Result<T>> {
    val pool = Executors.newFixedThreadPool(threads)
    val start = CountDownLatch(1)
    val futures = (0 until threads).map { i -> pool.submit<T> { start.await(); body(i) } }
    start.countDown()
    val results = futures.map { runCatching { it.get(60, TimeUnit.SECONDS) } }
    pool.shutdown()
    return results.map { r -> r.fold({ Result.success(it) }, { Result.failure((it as? java.util.concurrent.ExecutionException)?.cause ?: it) }) }
}

fun runConcurrency() {
    for ((name, store) in listOf("Kotlin store" to { MapStore() }, "the Android sample's store" to { AppEventStore() })) {
        Checks.check("$name: the event store contract (medsched-testkit), four threads") {
            val breach = checkStore(Store.app(store()), "kotlin-", 4u)
            expect(breach == null) { "$breach" }
        }
    }
    Checks.check("the contract catches a store that ignores versions") {
        expect(checkStore(Store.app(ConflictingStore()), "kotlin-", 1u) != null) { "no breach" }
    }
    Checks.check("the contract checks refuse more than 256 threads, on the field threads") {
        val e = raises { checkStore(Store.app(MapStore()), "kotlin-", 257u) }
        expect(e is MedschedException.InvalidInput && e.errorReport().field == "threads") { "${e.errorReport()}" }
    }
    val schedule = bookingSchedule()
    for (kind in listOf("Kotlin store", "SQLite file")) {
        Checks.check("$kind: eight patients race for one slot, one wins") {
            val store = if (kind == "Kotlin store") Store.app(MapStore()) else
                Store.open("sqlite://" + java.io.File.createTempFile("medsched", ".db").absolutePath)
            val bookings = Bookings(store, 20u)
            val results = race(8) { i ->
                bookings.book(schedule, patient("pat-$i"), NOW, bookRequest("a-$i", "2026-03-02T09:00:00Z", "pat-$i"))
            }
            val won = results.count { it.isSuccess }
            val refused = results.mapNotNull { it.exceptionOrNull() }
            expect(won == 1) { "$won bookings of one slot: $refused" }
            expect(refused.all { it is MedschedException.SlotUnavailable }) { "$refused" }
            val day = json(bookings.day(schedule, MONDAY).appointmentsJson).asJsonArray
            expect(day.size() == 1) { "${day.size()} appointments in the day book" }
        }
    }
    Checks.check("Kotlin store: four desks book twelve slots in different orders, each once") {
        val store = MapStore()
        val bookings = Bookings(Store.app(store), 50u)
        val starts = (0 until 12).map { Instant.parse("2026-03-02T09:00:00Z").plusSeconds(900L * it).toString() }
        val booked = Collections.synchronizedList(ArrayList<String>())
        race(4) { desk ->
            val order = if (desk % 2 == 0) starts else starts.reversed()
            for (start in order) {
                try {
                    bookings.book(schedule, STAFF, NOW, bookRequest("a-$desk-$start", start, "pat-$desk"))
                    booked.add(start)
                } catch (e: MedschedException.SlotUnavailable) {
                    // another desk took it first
                }
            }
        }
        expect(booked.sorted() == starts.sorted()) { "booked $booked" }
        val feed = json(bookings.feed(schedule, 0u, 1000u)).asJsonArray
        val positions = feed.map { it.asJsonObject["position"].asLong }
        expect(positions == (1L..positions.size).toList()) { "feed positions $positions" }
        expect(feed.size() == 12) { "${feed.size()} events in the feed" }
        val after = json(bookings.feed(schedule, 10u, 1000u)).asJsonArray
        expect(after.size() == 2) { "${after.size()} events after position 10" }
        expect(store.appends >= 12) { "${store.appends} appends" }
    }
}
