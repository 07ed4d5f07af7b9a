#!/usr/bin/env bash
# Runs every check and test of the project: formatting, lints, the Rust tests (unit,
# property, vectors, doctests), the benchmarks in test mode, and the worked example.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust tests (unit, property, JSON vectors; benchmarks run once in test mode)"
cargo test --workspace --all-targets --locked 2>&1 | tee -a "$log"

echo "== Rust doctests"
cargo test --workspace --doc --locked 2>&1 | tee -a "$log"

echo "== rustdoc (no broken links)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

echo "== worked example"
cargo run --release --locked --example clinic_day > /dev/null

awk '/^test result:/ { passed += $4; failed += $6 } END { printf "rust: %d passed, %d failed\n", passed, failed }' "$log"
