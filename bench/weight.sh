#!/usr/bin/env bash
# The weight of what a browser downloads to hydrate a page, raw and brotli-compressed (quality 11,
# as a CDN or `precompressed` file would be). The bundle is split (`cargo leptos --split`): every
# page needs the main WASM, its JS glue, the split loader and the CSS; each page adds its own view
# chunk and the shared chunks it uses (from `__wasm_split_manifest.json`).
# Target: ≤ 150 kB brotli for every page. Only the frontend is built (the server is not part of the weight).
#
#   bench/weight.sh            # builds the release site (about 3 min warm), then measures
#   NO_BUILD=1 bench/weight.sh # measures target/site/pkg as it is
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools-path.sh

if [[ -z "${NO_BUILD:-}" ]]; then
  echo "==> building the release site"
  cargo leptos build --release --split --frontend-only >/dev/null
fi

node - target/site/pkg <<'JS'
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const dir = process.argv[2];
const size = (file) => {
  const bytes = fs.readFileSync(path.join(dir, file));
  const brotli = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: bytes.length, brotli };
};
const kb = (n) => (n / 1000).toFixed(1).padStart(8) + " kB";
const sum = (files) => files.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, brotli: a.brotli + b.brotli }), { raw: 0, brotli: 0 });
const row = (label, total) => console.log(label.padEnd(30) + kb(total.raw) + kb(total.brotli));

const files = fs.readdirSync(dir);
const main = files.filter((f) => /^[^_].*\.(wasm|js|css)$/.test(f) && !/^(split_|chunk_)/.test(f)).concat(files.filter((f) => /^__wasm_split\..*\.js$/.test(f)));
console.log("every page".padEnd(30) + "raw".padStart(11) + "brotli".padStart(11));
for (const file of main.sort()) row("  " + file, size(file));
const shared = sum(main);
row("  total", shared);

const manifestFile = files.find((f) => /^__wasm_split_manifest.*\.json$/.test(f));
const manifest = manifestFile ? JSON.parse(fs.readFileSync(path.join(dir, manifestFile), "utf8")) : {};
let worst = shared.brotli;
console.log("\nper page (its chunks, then everything it downloads to hydrate)");
for (const [split, chunks] of Object.entries(manifest).sort()) {
  const page = split.replace(/^__/, "").replace(/_route_view_\d+$/, "");
  const own = sum([`split_${split}.wasm`, ...chunks.map((c) => `${c}.wasm`)]);
  const total = { raw: shared.raw + own.raw, brotli: shared.brotli + own.brotli };
  worst = Math.max(worst, total.brotli);
  row(`  ${page} chunks (${chunks.length + 1})`, own);
  row(`  ${page} total`, total);
}
console.log(`\nheaviest page: ${(worst / 1000).toFixed(1)} kB brotli (target ≤ 150 kB)`);
JS
