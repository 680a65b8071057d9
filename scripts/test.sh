#!/usr/bin/env bash
# Sets up the tools and runs every test:
#   0. the supply-chain check (cargo deny: licenses, bans, sources), the CI workflow and the
#      Compose file against their schemas, rustfmt and clippy;
#   1. the Rust tests, against the real PostgreSQL and Redis on this machine (started if down),
#      including 60 s of mixed load (LOAD_SECONDS) and the fault suite (scripts/reliability.py);
#   2. the Playwright suite in Chromium, against the built server on a spare port;
#   3. schemathesis against the same server's REST API (every check, every phase).
# Everything is built once per run; the browser tests never build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/tools-path.sh
scripts/services.sh

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"

scripts/check-wasm-deps.sh

echo "==> supply chain (cargo deny: licenses, banned crates, sources; offline)"
# cargo deny reads every crate of the lockfile, those of other platforms too, and offline it
# cannot download them: fetch them first (a no-op once they are in the registry cache).
cargo fetch --locked --quiet
cargo deny --offline check licenses bans sources

echo "==> the CI workflow and the Compose file against their schemas (check-jsonschema, offline)"
.tools/lint-venv/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/ci.yml
.tools/lint-venv/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

echo "==> formatting and lints (rustfmt, clippy with warnings as errors)"
cargo fmt --all --check
cargo clippy --workspace --exclude frontend --all-targets --features app/ssr,api-types/openapi -- -D warnings

echo "==> the recommender evaluation's scoring (unit tests; the evaluation itself is scripts/eval-recs.sh)"
(cd scripts && python3 -m unittest recs_eval.test_recs_eval)

echo "==> Rust tests"
# This also builds target/debug/server, the binary the browser tests run: building it again
# through cargo-leptos would compile every dependency a second time with other flags.
cargo test --workspace --exclude frontend --exclude server --features app/ssr,api-types/openapi
cargo test -p server

echo "==> fault suite (standalone TMDb emulator with faults, PostgreSQL, a Redis it stops)"
cargo build -p server -p emulator
scripts/reliability.py

echo "==> building the WASM bundle, CSS and assets"
cargo leptos build --frontend-only

echo "==> end-to-end tests"
E2E_ADDR="${E2E_ADDR:-127.0.0.1:3300}"
if curl -fsS "http://$E2E_ADDR/healthz" >/dev/null 2>&1; then
  echo "error: something already answers on $E2E_ADDR; stop it or set E2E_ADDR" >&2
  exit 1
fi
data_dir="$(mktemp -d)"
log="$data_dir/server.log"
# The per-client API and registration limits are off here: the fuzzer and the browser tests
# register far more accounts from one address than a person would. The limits themselves are
# tested in server/tests/throttling.rs; the pages' own limit stays on, so the browser tests
# show that a person clicking quickly never meets it.
LEPTOS_SITE_ADDR="$E2E_ADDR" DATA_DIR="$data_dir" LOG_FORMAT=json RUST_LOG=info API_RATE_LIMIT_PER_SECOND=0 REGISTRATIONS_PER_HOUR=0 \
  target/debug/server >"$log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

wait_ready() { # address pid log
  for _ in $(seq 1 60); do
    if curl -fsS "http://$1/readyz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then break; fi
    sleep 1
  done
  echo "error: the server did not become ready; its log:" >&2
  cat "$3" >&2
  exit 1
}
wait_ready "$E2E_ADDR" "$server_pid" "$log"

(cd end2end && BASE_URL="http://$E2E_ADDR" npx playwright test)

echo "==> API fuzzing (schemathesis)"
scripts/fuzz-api.sh "http://$E2E_ADDR"

# The release build is what users run, and it can break where debug does not (a wasm-opt once
# produced a WASM that never hydrated): build it as scripts/run.sh does and check that pages
# render and hydrate. Skip with SKIP_RELEASE_SMOKE=1 when iterating.
if [[ -z "${SKIP_RELEASE_SMOKE:-}" ]]; then
  echo "==> release smoke test"
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  cargo leptos build --release --precompress
  release_log="$data_dir/release.log"
  mkdir -p "$data_dir/release"
  LEPTOS_SITE_ADDR="$E2E_ADDR" DATA_DIR="$data_dir/release" LOG_FORMAT=json RUST_LOG=info \
    target/release/server >"$release_log" 2>&1 &
  server_pid=$!
  wait_ready "$E2E_ADDR" "$server_pid" "$release_log"
  (cd end2end && BASE_URL="http://$E2E_ADDR" npx playwright test home.spec.ts movie_and_search.spec.ts)
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true

  echo "==> registration flood (300 concurrent registrations at the release server)"
  scripts/auth-flood.py target/release/server
fi
