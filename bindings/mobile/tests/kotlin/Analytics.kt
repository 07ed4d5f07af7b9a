// Analytics and pictures through the Kotlin API: the shared vector
// testdata/analytics/clinic_week.json (an event log folded in pages, the report and its CSV
// tables out) gives the same records and the same CSV as in Rust, Python and Node, and the
// pictures are SVG text.
package org.medsched.tests

import com.google.gson.JsonArray
import com.google.gson.JsonObject
import org.medsched.Analytics
import org.medsched.MedschedException
import org.medsched.calibrationSvg
import org.medsched.queueSvg
import org.medsched.reportCsv
import org.medsched.weekSvg

/** The tables of a report, as Python's `REPORT_TABLES` names them. */
private val REPORT_TABLES = listOf(
    "utilisation", "doctors", "hours", "lead_times", "token_kinds", "calibration", "conversion",
)

/** The vector's analytics: its offers, its feed folded in pages, its observations. */
private fun folded(vector: JsonObject): Analytics {
    val analytics = Analytics(vector["time_zone"].asString)
    for (o in vector["offers"].asJsonArray) {
        val offer = o.asJsonObject
        analytics.offer(
            offer["doctor_id"].asString, offer["first"].asString, offer["last"].asString,
            offer["intervals"].toString(),
        )
    }
    val feed = vector["feed"].asJsonArray
    val size = vector["page_size"].asInt
    for (start in 0 until feed.size() step size) {
        val page = JsonArray()
        for (i in start until minOf(start + size, feed.size())) page.add(feed[i])
        analytics.fold(page.toString())
    }
    for (observation in vector["observations"].asJsonArray) analytics.record(observation.toString())
    return analytics
}

/** Runs the analytics vector and the pictures; returns how many checks ran. */
fun runAnalytics(): Int {
    val vector = readJson(testdata.resolve("analytics/clinic_week.json"))
    val feed = vector["feed"].asJsonArray
    var count = 0
    count++
    Checks.check("analytics: the shared vector gives the same records and CSV") {
        folded(vector).use { analytics ->
            val last = feed[feed.size() - 1].asJsonObject["position"].asLong
            expect(analytics.position() == last.toULong()) { "position ${analytics.position()}" }
            val report = analytics.report(vector["first"].asString, vector["last"].asString)
            expect(agree(vector["report"], json(report))) { "expected ${vector["report"]}, got $report" }
            val csv = vector["csv"].asJsonObject
            expect(csv.keySet() == REPORT_TABLES.toSet()) { "tables ${csv.keySet()}" }
            for (table in REPORT_TABLES) {
                val got = reportCsv(report, table)
                expect(got == csv[table].asString) { "$table: expected ${csv[table].asString}, got $got" }
            }
        }
    }
    count++
    Checks.check("analytics: refolding a page changes nothing") {
        folded(vector).use { analytics ->
            val page = JsonArray()
            for (i in 0 until 10) page.add(feed[i])
            analytics.fold(page.toString())
            val report = json(analytics.report("2026-03-02", "2026-03-08"))
            expect(agree(vector["report"], report)) { "expected ${vector["report"]}, got $report" }
        }
    }
    count++
    Checks.check("analytics: bad input names the field") {
        val zone = raises { Analytics("Mars/Olympus") }
        expect(zone is MedschedException.InvalidInput && zone.errorReport().field == "time_zone") { "${zone.errorReport()}" }
        Analytics("Asia/Kolkata").use { analytics ->
            val range = raises { analytics.report("2026-03-08", "2026-03-02") }
            expect(range.errorReport().field == "last") { "${range.errorReport()}" }
            val minutes = raises {
                analytics.record(
                    """{"type": "wait_estimated", "at": "2026-03-02T04:00:00Z", "doctor_id": "dr-asha",
                       "date": "2026-03-02", "number": 1, "minutes": -3.0}""",
                )
            }
            expect(minutes.errorReport().field == "observation.minutes") { "${minutes.errorReport()}" }
            val date = raises { analytics.report("2026-03-32", "2026-04-01") }
            expect(date.errorReport().field == "first") { "${date.errorReport()}" }
        }
        val table = raises { reportCsv(vector["report"].toString(), "nonsense") }
        expect(table is MedschedException.InvalidInput) { "${table.errorReport()}" }
    }
    count++
    Checks.check("analytics: the pictures are labelled SVG") {
        val asha = vector["offers"].asJsonArray.map { it.asJsonObject }.first { it["doctor_id"].asString == "dr-asha" }
        val picture = JsonObject()
        picture.addProperty("doctor", "Dr Asha")
        picture.addProperty("time_zone", vector["time_zone"].asString)
        picture.addProperty("first", "2026-03-02")
        picture.add("intervals", asha["intervals"])
        picture.add("free", JsonArray())
        picture.add("booked", JsonArray())
        val week = weekSvg(picture.toString())
        expect(week.startsWith("<svg") && week.contains("<title>leave 09:00-13:00</title>")) { week }
        val queue = JsonArray()
        for (e in feed) {
            val stream = e.asJsonObject["stream"].asJsonObject
            if (stream["doctor_id"]?.takeIf { it.isJsonPrimitive }?.asString == "dr-asha" && stream["date"].asString == "2026-03-02") {
                queue.add(e.asJsonObject["event"])
            }
        }
        expect(queueSvg("Monday", vector["time_zone"].asString, queue.toString()).contains("completed at")) { "no completed token" }
        val calibration = calibrationSvg("Waits", vector["report"].asJsonObject["calibration"].toString())
        expect(calibration.contains("dr-asha: ") && calibration.contains("role=\"img\"")) { calibration }
    }
    return count
}
