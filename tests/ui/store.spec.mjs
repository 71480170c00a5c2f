// Browser test of the whole shopping flow, run against a live stack (normally `stackgen dev` on
// the local emulator) in headless Debian chromium driven by playwright-core:
//   browse → filter → add two items → change a quantity → order at a store → confirmation →
//   look the order up → stock decreased in the catalog → add stock in the back office →
//   generate a report and download it; plus a phone-width pass, an accessible-name check and
//   the "API unreachable" message. Screenshots of each page go to out/screenshots/.
//
// Usage: BASE_URL=http://127.0.0.1:PORT node tests/ui/store.spec.mjs   (or npm run test:ui)
// Optional: CHROMIUM=/path/to/chromium, SCREENSHOT_DIR=dir, REPORT_TIMEOUT_MS (default 120000).
//
// The test reads its data from the running stack (the catalog it serves) instead of assuming
// fixed products, so it works with whatever demo data the environment was seeded with; it needs
// at least two in-stock products with 3 or more units each.

import assert from "node:assert/strict";
import { mkdir, readFile, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.resolve(process.env.SCREENSHOT_DIR || path.join(here, "..", "..", "out", "screenshots"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const REPORT_TIMEOUT_MS = Number(process.env.REPORT_TIMEOUT_MS) || 120_000;

function fail(message) {
  console.error(`\nstore.spec: ${message}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- preflight (before any test)

const rawBase = process.env.BASE_URL;
if (!rawBase) {
  fail(
    "BASE_URL is not set. Start the stack (`make run`, or `stackgen dev --env local`) and run\n" +
      "  BASE_URL=http://127.0.0.1:<port> node tests/ui/store.spec.mjs\nwith the URL it printed.",
  );
}
let BASE;
try {
  BASE = new URL(rawBase.endsWith("/") ? rawBase : `${rawBase}/`);
} catch {
  fail(`BASE_URL=${rawBase} is not a URL; expected something like http://127.0.0.1:8080.`);
}
try {
  const res = await fetch(BASE, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) fail(`BASE_URL ${BASE} answered HTTP ${res.status}; expected the storefront page. Is it the URL \`stackgen dev\` printed?`);
} catch (err) {
  fail(`BASE_URL ${BASE} is unreachable (${err.cause?.code || err.cause?.message || err.message}). Start the stack with \`make run\` (or \`stackgen dev\`) first.`);
}

const { chromium } = await import("playwright-core");

// Failure screenshots of an earlier run would mislead: start without them.
await mkdir(SHOTS, { recursive: true });
for (const name of await readdir(SHOTS)) {
  if (name.startsWith("FAILED-")) await rm(path.join(SHOTS, name));
}

// ---------------------------------------------------------------- helpers

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const money = (cents) => usd.format(cents / 100);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Waits until `check()` returns a truthy value; fails with `what` and the last value seen. */
async function eventually(what, check, timeout = 15_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what} (last seen: ${JSON.stringify(last)})`);
    await sleep(150);
  }
}

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`# screenshot ${path.relative(process.cwd(), file)}`);
}

/** Every button, link, field and select on the page must have an accessible name. */
async function assertNamedControls(page, where) {
  const tree = await page.locator("body").ariaSnapshot();
  const unnamed = tree
    .split("\n")
    .filter((line) => /^\s*- (button|link|textbox|searchbox|combobox|spinbutton|checkbox|radio)\b(?! ")/.test(line));
  assert.deepEqual(unnamed, [], `${where}: controls without an accessible name:\n${unnamed.join("\n")}`);
}

const utcDate = (d) => d.toISOString().slice(0, 10);

// ---------------------------------------------------------------- the flow

test("storefront and back office against the live stack", async (t) => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  let failed = false;
  const step = async (name, fn) =>
    t.test(name, { skip: failed && "an earlier step failed" }, async () => {
      try {
        await fn();
      } catch (err) {
        failed = true;
        await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => {});
        throw err;
      }
    });

  let config;
  let apiUrl;
  const api = async (pathAndQuery) => {
    const res = await context.request.get(apiUrl + pathAndQuery);
    assert.ok(res.ok(), `GET ${apiUrl + pathAndQuery} answered ${res.status()}: ${await res.text()}`);
    return res.json();
  };
  const card = (p) => page.getByRole("article", { name: p.name, exact: true });
  const stockText = async (p) => (await card(p).locator(".stock").textContent()).trim();

  let a; // product ordered twice
  let b; // product ordered once
  let store;
  let orderId;

  await step("browse the catalog", async () => {
    await page.goto(BASE.href);
    config = await page.evaluate(() => window.STACKGEN_CONFIG);
    assert.ok(config && config.apiBase, "window.STACKGEN_CONFIG.apiBase is missing: /config.js did not load");
    assert.ok(Array.isArray(config.stores) && config.stores.length > 0, "config.js lists no stores, so no order can be placed");
    apiUrl = new URL(config.apiBase.replace(/\/+$/, ""), BASE).href;
    const probe = await context.request.get(`${apiUrl}/catalog?limit=1`).catch((err) => err);
    assert.ok(
      probe.ok?.(),
      `the API at ${apiUrl} (apiBase from /config.js) does not answer GET /catalog: ${probe.status?.() ?? probe.message}. Is the API running behind ${BASE}?`,
    );
    await page.getByRole("article").first().waitFor();
    await eventually("the catalog summary", async () => /\d+\+? products?/.test(await page.locator("#catalog-summary").textContent()));

    // Candidates: products shown on the page, in stock with 3+ units, with unique names.
    const skus = await page.locator("article[data-sku]").evaluateAll((els) => els.map((e) => e.dataset.sku));
    const products = await Promise.all(skus.map((sku) => api(`/catalog/${encodeURIComponent(sku)}`)));
    const names = products.map((p) => p.name);
    const usable = products.filter((p) => p.inStock && p.stock >= 3 && names.indexOf(p.name) === names.lastIndexOf(p.name));
    assert.ok(usable.length >= 2, `the catalog needs two in-stock products with 3+ units; found ${usable.map((p) => p.sku).join(", ") || "none"}`);
    a = usable[0];
    b = usable.find((p) => p.category !== a.category) || usable[1];

    // What each card shows matches the API: price, stock, out-of-stock disabled, low-stock badge.
    for (const p of products) {
      const c = card(p);
      const text = await c.textContent();
      assert.ok(text.includes(money(p.priceCents)), `${p.name}: card does not show price ${money(p.priceCents)}: ${text}`);
      const add = c.getByRole("button");
      if (!p.inStock) {
        assert.ok(await add.isDisabled(), `${p.name} is out of stock but its add button is enabled`);
        assert.match(text, /Out of stock/);
      } else {
        assert.equal(await stockText(p), `${p.stock} in stock`);
        if (p.lowStock) assert.match(text, /Low stock/, `${p.name} is low on stock but has no badge`);
      }
    }
    await assertNamedControls(page, "storefront");
    await shot(page, "01-catalog");
  });

  await step("filter by category and search", async () => {
    const category = page.getByLabel("Category", { exact: true });
    await category.selectOption(a.category);
    await eventually(`only ${a.category} products`, async () => {
      const cats = await page.locator("article .product-meta").allTextContents();
      return cats.length > 0 && cats.every((c) => c.trim().toLowerCase() === a.category.toLowerCase()) && (await card(a).isVisible());
    });
    await shot(page, "02-filtered-category");
    await category.selectOption("");

    const word = b.name.split(/\s+/).sort((x, y) => y.length - x.length)[0].toLowerCase();
    await page.getByLabel("Search products", { exact: true }).fill(word);
    await eventually(`search results for "${word}"`, async () => {
      const shown = await page.locator("article h3").allTextContents();
      return shown.length > 0 && shown.every((n) => n.toLowerCase().includes(word)) && (await card(b).isVisible());
    });
    await shot(page, "03-search");
    await page.getByLabel("Search products", { exact: true }).fill("");
    await eventually("the full catalog again", () => card(a).isVisible());
  });

  await step("add two items and change a quantity", async () => {
    await page.getByRole("button", { name: `Add to cart: ${a.name}`, exact: true }).click();
    await eventually(`${a.name} in the cart`, async () => (await page.getByLabel(`Quantity of ${a.name}`, { exact: true }).inputValue()) === "1");
    // The second one with the keyboard.
    await page.getByRole("button", { name: `Add to cart: ${b.name}`, exact: true }).focus();
    await page.keyboard.press("Enter");
    await eventually(`${b.name} in the cart`, async () => (await page.getByLabel(`Quantity of ${b.name}`, { exact: true }).inputValue()) === "1");
    assert.match(await page.getByRole("status").textContent(), new RegExp(`Added ${escapeRe(b.name)}`));

    const qty = page.getByLabel(`Quantity of ${a.name}`, { exact: true });
    await qty.fill("2");
    await qty.press("Enter");
    const total = 2 * a.priceCents + b.priceCents;
    await eventually(`cart total ${money(total)}`, async () => (await page.locator("#cart-total").textContent()) === money(total));
    const lineA = page.locator("#cart-lines li", { hasText: a.name });
    assert.match(await lineA.locator(".line-total").textContent(), new RegExp(`${escapeRe(money(2 * a.priceCents))}$`));
    assert.equal((await page.locator("#cart-count").textContent()).trim(), "3");
    await shot(page, "04-cart");
  });

  await step("order at a store and see the confirmation", async () => {
    store = config.stores[config.stores.length - 1];
    await page.getByLabel("Pickup store", { exact: true }).selectOption(store.id);
    const posted = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname.endsWith("/orders"));
    await page.getByRole("button", { name: "Place order" }).click();
    const request = await posted;
    const key = request.headers()["idempotency-key"];
    assert.ok(key && key.length >= 16 && key.length <= 128, `POST /orders without a proper Idempotency-Key header: ${key}`);
    assert.deepEqual(JSON.parse(request.postData()).items.map((i) => [i.sku, i.qty]).sort(), [[a.sku, 2], [b.sku, 1]].sort());

    await page.getByRole("heading", { name: "Order confirmed" }).waitFor();
    orderId = (await page.locator("#view-confirmation").getByTestId("order-id").textContent()).trim();
    assert.ok(orderId, "the confirmation shows no order id");
    const body = await page.locator("#view-confirmation").textContent();
    for (const expected of [store.name, a.name, b.name, money(2 * a.priceCents + b.priceCents)]) {
      assert.ok(body.includes(expected), `confirmation does not mention ${expected}`);
    }
    const order = await api(`/orders/${encodeURIComponent(orderId)}`);
    assert.equal(order.storeId, store.id);
    assert.equal(order.totalCents, 2 * a.priceCents + b.priceCents);
    assert.equal((await page.locator("#cart-count").textContent()).trim(), "0", "the cart was not emptied after the order");
    await shot(page, "05-confirmation");
  });

  await step("look the order up and see it in my orders", async () => {
    await page.getByRole("link", { name: "See my orders" }).click();
    await page.getByLabel("Order ID", { exact: true }).fill(orderId);
    await page.getByRole("button", { name: "Look up order" }).click();
    await page.getByRole("heading", { name: `Order ${orderId}` }).waitFor();
    const result = await page.locator("#lookup-result").textContent();
    assert.ok(result.includes(store.name) && result.includes(a.name), `lookup result incomplete: ${result}`);
    await page.getByRole("button", { name: `Show order ${orderId}` }).waitFor();
    await shot(page, "06-orders");
  });

  await step("see stock decreased in the catalog", async () => {
    await page.getByRole("link", { name: "Shop" }).click();
    await eventually(`${a.name} at ${a.stock - 2} in stock`, async () => (await stockText(a)) === `${a.stock - 2} in stock`);
    await eventually(`${b.name} at ${b.stock - 1} in stock`, async () => (await stockText(b)) === `${b.stock - 1} in stock`);
    await shot(page, "07-catalog-after-order");
  });

  await step("add and set stock in the back office", async () => {
    await page.getByRole("link", { name: "Back office" }).click();
    await page.getByRole("heading", { name: "Inventory" }).waitFor();
    // Columns: SKU | Product | Category | Price | Stock | Low at | …; the second numeric cell is Stock.
    const stockCell = (p) => page.locator(`#inventory-rows tr[data-sku="${p.sku}"] td.num`).nth(1);
    await eventually(`${a.sku} row`, async () => (await stockCell(a).textContent()) === String(a.stock - 2));

    await page.getByLabel(`Stock quantity for ${a.name}`, { exact: true }).fill("5");
    await page.getByRole("button", { name: `Add stock: ${a.name}` }).click();
    await eventually(`${a.name} stock ${a.stock + 3}`, async () => (await stockCell(a).textContent()) === String(a.stock + 3));
    assert.equal((await api(`/catalog/${encodeURIComponent(a.sku)}`)).stock, a.stock + 3);

    await page.getByLabel(`Stock quantity for ${b.name}`, { exact: true }).fill(String(b.stock));
    await page.getByRole("button", { name: `Set stock: ${b.name}` }).click();
    await eventually(`${b.name} stock set to ${b.stock}`, async () => (await stockCell(b).textContent()) === String(b.stock));
    assert.equal((await api(`/catalog/${encodeURIComponent(b.sku)}`)).stock, b.stock);
    await assertNamedControls(page, "back office");
    await shot(page, "08-backoffice");
  });

  await step("generate a report and download it", async () => {
    const today = new Date();
    await page.getByLabel("From", { exact: true }).fill(utcDate(new Date(today.getTime() - 86_400_000)));
    await page.getByLabel("To", { exact: true }).fill(utcDate(today));
    await page.getByRole("button", { name: "Generate report" }).click();
    const csv = page.getByRole("link", { name: /^Download CSV/ }).first();
    await eventually("the report to be ready", () => csv.isVisible(), REPORT_TIMEOUT_MS);
    // CSV: a real browser download (the report objects are served as attachments).
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 15_000 }).catch(() => {
        throw new Error("clicking Download CSV did not start a download; the report object should be served with Content-Disposition: attachment");
      }),
      csv.click(),
    ]);
    assert.equal(await download.failure(), null, "the CSV download failed");
    const csvText = await readFile(await download.path(), "utf8");
    assert.ok(csvText.includes(a.sku), `the CSV report (${download.suggestedFilename()}) does not mention ${a.sku}, which was just sold`);
    // JSON: fetched through the link's URL, and parsed.
    const jsonHref = await page.getByRole("link", { name: /^Download JSON/ }).first().getAttribute("href");
    const res = await context.request.get(jsonHref);
    assert.ok(res.ok(), `downloading the JSON report (${jsonHref}) answered ${res.status()}`);
    const jsonText = await res.text();
    assert.doesNotThrow(() => JSON.parse(jsonText), "the JSON report is not JSON");
    assert.ok(jsonText.includes(a.sku), `the JSON report does not mention ${a.sku}, which was just sold`);
    await shot(page, "09-reports");
  });

  await step("phone width", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "en-US" });
    try {
      const p = await phone.newPage();
      p.on("pageerror", (err) => pageErrors.push(err.message));
      await p.goto(BASE.href);
      await p.getByRole("button", { name: `Add to cart: ${a.name}`, exact: true }).click();
      await eventually("the phone cart", async () => (await p.getByLabel(`Quantity of ${a.name}`, { exact: true }).inputValue()) === "1");
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the storefront scrolls sideways on a phone by ${overflow}px`);
      await shot(p, "10-phone-shop");
      await p.goto(new URL("admin.html", BASE).href);
      await p.getByRole("heading", { name: "Inventory" }).waitFor();
      await p.locator("#inventory-rows tr").first().waitFor();
      const overflowAdmin = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflowAdmin <= 0, `the back office scrolls sideways on a phone by ${overflowAdmin}px`);
      await shot(p, "11-phone-backoffice");
    } finally {
      await phone.close();
    }
  });

  await step("API unreachable shows a clear message", async () => {
    const offline = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await offline.newPage();
      await p.route(`${apiUrl}/**`, (route) => route.abort("connectionrefused"));
      await p.goto(BASE.href);
      const alert = p.getByRole("alert");
      await eventually("the unreachable-API alert", async () => /Can't reach the store service/.test(await alert.textContent()));
      await p.getByRole("button", { name: "Try again" }).first().waitFor();
      await shot(p, "12-api-unreachable");
    } finally {
      await offline.close();
    }
  });

  await step("an unknown page gets the store's 404 page", async () => {
    const p = await context.newPage();
    try {
      const res = await p.goto(new URL("no-such-aisle/today", BASE).href);
      assert.equal(res.status(), 404, "an unknown page answers 404, not the bucket's 403");
      await p.getByRole("heading", { name: "We could not find that page" }).waitFor();
      const home = p.getByRole("link", { name: "Go to the shop" });
      assert.equal(await home.getAttribute("href"), "/");
      // Its stylesheet loads from any depth (absolute links).
      const rules = await p.evaluate(() =>
        [...document.styleSheets].filter((sheet) => sheet.href?.endsWith("/css/app.css")).map((sheet) => sheet.cssRules.length),
      );
      assert.ok(rules.length === 1 && rules[0] > 0, `app.css did not load on the 404 page: ${JSON.stringify(rules)}`);
      await shot(p, "13-not-found");
    } finally {
      await p.close();
    }
  });

  await t.test("no uncaught errors in the pages", () => {
    assert.deepEqual(pageErrors, []);
  });
});
