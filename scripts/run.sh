#!/usr/bin/env bash
# Builds Trent (release) if needed and starts it on 127.0.0.1:8080 with its SQLite store in ./trent-data.
# Extra arguments go to `trent serve` (for example --in-memory, --port 4566).
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! dpkg -s libsqlite3-dev >/dev/null 2>&1 || ! dpkg -s libssl-dev >/dev/null 2>&1 || ! dpkg -s libsodium-dev >/dev/null 2>&1 \
    || ! dpkg -s libp11-kit-dev >/dev/null 2>&1; then
    as_root apt-get update -qq && as_root apt-get install -y -qq libsqlite3-dev libssl-dev libsodium-dev libp11-kit-dev
fi
swift build -c release --product trent
exec "$(swift build -c release --show-bin-path)/trent" serve "$@"
