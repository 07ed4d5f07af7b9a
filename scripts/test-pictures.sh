#!/usr/bin/env bash
# The pictures (medsched::pictures) rendered by headless Chromium, their screenshots' pixels
# checked (core/tests/pictures.rs): installs Debian's chromium when it is missing, as
# scripts/test-node.sh does. CHROMIUM names another binary.
# Usage: bash scripts/test-pictures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v "${CHROMIUM:-chromium}" > /dev/null; then
    apt-get update -qq > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
cargo test --locked -p medsched --test pictures -- --include-ignored
# The example that prints the analytics table and writes the CSV tables and the pictures.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --quiet --locked --example clinic_report -- "$out"
for file in utilisation.csv doctors.csv calibration.csv week.svg queue.svg calibration.svg; do
    test -s "$out/$file" || { echo "clinic_report wrote no $file" >&2; exit 1; }
done
