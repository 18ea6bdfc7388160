#!/usr/bin/env bash
# The console's key table with many keys (release build, in-memory store): how long a page takes when the table
# must be read through the API (the first visit, or the first after any change) and when it is served from the
# console's catalog (paging, sorting, filtering, searching). Usage: benchmarks/console.sh [keys, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS="${1:-10000}"
source benchmarks/common.sh
build_release
start_trent
python3 - "$ENDPOINT" "$KEYS" "$SERVER" <<'PY'
import re, statistics, sys, time, json, concurrent.futures, urllib.request
endpoint, count, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def call(operation, body):
    request = urllib.request.Request(endpoint + "/", data=json.dumps(body).encode(), method="POST", headers={
        "X-Amz-Target": "TrentService." + operation, "Content-Type": "application/x-amz-json-1.1"})
    body = urllib.request.urlopen(request).read()
    return json.loads(body) if body else {}

def make(i):
    key = call("CreateKey", {"Description": f"bench {i}"})["KeyMetadata"]["KeyId"]
    if i % 2 == 0:
        call("CreateAlias", {"AliasName": f"alias/bench-{i}", "TargetKeyId": key})
    return key
started = time.time()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    keys = list(pool.map(make, range(count)))
print(f"{count} keys ({count // 2} with an alias) created in {time.time() - started:.1f} s")

import requests
browser = requests.Session()
page = browser.get(endpoint + "/console/signin").text
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
browser.post(endpoint + "/console/signin", data={"csrf": csrf, "account": "111122223333"}, allow_redirects=False)

def timed(path):
    t = time.perf_counter()
    body = browser.get(endpoint + path).content
    return (time.perf_counter() - t) * 1000, body

def rss():
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024

cold, body = timed("/console/keys")
assert f"({count})".encode() in body, "the table does not count every key"
print(f"first keys page (table read through the API): {cold:,.0f} ms; server RSS {rss()} MB")
cases = {"page 1": "/console/keys", "page 200 of 25": "/console/keys?page=200",
         "sorted by status, descending": "/console/keys?sort=status&dir=desc",
         "filter Disabled": "/console/keys?state=Disabled", "search alias": "/console/keys?q=bench-4242",
         "100 per page": "/console/keys?size=100"}
results = {}
for name, path in cases.items():
    times = [timed(path)[0] for _ in range(9)]
    results[name] = statistics.median(times)
    print(f"  warm {name}: median {results[name]:.1f} ms")
call("DisableKey", {"KeyId": keys[0]})
after, _ = timed("/console/keys")
print(f"first page after a change (DisableKey through the API): {after:,.1f} ms")
created = make(count + 1)
after, body = timed("/console/keys?q=" + created)
assert created.encode() in body
print(f"first page after CreateKey + CreateAlias through the API (search for it): {after:,.1f} ms")
warm = results["page 1"]
print(f"ratio warm page / cold page: {warm / cold:.4f}")
PY
