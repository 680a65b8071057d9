#!/usr/bin/env bash
# Fails when a server-only crate reaches the WASM bundle's dependency tree: database, cache,
# HTTP client and server crates must stay behind `app`'s `ssr` feature.
set -euo pipefail
cd "$(dirname "$0")/.."
server_only='^(services|emulator|sqlx|sqlx-core|reqwest|redis|moka|argon2|jsonwebtoken|axum|hyper|tokio|leptos_axum|tower-http|async-graphql) '
leaked="$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none | sort -u | grep -E "$server_only" || true)"
if [[ -n "$leaked" ]]; then
  echo "error: server-only crates in the WASM build:" >&2
  echo "$leaked" >&2
  exit 1
fi
echo "WASM dependency tree: no server-only crate"
