#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind on a release build (repeatable whatever else the
# machine does): each scenario's requests are sent sequentially over one keep-alive connection while
# instrumentation is on, and the server's instruction count is divided by their number. The floor is the same
# for trent-floor (a trivial POST route on the same Hummingbird stack). With --profile SCENARIO it also prints
# where that scenario's instructions go, by component (inclusive, so nested components overlap).
# Usage: benchmarks/instructions.sh [requests per scenario, default 200] [--profile Encrypt]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS="${1:-200}"
PROFILE="${3:-}"
[ "${2:-}" = "--profile" ] || PROFILE=""
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
swift build -c release --product trent >/dev/null 2>&1
swift build -c release --product trent-floor >/dev/null 2>&1
BIN_DIR="$(swift build -c release --show-bin-path 2>/dev/null)"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

python3 - "$BIN_DIR" "$WORK" "$REQUESTS" "$PROFILE" <<'PY'
import base64, glob, http.client, json, os, re, subprocess, sys, time
bin_dir, work, count, profile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def start(command, pattern):
    out = open(os.path.join(work, command[0].split("/")[-1] + ".log"), "w+")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                             f"--callgrind-out-file={work}/cg.%p", *command], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 180
    while time.time() < deadline:
        out.seek(0)
        match = re.search(pattern, out.read())
        if match:
            return proc, match.group(1)
        time.sleep(0.5)
    raise SystemExit("server did not start under valgrind")

class Client:
    def __init__(self, endpoint):
        host, port = endpoint.split("//")[1].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)
    def call(self, operation, body):
        data = json.dumps(body).encode()
        self.connection.request("POST", "/", data, {"X-Amz-Target": "TrentService." + operation,
                                                    "Content-Type": "application/x-amz-json-1.1"})
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise SystemExit(f"{operation}: {response.status} {payload[:200]}")
        return json.loads(payload) if payload else {}

def measure(proc, client, name, operation, body):
    subprocess.run(["callgrind_control", "-z", str(proc.pid)], capture_output=True)
    subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], capture_output=True)
    for _ in range(count):
        client.call(operation, body)
    subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], capture_output=True)
    before = set(glob.glob(f"{work}/cg.{proc.pid}*"))
    subprocess.run(["callgrind_control", "-d", name, str(proc.pid)], capture_output=True)
    time.sleep(1)
    dump = sorted(set(glob.glob(f"{work}/cg.{proc.pid}*")) - before, key=os.path.getmtime)[-1]
    with open(dump) as f:
        total = int(re.search(r"^(?:summary|totals): (\d+)", f.read(), re.M).group(1))
    return total / count, dump

plaintext = base64.b64encode(os.urandom(4096)).decode()
floor, endpoint = start([f"{bin_dir}/trent-floor", "0"], r"floor listening on (http://\S+)")
floor_client = Client(endpoint)
floor_per_request, _ = measure(floor, floor_client, "floor", "Encrypt", {"KeyId": "alias/x", "Plaintext": plaintext})
floor.terminate(); floor.wait()

trent, endpoint = start([f"{bin_dir}/trent", "serve", "--in-memory", "--port", "0", "--log-level", "warning"],
                        r"serving AWS KMS at (http://\S+)")
kms = Client(endpoint)
key = kms.call("CreateKey", {})["KeyMetadata"]["KeyId"]
kms.call("CreateAlias", {"AliasName": "alias/bench", "TargetKeyId": key})
blob = kms.call("Encrypt", {"KeyId": key, "Plaintext": plaintext})["CiphertextBlob"]
signer = kms.call("CreateKey", {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"})["KeyMetadata"]["KeyId"]
message = base64.b64encode(b"benchmark message").decode()
signature = kms.call("Sign", {"KeyId": signer, "Message": message, "SigningAlgorithm": "ECDSA_SHA_256"})["Signature"]
mac_key = kms.call("CreateKey", {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"})["KeyMetadata"]["KeyId"]
for i in range(1000):
    kms.call("CreateAlias", {"AliasName": f"alias/list-{i:04d}", "TargetKeyId": key})
middle = kms.call("ListAliases", {"Limit": 100})
for _ in range(4):
    middle = kms.call("ListAliases", {"Limit": 100, "Marker": middle["NextMarker"]})
scenarios = [
    ("Encrypt 4 KB", "Encrypt", {"KeyId": key, "Plaintext": plaintext}),
    ("Decrypt 4 KB", "Decrypt", {"CiphertextBlob": blob}),
    ("GenerateDataKey", "GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"}),
    ("DescribeKey by alias", "DescribeKey", {"KeyId": "alias/bench"}),
    ("GenerateMac", "GenerateMac", {"KeyId": mac_key, "Message": message, "MacAlgorithm": "HMAC_SHA_256"}),
    ("Sign P-256", "Sign", {"KeyId": signer, "Message": message, "SigningAlgorithm": "ECDSA_SHA_256"}),
    ("Verify P-256", "Verify", {"KeyId": signer, "Message": message, "Signature": signature, "SigningAlgorithm": "ECDSA_SHA_256"}),
    ("ListAliases first page", "ListAliases", {"Limit": 100}),
    ("ListAliases middle page", "ListAliases", {"Limit": 100, "Marker": middle["NextMarker"]}),
]
print(f"{'request':<26}{'instructions':>14}{'× floor':>10}")
print(f"{'floor (POST 4 KB)':<26}{floor_per_request:>14,.0f}{1:>10.2f}")
dumps = {}
for name, operation, body in scenarios:
    per_request, dump = measure(trent, kms, name.replace(" ", "_"), operation, body)
    dumps[name.split()[0]] = dump
    print(f"{name:<26}{per_request:>14,.0f}{per_request / floor_per_request:>10.2f}")
trent.terminate(); trent.wait()

if profile and profile in dumps:
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", dumps[profile]],
                               capture_output=True, text=True).stdout
    rows = []
    for line in annotated.splitlines():
        match = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(?:\*\s+)?(.*)", line)
        if match:
            rows.append((float(match.group(2)), match.group(3)))
    components = [
        ("whole request (dispatcher)", r"Dispatcher\.handle"),
        ("JSON decoding", r"JSONDecoder|JSONValue.*init\(from|_JSONDecoder|JSONScanner|JSONMap"),
        ("model validation", r"ServiceModel\.validate"),
        ("operation (typed decode + perform + encode)", r"KMSOperation.*invoke"),
        ("authorization", r"authorize"),
        ("key resolution", r"resolveKey|CachedKeyStore\.key|CachedKeyStore\.alias"),
        ("crypto (AES-GCM, HKDF, ECDSA, HMAC)", r"CCryptoBoringSSL_(EVP_AEAD|aes|HKDF|ECDSA|ec_|HMAC|gcm)|Crypto\.AES|HKDF|P256"),
        ("JSON encoding", r"JSONEncoder|_JSONEncoder|JSONWriter"),
        ("base64", r"base64|Base64"),
        ("metrics", r"Metrics\.|Prometheus|Counter\.increment|Timer\.record"),
        ("logging", r"Logging\.Logger"),
        ("usage noting", r"noteUsage"),
        ("audit", r"AuditTrail"),
        ("HTTP (NIO channel reads/writes, HTTP codec)", r"NIOHTTP1|HTTPRequestDecoder|HTTPResponseEncoder|ByteToMessageHandler"),
        ("UUID strings", r"UUID"),
    ]
    print(f"\nwhere {profile}'s instructions go (inclusive % of the server's instructions during the run):")
    for label, pattern in components:
        matching = [share for share, symbol in rows if re.search(pattern, symbol)]
        print(f"  {label:<48}{(max(matching) if matching else 0):>6.1f} %")
PY
