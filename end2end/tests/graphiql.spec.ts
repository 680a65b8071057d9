import { expect, test } from "@playwright/test";

const PASSWORD = "correct horse battery staple";

test("GraphiQL loads from this server, runs a query, and queries as the signed-in user", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin;
  const violations: string[] = [];
  const foreign: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith("data:")) foreign.push(url);
  });

  // Signed in on the site first: GraphiQL's requests carry the session.
  const email = `graphiql-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).not.toHaveURL(/\/register/);

  await page.goto("/api/graphql");
  // The example query is in the editor once GraphiQL has rendered and read the schema.
  await expect(page.locator(".graphiql-query-editor")).toContainText("query Movie", { timeout: 20_000 });
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/graphql") && !!r.request().postData()?.includes("query Movie")),
    page.getByRole("button", { name: /Execute query/ }).click(),
  ]);
  // The session rode along: `mine` is the signed-in user's (null for nobody).
  expect((await answer.json()).data.movie.mine).toEqual({ favorite: false, watchlist: false, rating: null });
  const result = page.locator(".graphiql-response");
  await expect(result).toContainText('"title": "', { timeout: 20_000 });

  // Replace the query with one that needs the account.
  const editor = page.locator(".graphiql-query-editor .CodeMirror").first();
  await editor.click();
  await page.keyboard.press("Control+A");
  // Inserted, not typed: typing would meet the editor's automatic closing braces.
  await page.keyboard.insertText("{ me { email } }");
  // GraphiQL reads the new document's operations a moment after the edit.
  await expect(async () => {
    await page.getByRole("button", { name: /Execute query/ }).click();
    await expect(result).toContainText(email, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });

  expect(violations).toEqual([]);
  expect(foreign).toEqual([]);
});
