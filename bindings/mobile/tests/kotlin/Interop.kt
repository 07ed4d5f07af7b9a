// The shared interop vectors of testdata/interop (FHIR R4 and iCalendar in and out), run
// through the Kotlin API: the same cases the Rust, Python and Node tests run.
package org.medsched.tests

import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import org.medsched.MedschedException
import org.medsched.fhirBundle
import org.medsched.fhirSlotSearch
import org.medsched.freebusy
import org.medsched.icsFeed
import org.medsched.readFhir
import org.medsched.readIcs

/** One vector's call: JSON in, JSON (or the text of a feed) out. */
private fun interopCall(name: String, input: JsonObject): JsonElement {
    val export = input["export"]?.toString() ?: "null"
    return when (name) {
        "fhir_bundle" -> json(fhirBundle(export))
        "fhir_slot_search" -> json(fhirSlotSearch(export, input["search"].toString()))
        "ics" -> JsonPrimitive(icsFeed(export))
        "freebusy" -> JsonPrimitive(freebusy(export))
        "read_ics" -> json(readIcs(input["ics"].asString, input["request"].toString()))
        "read_fhir" -> {
            val fhir = input["fhir"]
            json(readFhir(if (fhir.isJsonPrimitive) fhir.asString else fhir.toString(), null))
        }
        else -> throw AssertionError("unknown call $name")
    }
}

/** Runs every interop case; returns how many ran. */
fun runInterop(): Int {
    val doc = readJson(testdata.resolve("interop/vectors.json"))
    var count = 0
    for (c in doc["cases"].asJsonArray) {
        val case = c.asJsonObject
        count++
        Checks.check("interop: ${case["name"].asString}") {
            val call = case["call"].asString
            val error = case["error"]
            if (error != null) {
                try {
                    interopCall(call, case["input"].asJsonObject)
                    throw AssertionError("not refused")
                } catch (e: MedschedException) {
                    val report = json(e.errorReport().json).asJsonObject
                    val want = error.asJsonObject
                    expect(e.errorReport().code == want["code"].asString) { "code ${e.errorReport().code}" }
                    expect(report["field"] == want["field"]) { "field ${report["field"]}, expected ${want["field"]}" }
                }
            } else {
                val got = interopCall(call, case["input"].asJsonObject)
                expect(agree(case["expect"], got)) { "expected ${case["expect"]}, got $got" }
            }
        }
    }
    return count
}
