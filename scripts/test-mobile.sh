#!/usr/bin/env bash
# The mobile binding (bindings/mobile, UniFFI) on the JVM, without Gradle or an Android SDK:
# builds the library, generates the Kotlin bindings, compiles them with the Kotlin test
# program (bindings/mobile/tests/kotlin) and the Android sample (examples/android) using the
# Kotlin compiler of the npm package kotlin-compiler, and runs it on the JVM with JNA and
# Gson from Debian. Then generates the Swift bindings, C header and modulemap, and checks
# that the header compiles (gcc -fsyntax-only, Clang's nullability qualifiers defined away).
# Installs what it needs (apt-get, npm), idempotently. Prints `kotlin: N passed, M failed`
# and `swift-header: N passed, M failed`; exits non-zero on a failure.
# Usage: bash scripts/test-mobile.sh
set -euo pipefail
cd "$(dirname "$0")/.."

kotlin_version=2.4.20
out=target/mobile-bindings
kotlin_home=target/kotlin-compiler-$kotlin_version/node_modules/kotlin-compiler

missing=()
for pkg in libjna-java libjna-jni libgoogle-gson-java; do
    dpkg -s "$pkg" > /dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq > /dev/null
    apt-get install -y -qq "${missing[@]}" > /dev/null
fi
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
    npm install --silent --no-audit --no-fund --prefix "target/kotlin-compiler-$kotlin_version" \
        "kotlin-compiler@$kotlin_version" > /dev/null
    chmod +x "$kotlin_home"/bin/*
fi

cargo build --quiet --locked -p medsched-mobile -p uniffi-bindgen --features medsched-mobile/checks
library=target/debug/libmedsched_mobile.so

rm -rf "$out"
target/debug/uniffi-bindgen generate --no-format --library "$library" --language kotlin \
    --out-dir "$out/kotlin" > /dev/null

classpath=/usr/share/java/jna.jar:/usr/share/java/gson.jar
"$kotlin_home/bin/kotlinc" -nowarn -cp "$classpath" -d "$out/medsched-tests.jar" \
    "$out/kotlin/org/medsched/medsched.kt" bindings/mobile/tests/kotlin/*.kt \
    examples/android/*.kt 2>&1 | grep -v '^warning:' || true
[ -f "$out/medsched-tests.jar" ] || { echo "kotlin: 0 passed, 1 failed"; exit 1; }

status=0
java -Djna.library.path=target/debug -Dmedsched.testdata=testdata \
    -cp "$out/medsched-tests.jar:$classpath:$kotlin_home/lib/kotlin-stdlib.jar" \
    org.medsched.tests.MainKt || status=1

swift=$out/swift
target/debug/uniffi-bindgen-swift "$library" "$swift" --swift-sources --headers --modulemap \
    --module-name MedschedFFI --modulemap-filename module.modulemap > /dev/null
header_ok=0
if [ -f "$swift/Medsched.swift" ] && grep -q 'module MedschedFFI' "$swift/module.modulemap" \
    && printf '#include "MedschedFFI.h"\n' | gcc -fsyntax-only -Wall -Werror -x c \
        -D_Nonnull= -D_Nullable= -D_Null_unspecified= -I "$swift" -; then
    header_ok=1
fi
echo "swift-header: $header_ok passed, $((1 - header_ok)) failed"
[ "$header_ok" = 1 ] || status=1
exit "$status"
