#!/usr/bin/env bash
# Sets up the tools and runs the app on its embedded defaults: SQLite under ./data, an
# in-process cache and the built-in TMDb emulator. Then open http://127.0.0.1:3000
# (or LEPTOS_SITE_ADDR). Configuration: see .env.example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/tools-path.sh
exec cargo leptos serve --release --precompress
