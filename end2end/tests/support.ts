import { expect, type Page } from "@playwright/test";

/**
 * Waits until the WASM bundle has hydrated the page. The app marks <body> with
 * `data-hydrated` from an effect, which only runs in the browser after hydration.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}
