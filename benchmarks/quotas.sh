#!/usr/bin/env bash
# Request quota enforcement under load (release build, in-memory store, wrk, loopback): for each configured rate of
# the symmetric cryptographic quota, the rate of Encrypt requests admitted against the rate configured (the first
# second's burst included, so expect rate × (seconds + 1) / seconds), and what admission costs on the hot path
# (a quota far above the load against no quota at all). Usage: benchmarks/quotas.sh [seconds per run, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-5}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source benchmarks/common.sh
build_release
WORK="$(mktemp -d)"
cat >"$WORK/count.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f\n", summary.requests, summary.errors.status, summary.duration / 1e6))
end
LUA

measure() {  # measure LABEL [serve options…] → LABEL total non-2xx seconds
    local label="$1"
    shift
    start_trent "$@"
    local key
    key="$(call CreateKey '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
    wrk_script "$WORK/encrypt.lua" Encrypt "{\"KeyId\":\"$key\",\"Plaintext\":\"$(head -c 64 /dev/urandom | base64 -w0)\"}"
    cat "$WORK/count.lua" >>"$WORK/encrypt.lua"
    sleep 1.2  # a full bucket at the start, as after a quiet second
    wrk -t2 -c64 -d"${DURATION}s" -s "$WORK/encrypt.lua" "$ENDPOINT/" | grep '^RESULT' | sed "s/^RESULT/$label/"
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
}

for rate in 100 1000 5000; do
    printf 'cryptographic-symmetric: %s\n' "$rate" >"$WORK/q$rate.yaml"
    measure "quota-$rate" --quotas "$WORK/q$rate.yaml"
done >"$WORK/limited"
printf 'cryptographic-symmetric: 1000000000\n' >"$WORK/huge.yaml"
{
    measure none
    measure far-above --quotas "$WORK/huge.yaml"
    measure none
    measure far-above --quotas "$WORK/huge.yaml"
} >"$WORK/overhead"

echo "Quota enforcement: Encrypt of 64 bytes, 64 connections, ${DURATION}s per run, $(nproc) cores, in-memory store"
awk '{ rate=substr($1, 7); admitted=$2-$3; printf "%-12s configured %6d/s  admitted %8.1f/s  (burst included: expected %8.1f/s)  throttled %d\n",
       $1, rate, admitted/$4, rate*($4+1)/$4, $3 }' "$WORK/limited"
awk '{ sum[$1]+=$2/$4; n[$1]++ } END { for (k in sum) printf "%-12s %9.0f req/s (mean of %d runs)\n", k, sum[k]/n[k], n[k];
       printf "admission cost: far-above / none = %.3f\n", (sum["far-above"]/n["far-above"]) / (sum["none"]/n["none"]) }' "$WORK/overhead"
