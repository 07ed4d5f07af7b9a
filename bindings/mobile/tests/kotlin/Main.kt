// The JVM test of the mobile binding: the shared vectors (schedules, several resources and
// pools, interop, bookability and rate limits, analytics), every error code, stores written
// in Kotlin under concurrent threads, and the Android sample. Prints `kotlin: N passed, M failed` and exits non-zero on a failure.
package org.medsched.tests

import kotlin.system.exitProcess

fun main() {
    val vectors = runVectors()
    Checks.check("at least 25 vector cases ran") { expect(vectors >= 25) { "$vectors cases" } }
    val interop = runInterop()
    Checks.check("at least 15 interop cases ran") { expect(interop >= 15) { "$interop cases" } }
    val resources = runResources()
    Checks.check("at least 3 resource cases ran") { expect(resources >= 3) { "$resources cases" } }
    val clinicOps = runClinicOps()
    Checks.check("at least 17 clinic_ops cases ran") { expect(clinicOps >= 17) { "$clinicOps cases" } }
    runAnalytics()
    runErrors()
    runConcurrency()
    runSample()
    println("kotlin: ${Checks.passed} passed, ${Checks.failed} failed")
    exitProcess(if (Checks.failed == 0) 0 else 1)
}
