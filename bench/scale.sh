#!/usr/bin/env bash
# How the costs grow with the data (bench/scale.py): favorites and "For you" at 10, 100 and
# 1,000 favorites, cold search and cold movie pages through the emulator, and sign-in at 1, 2
# and 8 at once. Builds and starts the release server on embedded defaults, then measures.
#
#   bench/scale.sh
#   DURATION=10s bench/scale.sh    # longer warm runs (default 5 s each)
set -euo pipefail
cd "$(dirname "$0")/.."
ADDR="${BENCH_ADDR:-127.0.0.1:3400}"
source bench/lib.sh

ensure_oha
build_release
data_dir="$(mktemp -d)"
trap 'stop_server; rm -rf "$data_dir"' EXIT
# Sign-ins are limited per client address and per account: the script gives each its own
# forwarded address, which the server believes from loopback only.
start_nexus "$data_dir" scale REGISTRATIONS_PER_HOUR=0 TRUSTED_PROXIES=127.0.0.1/32
BENCH_ADDR="$ADDR" python3 bench/scale.py
echo
echo "peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server_pid/status")"
