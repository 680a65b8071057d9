#!/usr/bin/env bash
# Cached-read benchmarks of the REST API with oha: requests/s and p50/p99 latency at 16 and
# 64 connections, with the in-process cache and with Redis. Builds the release server, starts
# it on a spare loopback port on embedded defaults (built-in emulator, SQLite), warms the keys,
# then measures. Figures depend on the machine; the README's table names the one it ran on.
#
#   bench/run.sh                        # cached trending, 10 s each
#   DURATION=30s bench/run.sh trending  # one target, longer
#   NO_BUILD=1 bench/run.sh home        # the release build as it is (no cargo build first)
#   bench/run.sh for-you                # "For you" of a user with 50 favorites (warm)
#   bench/run.sh home movie favorites   # the server-rendered home and movie pages; a 50-favorite list
#   bench/run.sh graphql-movie graphql-list  # GraphQL: one movie with cast and related movies
#                                       # (REST's details); a popular page with each movie's
#                                       # runtime, directors and the user's state (DataLoader)
# Every run first measures the limit: a bare axum server (server/examples/limit.rs) returning
# the same trending bytes from memory on the same cores. Each row gives requests/s and the
# server's CPU time per request (from /proc, user + system) beside that limit's, as ratios.
# The last column is the server's peak resident memory (VmHWM) so far in that run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

DURATION="${DURATION:-10s}"
ADDR="${BENCH_ADDR:-127.0.0.1:3400}"
LIMIT_ADDR="${BENCH_LIMIT_ADDR:-127.0.0.1:3401}"
REDIS_URL_FOR_BENCH="${BENCH_REDIS_URL:-redis://127.0.0.1:6379}"
targets=("${@:-trending}")

ensure_oha
scripts/services.sh
build_release

path_of() {
  case "$1" in
    trending) echo "/api/movies/trending/" ;;
    details) echo "/api/movies/1267/" ;;
    movie) echo "/movie/1267" ;;
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

data_dir="$(mktemp -d)"
trap 'stop_server; rm -rf "$data_dir"' EXIT

start_server() { # cache: memory | redis
  local extra=()
  [[ "$1" == redis ]] && extra=(REDIS_URL="$REDIS_URL_FOR_BENCH")
  start_nexus "$data_dir" "$1" "${extra[@]}"
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

# One oha run against the server of pid $1 at $2 (the rest: oha's own options), printed as a
# table row: requests/s and server CPU per request, each also as a ratio of the limit's figure
# at the same encoding and connections (LIMIT_RPS, LIMIT_CPU_US; empty for the limit itself).
measure() { # pid label cache encoding connections url [oha options...]
  local pid="$1" label="$2" cache="$3" encoding="$4" connections="$5" url="$6"
  shift 6
  local ticks_before report
  ticks_before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  report="$(oha --no-tui --output-format json -z "$DURATION" -c "$connections" -H "accept-encoding: $encoding" "$@" "$url")"
  REPORT="$report" PEAK_KB="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")" \
    CPU_TICKS="$(($(awk '{print $14 + $15}' "/proc/$pid/stat") - ticks_before))" CLK_TCK="$(getconf CLK_TCK)" \
    python3 - "$label" "$cache" "$encoding" "$connections" <<'PY'
import json, os, sys
label, cache, encoding, connections = sys.argv[1:5]
report = json.loads(os.environ["REPORT"])
summary, pct = report["summary"], report["latencyPercentiles"]
codes = report.get("statusCodeDistribution", {})
# Requests still in flight when the duration ends are cut off by oha, not failed by the server.
cut_off = {k: v for k, v in report.get("errorDistribution", {}).items() if "deadline" not in k}
errors = sum(n for code, n in codes.items() if code != "200") + sum(cut_off.values())
answered = max(1, sum(codes.values()))
rps = summary["requestsPerSec"]
cpu_us = int(os.environ["CPU_TICKS"]) / int(os.environ["CLK_TCK"]) * 1e6 / answered
limit_rps, limit_cpu = os.environ.get("LIMIT_RPS"), os.environ.get("LIMIT_CPU_US")
ratio = lambda mine, limit, fmt: format(mine / float(limit), fmt) if limit else "1"
peak_mib = int(os.environ.get("PEAK_KB") or 0) / 1024
print(f"| {label} | {cache} | {encoding} | {connections} | {rps:,.0f} | {ratio(rps, limit_rps, '.3f')} "
      f"| {pct['p50']*1000:.2f} | {pct['p99']*1000:.2f} | {cpu_us:.0f} | {ratio(cpu_us, limit_cpu, '.1f')} "
      f"| {errors} | {peak_mib:.0f} |")
# For the caller: the limit's figures, to divide by.
with open(os.environ.get("FIGURES_OUT", os.devnull), "w") as out:
    out.write(f"{rps} {cpu_us}\n")
PY
}

printf '\n| target | cache | encoding | connections | requests/s | × limit | p50 ms | p99 ms | server CPU µs/request | × limit | errors | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n'

# The limit: a bare axum server (server/examples/limit.rs) answering with the very bytes Nexus
# sends for cached trending, measured first, in this run, on these cores.
start_server memory
curl -fsS -H 'accept-encoding: identity' -o "$data_dir/trending" "http://$ADDR/api/movies/trending/"
curl -fsS -H 'accept-encoding: br' -o "$data_dir/trending.br" "http://$ADDR/api/movies/trending/"
stop_server
target/release/examples/limit "$LIMIT_ADDR" "$data_dir/trending" "$data_dir/trending.br" >"$data_dir/limit.log" 2>&1 &
limit_pid=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://$LIMIT_ADDR/" 2>/dev/null && break; sleep 0.1; done
declare -A limit_rps limit_cpu
for encoding in identity br; do
  for connections in 16 64; do
    FIGURES_OUT="$data_dir/figures" measure "$limit_pid" "limit (bare axum, same bytes)" - "$encoding" "$connections" "http://$LIMIT_ADDR/"
    read -r "limit_rps[$encoding-$connections]" "limit_cpu[$encoding-$connections]" <"$data_dir/figures"
  done
done
kill "$limit_pid"; wait "$limit_pid" 2>/dev/null || true

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
        LIMIT_RPS="${limit_rps[$encoding-$connections]}" LIMIT_CPU_US="${limit_cpu[$encoding-$connections]}" \
          measure "$server_pid" "$target" "$cache" "$encoding" "$connections" "$url" "${auth[@]}" "${post[@]}"
      done
    done
  done
  stop_server
done
