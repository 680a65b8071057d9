#!/usr/bin/env bash
# Cached-read benchmarks of the REST API with oha: requests/s and p50/p99 latency at 16 and
# 64 connections, with the in-process cache and with Redis. Builds the release server, starts
# it on a spare loopback port on embedded defaults (built-in emulator, SQLite), warms the keys,
# then measures. Figures depend on the machine; the README's table names the one it ran on.
#
#   bench/run.sh                        # cached trending, 10 s each
#   DURATION=30s bench/run.sh trending  # one target, longer
#   bench/run.sh for-you                # "For you" of a user with 50 favorites (warm)
#   bench/run.sh home favorites         # the server-rendered home page; a 50-favorite list
#   bench/run.sh graphql-movie graphql-list  # GraphQL: one movie with cast and related movies
#                                       # (REST's details); a popular page with each movie's
#                                       # runtime, directors and the user's state (DataLoader)
# The last column is the server's peak resident memory (VmHWM) so far in that run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.env

DURATION="${DURATION:-10s}"
ADDR="${BENCH_ADDR:-127.0.0.1:3400}"
REDIS_URL_FOR_BENCH="${BENCH_REDIS_URL:-redis://127.0.0.1:6379}"
targets=("${@:-trending}")

if [[ "$(oha --version 2>/dev/null || true)" != "oha $OHA_VERSION" ]]; then
  echo "==> installing oha $OHA_VERSION"
  cargo install oha --version "=$OHA_VERSION" --locked
fi
scripts/services.sh
echo "==> building the release server"
cargo build --release -p server --quiet

path_of() {
  case "$1" in
    trending) echo "/api/movies/trending/" ;;
    details) echo "/api/movies/1267/" ;;
    search) echo "/api/movies/search/?q=star" ;;
    for-you) echo "/api/recommendations/" ;;
    favorites) echo "/api/favorites/?page_size=50" ;;
    home) echo "/" ;;
    graphql-*) echo "/api/graphql" ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
  esac
}

# The body of a GraphQL target (sent as POST), empty for the others.
graphql_of() {
  case "$1" in
    graphql-movie) echo '{"query":"{ movie(id: 1267) { title runtime directors cast { name } recommendations { results { id title posterUrl } } } }"}' ;;
    graphql-list) echo '{"query":"{ popular { results { id title runtime directors mine { favorite watchlist rating } } } }"}' ;;
    *) echo "" ;;
  esac
}

server_pid=""
data_dir="$(mktemp -d)"
stop_server() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap 'stop_server; rm -rf "$data_dir"' EXIT

start_server() { # cache: memory | redis
  local extra=()
  [[ "$1" == redis ]] && extra=(REDIS_URL="$REDIS_URL_FOR_BENCH")
  # The per-client API rate limit is off: every request comes from one address here.
  env LEPTOS_SITE_ADDR="$ADDR" DATA_DIR="$data_dir" RUST_LOG=warn API_RATE_LIMIT_PER_SECOND=0 UI_RATE_LIMIT_PER_SECOND=0 "${extra[@]}" \
    target/release/server >"$data_dir/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 50); do
    curl -fsS "http://$ADDR/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server did not start:" >&2; cat "$data_dir/server-$1.log" >&2; exit 1
}

# Registers a user with 50 favorites (the first 50 popular movies) and prints an access token.
prepare_user() {
  local email="bench-$RANDOM$RANDOM@example.com" token ids
  token="$(curl -fsS -X POST "http://$ADDR/api/auth/register/" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench passphrase $RANDOM\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')"
  ids="$(for page in 1 2 3; do curl -fsS "http://$ADDR/api/movies/popular/?page=$page"; echo; done |
    python3 -c 'import json,sys; print(" ".join(str(m["id"]) for l in sys.stdin if l.strip() for m in json.loads(l)["results"]))' |
    tr ' ' '\n' | head -50)"
  for id in $ids; do
    curl -fsS -o /dev/null -X POST "http://$ADDR/api/favorites/" -H "authorization: Bearer $token" \
      -H 'content-type: application/json' -d "{\"tmdb_id\":$id}"
  done
  echo "$token"
}

printf '\n| target | cache | encoding | connections | requests/s | p50 ms | p99 ms | errors | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|\n'
for cache in memory redis; do
  start_server "$cache"
  for target in "${targets[@]}"; do
    url="http://$ADDR$(path_of "$target")"
    auth=()
    if [[ "$target" == for-you || "$target" == favorites || "$target" == graphql-list ]]; then
      auth=(-H "authorization: Bearer $(prepare_user)")
    fi
    body="$(graphql_of "$target")"
    post=()
    if [[ -n "$body" ]]; then post=(-m POST -T application/json -d "$body"); fi
    # warm: the measured requests are cache hits
    if [[ -n "$body" ]]; then
      curl -fsS "${auth[@]}" -H 'content-type: application/json' -d "$body" "$url" >/dev/null
    else
      curl -fsS "${auth[@]}" "$url" >/dev/null
    fi
    # identity: the server's own work; br: what a browser asks for (compression included).
    for encoding in identity br; do
    for connections in 16 64; do
      REPORT="$(oha --no-tui --output-format json -z "$DURATION" -c "$connections" -H "accept-encoding: $encoding" "${auth[@]}" "${post[@]}" "$url")" \
        PEAK_KB="$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")" \
        python3 - "$target" "$cache" "$encoding" "$connections" <<'PY'
import json, os, sys
target, cache, encoding, connections = sys.argv[1:5]
peak_mib = int(os.environ.get("PEAK_KB") or 0) / 1024
report = json.loads(os.environ["REPORT"])
summary, pct = report["summary"], report["latencyPercentiles"]
codes = report.get("statusCodeDistribution", {})
# Requests still in flight when the duration ends are cut off by oha, not failed by the server.
cut_off = {k: v for k, v in report.get("errorDistribution", {}).items() if "deadline" not in k}
errors = sum(n for code, n in codes.items() if code != "200") + sum(cut_off.values())
print(f"| {target} | {cache} | {encoding} | {connections} | {summary['requestsPerSec']:.0f} | {pct['p50']*1000:.2f} | {pct['p99']*1000:.2f} | {errors} | {peak_mib:.0f} |")
PY
    done
    done
  done
  stop_server
done
