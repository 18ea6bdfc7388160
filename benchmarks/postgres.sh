#!/usr/bin/env bash
# Encrypt (4 KB) and CreateKey on one SQLite node, one PostgreSQL node and two PostgreSQL nodes sharing one
# database, in one run (release, loopback, a throwaway PostgreSQL from scripts/postgres.sh). With two nodes both
# are loaded at once (half the connections each) and their rates added. Also prints PostgreSQL's own CPU time per
# CreateKey, the figure to scale from. Usage: benchmarks/postgres.sh [seconds per run, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-5}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source benchmarks/common.sh
source scripts/postgres.sh
build_release
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; stop_postgres; rm -rf "$WORK"' EXIT
start_postgres
psql "$POSTGRES_URL" -qc "CREATE DATABASE bench"
STORE="${POSTGRES_URL/\/postgres\?/\/bench?}"
head -c 32 /dev/urandom | xxd -p -c 64 >"$WORK/root.key"

serve() {  # serve NAME ARGS… → URL[NAME]
    "$BIN" serve --port 0 --log-level warning --root-key-file "$WORK/root.key" "${@:2}" >"$WORK/$1.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        URL[$1]="$(grep -o 'http://[0-9.:]*' "$WORK/$1.log" | head -1 || true)"
        [ -n "${URL[$1]}" ] && return
        sleep 0.1
    done
    cat "$WORK/$1.log"
    exit 1
}
declare -A URL
serve sqlite --data-dir "$WORK/sqlite"
serve pg1 --data-dir "$WORK/pg1" --store "$STORE"
serve pg2 --data-dir "$WORK/pg2" --store "$STORE"

ENDPOINT="${URL[pg1]}"
KEY="$(call CreateKey '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
ENDPOINT="${URL[sqlite]}"
SQLITE_KEY="$(call CreateKey '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
PLAINTEXT="$(head -c 4096 /dev/urandom | base64 -w0)"
cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f\n", summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
LUA
load() {  # load SCRIPT CONNECTIONS URL… → summed req/s and the worst p99
    local script="$1" connections="$2" outs=() loads=()
    shift 2
    cat "$WORK/$script.lua" "$WORK/report.lua" >"$WORK/run-$script.lua"
    for url in "$@"; do
        local out="$WORK/out.$RANDOM"
        outs+=("$out")
        wrk -t1 -c"$connections" -d"${DURATION}s" -s "$WORK/run-$script.lua" "$url/" >"$out" &
        loads+=($!)
    done
    wait "${loads[@]}"
    cat "${outs[@]}" | awk '/^RESULT/ { rps += $2; if ($3 > p99) p99 = $3 } END { printf "%10.0f req/s   p99 %7.2f ms\n", rps, p99 }'
}
wrk_script "$WORK/encrypt-pg.lua" Encrypt "{\"KeyId\":\"$KEY\",\"Plaintext\":\"$PLAINTEXT\"}"
wrk_script "$WORK/encrypt-sqlite.lua" Encrypt "{\"KeyId\":\"$SQLITE_KEY\",\"Plaintext\":\"$PLAINTEXT\"}"
wrk_script "$WORK/create.lua" CreateKey '{}'

cpu_of_postgres() {  # total CPU seconds of every PostgreSQL process of the test cluster
    for pid in $(pgrep -u postgres); do cat "/proc/$pid/stat" 2>/dev/null; done \
        | awk -v hz="$(getconf CLK_TCK)" '{ s += $14 + $15 } END { print s / hz }'
}
echo "Trent on PostgreSQL: ${DURATION}s per run, $(nproc) cores shared by wrk, PostgreSQL and the nodes"
printf "%-34s" "Encrypt 4 KB, SQLite node:"; load encrypt-sqlite 64 "${URL[sqlite]}"
printf "%-34s" "Encrypt 4 KB, one PostgreSQL node:"; load encrypt-pg 64 "${URL[pg1]}"
printf "%-34s" "Encrypt 4 KB, two PostgreSQL nodes:"; load encrypt-pg 32 "${URL[pg1]}" "${URL[pg2]}"
printf "%-34s" "CreateKey, SQLite node:"; load create 64 "${URL[sqlite]}"
before="$(cpu_of_postgres)"
created_before="$(psql "$STORE" -tAc 'SELECT count(*) FROM trent_keys')"
printf "%-34s" "CreateKey, one PostgreSQL node:"; load create 64 "${URL[pg1]}"
after="$(cpu_of_postgres)"
created_after="$(psql "$STORE" -tAc 'SELECT count(*) FROM trent_keys')"
printf "%-34s" "CreateKey, two PostgreSQL nodes:"; load create 32 "${URL[pg1]}" "${URL[pg2]}"
python3 - "$before" "$after" "$created_before" "$created_after" <<'PY'
import sys
before, after, n0, n1 = map(float, sys.argv[1:])
keys = n1 - n0
if keys > 0:
    print(f"PostgreSQL CPU per CreateKey: {(after - before) / keys * 1e6:.0f} µs ({keys:.0f} keys)")
PY
for name in sqlite pg1 pg2; do
    echo "peak resident memory of $name: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$(pgrep -f "$WORK/$name" | head -1)/status" 2>/dev/null || echo '?')"
done
