#!/usr/bin/env bash
# Where one request's time goes: perf samples the release server (software cpu-clock events, which work where the
# hardware counters and valgrind do not) while wrk drives one scenario, then prints the share of samples spent
# in each component, inclusive (nested components overlap; async tasks are sampled on the pool's threads).
# Usage: benchmarks/profile.sh [Encrypt|Decrypt|Sign|ListAliases] [seconds, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO="${1:-Encrypt}"
DURATION="${2:-8}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf; }
source benchmarks/common.sh
build_release
start_trent
KEY="$(call CreateKey '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
PLAINTEXT="$(head -c 4096 /dev/urandom | base64 -w0)"
case "$SCENARIO" in
    Encrypt) BODY="{\"KeyId\":\"$KEY\",\"Plaintext\":\"$PLAINTEXT\"}" ;;
    Decrypt)
        BLOB="$(call Encrypt "{\"KeyId\":\"$KEY\",\"Plaintext\":\"$PLAINTEXT\"}" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["CiphertextBlob"])')"
        BODY="{\"CiphertextBlob\":\"$BLOB\"}" ;;
    Sign)
        SIGNER="$(call CreateKey '{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}' \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')"
        BODY="{\"KeyId\":\"$SIGNER\",\"Message\":\"$(printf m | base64)\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}" ;;
    ListAliases)
        for i in $(seq 1000); do call CreateAlias "{\"AliasName\":\"alias/p-$i\",\"TargetKeyId\":\"$KEY\"}" >/dev/null; done
        BODY='{"Limit":100}' ;;
    *) echo "unknown scenario $SCENARIO"; exit 2 ;;
esac
wrk_script "$WORK/load.lua" "$SCENARIO" "$BODY"
wrk -t2 -c64 -d"$((DURATION + 4))s" -s "$WORK/load.lua" "$ENDPOINT/" >"$WORK/wrk.out" &
LOAD=$!
sleep 2
perf record -q -e cpu-clock -F 2000 -g -p "$SERVER" -o "$WORK/perf.data" -- sleep "$DURATION" >/dev/null 2>&1
wait "$LOAD"
grep -E "Requests/sec" "$WORK/wrk.out"
perf report -i "$WORK/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | swift demangle --simplified \
    | python3 -c '
import re, sys
rows = []
for line in sys.stdin:
    match = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*)", line)
    if match:
        rows.append((float(match.group(1)), match.group(3)))
components = [
    ("HTTP: NIO event loop (reads, writes, HTTP codec)", r"SelectableEventLoop\.handleEvent"),
    ("the route (Trent router closure)", r"closure #1 in static TrentRouter\.build"),
    ("dispatcher (whole operation)", r"Dispatcher\.handle"),
    ("JSON parsing of the body (once, to a JSONValue)", r"JSONParser\.parse"),
    ("typed request decoded from the parsed body", r"JSONValueDecoder\.decode<"),
    ("model validation", r"ServiceModel\.validate"),
    ("operation: typed decode + perform + encode", r"KMSOperation\.invoke"),
    ("authorization", r"Call\.authorize"),
    ("key resolution", r"Call\.resolveKey"),
    ("symmetric sealing (HKDF, AES-GCM, random)", r"Call\.sealSymmetric|Call\.openSymmetric"),
    ("signing", r"AsymmetricPrivateKey\.sign|P256\.Signing"),
    ("JSON writing of the response", r"JSONWriter\.encode<"),
    ("base64 decoding", r"Base64\._decodeToData|Data\.init\(base64Encoded"),
    ("base64 encoding", r"Base64\.encodeToString|base64EncodedString|base64EncodedData"),
    ("metrics (swift-metrics, Prometheus)", r"PrometheusMetricsFactory|Counter\.init\(label|Timer\.init\(label|Prometheus"),
    ("usage noting", r"KMS\.noteUsage"),
    ("request and event ids", r"RandomUUID\.make"),
    ("allocation (malloc/free)", r"^malloc$|^_int_malloc$|^cfree|^_int_free$"),
    ("reference counting (swift_retain/release)", r"^swift_retain$|^swift_release$"),
]
print("component                                              samples (inclusive %)")
for label, pattern in components:
    share = max([s for s, symbol in rows if re.search(pattern, symbol)] or [0])
    print(f"  {label:<52}{share:6.1f} %")
'
