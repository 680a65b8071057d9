import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { waitForHydration } from "./support";

// Every page, in both themes and at phone and desktop widths: no serious or critical
// axe-core violation.
const pages = ["/", "/search?q=king", "/discover?genre=18", "/movie/1267", "/favorites", "/for-you", "/my-movies", "/signin", "/register", "/signout", "/no-such-page"];

for (const colorScheme of ["light", "dark"] as const) {
  for (const path of pages) {
    test(`${path} has no serious accessibility problem (${colorScheme})`, async ({ browser }) => {
      const context = await browser.newContext({ colorScheme, viewport: colorScheme === "dark" ? { width: 360, height: 780 } : { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(path);
      await waitForHydration(page);
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
      await context.close();
    });
  }
}

test("keyboard users can skip to the content and see where focus is", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
});

test("nothing overflows sideways on a 360 px phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  for (const path of ["/", "/movie/1267", "/discover", "/signin"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await context.close();
});

test("on a phone the main navigation is a tab bar at the bottom and the header stays short", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await page.goto("/");
  const header = await page.getByRole("banner").boundingBox();
  expect(header?.height ?? Infinity).toBeLessThanOrEqual(100);
  const nav = page.getByRole("navigation", { name: "Main" });
  const bar = await nav.boundingBox();
  expect(bar && Math.round(bar.y + bar.height)).toBe(780);
  for (const name of ["Trending", "Discover", "Search", "For you", "Favorites", "My movies"]) {
    await expect(nav.getByRole("link", { name })).toBeInViewport({ ratio: 1 });
  }
  // The bar stays put while the page scrolls, and never covers the end of the page.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  expect(await nav.boundingBox()).toEqual(bar);
  const footer = await page.getByRole("contentinfo").boundingBox();
  // (Within a pixel: scroll positions are whole pixels, layout boxes are not.)
  expect(footer && footer.y + footer.height).toBeLessThanOrEqual((bar?.y ?? 0) + 1);
  await nav.getByRole("link", { name: "Discover" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Discover movies");
  await expect(nav.getByRole("link", { name: "Discover" })).toHaveAttribute("aria-current", "page");
  await context.close();
});

test("the title never goes blank while a page hydrates", async ({ page }) => {
  // The title is the server's; hydrating the page's islands must never blank it.
  await page.addInitScript(() => {
    const titles: string[] = [];
    (window as unknown as { titles: string[] }).titles = titles;
    new MutationObserver(() => titles.push(document.title)).observe(document, { subtree: true, childList: true, characterData: true });
  });
  for (const path of ["/", "/search?q=king", "/movie/1267"]) {
    await page.goto(path);
    await waitForHydration(page);
    const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles);
    const afterFirst = titles.slice(titles.findIndex((title) => title !== ""));
    expect(afterFirst.length, path).toBeGreaterThan(0);
    expect(afterFirst.filter((title) => title === ""), path).toEqual([]);
  }
});

test("every page has its own title and one description", async ({ page }) => {
  const titles = new Set<string>();
  for (const path of pages) {
    await page.goto(path);
    const title = await page.title();
    expect(title, path).toMatch(/Nexus/);
    titles.add(title);
    await expect(page.locator('meta[name="description"]'), path).toHaveCount(1);
    expect(await page.locator('meta[name="description"]').getAttribute("content"), path).toBeTruthy();
  }
  expect(titles.size).toBe(pages.length);
});
