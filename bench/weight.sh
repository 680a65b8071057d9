#!/usr/bin/env bash
# The weight of what a browser downloads to hydrate a page, raw and brotli-compressed (quality 11,
# as a CDN or `precompressed` file would be): the WASM (every island), its JS glue and the CSS.
# Every page downloads the same three files; pages without an island in view still need the
# theme switch's, which is on every page.
# Target: ≤ 150 kB brotli. Only the frontend is built (the server is not part of the weight).
#
#   bench/weight.sh            # builds the release site (about 3 min warm), then measures
#   NO_BUILD=1 bench/weight.sh # measures target/site/pkg as it is
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools-path.sh

if [[ -z "${NO_BUILD:-}" ]]; then
  echo "==> building the release site"
  cargo leptos build --release --frontend-only >/dev/null
fi

# The bundle's file name, as the build sets it (LEPTOS_OUTPUT_NAME in .cargo/config.toml).
name="$(sed -n 's/^LEPTOS_OUTPUT_NAME = "\(.*\)"$/\1/p' .cargo/config.toml)"
node - target/site/pkg "${name:?LEPTOS_OUTPUT_NAME not found in .cargo/config.toml}" <<'JS'
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const [dir, name] = process.argv.slice(2);
const size = (file) => {
  const bytes = fs.readFileSync(path.join(dir, file));
  const brotli = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: bytes.length, brotli };
};
const kb = (n) => (n / 1000).toFixed(1).padStart(8) + " kB";
const row = (label, total) => console.log(label.padEnd(20) + kb(total.raw) + kb(total.brotli));

console.log("file".padEnd(20) + "raw".padStart(11) + "brotli".padStart(11));
let total = { raw: 0, brotli: 0 };
for (const file of [`${name}.wasm`, `${name}.js`, `${name}.css`]) {
  const weight = size(file);
  row(file, weight);
  total = { raw: total.raw + weight.raw, brotli: total.brotli + weight.brotli };
}
row("total", total);
console.log(`\nevery page: ${(total.brotli / 1000).toFixed(1)} kB brotli to hydrate (target ≤ 150 kB)`);
JS
