import { expect, test } from "@playwright/test";
import { waitForHydration } from "./support";

test.describe("movie page", () => {
  test("opens from a trending card in place, with facts and related movies", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    const firstCard = page.getByTestId("movie-card").first();
    const title = (await firstCard.getByRole("heading").textContent()) ?? "";
    await firstCard.getByRole("link").click();
    await expect(page).toHaveURL(/\/movie\/\d+$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(title);
    await expect(page).toHaveTitle(new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await expect(page.getByRole("list", { name: "Recommended movies" }).getByTestId("movie-card").first()).toBeVisible();
  });

  test("is complete without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto("/movie/1267");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "The Dark Knight (2008)" })).toBeVisible();
    await expect(page.getByText(/^Directed by Christopher Nolan$/)).toBeVisible();
    await expect(page.getByText("PG-13")).toBeVisible();
    await context.close();
  });

  test("an unknown movie is a 404 with a readable message", async ({ page }) => {
    const response = await page.goto("/movie/999999");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("alert")).toContainText("We could not find that movie.");
  });
});

test.describe("search", () => {
  test("the form works without JavaScript and keeps the query in the URL", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/search");
    await page.getByLabel("Title").fill("king kong");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/search\?q=king\+kong/);
    await expect(page.getByRole("list", { name: "Search results" }).getByTestId("movie-card").first()).toContainText("King Kong");
    await context.close();
  });

  test("after hydration, searching updates in place and says when nothing matches", async ({ page }) => {
    await page.goto("/search");
    await waitForHydration(page);
    await page.evaluate(() => ((window as unknown as { stayedOnPage: boolean }).stayedOnPage = true));
    await page.getByLabel("Title").fill("dark knight");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=dark\+knight/);
    await expect(page.getByRole("list", { name: "Search results" })).toContainText("The Dark Knight");
    await page.getByLabel("Title").fill("zzzzqqq");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("status").filter({ hasText: "No movies or people match" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { stayedOnPage?: boolean }).stayedOnPage)).toBe(true);
  });
});
