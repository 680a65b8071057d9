import { expect, type Page } from "@playwright/test";

/**
 * Waits until the WASM bundle has hydrated the page. The entry point marks <body> with
 * `data-hydrated` once hydration has finished, after the page's own chunk has loaded.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}
