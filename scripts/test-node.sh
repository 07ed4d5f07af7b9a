#!/usr/bin/env bash
# The Node binding's part of the test command: installs the package's npm dependencies
# (npm ci), builds the native module with @napi-rs/cli (release), fails when the generated
# loader or its API snapshot (native.js, native.d.ts) no longer match the committed ones, and
# runs `node --test` (shared vectors, errors, DST, services over native and JavaScript
# stores, tsc --noEmit over a typed sample, the PostgreSQL store under Node workers) against
# a throwaway PostgreSQL. Prints `node: N passed, M failed` last.
#
# Usage: bash scripts/test-node.sh
set -euo pipefail

cd "$(dirname "$0")/../bindings/node"
npm ci --no-audit --no-fund --loglevel=error > /dev/null

snapshot=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$snapshot" "$log"' EXIT
cp native.js native.d.ts "$snapshot/"
npx napi build --platform --release --js native.js --dts native.d.ts > /dev/null 2>&1 \
    || npx napi build --platform --release --js native.js --dts native.d.ts
stale=0
for file in native.js native.d.ts; do
    if ! cmp -s "$file" "$snapshot/$file"; then
        echo "node: $file no longer matches the committed API snapshot:" >&2
        diff -u "$snapshot/$file" "$file" >&2 || true
        stale=1
    fi
done

status=0
bash ../../scripts/with-postgres.sh node --test __test__/ 2>&1 | tee "$log" || status=$?
passed=$(awk '/^# pass / { print $3 }' "$log" | tail -1)
failed=$(awk '/^# fail / { print $3 }' "$log" | tail -1)
failed=$(( ${failed:-0} + stale ))
echo "node: ${passed:-0} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$stale" -ne 0 ]; then
    exit 1
fi
