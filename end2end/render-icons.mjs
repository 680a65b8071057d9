// Renders the web app manifest's PNG icons from their SVG sources in public/, with the
// Chromium the end-to-end tests use (no image tool is needed). Rerun after changing an SVG:
//   (cd end2end && node render-icons.mjs)
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

const icons = [
  ["favicon.svg", "icon-192.png", 192],
  ["favicon.svg", "icon-512.png", 512],
  ["icon-maskable.svg", "icon-maskable-512.png", 512],
];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
for (const [source, target, size] of icons) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const svg = readFileSync(new URL(`../public/${source}`, import.meta.url), "utf8");
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
  );
  await page.screenshot({ path: new URL(`../public/${target}`, import.meta.url).pathname, omitBackground: true });
  await page.close();
}
await browser.close();
