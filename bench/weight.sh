#!/usr/bin/env bash
# What a browser receives on its first visit to each kind of page: the HTML and every file of the
# bundle it names (CSS, JS glue, WASM), fetched from the running release server with
# `accept-encoding: br` as a browser sends it, counted in bytes on the wire (curl's
# size_download: compressed bytes, headers excluded). Nothing is recompressed locally: the
# figure is what the server sends. Posters come from TMDb's image CDN (or the emulator's SVGs)
# and are not counted; neither are the favicon and manifest, which are under 1 kB each.
# Target: ≤ 150 kB for the first visit of any page.
#
#   bench/weight.sh            # builds the precompressed release site (about 5 min warm), then measures
#   NO_BUILD=1 bench/weight.sh # measures the release server and target/site as they are
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools-path.sh

ADDR="${WEIGHT_ADDR:-127.0.0.1:3410}"
if [[ -z "${NO_BUILD:-}" ]]; then
  echo "==> building the release site, precompressed"
  cargo leptos build --release --precompress >/dev/null
fi

data_dir="$(mktemp -d)"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$data_dir"' EXIT
LEPTOS_SITE_ADDR="$ADDR" DATA_DIR="$data_dir" RUST_LOG=warn target/release/server >"$data_dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://$ADDR/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data_dir/server.log" >&2; exit 1; }
  sleep 0.5
done

# Bytes on the wire of one GET, as a browser asks for it, and the encoding the server chose.
fetch() { curl -fsS -o /dev/null -H 'accept-encoding: br, gzip' -w '%{size_download} %header{content-encoding}\n' "http://$ADDR$1"; }
wire() { fetch "$1" | cut -d' ' -f1; }
kb() { awk -v b="$1" 'BEGIN { printf "%7.1f kB", b / 1000 }'; }

nolan="$(curl -fsS "http://$ADDR/api/people/search/?q=christopher%20nolan" | sed -n 's/.*"results":\[{"id":\([0-9]*\).*/\1/p')"
pages=("/" "/discover" "/search?q=king" "/movie/1267" "/person/${nolan:?no person found}")

# The bundle, named by the home page (every page names the same files).
mapfile -t bundle < <(curl -fsS "http://$ADDR/" | grep -oE '/static/[0-9a-f]+/pkg/[^"]+\.(css|js|wasm)' | sort -u)
[[ ${#bundle[@]} -eq 3 ]] || { echo "expected CSS, JS and WASM in the page, found: ${bundle[*]}" >&2; exit 1; }
bundle_bytes=0
printf '%-40s %10s\n' "bundle file" "on the wire"
for file in "${bundle[@]}"; do
  read -r bytes encoding < <(fetch "$file")
  printf '%-40s %s %s\n' "${file##*/}" "$(kb "$bytes")" "(${encoding:-identity})"
  bundle_bytes=$((bundle_bytes + bytes))
done
printf '%-40s %s\n\n' "bundle" "$(kb "$bundle_bytes")"

worst=0
printf '%-40s %10s %12s\n' "page" "HTML" "first visit"
for page in "${pages[@]}"; do
  html="$(wire "$page")"
  total=$((html + bundle_bytes))
  ((total > worst)) && worst=$total
  printf '%-40s %s %s\n' "$page" "$(kb "$html")" "$(kb "$total")"
done
echo
echo "heaviest first visit: $(kb "$worst") on the wire (target ≤ 150 kB)"
