#!/usr/bin/env bash
# Runs every check and test of the project: formatting, lints, the Rust tests (unit,
# property, vectors, doctests), the JSON Schema's drift check, the benchmarks in test
# mode, the worked example, the SQLite and PostgreSQL stores' tests (PostgreSQL against a
# throwaway server: scripts/with-postgres.sh), and the Python binding (built in a virtual
# environment this script creates): pytest (the binding and the FastAPI example, on the
# throwaway server too), stubtest and mypy --strict.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== no module cycles in the core"
python3 scripts/module_cycles.py core/src > /dev/null

echo "== Rust tests (unit, property, JSON vectors; benchmarks run once in test mode)"
cargo test --workspace --exclude medsched-postgres --all-targets --locked 2>&1 | tee -a "$log"
bash scripts/fuzz-smoke.sh 2>&1 | tee -a "$log" # fuzz corpora as tests; short fuzzing on nightly

echo "== PostgreSQL store tests, against a throwaway server (scripts/with-postgres.sh)"
bash scripts/with-postgres.sh cargo test -p medsched-postgres --all-targets --locked 2>&1 \
    | tee -a "$log"

echo "== JSON Schema up to date (schema/medsched.schema.json is what the types give now)"
schema_now=$(mktemp)
cargo run --quiet --locked -p medsched-schema -- "$schema_now"
if ! diff -u schema/medsched.schema.json "$schema_now" > "$schema_now.diff"; then
    head -n 40 "$schema_now.diff"
    rm -f "$schema_now" "$schema_now.diff"
    echo "schema/medsched.schema.json is out of date with the Rust types:" \
        "run \`cargo run -p medsched-schema\` and commit the file (see docs/SCHEMA.md)" >&2
    exit 1
fi
rm -f "$schema_now" "$schema_now.diff"

echo "== Rust doctests"
cargo test --workspace --doc --locked 2>&1 | tee -a "$log"

echo "== rustdoc (no broken links)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

echo "== worked example"
cargo run --release --locked --example clinic_day > /dev/null

echo "== pictures rendered by headless Chromium, pixels checked; the clinic_report example"
bash scripts/test-pictures.sh 2>&1 | tee -a "$log"

echo "== Python binding: build the wheel into a fresh virtual environment"
root=$(pwd)
venv=target/python-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r bindings/python/requirements-test.txt
"$venv/bin/maturin" build --quiet --release --manifest-path bindings/python/Cargo.toml \
    --interpreter "$venv/bin/python" --out target/python-wheels
"$venv/bin/pip" install --quiet --force-reinstall --no-deps \
    target/python-wheels/medsched-*-abi3-*.whl

echo "== Python tests (binding, shared vectors, FastAPI example; stores opened by URL on a throwaway PostgreSQL)"
pylog=$(mktemp)
trap 'rm -f "$log" "$pylog"' EXIT
# shellcheck disable=SC2016 # expanded by the inner shell
bash scripts/with-postgres.sh bash -c 'set -euo pipefail
    for suite in bindings/python/tests examples/fastapi/tests; do
        (cd "$suite" && "$0/$1/bin/python" -m pytest -q -p no:cacheprovider -rs .)
    done' "$root" "$venv" 2>&1 | tee -a "$pylog"

echo "== stubtest (stubs against the installed wheel) and mypy --strict (package and sample)"
(cd "$venv" && bin/python -m mypy.stubtest medsched --mypy-config-file \
    ../../bindings/python/pyproject.toml --allowlist ../../bindings/python/stubtest-allowlist.txt)
(cd bindings/python && "$root/$venv/bin/python" -m mypy --cache-dir /dev/null)

bash scripts/test-node.sh
bash scripts/test-mobile.sh  # the mobile binding: Kotlin on the JVM, the Swift header (docs/MOBILE.md)

awk '/^test result:/ { passed += $4; failed += $6 } END { printf "rust: %d passed, %d failed\n", passed, failed }' "$log"
awk '/ in [0-9.]+s/ { for (i = 2; i <= NF; i++) { if ($i ~ /^passed/) passed += $(i - 1)
    if ($i ~ /^failed/) failed += $(i - 1) } }
    END { printf "python: %d passed, %d failed\n", passed, failed }' "$pylog"
