// The Android sample (examples/android) run on the JVM, with what it shows checked.
package org.medsched.tests

import org.medsched.example.ClinicSample

fun runSample() {
    Checks.check("examples/android: the sample runs and shows what an app shows") {
        val shown = ClinicSample.run()
        shown.forEach { println("  sample: $it") }
        expect(shown.size == 7) { "${shown.size} lines" }
        expect(shown[0] == "slots on Monday: 16, first at 09:00") { shown[0] }
        expect(shown[1].contains("\"status\":\"closed\"")) { shown[1] }
        expect(shown[2] == "booked a-1 at 09:00 on 2026-03-02") { shown[2] }
        expect(shown[3] == "second booking refused: slot_unavailable") { shown[3] }
        expect(shown[4] == "token 3 is number 3 in line") { shown[4] }
        expect(shown[5].startsWith("token 3 waits about ")) { shown[5] }
        expect(shown[6] == "feed: 2 events to sync") { shown[6] }
    }
}
