#!/usr/bin/env bash
# Runs every test of Trent on a fresh machine: installs what is missing, builds, starts a throwaway PostgreSQL,
# then runs the Swift unit and in-process HTTP tests (the store contract on memory, SQLite and PostgreSQL), the
# black-box compatibility suite against the real binary twice (SQLite and in-memory servers, then every server on
# PostgreSQL; with a short crash-durability run), the console's browser tests, and a short fuzzing run of every
# libFuzzer target.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for package in libsqlite3-dev libssl-dev libsodium-dev libp11-kit-dev openssl chromium chromium-driver postgresql softhsm2 opensc; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}"
fi
python3 -m pip install -q --disable-pip-version-check -r tests/compat/requirements.txt

swift format lint --strict -r Sources Tests Package.swift
swift build --build-tests
# A throwaway PostgreSQL (loopback, temporary directory, stopped at exit) for the store contract tests, the
# two-node tests and a second pass of the compatibility suite with every server on PostgreSQL.
source scripts/postgres.sh
trap stop_postgres EXIT
start_postgres
TRENT_TEST_POSTGRES="$POSTGRES_URL" swift test
TRENT_BIN="$(swift build --show-bin-path)/trent" python3 -m pytest -q tests/compat
TRENT_BIN="$(swift build --show-bin-path)/trent" TRENT_COMPAT_POSTGRES="$POSTGRES_URL" python3 -m pytest -q tests/compat
# The console in a real browser (headless chromium through chromium-driver); screenshots go to the folder it prints.
TRENT_BIN="$(swift build --show-bin-path)/trent" python3 -m pytest -q -s tests/browser
# libFuzzer over the parsers, a few seconds per target from the committed corpus (its own build in .build-fuzz).
scripts/fuzz.sh 5
