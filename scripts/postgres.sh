# A throwaway PostgreSQL server for the tests (sourced, not run): Debian's postgresql package, a cluster made by
# initdb in a temporary directory, listening on 127.0.0.1 only on a free port, owned by the `postgres` user
# (PostgreSQL refuses to run as root). After `start_postgres`: POSTGRES_URL (postgres://trent@127.0.0.1:PORT/
# postgres?sslmode=disable) and POSTGRES_DIR; `stop_postgres` stops it and removes the directory.

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

postgres_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

start_postgres() {
    if [ -z "$(postgres_bin)" ]; then
        if [ "$(id -u)" = 0 ]; then apt-get update -qq; else sudo apt-get update -qq; fi
        if [ "$(id -u)" = 0 ]; then apt-get install -y -qq postgresql >/dev/null; else sudo apt-get install -y -qq postgresql >/dev/null; fi
    fi
    local bin
    bin="$(postgres_bin)"
    POSTGRES_DIR="$(mktemp -d /tmp/trent-postgres.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then chown postgres "$POSTGRES_DIR"; else sudo chown postgres "$POSTGRES_DIR"; fi
    as_postgres "$bin/initdb" -D "$POSTGRES_DIR/data" -U trent -A trust --no-sync >/dev/null
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    as_postgres "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $POSTGRES_DIR -c max_connections=200" start >/dev/null
    POSTGRES_URL="postgres://trent@127.0.0.1:$port/postgres?sslmode=disable"
    export POSTGRES_URL POSTGRES_DIR
}

stop_postgres() {
    [ -n "${POSTGRES_DIR:-}" ] || return 0
    as_postgres "$(postgres_bin)/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    if [ "$(id -u)" = 0 ]; then rm -rf "$POSTGRES_DIR"; else sudo rm -rf "$POSTGRES_DIR"; fi
    POSTGRES_DIR=""
}

# A streaming standby of the server started by start_postgres (pg_basebackup -R), on its own free port, and the
# primary told to wait for it at every commit (synchronous replication). Sets STANDBY_URL and STANDBY_DIR.
start_standby() {
    local bin port primary_port
    bin="$(postgres_bin)"
    primary_port="$(echo "$POSTGRES_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')"
    STANDBY_DIR="$(mktemp -d /tmp/trent-standby.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then chown postgres "$STANDBY_DIR"; else sudo chown postgres "$STANDBY_DIR"; fi
    as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U trent -D "$STANDBY_DIR/data" -R -X stream >/dev/null
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    as_postgres "$bin/pg_ctl" -D "$STANDBY_DIR/data" -l "$STANDBY_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $STANDBY_DIR -c max_connections=200" start >/dev/null
    psql "$POSTGRES_URL" -qc "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
    STANDBY_URL="postgres://trent@127.0.0.1:$port/postgres?sslmode=disable"
    export STANDBY_URL STANDBY_DIR
}
