#!/usr/bin/env bash
# Time from launching `trent serve` to its first answered KMS request (ListKeys), over repeated runs, for an
# in-memory server and for an empty data directory. Release build. Usage: benchmarks/startup.sh [runs, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
swift build -c release --product trent >/dev/null
BIN="$(swift build -c release --show-bin-path)/trent"
python3 - "$BIN" "$RUNS" <<'PY'
import os, socket, statistics, subprocess, sys, tempfile, time, urllib.request
binary, runs = sys.argv[1], int(sys.argv[2])

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def first_answer(extra):
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--log-level", "warning", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b"{}", method="POST",
                                                 headers={"X-Amz-Target": "TrentService.ListKeys"})
                with urllib.request.urlopen(request, timeout=1) as response:
                    if response.status == 200:
                        return (time.perf_counter() - start) * 1000
            except OSError:
                time.sleep(0.002)
    finally:
        proc.terminate()
        proc.wait()

for label, make in [("--in-memory", lambda: ["--in-memory"]),
                    ("empty --data-dir", lambda: ["--data-dir", tempfile.mkdtemp(prefix="trent-start-")])]:
    times = sorted(first_answer(make()) for _ in range(runs))
    print(f"{label:18} first answered request after: min {times[0]:.0f} ms, median {statistics.median(times):.0f} ms, "
          f"p90 {times[int(len(times) * 0.9) - 1]:.0f} ms, max {times[-1]:.0f} ms ({runs} runs)")
PY
