import { type Browser, expect, type Page, test } from "@playwright/test";
import { waitForHydration } from "./support";

const PASSWORD = "correct horse battery staple";

function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

async function register(page: Page, email: string, next = "") {
  await page.goto(next ? `/register?next=${encodeURIComponent(next)}` : "/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function noScriptPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

/** Opens a movie by searching for its title, the way a user would. */
async function openMovie(page: Page, query: string, title: string) {
  await page.goto(`/search?q=${encodeURIComponent(query)}`);
  // A card's link reads "Title Year Rated 8.9".
  const [name, year] = [title.replace(/ \(\d{4}\)$/, ""), title.match(/\((\d{4})\)$/)?.[1] ?? ""];
  await page.getByRole("list", { name: "Search results" }).getByRole("link", { name: new RegExp(`^${name} ${year}`) }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title.replace(/ \(\d{4}\)$/, ""));
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "hydrated" : "without JavaScript";

  test.describe(`accounts and favorites (${mode})`, () => {
    test("trending → movie → register → favorite two → Favorites → For you → remove → sign out and in again", async ({ page: hydratedPage, browser }) => {
      // A dozen page loads against the debug build (each hydrating its islands from the
      // debug-sized WASM when JavaScript is on).
      test.setTimeout(60_000);
      const page = javaScript ? hydratedPage : await noScriptPage(browser);
      const email = uniqueEmail(javaScript ? "js" : "nojs");

      // Browse: the first trending movie.
      await page.goto("/");
      if (javaScript) await waitForHydration(page);
      const firstCard = page.getByRole("list", { name: "Trending movies" }).getByTestId("movie-card").first();
      const first = ((await firstCard.getByRole("heading").textContent()) ?? "").trim();
      await firstCard.getByRole("link").click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText(first);
      const moviePath = new URL(page.url()).pathname;

      // Signed out, the movie offers to sign in; registering comes back to it.
      await page.getByRole("link", { name: "Sign in to save favorites" }).click();
      await page.getByRole("link", { name: "Create an account" }).click();
      // The sign-in page has an Email field too: wait for the register page to replace it.
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create an account");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page).toHaveURL(new RegExp(`${moviePath}$`));
      if (javaScript) await waitForHydration(page);
      await expect(page.getByTestId("signed-in-as")).toHaveText(email);

      const favorite = async () => {
        const toggle = page.getByTestId("favorite-toggle");
        await expect(toggle).toHaveAttribute("data-favorite", "false");
        await toggle.click();
        await expect(toggle).toHaveAttribute("data-favorite", "true");
        await expect(toggle).toContainText("In your favorites");
        // Hydrated, the change shows at once; leave the page only once the server has it.
        await expect(toggle).not.toHaveAttribute("aria-busy", "true");
      };
      await favorite();
      const [query, second] = first.startsWith("Twelve Monkeys") ? ["dark knight", "The Dark Knight (2008)"] : ["twelve monkeys", "Twelve Monkeys (1995)"];
      const secondTitle = second.replace(/ \(\d{4}\)$/, "");
      await openMovie(page, query, second);
      if (javaScript) await waitForHydration(page);
      await favorite();

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Favorites" }).click();
      const favorites = page.getByRole("list", { name: "Favorite movies" });
      await expect(favorites.getByTestId("movie-card")).toHaveCount(2);
      // Newest first.
      await expect(favorites.getByTestId("movie-card").first()).toContainText(secondTitle);

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "For you" }).click();
      await expect(page.getByTestId("for-you-source")).toHaveAttribute("data-source", "favorites");
      await expect(page.getByRole("list", { name: "Recommended for you" }).getByText(/^Because you liked/).first()).toBeVisible();
      const recommended = await page.getByRole("list", { name: "Recommended for you" }).getByRole("heading").allTextContents();
      expect(recommended).not.toContain(first);
      expect(recommended).not.toContain(secondTitle);

      await page.goto("/favorites");
      await page.getByRole("button", { name: `Remove ${secondTitle} from favorites` }).click();
      await expect(favorites.getByTestId("movie-card")).toHaveCount(1);
      await expect(favorites).not.toContainText(secondTitle);
      await expect(favorites).not.toHaveAttribute("aria-busy", "true");

      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
      await page.goto("/favorites");
      await expect(page.getByText("Sign in to see this page.")).toBeVisible();

      await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/favorites$/);
      await expect(page.getByRole("list", { name: "Favorite movies" }).getByTestId("movie-card")).toHaveCount(1);
      await expect(page.getByRole("list", { name: "Favorite movies" })).toContainText(first);
    });

    test("a wrong password is refused with a readable message", async ({ page: hydratedPage, browser }) => {
      const page = javaScript ? hydratedPage : await noScriptPage(browser);
      await page.goto("/signin");
      if (javaScript) await waitForHydration(page);
      const email = uniqueEmail("nobody");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
      await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
      // The email is kept for another try, also when the refusal came back as a new page;
      // the password never comes back from the server.
      await expect(page.getByLabel("Email")).toHaveValue(email);
      if (!javaScript) await expect(page.getByLabel("Password")).toHaveValue("");
    });

    test("a common password is refused at registration, naming the rule", async ({ page: hydratedPage, browser }) => {
      const page = javaScript ? hydratedPage : await noScriptPage(browser);
      await page.goto("/register");
      if (javaScript) await waitForHydration(page);
      const email = uniqueEmail("weak");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("password123");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByRole("alert")).toContainText("most common passwords");
      await expect(page.getByLabel("Email")).toHaveValue(email);
    });
  });
}

test("signed out, the favorite button offers to sign in and comes back to the movie", async ({ page }) => {
  await openMovie(page, "dark knight", "The Dark Knight (2008)");
  await page.getByRole("link", { name: "Sign in to save favorites" }).click();
  await expect(page).toHaveURL(/\/signin\?next=%2Fmovie%2F\d+|\/signin\?next=\/movie\/\d+/);
  await page.getByRole("link", { name: "Create an account" }).click();
  // The sign-in page has an Email field too: wait for the register page to replace it.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create an account");
  const email = uniqueEmail("next");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/movie\/\d+$/);
  await expect(page.getByTestId("favorite-toggle")).toHaveAttribute("data-favorite", "false");
});

/** A new account on a movie's page, hydrated: where the favorite button's tests start. */
async function signedInOnMovie(page: Page, label: string, query: string, title: string) {
  await register(page, uniqueEmail(label));
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await openMovie(page, query, title);
  await waitForHydration(page);
}

/** A promise the test resolves when it chooses: holds a routed request's answer. */
function gate(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}

test("the favorite toggle answers at once and rolls back with a message when the server refuses", async ({ page }) => {
  await signedInOnMovie(page, "optimistic", "dark knight", "The Dark Knight (2008)");
  // Hold the server's answer, then refuse it: the button must flip before the answer and
  // flip back after it.
  const { held, release } = gate();
  await page.route("**/rpc/set_favorite*", async (route) => {
    await held;
    await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({
      code: "database_unavailable",
      message: "Accounts are unavailable right now. Please try again in a moment.",
      retry_after_secs: 5,
    }) });
  });
  const toggle = page.getByTestId("favorite-toggle");
  await toggle.click();
  await expect(toggle).toHaveAttribute("data-favorite", "true");
  await expect(toggle).toHaveAttribute("aria-busy", "true");
  release();
  await expect(page.getByRole("alert")).toContainText("Accounts are unavailable right now");
  await expect(toggle).toHaveAttribute("data-favorite", "false");
  await expect(toggle).not.toHaveAttribute("aria-busy", "true");
});

test("quick presses on the favorite toggle all count, and the server ends with the last one", async ({ page }) => {
  await signedInOnMovie(page, "presses", "twelve monkeys", "Twelve Monkeys (1995)");
  // Hold the first answer so that the next presses come while it is on its way.
  const { held, release } = gate();
  const sent: string[] = [];
  let answered = 0;
  page.on("requestfinished", (request) => {
    if (request.url().includes("/rpc/set_favorite")) answered += 1;
  });
  await page.route("**/rpc/set_favorite*", async (route) => {
    sent.push(route.request().postData() ?? "");
    if (sent.length === 1) await held;
    await route.continue();
  });
  const toggle = page.getByTestId("favorite-toggle");
  await toggle.click();
  await expect(toggle).toHaveAttribute("data-favorite", "true");
  await toggle.click();
  await expect(toggle).toHaveAttribute("data-favorite", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("data-favorite", "true");
  release();
  // The add on its way already is what the user last asked for: nothing more is sent.
  await expect.poll(() => answered).toBe(1);
  await expect(toggle).toHaveAttribute("data-favorite", "true");
  expect(sent).toHaveLength(1);

  // Remove, then add again before or after the remove is answered: both reach the server.
  await toggle.click();
  await toggle.click();
  await expect.poll(() => answered).toBe(3);
  await expect(toggle).toHaveAttribute("data-favorite", "true");
  expect(sent.map((body) => new URLSearchParams(body).get("favorite"))).toEqual(["true", "false", "true"]);
  await page.reload();
  await expect(page.getByTestId("favorite-toggle")).toHaveAttribute("data-favorite", "true");
});
