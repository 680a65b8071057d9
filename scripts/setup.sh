#!/usr/bin/env bash
# Installs what building and testing need, at the versions in scripts/versions.env.
# Idempotent: whatever is already in place is skipped, so a second run takes seconds.
# Nothing is downloaded from GitHub: tools come from crates.io, Debian and npm only.
#
#   scripts/setup.sh          build tools (Rust toolchain + WASM target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/setup.sh --test   also Chromium, the end-to-end suite's Node packages, schemathesis and
#                             check-jsonschema
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.env

want_test_tools=false
[[ "${1:-}" == "--test" ]] && want_test_tools=true

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_updated=false
apt_install() {
  if ! $apt_updated; then
    step "apt-get update"
    apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Rust toolchain and the WASM target (RUSTUP_AUTO_INSTALL=0 means nothing installs itself).
if ! rustup target list --installed --toolchain "$RUST_TOOLCHAIN" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "Rust $RUST_TOOLCHAIN with the wasm32-unknown-unknown target"
  rustup toolchain install "$RUST_TOOLCHAIN" --profile minimal --target wasm32-unknown-unknown
fi
# rustfmt and clippy: the test command checks formatting and lints.
for component in rustfmt clippy; do
  if ! rustup component list --installed --toolchain "$RUST_TOOLCHAIN" 2>/dev/null | grep -q "^$component"; then
    step "Rust component $component"
    rustup component add --toolchain "$RUST_TOOLCHAIN" "$component"
  fi
done

# cargo-leptos, built without its download feature: it must use the tools found on PATH.
if [[ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]]; then
  if ! rustup toolchain list | grep -q "^$TOOLS_RUST_TOOLCHAIN"; then
    step "Rust $TOOLS_RUST_TOOLCHAIN (to build cargo-leptos)"
    rustup toolchain install "$TOOLS_RUST_TOOLCHAIN" --profile minimal
  fi
  step "cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores)"
  cargo "+$TOOLS_RUST_TOOLCHAIN" install cargo-leptos --version "=$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen CLI at exactly the crate's version (--locked fails on a yanked dependency).
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

# cargo-deny: the supply-chain check of the test command (licenses, bans, sources; offline).
if [[ "$(cargo deny --version 2>/dev/null || true)" != "cargo-deny $CARGO_DENY_VERSION" ]]; then
  step "cargo-deny $CARGO_DENY_VERSION (about 5 minutes)"
  cargo install cargo-deny --version "=$CARGO_DENY_VERSION" --locked
fi

# wasm-opt for release builds, project-local; scripts/tools-path.sh puts it first on PATH.
if [[ "$(.tools/node_modules/.bin/wasm-opt --version 2>/dev/null || true)" != "wasm-opt version ${BINARYEN_VERSION%%.*} "* ]]; then
  step "binaryen $BINARYEN_VERSION (wasm-opt)"
  npm install --prefix .tools --no-audit --no-fund --loglevel=error --no-save "binaryen@$BINARYEN_VERSION"
fi

if $want_test_tools; then
  if [[ ! -x /usr/bin/chromium ]]; then
    step "Chromium (Debian)"
    apt_install chromium
  fi
  # Debian's python3 makes virtualenvs only with python3-venv (ensurepip).
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    step "python3-venv (Debian)"
    apt_install python3-venv
  fi
  # The API fuzzer, in a project-local virtualenv, with every dependency pinned by
  # scripts/fuzz-constraints.txt; reinstalled when either the version or the pins change.
  fuzz_stamp=.tools/venv/.constraints.sha256
  constraints_hash="$(sha256sum scripts/fuzz-constraints.txt | cut -d' ' -f1)"
  if [[ "$(.tools/venv/bin/schemathesis --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]] ||
    [[ "$(cat "$fuzz_stamp" 2>/dev/null || true)" != "$constraints_hash" ]]; then
    step "schemathesis $SCHEMATHESIS_VERSION (PyPI)"
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install --quiet --disable-pip-version-check \
      --constraint scripts/fuzz-constraints.txt "schemathesis==$SCHEMATHESIS_VERSION"
    echo "$constraints_hash" >"$fuzz_stamp"
  fi
  # The checker of the CI workflow and the Compose file, pinned the same way.
  lint_stamp=.tools/lint-venv/.constraints.sha256
  lint_hash="$(sha256sum scripts/lint-constraints.txt | cut -d' ' -f1)"
  if [[ "$(.tools/lint-venv/bin/check-jsonschema --version 2>/dev/null || true)" != "check-jsonschema, version $CHECK_JSONSCHEMA_VERSION" ]] ||
    [[ "$(cat "$lint_stamp" 2>/dev/null || true)" != "$lint_hash" ]]; then
    step "check-jsonschema $CHECK_JSONSCHEMA_VERSION (PyPI)"
    python3 -m venv .tools/lint-venv
    .tools/lint-venv/bin/pip install --quiet --disable-pip-version-check \
      --constraint scripts/lint-constraints.txt "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
    echo "$lint_hash" >"$lint_stamp"
  fi
  # Reinstall the Node packages only when the lockfile changed.
  stamp=end2end/node_modules/.package-lock.sha256
  lock_hash="$(sha256sum end2end/package-lock.json | cut -d' ' -f1)"
  if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_hash" ]]; then
    step "end2end Node packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_hash" > "$stamp"
  fi
fi

step "tools ready"
