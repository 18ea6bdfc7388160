#!/usr/bin/env bash
# The floor, Trent (SQLite store and in-memory) and moto's server in one run, interleaved scenario by scenario,
# at 64 connections and at 1: requests/s, p50, p99, the ratios to the floor and to moto, and each server's peak
# resident memory. Release builds, loopback only, bounded in time (about 12 scenarios x 2 levels x 4 servers x
# SECONDS). Usage: benchmarks/compare.sh [seconds per run, default 4] [scenario filter regex, default all]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-4}"
FILTER="${2:-.}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
python3 -c 'import moto' 2>/dev/null || pip install -q 'moto[server]'
source benchmarks/common.sh
build_release
swift build -c release --product trent-floor >/dev/null
FLOOR_BIN="$(dirname "$BIN")/trent-floor"
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

wait_for() {  # wait_for LOG → the http://host:port the server printed
    local url=""
    for _ in $(seq 150); do
        url="$(grep -o 'http://127.0.0.1:[0-9]*' "$1" | head -1 || true)"
        [ -n "$url" ] && { echo "$url"; return; }
        sleep 0.1
    done
    cat "$1" >&2
    exit 1
}

"$FLOOR_BIN" 0 >"$WORK/floor.log" 2>&1 &
PIDS+=($!); FLOOR_PID=$!
"$BIN" serve --data-dir "$WORK/sqlite" --port 0 --log-level warning >"$WORK/sqlite.log" 2>&1 &
PIDS+=($!); SQLITE_PID=$!
"$BIN" serve --in-memory --port 0 --log-level warning >"$WORK/memory.log" 2>&1 &
PIDS+=($!); MEMORY_PID=$!
MOTO_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!); MOTO_PID=$!
declare -A URL PID
URL[floor]="$(wait_for "$WORK/floor.log")"; PID[floor]=$FLOOR_PID
URL[trent-sqlite]="$(wait_for "$WORK/sqlite.log")"; PID[trent-sqlite]=$SQLITE_PID
URL[trent-memory]="$(wait_for "$WORK/memory.log")"; PID[trent-memory]=$MEMORY_PID
for _ in $(seq 100); do curl -s "http://127.0.0.1:$MOTO_PORT/" >/dev/null && break; sleep 0.1; done
URL[moto]="http://127.0.0.1:$MOTO_PORT"; PID[moto]=$MOTO_PID
SERVERS=(trent-sqlite trent-memory moto)
# moto reads the Region and account from the SigV4 header; it does not check the signature.
AUTH='AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000'

kms() {  # kms SERVER OPERATION JSON → response body
    curl -s -X POST "${URL[$1]}/" -H "X-Amz-Target: TrentService.$2" -H 'Content-Type: application/x-amz-json-1.1' \
        -H "Authorization: $AUTH" -H 'X-Amz-Date: 20261202T000000Z' -d "$3"
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

PLAINTEXT="$(head -c 4096 /dev/urandom | base64 -w0)"
MESSAGE="$(printf 'Trent benchmark message' | base64 -w0)"
declare -A BODY
echo "setting up keys and 1,000 aliases on each server…" >&2
for server in "${SERVERS[@]}"; do
    sym="$(kms "$server" CreateKey '{}' | field '["KeyMetadata"]["KeyId"]')"
    ec="$(kms "$server" CreateKey '{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}' | field '["KeyMetadata"]["KeyId"]')"
    rsa="$(kms "$server" CreateKey '{"KeySpec":"RSA_2048","KeyUsage":"SIGN_VERIFY"}' | field '["KeyMetadata"]["KeyId"]')"
    mac="$(kms "$server" CreateKey '{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}' | field '["KeyMetadata"]["KeyId"]')"
    kms "$server" CreateAlias "{\"AliasName\":\"alias/bench\",\"TargetKeyId\":\"$sym\"}" >/dev/null
    python3 - "${URL[$server]}" "$sym" "$AUTH" <<'PY'
import sys, json, urllib.request
url, key, auth = sys.argv[1:]
for i in range(1000):
    body = json.dumps({"AliasName": f"alias/p-{i:04d}", "TargetKeyId": key}).encode()
    request = urllib.request.Request(url + "/", data=body, method="POST", headers={
        "X-Amz-Target": "TrentService.CreateAlias", "Content-Type": "application/x-amz-json-1.1",
        "Authorization": auth, "X-Amz-Date": "20261202T000000Z"})
    urllib.request.urlopen(request).read()
PY
    blob="$(kms "$server" Encrypt "{\"KeyId\":\"$sym\",\"Plaintext\":\"$PLAINTEXT\"}" | field '["CiphertextBlob"]')"
    signature="$(kms "$server" Sign "{\"KeyId\":\"$ec\",\"Message\":\"$MESSAGE\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}" | field '["Signature"]')"
    # The marker after 300 aliases (servers that page without markers list the first page again).
    marker=""
    for _ in 1 2 3; do
        marker="$(kms "$server" ListAliases "{\"Limit\":100${marker:+,\"Marker\":\"$marker\"}}" | field '.get("NextMarker", "")')"
    done
    BODY[$server:Encrypt-4KB]="Encrypt {\"KeyId\":\"$sym\",\"Plaintext\":\"$PLAINTEXT\"}"
    BODY[$server:Decrypt-4KB]="Decrypt {\"CiphertextBlob\":\"$blob\"}"
    BODY[$server:GenerateDataKey]="GenerateDataKey {\"KeyId\":\"$sym\",\"KeySpec\":\"AES_256\"}"
    BODY[$server:Sign-P256]="Sign {\"KeyId\":\"$ec\",\"Message\":\"$MESSAGE\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}"
    BODY[$server:Sign-RSA2048-PSS]="Sign {\"KeyId\":\"$rsa\",\"Message\":\"$MESSAGE\",\"SigningAlgorithm\":\"RSASSA_PSS_SHA_256\"}"
    BODY[$server:Verify-P256]="Verify {\"KeyId\":\"$ec\",\"Message\":\"$MESSAGE\",\"Signature\":\"$signature\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}"
    BODY[$server:GenerateMac]="GenerateMac {\"KeyId\":\"$mac\",\"Message\":\"$MESSAGE\",\"MacAlgorithm\":\"HMAC_SHA_256\"}"
    BODY[$server:DescribeKey-alias]="DescribeKey {\"KeyId\":\"alias/bench\"}"
    BODY[$server:ListAliases-first]="ListAliases {\"Limit\":100}"
    BODY[$server:ListAliases-middle]="ListAliases {\"Limit\":100${marker:+,\"Marker\":\"$marker\"}}"
    BODY[$server:CreateKey]="CreateKey {}"
done
SCENARIOS=(Encrypt-4KB Decrypt-4KB GenerateDataKey Sign-P256 Sign-RSA2048-PSS Verify-P256 GenerateMac DescribeKey-alias
    ListAliases-first ListAliases-middle mixed CreateKey)

script() {  # script FILE SERVER SCENARIO → a wrk Lua script
    {
        echo "local auth = '$AUTH'"
        echo 'local requests = {}'
        if [ "$3" = mixed ]; then
            for part in Encrypt-4KB Decrypt-4KB GenerateDataKey DescribeKey-alias Sign-P256 Verify-P256; do
                local spec="${BODY[$2:$part]}"
                echo "requests[#requests + 1] = {'${spec%% *}', '${spec#* }'}"
            done
        else
            local spec="${BODY[$2:$3]}"
            echo "requests[1] = {'${spec%% *}', '${spec#* }'}"
        fi
        cat <<'LUA'
local n = 0
request = function()
    n = n + 1
    local r = requests[(n % #requests) + 1]
    return wrk.format("POST", "/", {["X-Amz-Target"] = "TrentService." .. r[1],
        ["Content-Type"] = "application/x-amz-json-1.1", ["Authorization"] = auth,
        ["X-Amz-Date"] = "20261202T000000Z"}, r[2])
end
done = function(summary, latency, requests)
    io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n", summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
    } >"$1"
}

run() {  # run SERVER SCENARIO CONNECTIONS → "req/s p50 p99 non2xx socketerrors"
    local source="$1"
    [ "$1" = floor ] && source=trent-memory  # the floor reads the same request body Trent does
    script "$WORK/run.lua" "$source" "$2"
    local threads=2
    [ "$3" = 1 ] && threads=1
    wrk -t"$threads" -c"$3" -d"${DURATION}s" --timeout 10s -s "$WORK/run.lua" "${URL[$1]}/" | grep '^RESULT' | cut -d' ' -f2-
}

RESULTS="$WORK/results"
for connections in 64 1; do
    for scenario in "${SCENARIOS[@]}"; do
        [[ "$scenario" =~ $FILTER ]] || continue
        for server in floor "${SERVERS[@]}"; do
            # moto answers one request at a time per thread; at 64 connections its runs are kept, however slow.
            echo "$connections $scenario $server $(run "$server" "$scenario" "$connections")" >>"$RESULTS"
        done
    done
done

echo "Servers compared in one run: $(nproc) cores shared with wrk, ${DURATION}s per run, loopback, release builds"
python3 - "$RESULTS" <<'PY'
import sys, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    conns, scenario, server, rps, p50, p99, non2xx, errors = line.split()
    rows[(int(conns), scenario)][server] = (float(rps), float(p50), float(p99), int(non2xx), int(errors))
for conns in (64, 1):
    print(f"\n{conns} connection{'s' if conns > 1 else ''}: req/s (p50 / p99 ms); Trent's ratios to the floor and to moto")
    print(f"{'scenario':<20}{'floor':>22}{'trent-sqlite':>26}{'trent-memory':>26}{'moto':>22}  sqlite/floor memory/floor memory/moto")
    for (c, scenario), servers in rows.items():
        if c != conns: continue
        cell = lambda s: (f"{servers[s][0]:>8.0f} ({servers[s][1]:.2f}/{servers[s][2]:.2f})" + (f" !{servers[s][3]+servers[s][4]}" if servers[s][3]+servers[s][4] else "")) if s in servers else "-"
        floor = servers.get("floor", (0,))[0] or 1
        moto = servers.get("moto", (0,))[0] or 1
        print(f"{scenario:<20}{cell('floor'):>22}{cell('trent-sqlite'):>26}{cell('trent-memory'):>26}{cell('moto'):>22}"
              f"  {servers['trent-sqlite'][0]/floor:>11.2f} {servers['trent-memory'][0]/floor:>12.2f} {servers['trent-memory'][0]/moto:>11.1f}")
PY
echo
for server in floor trent-sqlite trent-memory moto; do
    echo "peak resident memory of $server: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/${PID[$server]}/status")"
done
echo "(\"!n\": n answers that were not 2xx or socket errors; CreateKey runs last, so its keys do not slow the others)"
