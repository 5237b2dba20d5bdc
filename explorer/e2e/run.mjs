// The Explorer's end-to-end scenario in headless Chromium (Debian's, at CHROME_PATH or
// /usr/bin/chromium): search with a typo, open MASIT's profile and check its facts, follow
// a similar cluster and its reasons, open a network and its timeline, a news item, filter
// by a facet and by clicking the map, and go back. Fails on any console error or page
// error, and on any serious or critical axe-core violation of a view. Saves a screenshot
// of each view into SCREENSHOT_DIR.
//
//   node e2e/run.mjs http://127.0.0.1:8080 /tmp/shots
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, shots = process.env.ATLAS_SCREENSHOTS ?? "screenshots"] = process.argv.slice(2);
if (!base) {
  console.error("usage: node e2e/run.mjs URL [SCREENSHOT_DIR]");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.setDefaultTimeout(10_000);
page.on("console", (m) => {
  if (m.type() === "error") problems.push(`console error on ${page.url()}: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
// Times the app's rendering: when each search's answer has arrived (fetch
// wrapped by this script, evaluated outside the page's CSP) and when a hit last changed on
// screen.
await page.addInitScript(() => {
  const fetch = window.fetch.bind(window);
  window.__answered = [];
  window.fetch = async (input, init) => {
    const response = await fetch(input, init);
    // Its headers: the body, a few KB over loopback, follows within a millisecond.
    if (typeof init?.body === "string" && init.body.includes('"operationName":"Search"'))
      window.__answered.push(performance.now());
    return response;
  };
  new MutationObserver((changes) => {
    if (changes.some((c) => c.target instanceof Element && c.target.closest(".hits")))
      window.__shown = performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
});

let step = 0;
/** Checks the view with axe (evaluated over the debugging protocol, which the page's CSP
 * does not govern), then saves its screenshot. */
async function view(name) {
  step += 1;
  await page.waitForLoadState("networkidle");
  await page.evaluate(axeSource);
  const { violations } = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  for (const v of violations)
    if (v.impact === "serious" || v.impact === "critical")
      problems.push(`axe ${v.impact} on ${name}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  const file = join(shots, `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`ok ${name}: ${violations.length} axe findings (none serious), ${file}`);
}
const expect = async (what, check) => {
  try {
    await check();
  } catch (e) {
    problems.push(`${what}: ${e.message.split("\n")[0]}`);
  }
};
const timed = async (what, act) => {
  const started = performance.now();
  await act();
  console.log(`time ${what}: ${(performance.now() - started).toFixed(0)} ms`);
};

try {
  // 1. Search as you type, with a typo.
  await page.goto(`${base}/`);
  const box = page.getByLabel("Search", { exact: true });
  await box.focus();
  await timed("typed 'embeded systems' to ICT NET on screen", async () => {
    await box.pressSequentially("embeded systems", { delay: 15 });
    await page.locator(".hit a", { hasText: "ICT NET" }).first().waitFor();
  });
  const render = await page.evaluate(() => {
    const shown = window.__shown;
    const answered = window.__answered.filter((t) => t <= shown).pop();
    return shown - answered;
  });
  console.log(`time from the search's answer to its hits on screen: ${render.toFixed(1)} ms`);
  if (!(render < 100)) problems.push(`hits took ${render} ms after the answer (budget 100 ms)`);
  await expect("the typed words are marked", async () => {
    const marks = await page.locator(".hit mark").allTextContents();
    if (!marks.some((m) => /embedded|system/i.test(m))) throw new Error(`marks: ${marks.join("|")}`);
  });
  await expect("the URL holds the query", async () => {
    if (!page.url().includes("q=embeded")) throw new Error(page.url());
  });
  await view("search");

  // 2. MASIT's profile, found with a typo in its name.
  await box.fill("");
  await box.pressSequentially("masjt chamber", { delay: 15 });
  await page.locator(".hit a", { hasText: "MASIT" }).first().click();
  await page.locator("h1", { hasText: "MASIT" }).waitFor();
  await expect("MASIT's founding date", () =>
    page.locator('[data-fact="established"]', { hasText: "26 February 2000" }).waitFor());
  await expect("MASIT's four contacts", () =>
    page.locator('[data-fact="contacts"]', { hasText: "four contacts" }).waitFor());
  await expect("MASIT's four programmes", () =>
    page.locator('[data-fact="programmes"]', { hasText: "four programmes" }).waitFor());
  await view("profile-masit");

  // 3. A similar cluster, with the reasons it was suggested.
  const similar = page.locator(".similar > li").first();
  await expect("similar clusters come with reasons", () => similar.locator(".reasons li").first().waitFor());
  const partner = (await similar.locator("a").first().textContent())?.trim() ?? "";
  await similar.locator("a").first().click();
  await page.locator("h1", { hasText: partner }).waitFor();
  await view("profile-similar");
  await page.goBack();
  await page.locator("h1", { hasText: "MASIT" }).waitFor();

  // 4. A network and its news timeline, then one of its news items.
  await page.locator("#networks ~ ul a, section:has(#networks) a").first().click();
  await page.locator("#timeline").waitFor();
  await expect("the network's timeline lists news", () => page.locator(".timeline li").first().waitFor());
  await view("network");
  const newsLink = page.locator(".timeline li a").first();
  if (await newsLink.count()) {
    await newsLink.click();
    await page.locator("#news-title").waitFor();
    await view("news");
  }

  // 5. Filter by a facet, then go back to the unfiltered results.
  await page.getByRole("link", { name: "Search", exact: true }).click();
  await box.fill("ict");
  await page.locator(".hit").first().waitFor();
  await page.waitForURL(/q=ict/);
  const total = await page.locator(".total").textContent();
  const facet = page.locator('fieldset:has(legend:text("Country")) input[type=checkbox]').first();
  await facet.check();
  await page.waitForURL(/country=/);
  await page.locator(".total").filter({ hasNotText: total ?? "" }).or(page.locator(".total")).first().waitFor();
  await view("search-facet");
  await page.goBack();
  await expect("back removes the filter", async () => {
    await page.waitForURL((u) => !u.search.includes("country="));
    if (await facet.isChecked()) throw new Error("still checked");
  });

  // 6. The map: click a country, then search its clusters.
  await page.getByRole("link", { name: "Map", exact: true }).click();
  const country = page.locator('svg a:not([aria-label*="no clusters"])').first();
  await country.waitFor();
  const label = (await country.getAttribute("aria-label")) ?? "";
  await country.click();
  await page.waitForURL(/country=/);
  await page.locator("h2", { hasText: label.split(":")[0] }).waitFor();
  await view("map");
  const eventful = page.locator('svg a[aria-label*="event"]').first();
  if (await eventful.count()) {
    await eventful.click();
    await page.locator("#events-title").waitFor();
    await view("map-events");
    await page.goBack();
    await page.locator("h2", { hasText: label.split(":")[0] }).waitFor();
  }
  await page.getByRole("link", { name: /^Search the clusters of/ }).click();
  await page.waitForURL(/\/search\?.*country=/);
  await page.locator(".hit").first().waitFor();
  await view("search-map-country");

  // 6b. A warning of the query syntax, and its "did you mean".
  await page.getByRole("link", { name: "Search", exact: true }).click();
  await box.fill('"ict chamber');
  await page.locator(".warnings li", { hasText: "quote" }).waitFor();
  await view("search-warning");
  await page.getByRole("button", { name: /^Did you mean/ }).click();
  await expect("the fixed query has no warning", async () => {
    await page.waitForURL(/chamber%22|chamber"/);
    await page.locator(".warnings").waitFor({ state: "detached" });
  });

  // 7. Events.
  await page.getByRole("link", { name: "Events", exact: true }).click();
  await page.locator("#events-title").waitFor();
  await view("events");

  // 8. Keyboard only: the skip link comes first; Tab reaches the search box, then a hit,
  // and Enter opens it.
  await page.goto(`${base}/`);
  await page.keyboard.press("Tab");
  await expect("the skip link is the first stop", async () => {
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    if (focused !== "Skip to content") throw new Error(`focused: ${focused}`);
  });
  const tabTo = async (what, test) => {
    for (let i = 0; i < 60; i += 1) {
      if (await page.evaluate(test)) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`Tab never reached ${what}`);
  };
  await tabTo("the search box", () => document.activeElement?.id === "q");
  await page.keyboard.type("ict net", { delay: 15 });
  await page.locator(".hit a", { hasText: "ICT NET" }).first().waitFor();
  await tabTo("the ICT NET hit", () =>
    document.activeElement?.closest(".hit") !== null && document.activeElement?.textContent === "ICT NET");
  await page.keyboard.press("Enter");
  await page.locator("h1", { hasText: "ICT NET" }).waitFor();
  await expect("the new view has the focus", async () => {
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== "main") throw new Error(`focused: ${focused}`);
  });
  console.log("ok keyboard: skip link, search box, a hit opened with Enter");
} catch (e) {
  problems.push(`scenario stopped at ${page.url()}: ${e.message.split("\n")[0]}`);
  await page.screenshot({ path: join(shots, "failure.png"), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}

if (problems.length) {
  for (const p of problems) console.log(`FAIL ${p}`);
  process.exit(1);
}
console.log(`all views ok; screenshots in ${shots}`);
