#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server: finds the server binaries
# (/usr/lib/postgresql/*/bin, the newest; installs Debian's `postgresql` when they are missing
# and we are root), creates a cluster in a temporary directory, starts it listening on a unix
# socket in that directory and on a free loopback port, creates the database `medsched`,
# exports MEDSCHED_PG_URL, runs the command, and always stops the server and removes the
# directory. The exit status is the command's.
#
# Usage: bash scripts/with-postgres.sh <command...>
#   e.g. bash scripts/with-postgres.sh cargo test -p medsched-postgres
#
# Environment:
#   MEDSCHED_PG_DURABLE=1  keep fsync and synchronous commit on (the default for a test
#                          server is off: faster, and nothing here must survive a crash of
#                          the machine; a client killed mid-transaction is still rolled back)
#   MEDSCHED_PG_CONF="-c name=value ..."  extra server settings
#
# initdb refuses to run as root: as root, the server runs as the `postgres` user when it
# exists (Debian's package creates it), else as `nobody`.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command...>" >&2
    exit 2
fi

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if ! bin=$(find_bin); then
    if [ "$(id -u)" -eq 0 ]; then
        echo "== with-postgres: installing PostgreSQL (apt-get install postgresql)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq > /dev/null
        apt-get install -y -qq postgresql > /dev/null
        bin=$(find_bin) || { echo "with-postgres: no server binaries after install" >&2; exit 1; }
    else
        echo "with-postgres: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin;" \
            "install Debian's postgresql package (or run as root to have it installed)" >&2
        exit 1
    fi
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/medsched-pg.XXXXXX")
chmod 755 "$dir"
as_server=()
if [ "$(id -u)" -eq 0 ]; then
    user=nobody
    if id postgres > /dev/null 2>&1; then
        user=postgres
    fi
    chown "$user" "$dir"
    as_server=(runuser -u "$user" --)
fi

stop() {
    "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

durability=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
if [ "${MEDSCHED_PG_DURABLE:-0}" = 1 ]; then
    durability=()
fi

# A free loopback port: try a few random ones (a port taken meanwhile fails the start).
started=0
for _ in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    # shellcheck disable=SC2086
    if "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
            -c max_connections=300 -c shared_buffers=128MB ${durability[*]} \
            ${MEDSCHED_PG_CONF:-}" start > /dev/null; then
        started=1
        break
    fi
done
if [ "$started" != 1 ]; then
    cat "$dir/server.log" >&2 || true
    echo "with-postgres: the server did not start" >&2
    exit 1
fi

"$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE medsched" > /dev/null

export MEDSCHED_PG_URL="postgresql://postgres@127.0.0.1:$port/medsched"
export MEDSCHED_PG_SOCKET_URL="host=$dir port=$port user=postgres dbname=medsched"
echo "== with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at" \
    "$MEDSCHED_PG_URL" >&2

status=0
"$@" || status=$?
exit "$status"
