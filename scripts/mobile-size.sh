#!/usr/bin/env bash
# Measures the mobile library as an app ships it: the size of the cdylib built with the
# `release` profile and with the `mobile` profile (opt-level "s", LTO, one codegen unit,
# stripped), for this machine's target, and the speed of each (examples/speed.rs: median and
# spread of 7 runs). Not part of scripts/test.sh (two release builds take minutes); the
# figures are in docs/MOBILE.md.
# Usage: bash scripts/mobile-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for profile in release mobile; do
    cargo rustc --quiet --locked -p medsched-mobile --lib --profile "$profile" --crate-type cdylib
    library=target/$profile/libmedsched_mobile.so
    bytes=$(stat -c %s "$library")
    gzipped=$(gzip -9 -c "$library" | wc -c)
    echo "$profile: libmedsched_mobile.so $bytes bytes ($((bytes / 1024)) KiB), gzip -9 $((gzipped / 1024)) KiB"
    cargo run --quiet --locked -p medsched-mobile --profile "$profile" --example speed \
        | sed "s/^/$profile: /"
done
