import { expect, test } from "@playwright/test";

test.describe("languages", () => {
  test("the picker shows the catalog in French, English where untranslated, rated for the region", async ({ page }) => {
    await page.goto("/movie/370");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("The Godfather");

    const picker = page.getByRole("form", { name: "Language and region" });
    await picker.getByLabel("Language").selectOption("fr-FR");
    await picker.getByLabel("Region").selectOption("GB");
    await picker.getByRole("button", { name: "Apply" }).click();

    // Back on the same page, now in French; the choice shows in the picker.
    await expect(page).toHaveURL(/\/movie\/370$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Le Parrain");
    await expect(page.getByText("Film (histoire) sorti en 1972")).toBeVisible();
    await expect(picker.getByLabel("Language")).toHaveValue("fr-FR");
    await expect(picker.getByLabel("Region")).toHaveValue("GB");

    // A genre chip is named in French and leads to Discover by its English name.
    const chip = page.getByRole("list", { name: "Genres" }).getByRole("link", { name: "Histoire" });
    await expect(chip).toHaveAttribute("href", "/discover?genre=History");
    await chip.click();
    await expect(page.getByRole("checkbox", { name: "Histoire" })).toBeChecked();

    // No French translation: the original title, the English overview, the British rating.
    await page.goto("/movie/1267");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("The Dark Knight");
    await expect(page.locator(".overview")).toContainText("A 2008");
    await expect(page.locator(".facts")).toContainText("12A");

    // The choice stays for the next visit, and switches back as easily.
    await page.goto("/");
    await expect(picker.getByLabel("Language")).toHaveValue("fr-FR");
    await picker.getByLabel("Language").selectOption("en-US");
    await picker.getByRole("button", { name: "Apply" }).click();
    await page.goto("/movie/370");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("The Godfather");
  });

  test("a browser that asks for French gets French before choosing anything", async ({ browser }) => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto("/search?q=le%20parrain");
    await expect(page.getByRole("link", { name: /Le Parrain/ }).first()).toBeVisible();
    await expect(page.getByRole("form", { name: "Language and region" }).getByLabel("Region")).toHaveValue("FR");
    await context.close();
  });
});
