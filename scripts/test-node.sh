#!/usr/bin/env bash
# The Node binding's part of the test command:
# - bindings/node: npm ci, the native module built with @napi-rs/cli (release), the generated
#   loader and its API snapshot (native.js, native.d.ts) checked against the committed ones,
#   then `node --test` (shared vectors, errors, DST, services over native and JavaScript
#   stores, tsc --noEmit over a typed sample, the benchmark's smoke mode, the PostgreSQL
#   store under Node workers, against a throwaway PostgreSQL);
# - examples/nextjs: npm ci, `next build`, and its `node --test` (route handlers on
#   `next start`, the queue board in Debian's headless Chromium, installed when missing).
# Prints `node: N passed, M failed` last.
#
# Usage: bash scripts/test-node.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
snapshot=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$snapshot" "$log"' EXIT
export NEXT_TELEMETRY_DISABLED=1

cd "$root/bindings/node"
npm ci --no-audit --no-fund --loglevel=error > /dev/null
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
bash "$root/scripts/with-postgres.sh" node --test __test__/ 2>&1 | tee "$log" || status=$?

if ! command -v chromium > /dev/null; then
    apt-get update -qq > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
cd "$root/examples/nextjs"
npm ci --no-audit --no-fund --loglevel=error > /dev/null
npx next build > /dev/null
node --test __test__/ 2>&1 | tee -a "$log" || status=$?

passed=$(awk '/^# pass / { n += $3 } END { print n + 0 }' "$log")
failed=$(awk '/^# fail / { n += $3 } END { print n + 0 }' "$log")
echo "node: ${passed} passed, $(( failed + stale )) failed"
if [ "$status" -ne 0 ] || [ "$stale" -ne 0 ]; then
    exit 1
fi
