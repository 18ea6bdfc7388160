#!/usr/bin/env bash
# The cost of --auth sigv4 (signature verification plus key-policy and IAM-policy evaluation) on Encrypt,
# against the same server with --auth none, from one run. A request signed once by botocore is replayed by
# wrk (valid for the 15-minute window), so the server verifies the full signature on every request.
# Usage: benchmarks/auth.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product trent >/dev/null
BIN="$(swift build -c release --show-bin-path)/trent"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat >"$WORK/credentials.json" <<'JSON'
{"credentials": [{"accessKeyId": "AKIABENCHMARK0000001", "secretAccessKey": "bench-secret", "account": "111122223333",
  "principal": "arn:aws:iam::111122223333:user/bench",
  "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}]}]}
JSON

start() {  # start NAME ARGS… → endpoint in $WORK/NAME.endpoint
    local name=$1; shift
    "$BIN" serve --in-memory --port 0 --log-level warning "$@" >"$WORK/$name.log" 2>&1 &
    for _ in $(seq 100); do
        grep -o 'http://[0-9.:]*' "$WORK/$name.log" | head -1 >"$WORK/$name.endpoint" || true
        [ -s "$WORK/$name.endpoint" ] && return
        sleep 0.1
    done
    cat "$WORK/$name.log"; exit 1
}
start open
start signed --auth sigv4 --credentials "$WORK/credentials.json"

# A key in each server, and one signed Encrypt request for each as a wrk script.
python3 - "$(cat "$WORK/open.endpoint")" "$(cat "$WORK/signed.endpoint")" "$WORK" <<'PY'
import base64, json, sys
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
open_url, signed_url, work = sys.argv[1:4]
creds = Credentials("AKIABENCHMARK0000001", "bench-secret")
for name, url in [("open", open_url), ("signed", signed_url)]:
    kms = boto3.client("kms", endpoint_url=url, region_name="us-east-1", aws_access_key_id=creds.access_key,
                       aws_secret_access_key=creds.secret_key)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    body = json.dumps({"KeyId": key, "Plaintext": base64.b64encode(b"x" * 4096).decode()})
    request = AWSRequest(method="POST", url=url + "/", data=body.encode(),
                         headers={"X-Amz-Target": "TrentService.Encrypt", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(creds, "kms", "us-east-1").add_auth(request)
    lines = ['wrk.method = "POST"', "wrk.body = '%s'" % body]
    for k, v in request.headers.items():
        if k.lower() != "host":
            lines.append('wrk.headers["%s"] = "%s"' % (k, v))
    lines.append('done = function(s, l, r) io.write(string.format("RESULT %.1f %.3f %d\\n", s.requests / (s.duration / 1e6), l:percentile(99) / 1000, s.errors.status)) end')
    open(f"{work}/{name}.lua", "w").write("\n".join(lines) + "\n")
PY
run() { wrk -t2 -c64 -d"${DURATION}s" -s "$WORK/$1.lua" "$(cat "$WORK/$1.endpoint")/" | grep '^RESULT' | sed "s/^RESULT/$1/"; }
run open >"$WORK/results"; run signed >>"$WORK/results"
echo "Encrypt 4 KB at 64 connections, $(nproc) cores shared with wrk, ${DURATION}s each"
awk 'NR==1 { o=$2; p=$3 } { printf "%-7s %9.0f req/s  p99 %6.2f ms  vs --auth none: req/s %5.2f  p99 %5.2f  non-2xx %d\n", $1, $2, $3, $2/o, $3/p, $4 }' "$WORK/results"
