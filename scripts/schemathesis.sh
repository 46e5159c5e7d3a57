#!/usr/bin/env bash
# Property-based tests of the JSON API from its own OpenAPI document (schemathesis):
# a real server with the demo data on loopback, a personal API token of the demo security
# officer, every operation fuzzed within a time budget. It fails on any 5xx answer and on
# any status the document does not list for the operation.
#
# Usage: scripts/schemathesis.sh [MAMORI_BIN]   (SCHEMATHESIS_SECONDS, default 180)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-$PWD/target}/debug/mamori}"
budget="${SCHEMATHESIS_SECONDS:-180}"

if ! python3 -m schemathesis.cli --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis>=4,<5"
fi

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
env -u MAMORI_DATABASE_URL "$bin" serve --demo --data-dir "$data" --bind "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
token=$("$bin" token create --data-dir "$data" --user anzen@sakura.example.jp --name schemathesis --days 1)

status=0
python3 -m schemathesis.cli run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port" \
  --checks not_a_server_error,status_code_conformance \
  -H "Authorization: Bearer $token" \
  --max-time "$budget" --max-examples 25 --workers 1 \
  --request-timeout 10 --seed 20261124 \
  --no-color --output-truncate true \
  --generation-database none || status=$?
if grep -q "panicked" "$data/server.log"; then
  echo "the server panicked during the run:" >&2
  grep -A5 "panicked" "$data/server.log" >&2
  exit 1
fi
exit $status
