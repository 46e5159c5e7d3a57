#!/usr/bin/env bash
# Runs every test of mamori on a fresh machine: formatting and lints, the Rust suites on
# SQLite and PostgreSQL, and the browser tests in Debian's Chromium. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Tools"
# Chromium and a Japanese font for the browser tests; poppler-utils (pdftotext) to read the
# PDF exports back.
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
  || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null
fi
# curl for the API fuzzing run's health check; GNU time to measure the peak memory of
# hostile imports (the CLI suite).
if ! command -v curl >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl time >/dev/null
fi
chromium --version
# A real SMTP server on loopback for the mail tests (aiosmtpd, started by the HTTP suite).
if ! python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd>=1.4,<2"
fi

# PostgreSQL for the storage contract suite (trust auth on 127.0.0.1; CI provides it).
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  cluster=$(ls /etc/postgresql 2>/dev/null | head -n1 || true)
  [ -n "$cluster" ] && pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || true
fi
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL: $TEST_DATABASE_URL"
else
  echo "PostgreSQL is not reachable at 127.0.0.1:5432: the storage suite needs it" >&2
  exit 1
fi

step "Formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (SQLite and PostgreSQL)"
cargo test --workspace --locked

cargo build -p mamori --locked
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
export E2E_MAMORI_BIN="$target_dir/debug/mamori"

step "API fuzzing from the OpenAPI document (schemathesis)"
# No 5xx and no undocumented status, within a bounded time (SCHEMATHESIS_SECONDS).
SCHEMATHESIS_SECONDS="${SCHEMATHESIS_SECONDS:-150}" bash scripts/schemathesis.sh "$E2E_MAMORI_BIN"

step "Browser tests (Chromium)"
(cd e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)
