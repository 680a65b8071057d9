import { expect, type Page, test } from "@playwright/test";
import { waitForHydration } from "./support";

/** The titles of the trending list, in order. */
function trendingTitles(page: Page): Promise<string[]> {
  return page.getByRole("list", { name: "Trending movies" }).getByTestId("movie-card").getByRole("heading").allTextContents();
}

test.describe("home page", () => {
  test("server-renders trending movies before any script runs", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Trending today" })).toBeVisible();
    const cards = page.getByRole("list", { name: "Trending movies" }).getByTestId("movie-card");
    await expect(cards).toHaveCount(20);
    await expect(cards.first().locator("img")).toHaveAttribute("src", /\/t\/p\/w342\/poster-\d+\.svg$/);
    await context.close();
  });

  test("hydrates and switches the trending period in place", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    const titles = () => trendingTitles(page);
    const today = await titles();
    expect(today).toHaveLength(20);

    // A full page load would drop this marker; client-side navigation keeps it.
    await page.evaluate(() => ((window as unknown as { stayedOnPage: boolean }).stayedOnPage = true));
    await page.getByRole("link", { name: "This week" }).click();
    await expect(page).toHaveURL(/window=week/);
    await expect(page.getByRole("heading", { level: 1, name: "Trending this week" })).toBeVisible();
    await expect(page.getByRole("link", { name: "This week" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("link", { name: "Today" })).not.toHaveAttribute("aria-current", "page");
    await expect.poll(titles).not.toEqual(today);
    expect(await titles()).toHaveLength(20);
    expect(await page.evaluate(() => (window as unknown as { stayedOnPage?: boolean }).stayedOnPage)).toBe(true);
  });

  test("Back returns to the period shown before, in place", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    const titles = () => trendingTitles(page);
    const today = await titles();
    await page.evaluate(() => ((window as unknown as { stayedOnPage: boolean }).stayedOnPage = true));
    await page.getByRole("link", { name: "This week" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Trending this week" })).toBeVisible();
    await expect.poll(titles).not.toEqual(today);

    await page.goBack();
    await expect(page).not.toHaveURL(/window=week/);
    await expect(page.getByRole("heading", { level: 1, name: "Trending today" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Today" })).toHaveAttribute("aria-current", "page");
    await expect.poll(titles).toEqual(today);
    expect(await page.evaluate(() => (window as unknown as { stayedOnPage?: boolean }).stayedOnPage)).toBe(true);
  });

  test("the same trending list is served as JSON", async ({ page, request }) => {
    const api = await request.get("/api/movies/trending/");
    expect(api.ok()).toBeTruthy();
    const body = await api.json();
    expect(body.page).toBe(1);
    expect(body.results).toHaveLength(20);

    await page.goto("/");
    const firstCardTitle = await page.getByTestId("movie-card").first().getByRole("heading").textContent();
    expect(firstCardTitle).toBe(body.results[0].title);
  });

  test("unknown pages answer 404 with a readable page", async ({ page }) => {
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });

  test("the web app manifest and its icons are served", async ({ request }) => {
    const manifest = await request.get("/manifest.webmanifest");
    expect(manifest.status()).toBe(200);
    expect(manifest.headers()["content-type"]).toContain("manifest+json");
    for (const icon of (await manifest.json()).icons as { src: string; type: string }[]) {
      const file = await request.get(icon.src);
      expect(file.status(), icon.src).toBe(200);
      expect(file.headers()["content-type"], icon.src).toContain(icon.type);
    }
  });
});
