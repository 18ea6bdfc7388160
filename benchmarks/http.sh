#!/usr/bin/env bash
# HTTP benchmark of Trent's hot path (release build, in-memory store): requests/s and p99 latency of Encrypt
# (4 KB), Decrypt and GenerateDataKey at 64 connections, beside GET /health on the same server (the HTTP floor),
# and the ratios between them, all from one run. Usage: benchmarks/http.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS=64
THREADS=2

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source benchmarks/common.sh
build_release
start_trent
KEY="$(call CreateKey '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
PLAINTEXT="$(head -c 4096 /dev/urandom | base64 -w0)"
ENCRYPT_BODY="{\"KeyId\":\"$KEY\",\"Plaintext\":\"$PLAINTEXT\"}"
BLOB="$(call Encrypt "{\"KeyId\":\"$KEY\",\"Plaintext\":\"$(head -c 32 /dev/urandom | base64 -w0)\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["CiphertextBlob"])')"
DECRYPT_BODY="{\"CiphertextBlob\":\"$BLOB\"}"
GDK_BODY="{\"KeyId\":\"$KEY\",\"KeySpec\":\"AES_256\"}"

script() {  # script NAME OPERATION BODY → a wrk Lua script posting that request
    cat >"$WORK/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-Amz-Target"] = "TrentService.$2"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.body = '$3'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}
cat >"$WORK/floor.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
script encrypt Encrypt "$ENCRYPT_BODY"
script decrypt Decrypt "$DECRYPT_BODY"
script gdk GenerateDataKey "$GDK_BODY"

run() {  # run LABEL SCRIPT PATH
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/$2.lua" "$ENDPOINT$3" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
# Warm up, then measure everything in this one run.
wrk -t1 -c8 -d2s -s "$WORK/encrypt.lua" "$ENDPOINT/" >/dev/null
{
    run floor floor /health
    run encrypt-4KB encrypt /
    run decrypt decrypt /
    run generate-data-key gdk /
} >"$WORK/results"

echo "Trent HTTP benchmark: $CONNECTIONS connections, $THREADS wrk threads, ${DURATION}s per run, $(nproc) cores, in-memory store"
awk 'NR==1 { frps=$2; fp99=$3 }
     { printf "%-18s %10.0f req/s  p99 %7.2f ms   req/s vs floor %5.2f   p99 vs floor %5.2f   non-2xx %d  socket errors %d\n", $1, $2, $3, $2/frps, $3/fp99, $4, $5 }' "$WORK/results"
RSS_KB="$(ps -o rss= -p "$SERVER" | tr -d ' ')"
echo "server resident memory after the run: $((RSS_KB / 1024)) MB"
