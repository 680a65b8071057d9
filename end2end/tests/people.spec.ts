import { expect, test } from "@playwright/test";
import { waitForHydration } from "./support";

test.describe("people", () => {
  test("walk from a movie to its director, their films, and Discover filtered by them", async ({ page }) => {
    await page.goto("/movie/1267");
    await page.locator(".directed-by").getByRole("link", { name: "Christopher Nolan" }).click();
    await expect(page).toHaveURL(/\/person\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name: "Christopher Nolan" })).toBeVisible();
    const films = page.getByRole("list", { name: "Behind the camera" });
    await expect(films.getByRole("listitem")).toHaveCount(7);
    await expect(films.getByRole("listitem").first()).toContainText("Inception");

    await page.getByRole("link", { name: "Browse their movies in Discover" }).click();
    await expect(page).toHaveURL(/\/discover\?with_people=\d+&sort=newest/);
    await expect(page.getByTestId("people-filter")).toContainText("With Christopher Nolan");
    await expect(page.getByRole("status").filter({ hasText: "7 movies" })).toBeVisible();

    // Hydrated, changing another filter keeps the person.
    await waitForHydration(page);
    await page.getByLabel("Sort by").selectOption("title");
    await page.getByRole("button", { name: "Show movies" }).click();
    await expect(page).toHaveURL(/with_people=\d+/);
    await expect(page).toHaveURL(/sort=title/);
    await expect(page.getByRole("list", { name: "Discovered movies" }).getByTestId("movie-card").first()).toContainText(
      "Batman Begins",
    );

    await page.getByRole("link", { name: "Remove the people filter" }).click();
    await expect(page).not.toHaveURL(/with_people/);
    await expect(page.getByTestId("people-filter")).toHaveCount(0);
  });

  test("search finds people by name, with a photo, linking to their page", async ({ page }) => {
    await page.goto("/search");
    await waitForHydration(page);
    await page.getByLabel("Title or name").fill("spielberg");
    await page.getByRole("button", { name: "Search" }).click();
    const people = page.getByRole("list", { name: "People found" });
    const spielberg = people.getByRole("link", { name: /Steven Spielberg/ });
    await expect(spielberg).toBeVisible();
    await expect(spielberg.locator("img")).toHaveJSProperty("complete", true);
    await spielberg.click();
    await expect(page.getByRole("heading", { level: 1, name: "Steven Spielberg" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Behind the camera" }).getByRole("listitem")).toHaveCount(23);
  });

  test("an unknown person is a 404 with a readable message", async ({ page }) => {
    const response = await page.goto("/person/1");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("alert")).toContainText("We could not find that person.");
  });
});
