# Shared by the benchmark scripts (sourced, not run): a release binary and a server started on a free port.
# After `start_trent [serve options…]` (in memory unless they name a --data-dir): ENDPOINT (http://127.0.0.1:PORT), SERVER (its pid), WORK (a scratch folder
# removed at exit, with the server's log in WORK/server.log).

build_release() {
    swift build -c release --product trent >/dev/null
    BIN="$(swift build -c release --show-bin-path)/trent"
}

start_trent() {
    WORK="${WORK:-$(mktemp -d)}"
    trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
    local store=(--in-memory)
    [[ " $* " == *" --data-dir "* ]] && store=()
    "$BIN" serve "${store[@]}" --port 0 --log-level warning "$@" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    ENDPOINT=""
    for _ in $(seq 100); do
        ENDPOINT="$(grep -o 'http://[0-9.:]*' "$WORK/server.log" | head -1 || true)"
        [ -n "$ENDPOINT" ] && break
        sleep 0.1
    done
    [ -n "$ENDPOINT" ] || { cat "$WORK/server.log"; exit 1; }
}

call() {  # call OPERATION JSON → response body
    curl -s -X POST "$ENDPOINT/" -H "X-Amz-Target: TrentService.$1" -H 'Content-Type: application/x-amz-json-1.1' -d "$2"
}

wrk_script() {  # wrk_script FILE OPERATION BODY → a wrk Lua script posting that KMS request
    cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["X-Amz-Target"] = "TrentService.$2"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.body = '$3'
LUA
}
