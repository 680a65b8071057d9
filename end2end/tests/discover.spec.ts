import { type Browser, expect, type Page, test } from "@playwright/test";
import { waitForHydration } from "./support";

async function noScriptPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "hydrated" : "without JavaScript";

  test.describe(`discover (${mode})`, () => {
    test("filters by several genres, years, rating and votes, all kept in the URL", async ({ page: hydratedPage, browser }) => {
      const page = javaScript ? hydratedPage : await noScriptPage(browser);
      await page.goto("/discover");
      if (javaScript) await waitForHydration(page);
      await page.getByLabel("Science Fiction").check();
      await page.getByLabel("Action", { exact: true }).check();
      await page.getByLabel("From year").fill("1990");
      await page.getByLabel("To year").fill("1999");
      await page.getByLabel("Minimum rating").fill("7");
      await page.getByLabel("Minimum votes").fill("1000");
      await page.getByLabel("Sort by").selectOption({ label: "Highest rated" });
      // Hydrated, the results update in place: a full page load would drop this marker.
      if (javaScript) await page.evaluate(() => ((window as unknown as { stayedOnPage: boolean }).stayedOnPage = true));
      await page.getByRole("button", { name: "Show movies" }).click();

      // Hydrated, one comma list; without JavaScript, the form's one parameter per box.
      await expect(page).toHaveURL(/genre=28(%2C|&genre=)878/);
      await expect(page).toHaveURL(/year_from=1990/);
      await expect(page).toHaveURL(/min_rating=7/);
      await expect(page).toHaveURL(/min_votes=1000/);
      await expect(page).toHaveURL(/sort=rating/);
      const results = page.getByRole("list", { name: "Discovered movies" });
      // Hydrated, the address changes as the request leaves and the unfiltered list stays
      // (dimmed) until the answer arrives: wait for the answer, not just for a list.
      const years = async () => (await results.getByTestId("movie-year").allTextContents()).map(Number);
      await expect
        .poll(async () => {
          const shown = await years();
          return shown.length > 0 && shown.every((year) => year >= 1990 && year <= 1999);
        }, { message: "every movie shown is from 1990 to 1999" })
        .toBe(true);
      if (javaScript) expect(await page.evaluate(() => (window as unknown as { stayedOnPage?: boolean }).stayedOnPage)).toBe(true);
      // Reloading the address gives the same discovery, with the form filled in.
      await page.reload();
      await expect(page.getByLabel("From year")).toHaveValue("1990");
      await expect(page.getByLabel("Minimum votes")).toHaveValue("1000");
      await expect(page.getByLabel("Science Fiction")).toBeChecked();
      await expect(page.getByLabel("Action", { exact: true })).toBeChecked();
      await expect(page.getByLabel("Drama")).not.toBeChecked();
    });

    test("a year range that ends before it starts is explained and the inputs are kept", async ({ page: hydratedPage, browser }) => {
      const page = javaScript ? hydratedPage : await noScriptPage(browser);
      await page.goto("/discover?year_from=2005&year_to=1990");
      if (javaScript) await waitForHydration(page);
      await expect(page.getByRole("alert")).toContainText("year_to");
      await expect(page.getByLabel("From year")).toHaveValue("2005");
      await expect(page.getByLabel("To year")).toHaveValue("1990");
    });
  });
}

test("hydrated, a refused discovery is explained in place and the inputs are kept", async ({ page }) => {
  await page.goto("/discover");
  await waitForHydration(page);
  await page.getByLabel("From year").fill("2005");
  await page.getByLabel("To year").fill("1990");
  await page.getByRole("button", { name: "Show movies" }).click();
  await expect(page.getByRole("alert")).toContainText("year_to");
  await expect(page).toHaveURL(/year_from=2005&year_to=1990/);
  await expect(page.getByLabel("From year")).toHaveValue("2005");
  await expect(page.getByLabel("To year")).toHaveValue("1990");

  // Back to the unfiltered discovery: the inputs follow the address.
  await page.goBack();
  await expect(page.getByLabel("From year")).toHaveValue("");
  await expect(page.getByRole("list", { name: "Discovered movies" }).getByTestId("movie-card").first()).toBeVisible();

  // Genres follow Back and Forward too.
  await page.getByLabel("Comedy").check();
  await page.getByLabel("Romance").check();
  await page.getByRole("button", { name: "Show movies" }).click();
  await expect(page).toHaveURL(/genre=35%2C10749/);
  await page.goBack();
  await expect(page.getByLabel("Comedy")).not.toBeChecked();
  await page.goForward();
  await expect(page.getByLabel("Comedy")).toBeChecked();
  await expect(page.getByLabel("Romance")).toBeChecked();
  await expect(page.getByRole("list", { name: "Discovered movies" }).getByTestId("movie-card").first()).toBeVisible();
});

test("search follows the typing once hydrated, without pressing Search", async ({ page }) => {
  await page.goto("/search");
  await waitForHydration(page);
  await page.getByLabel("Title").pressSequentially("zodiac", { delay: 40 });
  await expect(page).toHaveURL(/\/search\?q=zodiac$/);
  await expect(page.getByRole("list", { name: "Search results" })).toContainText("Zodiac");
});

test("the home page has rows of popular, top rated and upcoming movies", async ({ page }) => {
  await page.goto("/");
  for (const name of ["Popular", "Top rated", "Coming soon"]) {
    await expect(page.getByRole("list", { name, exact: true }).getByTestId("movie-card").first()).toBeVisible();
  }
});

for (const javaScript of [true, false]) {
  test(`the theme can be chosen and is remembered (${javaScript ? "hydrated" : "without JavaScript"})`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript, colorScheme: "light" });
    const page = await context.newPage();
    await page.goto("/");
    if (javaScript) await waitForHydration(page);
    const html = page.locator("html");
    await expect(html).toHaveAttribute("data-theme", "system");
    // Hydrated, the switch keeps the choice without asking the server: it holds even when
    // the server cannot be reached.
    if (javaScript) await page.route("**/rpc/set_theme*", (route) => route.abort());
    await page.getByRole("button", { name: "Dark" }).click();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await expect(page.getByRole("button", { name: "Dark" })).toHaveAttribute("aria-pressed", "true");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(15, 16, 22)");
    await page.reload();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await context.close();
  });
}

test("the footer credits TMDb and the built-in catalog's dataset", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("contentinfo")).toContainText("This product uses the TMDB API but is not endorsed or certified by TMDB.");
  await expect(page.getByTestId("dataset-credit")).toContainText("vega-datasets");
});
