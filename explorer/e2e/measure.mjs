// Times the Explorer's views on any store (e.g. one filled by `cluster-atlas generate`):
// for a search, a cluster profile and the map, how long the server took to answer and how
// long after the answer the view was on screen. No assertions on the data.
//
//   node e2e/measure.mjs http://127.0.0.1:8080 "digital innovation"
import { chromium } from "playwright-core";

const [base, query = "digital"] = process.argv.slice(2);
if (!base) {
  console.error("usage: node e2e/measure.mjs URL [QUERY]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.setDefaultTimeout(30_000);
await page.addInitScript(() => {
  const fetch = window.fetch.bind(window);
  window.__answers = [];
  window.fetch = async (input, init) => {
    const sent = performance.now();
    const response = await fetch(input, init);
    const name = /"operationName":"(\w+)"/.exec(String(init?.body))?.[1] ?? "?";
    window.__answers.push({ name, sent, answered: performance.now() });
    return response;
  };
  new MutationObserver(() => (window.__changed = performance.now())).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
  });
});

async function measure(label, url, ready, operation) {
  await page.goto(`${base}${url}`);
  await page.locator(ready).first().waitFor();
  await page.waitForLoadState("networkidle");
  const t = await page.evaluate((op) => {
    const a = window.__answers.filter((x) => x.name === op).pop();
    return { server: a.answered - a.sent, render: window.__changed - a.answered };
  }, operation);
  console.log(`${label}: answer ${t.server.toFixed(0)} ms, then on screen ${Math.max(0, t.render).toFixed(1)} ms`);
}

await measure(`search "${query}"`, `/search?q=${encodeURIComponent(query)}`, ".hit", "Search");
const profile = await page.locator('.hit a[href^="/clusters/"]').first().getAttribute("href");
if (profile) await measure(`profile ${profile}`, profile, "#similar", "ClusterProfile");
await measure("search filtered by country", `/search?q=${encodeURIComponent(query)}&country=RS`, ".total", "Search");
await measure("map", "/map", "svg a", "MapCounts");
await browser.close();
