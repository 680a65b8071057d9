import { expect, type Page } from "@playwright/test";

/**
 * Waits until the WASM bundle has hydrated the page's islands. The entry point marks <body>
 * with `data-hydrated` once every island on the page has hydrated.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}
