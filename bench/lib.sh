# Shared by the benchmarks: oha at its pinned version, the release build, and a release server
# on embedded defaults with the per-client limits off (every request comes from one address).
# Expects ADDR; sets server_pid.
source scripts/versions.env

ensure_oha() {
  if [[ "$(oha --version 2>/dev/null || true)" != "oha $OHA_VERSION" ]]; then
    echo "==> installing oha $OHA_VERSION"
    cargo install oha --version "=$OHA_VERSION" --locked
  fi
}

build_release() {
  # NO_BUILD=1: measure target/release as it is (say, as `cargo leptos build --release` left it).
  [[ -n "${NO_BUILD:-}" ]] && return 0
  echo "==> building the release server (and the bench's limit server)"
  cargo build --release -p server --bin server --example limit --quiet
}

server_pid=""

start_nexus() { # data_dir log_name [VAR=value...]
  local data_dir="$1" log_name="$2"
  shift 2
  env LEPTOS_SITE_ADDR="$ADDR" DATA_DIR="$data_dir" RUST_LOG=warn \
    API_RATE_LIMIT_PER_SECOND=0 UI_RATE_LIMIT_PER_SECOND=0 "$@" \
    target/release/server >"$data_dir/server-$log_name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 50); do
    curl -fsS "http://$ADDR/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server did not start:" >&2
  cat "$data_dir/server-$log_name.log" >&2
  exit 1
}

stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
