// The back office (admin.html): the stores' order queues (store-orders.js), the inventory table
// with "add stock" / "set stock" per product, adding a product, the low-stock list, and sales
// reports (generated asynchronously by the API;
// this page polls their status and offers the download links once they are ready).
//
// For store staff only: a signed-out visitor gets the staff sign-in (the same accounts and
// session as the shop, auth.js; a new staff member's first sign-in with the temporary password
// asks for a password of their own), a signed-in customer a "for store staff only" message.
// Neither gets any data, and the page makes no staff call for them; a staff call the API
// refuses (403, say the account left the staff group) switches to that message and drops what
// was shown. Every call carries the staff member's access token (api.js).

import { alertIn, clearAlert, initSignInForms, onSessionChangeElsewhere, renderAccountBar } from "./account-forms.js";
import { ApiError, api, money, randomId, seg, when } from "./api.js";
import { AuthError, authAvailable, confirmAuthenticator, currentSession, hasAuthenticator, mfaCode, signOut, startAuthenticator } from "./auth.js";
import { photoCell, uploadPhoto } from "./photos.js";
import { forgetOrders, initOrders, loadOrders } from "./store-orders.js";
import {
  $,
  announce,
  busy,
  categoryLabel,
  clearError,
  clearFieldErrors,
  fieldError,
  fill,
  h,
  initChrome,
  loadJson,
  saveJson,
  showError,
} from "./ui.js";

const REPORTS_KEY = "stackgen.reports";
const MAX_STOCK = 1_000_000;
const POLL_LIMIT_MS = 10 * 60 * 1000;
const PHOTO_POLL_MS = 1500;
const PHOTO_WAIT_MS = 2 * 60 * 1000;

const state = {
  session: currentSession(),
  // "unavailable" | "signed-out" | "new-password" (first sign-in) | "mfa-code" (sign-in's second
  // step) | "mfa-setup" (setting up an authenticator app) | "customer" (not staff) | "staff"
  mode: null,
  generation: 0, // bumped whenever the back office closes: late answers of before are dropped
  products: new Map(), // sku → Product
  reports: loadJson(REPORTS_KEY, []).filter((r) => r && typeof r.reportId === "string"),
  polling: new Set(),
  challenge: null, // in "new-password" or "mfa-code": the sign-in waiting for it (the challenge)
  mfaRequired: false, // the API refused a staff call for want of an authenticator app
};

const idOf = (sku) => String(sku).replace(/[^A-Za-z0-9_-]/g, "_");

// ---------------------------------------------------------------- inventory

async function loadInventory() {
  if (state.mode !== "staff") return;
  const generation = state.generation;
  const caption = $("#inventory-caption");
  $("#inventory-rows").setAttribute("aria-busy", "true");
  try {
    const data = await api("GET", "/inventory");
    if (generation !== state.generation) return;
    state.products = new Map((data.items || []).map((p) => [p.sku, p]));
    renderInventory();
  } catch (err) {
    if (generation !== state.generation || refused(err)) return;
    caption.textContent = "Inventory could not be loaded.";
    showError(err, { title: "Couldn't load inventory", retry: loadInventory });
  } finally {
    $("#inventory-rows").removeAttribute("aria-busy");
  }
}

function sortedProducts() {
  return [...state.products.values()].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
}

function matchesFilter(p) {
  const q = $("#inventory-filter").value.trim().toLowerCase();
  return !q || [p.sku, p.name, p.category].some((v) => String(v || "").toLowerCase().includes(q));
}

function renderInventory() {
  const focusedId = document.activeElement?.id;
  // Rows are rebuilt (after a change, a refresh, while a photo is processing): amounts being
  // typed in other rows are carried over, not wiped mid-entry.
  const typed = [...document.querySelectorAll('#inventory-rows input[id^="amount-"]')]
    .filter((i) => i.value !== "")
    .map((i) => [i.id, i.value]);
  const products = sortedProducts();
  const shown = products.filter(matchesFilter);
  fill($("#inventory-rows"), shown.map(inventoryRow));
  for (const [id, value] of typed) {
    const input = document.getElementById(id);
    if (input) input.value = value;
  }
  const units = products.reduce((n, p) => n + (Number(p.stock) || 0), 0);
  $("#inventory-caption").textContent = !products.length
    ? "No products yet. Add one below."
    : shown.length === products.length
      ? `${products.length} products, ${units} units on hand.`
      : `Showing ${shown.length} of ${products.length} products.`;
  const categories = [...new Set(products.map((p) => p.category).filter(Boolean))].sort();
  fill($("#category-list"), categories.map((c) => h("option", { value: c })));
  renderLowStock();
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function statusBadge(p) {
  if (!p.inStock || Number(p.stock) <= 0) return h("span", { class: "badge badge-out" }, "Out of stock");
  if (p.lowStock) return h("span", { class: "badge badge-low" }, "Low stock");
  return h("span", { class: "badge badge-ok" }, "In stock");
}

function inventoryRow(p) {
  const key = idOf(p.sku);
  const input = h("input", {
    type: "number",
    id: `amount-${key}`,
    min: 0,
    max: MAX_STOCK,
    step: 1,
    inputmode: "numeric",
    placeholder: "Qty",
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      updateStock(p.sku, "add");
    }
  });
  // Explicit roles keep the table semantics when narrow screens restyle rows as cards.
  return h(
    "tr",
    { role: "row", dataset: { sku: p.sku } },
    h("th", { scope: "row", role: "rowheader", class: "c-sku" }, h("code", {}, p.sku)),
    h("td", { role: "cell", class: "c-name" }, p.name),
    h("td", { role: "cell", class: "c-cat" }, categoryLabel(p.category)),
    h("td", { role: "cell", class: "num c-price", "data-label": "Price" }, money(p.priceCents), p.unit ? h("span", { class: "hint" }, ` / ${p.unit}`) : null),
    h("td", { role: "cell", class: "num c-stock", id: `stock-${key}`, "data-label": "Stock" }, String(p.stock)),
    h("td", { role: "cell", class: "num c-low", "data-label": "Low at" }, String(p.lowStockThreshold)),
    h("td", { role: "cell", class: "c-status" }, statusBadge(p)),
    photoCell(p, key, changePhoto),
    h(
      "td",
      { role: "cell", class: "c-update" },
      h(
        "div",
        { class: "stock-update" },
        h("label", { for: `amount-${key}`, class: "visually-hidden" }, `Stock quantity for ${p.name}`),
        input,
        h(
          "button",
          { type: "button", class: "btn btn-primary", id: `add-${key}`, "aria-label": `Add stock: ${p.name}`, onclick: () => updateStock(p.sku, "add") },
          "Add stock",
        ),
        h(
          "button",
          { type: "button", class: "btn btn-secondary", id: `set-${key}`, "aria-label": `Set stock: ${p.name}`, onclick: () => updateStock(p.sku, "set") },
          "Set stock",
        ),
      ),
    ),
  );
}

/**
 * The Idempotency-Key of a stock change: the same while that change is sent again after an
 * answer that never came (network failure, 5xx), so an "Add stock" retried is not added twice
 * (the API applies a keyed batch once); a fresh key once the change got a definitive answer.
 */
const pendingChanges = new Map();
function changeKey(body) {
  const json = JSON.stringify(body);
  if (!pendingChanges.has(json)) pendingChanges.set(json, `inv-${randomId(16)}`);
  return { key: pendingChanges.get(json), done: () => pendingChanges.delete(json) };
}

async function updateStock(sku, mode) {
  const key = idOf(sku);
  const input = document.getElementById(`amount-${key}`);
  const product = state.products.get(sku);
  const name = product?.name || sku;
  const raw = input.value.trim();
  const n = Number(raw);
  const min = mode === "add" ? 1 : 0;
  if (raw === "" || !Number.isInteger(n) || n < min || n > MAX_STOCK) {
    input.setAttribute("aria-invalid", "true");
    showError(
      new Error(
        mode === "add"
          ? `Enter how many units of ${name} to add: a whole number from 1 to ${MAX_STOCK}.`
          : `Enter the new stock count for ${name}: a whole number from 0 to ${MAX_STOCK}.`,
      ),
      { title: "Stock not changed" },
    );
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  // A set replaces the level shown: if an order took units since, the API refuses it
  // (STOCK_CHANGED) rather than overwrite the order's decrement.
  const change = mode === "add" ? { sku, addStock: n } : { sku, stock: n, expectedStock: Number(product?.stock) };
  const buttons = [document.getElementById(`add-${key}`), document.getElementById(`set-${key}`)];
  buttons.forEach((b) => (b.disabled = true));
  const generation = state.generation;
  const body = { items: [change] };
  const attempt = changeKey(body);
  try {
    const data = await api("PUT", "/inventory", { body, headers: { "Idempotency-Key": attempt.key } });
    attempt.done();
    if (generation !== state.generation) return;
    for (const p of data.items || []) state.products.set(p.sku, p);
    clearError();
    // The amount was applied: its field starts empty again (the others keep what is typed).
    const typedHere = document.getElementById(`amount-${key}`);
    if (typedHere) typedHere.value = "";
    renderInventory();
    document.getElementById(`${mode}-${key}`)?.focus();
    const now = state.products.get(sku);
    announce(`${name}: ${mode === "add" ? `added ${n}, ` : ""}stock now ${now ? now.stock : "updated"}.`);
  } catch (err) {
    if (!(err instanceof ApiError) || !err.retryable) attempt.done();
    if (generation !== state.generation || refused(err)) return;
    buttons.forEach((b) => (b.disabled = false));
    const changed = err.code === "STOCK_CHANGED" && (err.details?.skus || []).find((s) => s.sku === sku);
    if (changed && Number.isInteger(changed.stock) && product) {
      // Show the level now, so the next set replaces it knowingly.
      state.products.set(sku, { ...product, stock: changed.stock });
      renderInventory();
      showError(
        new Error(`Stock of ${name} is now ${changed.stock}, not ${changed.expectedStock}: an order or another member of staff changed it. Check the count and set it again.`),
        { title: "Stock not changed" },
      );
      document.getElementById(`amount-${key}`)?.focus();
      return;
    }
    showError(err, { title: `Couldn't update stock of ${name}` });
  }
}

/** Uploads a new photo of `sku`, then follows the image function until it is done. */
async function changePhoto(sku, file) {
  const name = state.products.get(sku)?.name || sku;
  const generation = state.generation;
  announce(`Uploading the photo of ${name}.`);
  try {
    await uploadPhoto(sku, file);
  } catch (err) {
    if (generation !== state.generation || refused(err)) return;
    showError(err, { title: `Photo of ${name} not uploaded` });
    await loadInventory();
    return;
  }
  clearError();
  const product = state.products.get(sku);
  if (product) {
    state.products.set(sku, { ...product, imageStatus: "PROCESSING", imageReason: undefined });
    renderInventory();
  }
  announce(`Photo of ${name} uploaded; making the storefront's sizes.`);
  const deadline = Date.now() + PHOTO_WAIT_MS;
  while (Date.now() < deadline && generation === state.generation) {
    await new Promise((resolve) => setTimeout(resolve, PHOTO_POLL_MS));
    await loadInventory();
    const now = state.products.get(sku);
    if (now?.imageStatus === "READY") return announce(`The new photo of ${name} is on the storefront.`);
    if (now?.imageStatus === "REJECTED") return announce(`The photo of ${name} was refused: ${now.imageReason || "no reason given"}.`);
  }
}

function renderLowStock() {
  const low = sortedProducts()
    .filter((p) => p.lowStock || !p.inStock)
    .sort((a, b) => Number(a.stock) - Number(b.stock));
  const box = $("#low-list");
  if (!low.length) {
    fill(box, h("p", { class: "empty" }, "Every product is above its threshold."));
    return;
  }
  fill(
    box,
    h(
      "ul",
      { class: "low-list", "aria-labelledby": "low-title" },
      low.map((p) =>
        h(
          "li",
          {},
          h("span", {}, h("strong", {}, p.name), " ", h("span", { class: "hint" }, `(${p.sku})`)),
          h(
            "span",
            {},
            Number(p.stock) <= 0
              ? h("span", { class: "badge badge-out" }, "Out of stock")
              : h("span", { class: "badge badge-low" }, `${p.stock} left · low at ${p.lowStockThreshold}`),
            " ",
            h(
              "button",
              {
                type: "button",
                class: "btn btn-link",
                "aria-label": `Restock ${p.name}`,
                onclick: () => {
                  if (!document.getElementById(`amount-${idOf(p.sku)}`)) {
                    $("#inventory-filter").value = ""; // the row was filtered out
                    renderInventory();
                  }
                  const input = document.getElementById(`amount-${idOf(p.sku)}`);
                  input?.scrollIntoView({ block: "center" });
                  input?.focus();
                },
              },
              "Restock",
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- add product

function parseCents(text) {
  const m = /^\$?\s*(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0"));
}

async function addProduct(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  const get = (id) => document.getElementById(id);
  const sku = get("new-sku").value.trim();
  const name = get("new-name").value.trim();
  const typed = get("new-category").value.trim();
  // Reuse an existing category's spelling ("Fruit" → "fruit") so one category never splits in two.
  const category = [...state.products.values()].map((p) => p.category).find((c) => c && c.toLowerCase() === typed.toLowerCase()) || typed;
  const priceCents = parseCents(get("new-price").value);
  const unit = get("new-unit").value.trim() || "each";
  const stock = Number(get("new-stock").value);
  const threshold = Number(get("new-threshold").value);
  const checks = [
    // The API's rule (functions/src/product.rs, valid_sku).
    [sku && /^[A-Za-z0-9_-]{1,64}$/.test(sku), "new-sku", "Enter a SKU: 1 to 64 letters, digits, dashes or underscores."],
    [!state.products.has(sku), "new-sku", `SKU ${sku} already exists; change its stock in the inventory table.`],
    [name, "new-name", "Enter the product name shoppers will see."],
    [category, "new-category", "Enter a category, e.g. fruit."],
    [priceCents !== null && priceCents > 0, "new-price", "Enter a price in dollars, e.g. 2.49."],
    [Number.isInteger(stock) && stock >= 0 && stock <= MAX_STOCK, "new-stock", "Enter a whole number of units, 0 or more."],
    [Number.isInteger(threshold) && threshold >= 0, "new-threshold", "Enter a whole number, 0 or more."],
  ];
  const failed = checks.filter(([ok]) => !ok);
  if (failed.length) {
    const seen = new Set();
    for (const [, id, message] of failed) {
      if (seen.has(id)) continue;
      seen.add(id);
      fieldError(get(id), message);
    }
    get(failed[0][1]).focus();
    return;
  }
  const item = { sku, name, category, priceCents, unit, stock, lowStockThreshold: threshold };
  const generation = state.generation;
  await busy($("#add-submit"), "Adding…", async () => {
    try {
      const data = await api("PUT", "/inventory", { body: { items: [item] } });
      if (generation !== state.generation) return;
      for (const p of data.items || []) state.products.set(p.sku, p);
      clearError();
      renderInventory();
      form.reset();
      announce(`Added ${name} (${sku}) with ${stock} in stock.`);
    } catch (err) {
      if (generation !== state.generation || refused(err)) return;
      showError(err, { title: `Couldn't add ${name}` });
    }
  });
}

// ---------------------------------------------------------------- reports

/** Report days are UTC calendar days, like the orders' createdAt. */
const isoDate = (d) => d.toISOString().slice(0, 10);

function saveReports() {
  saveJson(
    REPORTS_KEY,
    state.reports.slice(0, 20).map(({ reportId, status, from, to, createdAt }) => ({ reportId, status, from, to, createdAt })),
  );
}

/** How long a download link is used as it is: the API signs them for 15 minutes. */
const LINK_FRESH_MS = 10 * 60 * 1000;

/** A click on a download link older than [`LINK_FRESH_MS`] asks the API for new links first,
 * instead of opening one S3 answers with "Request has expired". */
async function freshDownload(event, report, kind, { newTab = false } = {}) {
  if (Date.now() - (report.linksAt || 0) < LINK_FRESH_MS) return;
  event.preventDefault();
  // Opened now, before the await, so that the browser counts it as the click's own window.
  const tab = newTab ? window.open("about:blank", "_blank") : null;
  if (tab) tab.opener = null; // the download page gets no handle on this one
  try {
    const fresh = await api("GET", `/reports/${seg(report.reportId)}`);
    upsertReport({ ...fresh, linksAt: Date.now() });
    const url = fresh.downloads?.[kind];
    if (url && tab) tab.location.assign(url);
    else if (url) location.assign(url);
    else tab?.close();
  } catch (err) {
    tab?.close();
    if (!refused(err)) showError(err, { title: "Couldn't get a new download link", retry: () => freshDownload(event, report, kind) });
  }
}

function renderReports() {
  const rows = state.reports.map((r) => {
    const range = `${r.from || "?"} to ${r.to || "?"}`;
    const links = [];
    if (r.status === "READY" && r.downloads) {
      for (const [kind, label] of [
        ["csv", "CSV"],
        ["json", "JSON"],
      ]) {
        if (r.downloads[kind]) {
          links.push(
            h(
              "a",
              {
                href: r.downloads[kind],
                download: `report-${r.from}-${r.to}.${kind}`,
                rel: "noopener",
                "aria-label": `Download ${label} report ${range}`,
                onclick: (e) => freshDownload(e, r, kind),
                // A middle click opens the link in a new tab: the same check first.
                onauxclick: (e) => e.button === 1 && freshDownload(e, r, kind, { newTab: true }),
              },
              `Download ${label}`,
            ),
          );
        }
      }
    }
    let action = null;
    if (r.stalled) {
      action = h("button", { type: "button", class: "btn btn-link", onclick: () => poll(r.reportId) }, "Check again");
    }
    return h(
      "tr",
      { role: "row", dataset: { report: r.reportId } },
      h(
        "th",
        { scope: "row", role: "rowheader", class: "c-range" },
        range,
        String(r.reportId).startsWith("rep-daily-") ? h("span", { class: "badge badge-ok" }, " Daily") : null,
        h("div", { class: "hint" }, h("code", {}, r.reportId)),
      ),
      h("td", { role: "cell", "data-label": "Requested" }, when(r.createdAt)),
      h(
        "td",
        { role: "cell", "data-label": "Status" },
        h("span", { class: `status-pill status-${r.status}` }, String(r.status || "").toLowerCase()),
        r.error ? h("div", { class: "field-error" }, r.error) : null,
      ),
      h("td", { role: "cell", "data-label": "Download" }, links.length ? h("div", { class: "downloads" }, links) : action || h("span", { class: "hint" }, "—")),
    );
  });
  fill($("#report-rows"), rows.length ? rows : h("tr", { role: "row" }, h("td", { role: "cell", colspan: 4, class: "empty" }, "No reports yet.")));
}

/** The daily reports the schedule made (environment file `reports.daily_at`), merged into the
 * list newest first; each one's links come from polling it, as for a requested report. */
async function loadDailyReports() {
  if (state.mode !== "staff") return;
  const generation = state.generation;
  try {
    const data = await api("GET", "/reports");
    if (generation !== state.generation || state.mode !== "staff") return;
    const daily = Array.isArray(data.items) ? data.items : [];
    for (const r of daily) {
      const known = state.reports.find((x) => x.reportId === r.reportId);
      if (known) Object.assign(known, r);
      else state.reports.push(r);
    }
    state.reports.sort((a, b) => String(b.createdAt || "").localeCompare(String(a.createdAt || "")));
    saveReports();
    renderReports();
    for (const r of daily) poll(r.reportId);
  } catch (err) {
    if (!refused(err)) showError(err, { title: "Couldn't load the daily reports", retry: loadDailyReports });
  }
}

function upsertReport(report) {
  const i = state.reports.findIndex((r) => r.reportId === report.reportId);
  if (i >= 0) state.reports[i] = { ...state.reports[i], ...report };
  else state.reports.unshift(report);
  saveReports();
  renderReports();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls one report until it is READY or FAILED, backing off from 1 s to 5 s between checks. */
async function poll(reportId) {
  if (state.polling.has(reportId) || state.mode !== "staff") return;
  state.polling.add(reportId);
  const generation = state.generation;
  const started = Date.now();
  let delay = 1000;
  try {
    for (;;) {
      if (generation !== state.generation) return; // signed out meanwhile
      let report;
      try {
        report = await api("GET", `/reports/${seg(reportId)}`);
      } catch (err) {
        if (generation !== state.generation || refused(err)) return;
        if (err instanceof ApiError && err.status === 404) {
          state.reports = state.reports.filter((r) => r.reportId !== reportId);
          saveReports();
          renderReports();
          return;
        }
        if (Date.now() - started > POLL_LIMIT_MS) throw err;
        await sleep(delay);
        delay = Math.min(5000, delay * 1.5);
        continue;
      }
      if (generation !== state.generation) return;
      const before = state.reports.find((r) => r.reportId === reportId)?.status;
      upsertReport({ ...report, stalled: false, linksAt: report.downloads ? Date.now() : undefined });
      if (report.status === "READY" || report.status === "FAILED") {
        if (before && before !== report.status) {
          announce(
            report.status === "READY"
              ? `Report ${report.from} to ${report.to} is ready to download.`
              : `Report ${report.from} to ${report.to} failed${report.error ? `: ${report.error}` : "."}`,
          );
        }
        return;
      }
      if (Date.now() - started > POLL_LIMIT_MS) {
        upsertReport({ reportId, stalled: true });
        return;
      }
      await sleep(delay);
      delay = Math.min(5000, delay * 1.5);
    }
  } catch (err) {
    if (generation !== state.generation) return;
    upsertReport({ reportId, stalled: true });
    showError(err, { title: "Couldn't check the report's status", retry: () => poll(reportId) });
  } finally {
    if (generation === state.generation) state.polling.delete(reportId);
  }
}

async function generateReport(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  const fromInput = $("#report-from");
  const toInput = $("#report-to");
  const from = fromInput.value;
  const to = toInput.value;
  if (!from) return void (fieldError(fromInput, "Choose the first day of the report."), fromInput.focus());
  if (!to) return void (fieldError(toInput, "Choose the last day of the report."), toInput.focus());
  if (from > to) return void (fieldError(toInput, "The last day must be on or after the first day."), toInput.focus());
  let report;
  const generation = state.generation;
  await busy($("#report-submit"), "Requesting…", async () => {
    try {
      report = await api("POST", "/reports", { body: { from, to } });
      clearError();
    } catch (err) {
      if (generation !== state.generation || refused(err)) return;
      showError(err, { title: "Couldn't start the report" });
    }
  });
  if (!report || generation !== state.generation) return;
  upsertReport({ ...report, from: report.from || from, to: report.to || to });
  announce(`Report ${from} to ${to} requested; status ${String(report.status).toLowerCase()}.`);
  poll(report.reportId);
}

// ---------------------------------------------------------------- access

function modeOf(session) {
  if (!authAvailable) return "unavailable";
  if (!session) return "signed-out";
  return session.isStaff ? "staff" : "customer";
}

/**
 * The API refused a staff call: signed out (401 after a refresh) or not staff (403). Shows the
 * matching panel instead of the back office and reports true; false for any other failure.
 */
function refused(err) {
  if (!(err instanceof ApiError)) return false;
  if (err.code === "SIGNED_OUT") {
    state.session = currentSession();
    setMode(modeOf(state.session), { notice: "Your session has ended. Sign in again to continue.", focus: true });
    return true;
  }
  if (err.status === 403 && err.code === "MFA_REQUIRED") {
    state.mfaRequired = true;
    if (state.mode !== "mfa-setup") setMode("mfa-setup", { notice: "This store requires two-step sign-in for staff. Set up an authenticator app to open the back office.", focus: true });
    return true;
  }
  if (err.status === 403) {
    setMode("customer", { focus: true });
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- two-step sign-in

/** Shows the offer to set up an authenticator app when the account has none (best effort). */
async function offerAuthenticator() {
  const generation = state.generation;
  let has = true;
  try {
    has = await hasAuthenticator();
  } catch {
    return; // the sign-in service is unreachable: no offer, nothing else changes
  }
  if (generation !== state.generation || state.mode !== "staff") return;
  $("#mfa-offer").hidden = has;
}

/** Fills the set-up panel with a new key from Cognito. */
async function beginSetup() {
  const secret = $("#mfa-setup-secret");
  const link = $("#mfa-setup-link");
  secret.textContent = "…";
  link.removeAttribute("href");
  clearAlert("mfa-setup-alert");
  try {
    const key = await startAuthenticator("Greenleaf Market");
    secret.textContent = key.secret.replace(/(.{4})/g, "$1 ").trim();
    link.href = key.uri;
  } catch (err) {
    if (err instanceof AuthError && (err.code === "NotAuthorizedException" || err.code === "NotSignedIn")) {
      sessionEnded();
      return;
    }
    alertIn("mfa-setup-alert", err.message);
  }
}

/** Cognito no longer takes the session's token (revoked, or expired past refreshing). */
function sessionEnded() {
  state.session = null;
  state.mfaRequired = false;
  signOut();
  setMode("signed-out", { notice: "Your session has ended. Sign in again to continue.", focus: true });
}

async function submitSetup(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const input = $("#mfa-setup-code");
  clearFieldErrors(form);
  clearAlert("mfa-setup-alert");
  const code = mfaCode(input.value);
  if (!code) {
    fieldError(input, "Enter the six digits your authenticator app shows.");
    input.focus();
    return;
  }
  let done = false;
  let ended = false;
  await busy($("#mfa-setup-submit"), "Checking…", async () => {
    try {
      await confirmAuthenticator(code, "Greenleaf back office");
      done = true;
    } catch (err) {
      if (err.code === "CodeMismatchException" || err.code === "EnableSoftwareTokenMFAException") {
        fieldError(input, "That code is not right. Enter the code your app shows now (it changes every 30 seconds).");
        input.focus();
      } else if (err.code === "NotAuthorizedException" || err.code === "NotSignedIn") {
        ended = true;
      } else {
        alertIn("mfa-setup-alert", err.message);
      }
    }
  });
  if (ended) {
    sessionEnded();
    return;
  }
  if (!done) return;
  form.reset();
  state.mfaRequired = false;
  $("#mfa-offer").hidden = true;
  // Every session begun on the password alone ends here (GlobalSignOut revokes the account's
  // refresh tokens, which would otherwise last 30 days): someone who signed in with a stolen
  // password before the app existed is out, and this page signs in again with the code.
  state.session = null;
  await signOut();
  setMode("signed-out", {
    notice: "Two-step sign-in is on, and every session of your account was signed out. Sign in again with your password and the code your authenticator app shows.",
    focus: true,
  });
}

/** Drops every piece of back-office data from the page and stops the report polls. */
function forgetData() {
  state.generation += 1;
  state.products = new Map();
  state.polling.clear();
  $("#inventory-rows").replaceChildren();
  $("#inventory-caption").textContent = "Loading inventory…";
  $("#inventory-filter").value = "";
  $("#low-list").replaceChildren();
  $("#report-rows").replaceChildren();
  $("#category-list").replaceChildren();
  forgetOrders();
}

function renderAccount() {
  renderAccountBar(state.session, {
    unavailable: "Sign-in is not available in this environment.",
    signedOut: "Not signed in.",
    staffNote: true,
    onSignOut: doSignOut,
  });
}

/** Shows the back office, the staff sign-in, the staff-only message or "unavailable". */
function setMode(mode, { notice = "", focus = false } = {}) {
  const was = state.mode;
  state.mode = mode;
  if (mode !== "staff" && was === "staff") forgetData();
  if (mode !== "new-password" && mode !== "mfa-code") state.challenge = null;
  $("#auth-unavailable").hidden = mode !== "unavailable";
  $("#staff-sign-in").hidden = mode !== "signed-out";
  $("#staff-new-password").hidden = mode !== "new-password";
  $("#staff-mfa-code").hidden = mode !== "mfa-code";
  $("#staff-mfa-setup").hidden = mode !== "mfa-setup";
  if (mode === "mfa-setup" && was !== "mfa-setup") beginSetup();
  $("#mfa-setup-cancel").textContent = state.mfaRequired ? "Sign out" : "Not now";
  const setupReason = $("#mfa-setup-reason");
  setupReason.textContent = mode === "mfa-setup" ? notice : "";
  setupReason.hidden = !(mode === "mfa-setup" && notice);
  $("#staff-only").hidden = mode !== "customer";
  $("#backoffice").hidden = mode !== "staff";
  $("#backoffice-subnav").hidden = mode !== "staff";
  renderAccount();
  const reason = $("#staff-sign-in-reason");
  reason.textContent = notice;
  reason.hidden = !notice;
  if (mode === "customer") {
    fill(
      $("#staff-only-text"),
      "You are signed in as ",
      h("strong", {}, state.session?.email || "a customer"),
      ", which is not a staff account. The back office is for store staff only.",
    );
  }
  const titles = {
    staff: "Back office",
    customer: "Back office (staff only)",
    "new-password": "Choose a new password",
    "mfa-code": "Enter your code",
    "mfa-setup": "Set up two-step sign-in",
  };
  document.title = `Greenleaf Market — ${titles[mode] || "Back office sign-in"}`;
  if (mode === "staff" && was !== "staff") {
    renderReports();
    loadInventory();
    loadOrders();
    loadDailyReports();
    for (const r of state.reports) poll(r.reportId);
    offerAuthenticator();
  }
  if (focus) {
    const target = {
      staff: "#page-title",
      "signed-out": "#staff-sign-in-title",
      "new-password": "#staff-new-password-title",
      "mfa-code": "#staff-mfa-code-title",
      "mfa-setup": "#staff-mfa-setup-title",
      customer: "#staff-only-title",
    }[mode];
    if (target) $(target).focus();
  }
}

/** Signed in from this page: the back office for staff, the staff-only message for others. */
function enter(session) {
  state.session = session;
  clearError();
  setMode(modeOf(session), { focus: true });
  announce(session.isStaff ? `Signed in as ${session.email}. Loading the inventory.` : `Signed in as ${session.email}, which is not a staff account.`);
}

function cancelNewPassword() {
  $("#new-password-form").reset();
  setMode(modeOf(state.session), { focus: true });
}

async function doSignOut() {
  const done = signOut(); // forgets the tokens at once, then tells Cognito
  state.session = null;
  state.mfaRequired = false;
  clearError();
  setMode(modeOf(null), { focus: true });
  announce("You are signed out.");
  await done;
}

/** The session changed elsewhere: a refused refresh, or another tab signed in or out. */
function sessionChanged(session, reason) {
  const before = state.session;
  state.session = session;
  const mode = modeOf(session);
  if ((state.mode === "new-password" || state.mode === "mfa-code") && !session) {
    renderAccount(); // someone signed out in another tab: this sign-in goes on
  } else if (state.mode === "mfa-setup" && mode === "staff" && session.sub === before?.sub) {
    renderAccount(); // a refreshed token: the set-up goes on
  } else if (mode !== state.mode) {
    const notice = session ? "" : reason === "elsewhere" ? "You were signed out in another window." : "Your session has ended. Sign in again to continue.";
    setMode(mode, { notice });
  } else if (session && before && session.sub !== before.sub && mode === "staff") {
    // Another staff member signed in, in another tab: start over with their session.
    state.mfaRequired = false;
    setMode("signed-out");
    setMode("staff");
  } else {
    renderAccount();
  }
}

// ---------------------------------------------------------------- start

function start() {
  initChrome();
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 29 * 86_400_000);
  $("#report-from").value = isoDate(monthAgo);
  $("#report-to").value = isoDate(today);
  $("#inventory-refresh").addEventListener("click", loadInventory);
  $("#inventory-filter").addEventListener("input", renderInventory);
  $("#add-form").addEventListener("submit", addProduct);
  $("#report-form").addEventListener("submit", generateReport);
  initOrders({ active: () => state.mode === "staff", refused });
  initSignInForms({
    signedIn: enter,
    notConfirmed: () => ({ message: "This account is not confirmed yet. Confirm it with the emailed code in the shop, then sign in here." }),
    askNewPassword: (challenge) => {
      setMode("new-password", { focus: true });
      state.challenge = challenge;
    },
    askMfaCode: (challenge) => {
      setMode("mfa-code", { focus: true });
      state.challenge = challenge;
    },
    challenge: () => state.challenge,
    signInAgain: (notice) => setMode("signed-out", { notice }),
  });
  $("#new-password-cancel").addEventListener("click", cancelNewPassword);
  $("#mfa-code-cancel").addEventListener("click", cancelNewPassword);
  $("#mfa-setup-form").addEventListener("submit", submitSetup);
  $("#mfa-setup-cancel").addEventListener("click", () => (state.mfaRequired ? doSignOut() : setMode("staff", { focus: true })));
  $("#mfa-offer-start").addEventListener("click", () => setMode("mfa-setup", { focus: true }));
  $("#staff-only-sign-out").addEventListener("click", doSignOut);
  onSessionChangeElsewhere(sessionChanged);
  setMode(modeOf(state.session));
}

start();
