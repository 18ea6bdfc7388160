#!/usr/bin/env bash
# The long form of the crash durability harness (tests/compat/crash_harness.py): KILLS SIGKILLs (default 30) of a
# release server under concurrent writes, each followed by a restart on the same data directory and a check
# that every acknowledged write survived. Usage: scripts/crash-loop.sh [kills]
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS="${1:-30}"
swift build -c release --product trent >/dev/null
export TRENT_BIN="$(swift build -c release --show-bin-path)/trent"
cd tests/compat
python3 - "$KILLS" <<'PY'
import shutil, sys, tempfile, time
import crash_harness
from conftest import Trent
kills = int(sys.argv[1])
directory = tempfile.mkdtemp(prefix="trent-crash-")
started = time.time()
try:
    total = crash_harness.run(lambda: Trent("--data-dir", directory), kills=kills)
    print(f"{kills} SIGKILLs in {time.time() - started:.0f} s: none of {total} acknowledged writes lost")
finally:
    shutil.rmtree(directory, ignore_errors=True)
PY
