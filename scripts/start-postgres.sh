#!/usr/bin/env bash
# Start (or reuse) a throw-away PostgreSQL cluster for the tests and print its SQLAlchemy URL.
#
#   export DESIGNER_TEST_PG_URL="$(scripts/start-postgres.sh)"
#   scripts/start-postgres.sh stop        # stop it again
#
# Idempotent and safe to run concurrently: the cluster lives in $DESIGNER_PG_DIR
# (default /tmp/designer-pg-$PORT), listens on 127.0.0.1 only, trusts loopback
# connections and is tuned for speed over durability (fsync off): test data only.
# Only the URL goes to stdout; everything else goes to stderr.
set -euo pipefail

PORT="${DESIGNER_PG_PORT:-55432}"
DATA="${DESIGNER_PG_DIR:-/tmp/designer-pg-$PORT}"
DATABASE="${DESIGNER_PG_DATABASE:-designer_test}"
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$DATABASE"

say() { echo "start-postgres: $*" >&2; }

# The newest installed server's bin directory (Debian keeps them under /usr/lib/postgresql/N/bin).
find_bindir() {
    local candidates=()
    for candidate in /usr/lib/postgresql/*/bin; do
        [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] && candidates+=("$candidate")
    done
    if ((${#candidates[@]})); then
        printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1
    elif command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(readlink -f "$(command -v initdb)")"
    fi
}

BINDIR="$(find_bindir)"
if [[ -z "$BINDIR" ]]; then
    say "initdb not found; installing postgresql with apt-get"
    if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update >&2
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y postgresql >&2
    BINDIR="$(find_bindir)"
    [[ -n "$BINDIR" ]] || { say "no initdb after installing postgresql"; exit 1; }
fi

# PostgreSQL refuses to run as root: run the server as the `postgres` user then.
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    as_server() { runuser -u postgres -- "$@"; }
    OWNER=postgres
else
    as_server() { "$@"; }
    OWNER="$(id -un)"
fi

exec 9>"/tmp/designer-pg-$PORT.lock"
flock 9   # two `make test` at once: the second waits, then reuses the running cluster

running() { as_server "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

if [[ "${1:-}" == "stop" ]]; then
    if running; then as_server "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
    exit 0
fi

if [[ ! -s "$DATA/PG_VERSION" ]]; then
    say "creating cluster in $DATA"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    chown "$OWNER" "$DATA"
    chmod 700 "$DATA"
    as_server "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >&2 || as_server "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C >&2
fi

if ! running; then
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    as_server "$BINDIR/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start -o \
        "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DATA \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2 9>&- \
        || { tail -n 30 "$DATA/server.log" >&2; exit 1; }
fi

psql_admin() { "$BINDIR/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
for _ in $(seq 1 30); do
    psql_admin -c "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.5
done
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]]; then
    psql_admin -c "CREATE DATABASE \"$DATABASE\"" >&2
fi

echo "$URL"
