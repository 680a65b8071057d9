# Sourced by the scripts that build: the project's own tools (.tools/, see setup.sh) come
# first on PATH, so cargo-leptos finds this wasm-opt rather than an older system one.
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node_modules/.bin:$PATH"
