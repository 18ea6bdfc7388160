#!/usr/bin/env bash
# libFuzzer over Trent's parsers: the JSON 1.1 request of every operation, the ciphertext blob, the key policy
# parser and evaluator, SigV4's header and query forms, the seed file loader, and Nitro attestation documents. Builds in its own folder
# (.build-fuzz, -sanitize=fuzzer,address), then runs each target for SECONDS from the committed corpus in
# fuzz/corpus/TARGET (new inputs found go to a scratch copy, not into the repository). A crash, a sanitizer
# report or a KMSInternalException stops with the input saved under fuzz/findings/; make it a regression test.
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(request ciphertext policy sigv4 seed attestation)

BUILD=(swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
if ! TRENT_FUZZ=1 "${BUILD[@]}" --product trent-fuzz >"$(mktemp)" 2>&1; then
    TRENT_FUZZ=1 "${BUILD[@]}" --product trent-fuzz 2>&1 | grep -E "error" | head -20
    exit 1
fi
BIN="$(TRENT_FUZZ=1 "${BUILD[@]}" --show-bin-path 2>/dev/null)/trent-fuzz"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p fuzz/findings

printf '%-11s %12s %10s %8s %8s  %s\n' target executions exec/s cov features result
for target in "${TARGETS[@]}"; do
    mkdir -p "$WORK/$target"
    cp fuzz/corpus/"$target"/* "$WORK/$target/"
    status=0
    TRENT_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$BIN" -max_total_time="$SECONDS_PER_TARGET" -timeout=20 \
        -rss_limit_mb=6144 -print_final_stats=1 -artifact_prefix="fuzz/findings/$target-" "$WORK/$target" \
        >"$WORK/$target.log" 2>&1 || status=$?
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$WORK/$target.log" | grep -o '[0-9]*$' || echo 0)"
    speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$WORK/$target.log" | grep -o '[0-9]*$' || echo 0)"
    last="$(grep -E '#[0-9]+' "$WORK/$target.log" | tail -1)"
    cov="$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo -)"
    ft="$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo -)"
    if [ "$status" -ne 0 ]; then
        printf '%-11s %12s %10s %8s %8s  %s\n' "$target" "$runs" "$speed" "$cov" "$ft" "FINDING (exit $status)"
        grep -E 'ERROR|Fatal error|fatal error|SUMMARY|Test unit written' "$WORK/$target.log" | head -20
        exit 1
    fi
    printf '%-11s %12s %10s %8s %8s  %s\n' "$target" "$runs" "$speed" "$cov" "$ft" "no finding"
done
