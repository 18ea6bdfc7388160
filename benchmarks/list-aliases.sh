#!/usr/bin/env bash
# ListAliases over HTTP with 1,000 aliases (Limit 100; the first page and a middle page) beside the HTTP floor
# (trent-floor: a trivial POST route on the same Hummingbird stack), on the default SQLite store, from one run.
# Usage: benchmarks/list-aliases.sh [seconds per run, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-8}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source benchmarks/common.sh
build_release
swift build -c release --product trent-floor >/dev/null 2>&1
WORK="$(mktemp -d)"
"$(swift build -c release --show-bin-path 2>/dev/null)/trent-floor" 0 >"$WORK/floor.log" 2>&1 &
FLOOR=$!
trap 'kill $FLOOR $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1
FLOOR_ENDPOINT="$(grep -o 'http://[0-9.:]*' "$WORK/floor.log" | head -1)"
# start_trent sets its own trap: keep the floor's too.
start_trent --data-dir "$WORK/data"
trap 'kill $FLOOR $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
KEY="$(call CreateKey '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
for i in $(seq -w 1000); do call CreateAlias "{\"AliasName\":\"alias/list-$i\",\"TargetKeyId\":\"$KEY\"}" >/dev/null; done
MIDDLE="$(call ListAliases '{"Limit":500}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["NextMarker"])')"
run() {  # run LABEL URL BODY
    wrk_script "$WORK/run.lua" ListAliases "$3"
    wrk -t2 -c64 -d"${DURATION}s" --latency -s "$WORK/run.lua" "$2/" | awk -v label="$1" '
        /Requests\/sec/ { rps = $2 } / 99%/ { p99 = $2 } END { printf "%-24s %10s req/s  p99 %10s\n", label, rps, p99 }'
}
run "floor" "$FLOOR_ENDPOINT" '{"Limit":100}'
run "ListAliases first page" "$ENDPOINT" '{"Limit":100}'
run "ListAliases middle page" "$ENDPOINT" "{\"Limit\":100,\"Marker\":\"$MIDDLE\"}"
