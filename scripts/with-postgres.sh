#!/usr/bin/env bash
# Runs CMD... against a throwaway PostgreSQL: initdb into a temporary directory, start it on a
# free port on 127.0.0.1 only, create database `kezek`, export KEZEK_TEST_POSTGRES_URL (and
# DATABASE_URL), run CMD, then stop the server and delete everything.
#
#   scripts/with-postgres.sh cargo test -p kezek-server
#
# Installs Debian's `postgresql` package when no server binaries are found. PostgreSQL refuses
# to run as root, so under root (CI) it runs as `nobody`.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD..." >&2
    exit 2
fi

find_pg_bin() {
    if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then echo "$PG_BIN"; return; fi
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then echo /usr/lib/postgresql/15/bin; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

PG_BIN="$(find_pg_bin)"
if [ -z "$PG_BIN" ]; then
    echo "with-postgres: installing postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    PG_BIN="$(find_pg_bin)"
fi

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u nobody -- "$@"
    else
        "$@"
    fi
}

# Below the kernel's ephemeral range (32768 and up here), so no outgoing connection on the
# machine can take the port between this check and the server's start.
free_port() {
    local port low
    low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
    for _ in $(seq 1 50); do
        port=$((10000 + RANDOM % (low > 12000 ? low - 10000 : 2000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "with-postgres: no free port found" >&2
    return 1
}

WORK="$(mktemp -d /tmp/kezek-pg.XXXXXX)"
chmod 755 "$WORK"
if [ "$(id -u)" -eq 0 ]; then chown nobody "$WORK"; fi
PORT="$(free_port)"

cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c max_connections=400" start >/dev/null \
    || { cat "$WORK/server.log" >&2; exit 1; }
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres kezek

export KEZEK_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/kezek"
export DATABASE_URL="$KEZEK_TEST_POSTGRES_URL"
echo "with-postgres: $KEZEK_TEST_POSTGRES_URL" >&2
"$@"
