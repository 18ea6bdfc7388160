#!/usr/bin/env bash
# Sign over HTTP (wrk, 64 connections) beside the same signatures made directly by the crypto library in one
# process on every core (`trent benchmark-crypto`), for ECC_NIST_P256 and RSA_2048, as ratios from one run.
# Usage: benchmarks/sign.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source benchmarks/common.sh
build_release
WORK="$(mktemp -d)"
"$BIN" benchmark-crypto --seconds "$DURATION" >"$WORK/direct"
start_trent
key() { call CreateKey "{\"KeySpec\":\"$1\",\"KeyUsage\":\"SIGN_VERIFY\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])'; }
MESSAGE="$(printf 'Trent benchmark message' | base64 -w0)"

measure() {  # measure LABEL SPEC ALGORITHM
    local id; id="$(key "$2")"
    cat >"$WORK/sign.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-Amz-Target"] = "TrentService.Sign"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.body = '{"KeyId":"$id","Message":"$MESSAGE","SigningAlgorithm":"$3"}'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, summary.errors.status))
end
LUA
    wrk -t2 -c64 -d"${DURATION}s" -s "$WORK/sign.lua" "$ENDPOINT/" | grep '^RESULT' | sed "s#^RESULT#$1#"
}
{
    measure ECC_NIST_P256/ECDSA_SHA_256 ECC_NIST_P256 ECDSA_SHA_256
    measure RSA_2048/RSASSA_PSS_SHA_256 RSA_2048 RSASSA_PSS_SHA_256
} >"$WORK/http"

echo "Sign over HTTP (64 connections, wrk on the same $(nproc) cores) vs the crypto library in-process ($(nproc) threads), ${DURATION}s each"
join <(sort "$WORK/direct") <(sort "$WORK/http") | awk '{ printf "%-30s direct %9.0f/s   HTTP %9.0f/s p99 %6.2f ms   HTTP/direct %5.2f   non-2xx %d\n", $1, $2, $3, $4, $3/$2, $5 }'
