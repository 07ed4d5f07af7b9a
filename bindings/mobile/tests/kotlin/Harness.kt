// The test program's harness: named checks counted as passed or failed, JSON compared as
// the other languages compare it (floats to a relative 1e-9).
package org.medsched.tests

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.JsonPrimitive
import java.io.File
import org.medsched.MedschedException

/** Counts the checks run and prints each failure. */
object Checks {
    var passed = 0
    var failed = 0

    /** Runs one named check: it passes when [body] returns without throwing. */
    fun check(name: String, body: () -> Unit) {
        try {
            body()
            passed++
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: $e")
        }
    }
}

/** Fails with [message] unless [condition] holds. */
fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

/** Runs [body] and returns the [MedschedException] it throws, failing if it throws none. */
fun raises(body: () -> Unit): MedschedException {
    try {
        body()
    } catch (e: MedschedException) {
        return e
    }
    throw AssertionError("no MedschedException was thrown")
}

/** The repository's testdata/ folder. */
val testdata: File = File(System.getProperty("medsched.testdata") ?: "testdata")

fun json(text: String): JsonElement = JsonParser.parseString(text)

fun readJson(file: File): JsonObject = json(file.readText()).asJsonObject

/** Equal JSON, floats to a relative 1e-9 (as the Rust and Python runners compare them). */
fun agree(expect: JsonElement?, got: JsonElement?): Boolean {
    val e = expect ?: JsonNull.INSTANCE
    val g = got ?: JsonNull.INSTANCE
    if (e is JsonPrimitive && g is JsonPrimitive && e.isNumber && g.isNumber) {
        val a = e.asDouble
        val b = g.asDouble
        return Math.abs(a - b) <= 1e-9 * maxOf(Math.abs(a), Math.abs(b), 1.0)
    }
    if (e is JsonArray && g is JsonArray) {
        return e.size() == g.size() && (0 until e.size()).all { agree(e[it], g[it]) }
    }
    if (e is JsonObject && g is JsonObject) {
        return e.keySet() == g.keySet() && e.keySet().all { agree(e[it], g[it]) }
    }
    return e == g
}
