#!/usr/bin/env bash
# Integration test of `asymcache serve`: starts the real server on a free loopback port with the
# tiny-llama fixture, drives it with the official openai Python client (installed from PyPI into
# a venv under .build/), runs the malformed-input fuzz, then stops the server with SIGTERM and
# requires a clean exit. Fails (non-zero) when any check fails.
#   scripts/integration-test.sh [ASYMCACHE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${1:-}"
if [ -z "$BIN" ]; then
    swift build --product asymcache
    BIN="$(swift build --show-bin-path)/asymcache"
fi
VENV=.build/py-venv
if ! "$VENV/bin/python" -c "import openai" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "openai>=1.40,<3"
fi

MODEL=Tests/AsymTestSupport/tiny-llama/model
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG=.build/integration-serve.log
"$BIN" serve --model "$MODEL" --host 127.0.0.1 --port "$PORT" --kv-cache-tokens 16384 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT

status=0
"$VENV/bin/python" scripts/integration_test.py --port "$PORT" --asymcache "$BIN" --model-dir "$MODEL" || status=1
python3 scripts/fuzz.py --port "$PORT" --count "${FUZZ_COUNT:-1000}" || status=1

kill -TERM "$SERVER"
if wait "$SERVER"; then echo "ok    server exited 0 after SIGTERM"; else echo "FAIL  server exit status $?"; status=1; fi
trap - EXIT
if [ "$status" -ne 0 ]; then echo "--- server log ---"; tail -20 "$LOG"; fi
exit "$status"
