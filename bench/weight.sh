#!/usr/bin/env bash
# The weight of what a browser downloads to hydrate the UI: the release WASM, its JS glue and
# the CSS, raw and brotli-compressed (quality 11, as a CDN or `precompressed` file would be).
# Target: ≤ 150 kB brotli in total. Only the frontend is built (the server is not part of the weight).
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

node - target/site/pkg <<'JS'
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const dir = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f)).sort();
let raw = 0, brotli = 0;
const kb = (n) => (n / 1000).toFixed(1).padStart(8) + " kB";
console.log("file".padEnd(24) + "raw".padStart(11) + "brotli".padStart(11));
for (const file of files) {
  const bytes = fs.readFileSync(path.join(dir, file));
  const compressed = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  raw += bytes.length; brotli += compressed;
  console.log(file.padEnd(24) + kb(bytes.length) + kb(compressed));
}
console.log("total".padEnd(24) + kb(raw) + kb(brotli));
JS
