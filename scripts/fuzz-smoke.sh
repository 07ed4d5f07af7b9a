#!/usr/bin/env bash
# The fuzz smoke run (docs/FUZZING.md): first every committed corpus and regression input
# replayed through its target as a test, on stable; then, where a nightly toolchain is
# available, each cargo-fuzz target run for a short time from its seed corpus.
#
# Usage: bash scripts/fuzz-smoke.sh               (FUZZ_SECONDS per target, 15 by default)
#        FUZZ_SECONDS=600 bash scripts/fuzz-smoke.sh   (a longer run)
# New inputs found go to target/fuzz-corpus/<target>/, never into the committed corpus; a
# failing input is left in fuzz/artifacts/<target>/ and the script fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-15}
targets=(calendar recurrence booking tokens events ics fhir)

echo "== fuzz corpora and regressions, replayed as tests (stable)"
CARGO_TARGET_DIR=target cargo test --locked --manifest-path fuzz/Cargo.toml 2>&1

skip() {
    echo "fuzz smoke run SKIPPED: $1 (the corpora and regressions ran as tests above)"
    exit 0
}

if ! rustup run nightly rustc --version > /dev/null 2>&1; then
    echo "== no nightly toolchain: installing one with rustup"
    timeout 300 rustup toolchain install nightly --profile minimal > /dev/null 2>&1 \
        || skip "no nightly toolchain, and rustup could not install one here"
fi
if ! cargo fuzz --version > /dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    timeout 600 cargo install cargo-fuzz --locked --quiet \
        || skip "cargo-fuzz could not be installed"
fi

# Safe Rust: no sanitizer needed to find panics, overflows (debug assertions are on) and
# slow inputs; without one the build and the runs are several times faster.
flags=(--release --debug-assertions --sanitizer none --fuzz-dir fuzz --target-dir target/fuzz)
echo "== building the fuzz targets (nightly)"
cargo +nightly fuzz build "${flags[@]}" 2>&1 | tail -n 3
for target in "${targets[@]}"; do
    echo "== fuzzing $target for ${seconds}s"
    found="target/fuzz-corpus/$target"
    mkdir -p "$found"
    # -timeout: one input taking more than 10 s is a finding (unbounded work).
    cargo +nightly fuzz run "${flags[@]}" "$target" "$found" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2>&1 | grep -E '^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|thread)' \
        || true
    if [ -n "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]; then
        echo "fuzz target $target failed: see fuzz/artifacts/$target/ (docs/FUZZING.md)" >&2
        exit 1
    fi
done
echo "fuzz smoke run: ${#targets[@]} targets, ${seconds}s each, no failure"
