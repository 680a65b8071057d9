import { type Browser, expect, type Page, test } from "@playwright/test";
import { waitForHydration } from "./support";

const PASSWORD = "correct horse battery staple";

function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

async function noScriptPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

/** The count a "My movies" tab shows. */
async function tabCount(page: Page, tab: string): Promise<string> {
  return ((await page.getByTestId(`tab-${tab}`).locator(".count").textContent()) ?? "").trim();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "hydrated" : "without JavaScript";

  test(`watchlist, rating and not interested on a movie, then My movies (${mode})`, async ({ page: hydratedPage, browser }) => {
    test.setTimeout(60_000);
    const page = javaScript ? hydratedPage : await noScriptPage(browser);

    // Registering from the movie's page comes back to it (1267 is The Dark Knight).
    await page.goto(`/register?next=${encodeURIComponent("/movie/1267")}`);
    await page.getByLabel("Email").fill(uniqueEmail(javaScript ? "mine-js" : "mine-nojs"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/movie\/1267$/);
    if (javaScript) await waitForHydration(page);

    const watchlist = page.getByTestId("watchlist-toggle");
    await expect(watchlist).toHaveAttribute("data-watchlist", "false");
    await watchlist.click();
    await expect(page.getByTestId("watchlist-toggle")).toHaveAttribute("data-watchlist", "true");
    await expect(page.getByTestId("watchlist-toggle")).toContainText("On your watchlist");

    // Rating it marks it seen and takes it off the watchlist.
    await expect(page.getByTestId("seen-state")).toHaveText("Seen it? Rate it:");
    await page.getByTestId("my-movie-controls").getByText("9", { exact: true }).click();
    await page.getByTestId("rate").click();
    await expect(page.getByTestId("seen-state")).toHaveText("You rated it 9/10.");
    await expect(page.getByTestId("watchlist-toggle")).toHaveAttribute("data-watchlist", "false");
    await expect(page.getByTestId("my-movie-controls").getByRole("radio", { name: "9", exact: true })).toBeChecked();

    await page.getByTestId("not-interested-toggle").click();
    await expect(page.getByTestId("not-interested-toggle")).toHaveAttribute("data-not-interested", "true");

    // And another movie on the watchlist: Inception (2026).
    await page.goto("/movie/2026");
    await page.getByTestId("watchlist-toggle").click();
    await expect(page.getByTestId("watchlist-toggle")).toHaveAttribute("data-watchlist", "true");

    await page.goto("/my-movies");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My movies");
    expect(await tabCount(page, "watchlist")).toBe("1");
    expect(await tabCount(page, "seen")).toBe("1");
    expect(await tabCount(page, "not-interested")).toBe("1");
    await expect(page.getByRole("list", { name: "Watchlist" }).getByTestId("movie-card")).toHaveCount(1);
    await expect(page.getByRole("list", { name: "Watchlist" })).toContainText("Inception");

    await page.getByTestId("tab-seen").click();
    await expect(page).toHaveURL(/tab=seen/);
    const seen = page.getByRole("list", { name: "Seen" });
    await expect(seen).toContainText("The Dark Knight");
    await expect(seen.getByTestId("card-seen")).toHaveText("Your rating 9/10");

    // A reload keeps everything: it was saved on the server.
    await page.reload();
    await expect(page.getByRole("list", { name: "Seen" }).getByTestId("card-seen")).toHaveText("Your rating 9/10");
  });
}

test("signed out, My movies asks to sign in", async ({ page }) => {
  await page.goto("/my-movies");
  await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await expect(page.getByText("Sign in to see this page.")).toBeVisible();
});

for (const javaScript of [true, false]) {
  const mode = javaScript ? "hydrated" : "without JavaScript";

  test(`a new user picks movies they like on For you, then sees why each is recommended (${mode})`, async ({ page: hydratedPage, browser }) => {
    test.setTimeout(60_000);
    const page = javaScript ? hydratedPage : await noScriptPage(browser);
    await page.goto(`/register?next=${encodeURIComponent("/for-you")}`);
    await page.getByLabel("Email").fill(uniqueEmail(javaScript ? "onboard-js" : "onboard-nojs"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/for-you$/);
    await expect(page.getByTestId("for-you-source")).toHaveAttribute("data-source", "onboarding");
    const picks = page.getByRole("list", { name: "Movies to pick from" });
    await expect(picks.getByTestId("movie-card")).toHaveCount(20);

    // One pick is enough to start from; the page now recommends, and says why.
    const card = picks.getByTestId("movie-card").first();
    const liked = ((await card.getByRole("heading").textContent()) ?? "").trim();
    await card.getByTestId("like-this").click();
    await expect(page.getByTestId("for-you-source")).toHaveAttribute("data-source", "favorites");
    const reasons = page.getByRole("list", { name: "Recommended for you" }).getByTestId("because").first();
    await expect(reasons).toBeVisible();
    const link = reasons.getByRole("link").first();
    await expect(link).toHaveText(liked);
    await link.click();
    await expect(page).toHaveURL(/\/movie\/\d+$/);

    // "Not for me" takes a recommendation away for good.
    await page.goto("/for-you");
    const recommended = page.getByRole("list", { name: "Recommended for you" });
    const dismissed = await recommended.getByTestId("movie-card").first().getAttribute("data-movie-id");
    await recommended.getByTestId("movie-card").first().getByTestId("not-for-me").click();
    await expect(page).toHaveURL(/\/for-you$/);
    await expect(recommended.getByTestId("movie-card").first()).toBeVisible();
    await expect(recommended.locator(`[data-movie-id="${dismissed}"]`)).toHaveCount(0);
  });
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "hydrated" : "without JavaScript";

  test(`cards put movies on the watchlist or mark them seen, and lists can hide them (${mode})`, async ({ page: hydratedPage, browser }) => {
    test.setTimeout(60_000);
    const page = javaScript ? hydratedPage : await noScriptPage(browser);
    // Visitors get plain cards: nothing to press that would need an account.
    await page.goto("/");
    await expect(page.getByRole("list", { name: "Trending movies" }).getByTestId("movie-card").first()).toBeVisible();
    await expect(page.getByTestId("card-actions")).toHaveCount(0);
    await expect(page.getByTestId("hide-mine")).toHaveCount(0);

    await page.goto("/register?next=/");
    await page.getByLabel("Email").fill(uniqueEmail(javaScript ? "cards-js" : "cards-nojs"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/$/);
    if (javaScript) await waitForHydration(page);

    const trending = page.getByRole("list", { name: "Trending movies" });
    const cardOf = (id: string) => trending.locator(`[data-movie-id="${id}"]`);
    const first = trending.getByTestId("movie-card").nth(0);
    const second = trending.getByTestId("movie-card").nth(1);
    const [listedId, seenId] = [await first.getAttribute("data-movie-id"), await second.getAttribute("data-movie-id")];
    expect(listedId && seenId).toBeTruthy();

    await first.getByTestId("card-watchlist").click();
    await expect(cardOf(listedId!).getByTestId("card-watchlist")).toHaveAttribute("aria-pressed", "true");
    await expect(cardOf(listedId!).getByTestId("card-watchlist")).toHaveText("✓ Watchlist");
    await cardOf(seenId!).getByTestId("card-mark-seen").click();
    await expect(cardOf(seenId!).getByTestId("card-seen")).toHaveText("Seen");
    await expect(page).toHaveURL(/\/$/);

    // Hiding them takes both out of trending and out of Discover, and stays chosen.
    const toggle = page.getByTestId("hide-mine");
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await toggle.click();
    await expect(page.getByTestId("hide-mine")).toHaveAttribute("aria-checked", "true");
    await expect(trending.getByTestId("movie-card").first()).toBeVisible();
    await expect(cardOf(listedId!)).toHaveCount(0);
    await expect(cardOf(seenId!)).toHaveCount(0);
    await page.goto("/discover");
    await expect(page.getByTestId("hide-mine")).toHaveAttribute("aria-checked", "true");
    const discovered = page.getByRole("list", { name: "Discovered movies" });
    await expect(discovered.getByTestId("movie-card").first()).toBeVisible();
    await expect(discovered.locator(`[data-movie-id="${listedId}"], [data-movie-id="${seenId}"]`)).toHaveCount(0);

    // Showing them again brings them back, still marked; My movies has both.
    await page.goto("/");
    await page.getByTestId("hide-mine").click();
    await expect(page.getByTestId("hide-mine")).toHaveAttribute("aria-checked", "false");
    await expect(cardOf(listedId!).getByTestId("card-watchlist")).toHaveAttribute("aria-pressed", "true");
    await page.goto("/my-movies?tab=watchlist");
    const watchlist = page.getByRole("list", { name: "Watchlist" });
    await expect(watchlist.getByTestId("movie-card")).toHaveCount(1);
    // From the watchlist, "Seen it" moves the movie to Seen.
    await watchlist.getByTestId("card-mark-seen").click();
    await expect(page.getByText("Nothing on your watchlist yet.", { exact: false })).toBeVisible();
    expect(await tabCount(page, "seen")).toBe("2");

    // A movie's rows of related movies carry the same controls (1267 is The Dark Knight).
    await page.goto("/movie/1267");
    await expect(page.getByRole("list", { name: "Recommended movies" }).getByTestId("card-watchlist").first()).toBeVisible();
  });
}
