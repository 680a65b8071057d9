#!/usr/bin/env bash
# Fuzzes the REST API of a running server with schemathesis, from its own OpenAPI document:
# every check (server errors, status codes, content types, schemas, negative and positive data,
# unsupported methods, auth, use after delete...) in every phase (examples, coverage, fuzzing,
# stateful). Exceptions the schema cannot express are in schemathesis.toml.
#
#   scripts/fuzz-api.sh http://127.0.0.1:3300            # 100 examples per operation
#   MAX_EXAMPLES=500 scripts/fuzz-api.sh http://127.0.0.1:3000
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: scripts/fuzz-api.sh BASE_URL}"
report_dir="${FUZZ_REPORT_DIR:-target/schemathesis}"
mkdir -p "$report_dir"

# One account for the authenticated operations; its access token outlives the run (15 min).
email="fuzz-$(date +%s)-$RANDOM@example.com"
token="$(curl -fsS -X POST "$base/api/auth/register/" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"a long fuzzing passphrase\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])')"

.tools/venv/bin/schemathesis run "$base/api/openapi.json" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "${MAX_EXAMPLES:-100}" \
  --workers 2 \
  --header "Authorization: Bearer $token" \
  --report junit --report-dir "$report_dir" \
  --no-color
