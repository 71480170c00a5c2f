// The storefront (index.html): catalog with search and category filter, the shopper's cart
// (kept and priced by the server), checkout at a chosen store with an Idempotency-Key per
// attempt, the order confirmation, order lookup and "my orders". Views are switched by the URL
// hash (#shop, #orders, #confirmation) so the back button works.

import { ApiError, api, money, randomId, seg, storeName, stores, when } from "./api.js";
import {
  $,
  USER_ID_PATTERN,
  announce,
  busy,
  clearError,
  clearFieldErrors,
  fieldError,
  fill,
  categoryLabel,
  getUserId,
  h,
  hueOf,
  initChrome,
  loadJson,
  saveJson,
  setUserId,
  showError,
} from "./ui.js";

const PAGE_SIZE = 24;
const STORE_KEY = "stackgen.storeId";
const ATTEMPT_KEY = "stackgen.checkoutAttempt";
const MAX_QTY = 99;

const state = {
  userId: getUserId(),
  products: new Map(), // sku → Product, every product seen on the catalog pages loaded
  shown: [], // skus of the current catalog listing, in order
  nextCursor: null,
  catalogAbort: null,
  catalogFailed: false,
  cart: { items: [], totalCents: 0, currency: "USD" },
  cartQueue: Promise.resolve(),
  lastOrder: loadJson("stackgen.lastOrder", null),
  view: null,
};

const els = {
  grid: $("#product-grid"),
  summary: $("#catalog-summary"),
  search: $("#search"),
  category: $("#category"),
  filters: $("#filters"),
  loadMore: $("#load-more"),
  cartLines: $("#cart-lines"),
  cartEmpty: $("#cart-empty"),
  cartTotals: $("#cart-totals"),
  cartTotal: $("#cart-total"),
  cartCount: $("#cart-count"),
  cartCountWords: $("#cart-count-words"),
  checkout: $("#checkout"),
  store: $("#store"),
  placeOrder: $("#place-order"),
};

/** Turns a SKU into something safe inside an element id. */
const idOf = (sku) => String(sku).replace(/[^A-Za-z0-9_-]/g, "_");

// ---------------------------------------------------------------- catalog

async function loadCatalog({ more = false } = {}) {
  state.catalogAbort?.abort();
  const abort = new AbortController();
  state.catalogAbort = abort;
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const q = els.search.value.trim();
  const category = els.category.value;
  if (q) params.set("q", q);
  if (category) params.set("category", category);
  if (more && state.nextCursor) params.set("cursor", state.nextCursor);
  els.grid.setAttribute("aria-busy", "true");
  if (!more) els.summary.textContent = "Loading products…";
  try {
    const page = await api("GET", `/catalog?${params}`, { signal: abort.signal });
    const items = Array.isArray(page.items) ? page.items : [];
    for (const p of items) state.products.set(p.sku, p);
    state.shown = more ? [...state.shown, ...items.map((p) => p.sku)] : items.map((p) => p.sku);
    state.nextCursor = page.nextCursor || null;
    state.catalogFailed = false;
    if (Array.isArray(page.categories)) renderCategories(page.categories);
    renderCatalog({ q, category });
  } catch (err) {
    if (err.name === "AbortError") return;
    if (!more) {
      state.catalogFailed = true;
      state.shown = [];
      state.nextCursor = null;
      els.loadMore.hidden = true;
      els.summary.textContent = "Products could not be loaded.";
      fill(
        els.grid,
        h(
          "li",
          { class: "empty", style: "grid-column: 1 / -1" },
          h("p", {}, "The catalog is not available right now."),
          h("button", { type: "button", class: "btn btn-secondary", onclick: () => loadCatalog() }, "Reload products"),
        ),
      );
    }
    showError(err, { title: "Couldn't load products", retry: () => loadCatalog({ more }) });
  } finally {
    if (state.catalogAbort === abort) els.grid.removeAttribute("aria-busy");
  }
}

function renderCategories(categories) {
  const current = els.category.value;
  const names = [...new Set(categories.map(String))].sort((a, b) => a.localeCompare(b));
  if (current && !names.includes(current)) names.push(current);
  fill(els.category, h("option", { value: "" }, "All categories"), names.map((c) => h("option", { value: c }, categoryLabel(c))));
  els.category.value = current;
}

function renderCatalog({ q, category }) {
  const cards = state.shown.map((sku) => h("li", {}, productCard(state.products.get(sku))));
  if (!cards.length) {
    fill(els.grid, h("li", { class: "empty", style: "grid-column: 1 / -1" }, "No products match. Try another search or category."));
  } else {
    fill(els.grid, cards);
  }
  const n = state.shown.length;
  const scope = [category ? `in ${categoryLabel(category)}` : "", q ? `matching “${q}”` : ""].filter(Boolean).join(" ");
  els.summary.textContent = `${n}${state.nextCursor ? "+" : ""} product${n === 1 ? "" : "s"}${scope ? ` ${scope}` : ""}`;
  els.loadMore.hidden = !state.nextCursor;
}

function cartQty(sku) {
  return state.cart.items.find((i) => i.sku === sku)?.qty || 0;
}

function productCard(p) {
  const nameId = `p-${idOf(p.sku)}-name`;
  const stock = Number(p.stock) || 0;
  const out = !p.inStock || stock <= 0;
  const inCart = cartQty(p.sku);
  const atMax = !out && inCart >= stock;
  const badges = [];
  if (out) badges.push(h("span", { class: "badge badge-out" }, "Out of stock"));
  else if (p.lowStock) badges.push(h("span", { class: "badge badge-low" }, "Low stock"));
  if (inCart) badges.push(h("span", { class: "badge badge-incart" }, `${inCart} in cart`));
  const initial = String(p.name || p.sku).trim().charAt(0).toUpperCase();
  return h(
    "article",
    { class: `product${out ? " is-out" : ""}`, "aria-labelledby": nameId, dataset: { sku: p.sku } },
    h("div", { class: "product-art", "aria-hidden": "true", style: `--hue: ${hueOf(p.category)}` }, initial),
    h(
      "div",
      { class: "product-body" },
      h("h3", { id: nameId }, p.name),
      h("p", { class: "product-meta" }, categoryLabel(p.category)),
      h("p", { class: "price" }, money(p.priceCents), h("span", { class: "unit" }, p.unit ? ` / ${p.unit}` : "")),
      h("p", { class: "stock-line" }, h("span", { class: "stock" }, out ? "None in stock" : `${stock} in stock`), badges),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary btn-block",
          disabled: out || atMax,
          "aria-label": `${out ? "Out of stock" : atMax ? "Max in cart" : "Add to cart"}: ${p.name}`,
          onclick: () => addToCart(p.sku),
        },
        out ? "Out of stock" : atMax ? "Max in cart" : "Add to cart",
      ),
    ),
  );
}

/** Re-renders only the product cards, keeping focus where it was. */
function refreshCards() {
  if (state.catalogFailed) return;
  const active = document.activeElement;
  const focusedSku = els.grid.contains(active) ? active.closest("[data-sku]")?.dataset.sku : null;
  renderCatalog({ q: els.search.value.trim(), category: els.category.value });
  if (focusedSku) {
    const btn = els.grid.querySelector(`[data-sku="${CSS.escape(focusedSku)}"] button`);
    if (btn && !btn.disabled) btn.focus();
  }
}

// ---------------------------------------------------------------- cart

/** Cart changes run one at a time: each computes its quantity from the latest server cart. */
function enqueueCart(fn) {
  const run = state.cartQueue.then(fn, fn);
  state.cartQueue = run.catch(() => {});
  return run;
}

async function loadCart() {
  try {
    setCart(await api("GET", `/cart/${seg(state.userId)}`));
    els.cartEmpty.textContent = "Your cart is empty. Add something fresh!";
  } catch (err) {
    if (!state.cart.items.length) els.cartEmpty.textContent = "Your cart could not be loaded.";
    showError(err, { title: "Couldn't load your cart", retry: loadCart });
  }
}

function setCart(cart) {
  state.cart = {
    items: Array.isArray(cart?.items) ? cart.items : [],
    totalCents: Number(cart?.totalCents) || 0,
    currency: cart?.currency || "USD",
  };
  renderCart();
  refreshCards();
}

function setQty(sku, qty, verb) {
  return enqueueCart(async () => {
    const product = state.products.get(sku);
    const line = state.cart.items.find((i) => i.sku === sku);
    const name = product?.name || line?.name || sku;
    const target = typeof qty === "function" ? qty(line?.qty || 0) : qty;
    try {
      setCart(await api("POST", `/cart/${seg(state.userId)}`, { body: { sku, qty: target } }));
      clearError();
      const count = state.cart.items.reduce((n, i) => n + i.qty, 0);
      const summary = `Cart: ${count} item${count === 1 ? "" : "s"}, ${money(state.cart.totalCents, state.cart.currency)}.`;
      if (target === 0) announce(`Removed ${name} from your cart. ${summary}`);
      else if (verb === "add") announce(`Added ${name} to your cart. ${summary}`);
      else announce(`${name}: quantity ${target}. ${summary}`);
    } catch (err) {
      renderCart(); // put inputs back to the server's numbers
      showError(err, { title: `Couldn't update ${name}` });
    }
  });
}

function addToCart(sku) {
  return setQty(sku, (current) => current + 1, "add");
}

function renderCart() {
  const { items, totalCents, currency } = state.cart;
  const focusedId = document.activeElement?.id;
  const count = items.reduce((n, i) => n + (Number(i.qty) || 0), 0);
  els.cartCount.textContent = String(count);
  els.cartCountWords.textContent = count === 1 ? " item" : " items";
  els.cartEmpty.hidden = items.length > 0;
  els.cartTotals.hidden = items.length === 0;
  els.checkout.hidden = items.length === 0;
  els.cartTotal.textContent = money(totalCents, currency);
  fill(els.cartLines, items.map((item) => cartLine(item, currency)));
  const blocked = items.some((i) => i.inStock === false);
  els.placeOrder.disabled = blocked || stores.length === 0;
  if (focusedId) {
    const again = document.getElementById(focusedId);
    if (again && again !== document.activeElement) again.focus();
  }
}

function cartLine(item, currency) {
  const key = idOf(item.sku);
  const product = state.products.get(item.sku);
  const max = Math.min(MAX_QTY, product ? Math.max(Number(product.stock) || 0, item.qty) : MAX_QTY);
  const qtyInput = h("input", {
    type: "number",
    id: `qty-${key}`,
    min: 0,
    max,
    step: 1,
    inputmode: "numeric",
    value: item.qty,
  });
  const commit = () => {
    const value = Number(qtyInput.value);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      qtyInput.value = String(item.qty);
      showError(new Error(`Enter a whole number from 0 to ${max} for ${item.name}.`), { title: "Quantity not changed" });
      return;
    }
    if (value !== item.qty) setQty(item.sku, value);
  };
  qtyInput.addEventListener("change", commit);
  qtyInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit();
    }
  });
  return h(
    "li",
    { class: "cart-line", dataset: { sku: item.sku } },
    h("div", {}, h("div", { class: "name" }, item.name), h("div", { class: "each" }, `${money(item.unitPriceCents, currency)} each`)),
    h("div", { class: "line-total" }, h("span", { class: "visually-hidden" }, "Line total "), money(item.lineTotalCents, currency)),
    h(
      "div",
      { class: "qty-row" },
      h(
        "button",
        {
          type: "button",
          class: "icon-btn",
          id: `dec-${key}`,
          "aria-label": `Decrease quantity of ${item.name}`,
          onclick: () => setQty(item.sku, (q) => Math.max(0, q - 1)),
        },
        "−",
      ),
      h("label", { for: `qty-${key}`, class: "visually-hidden" }, `Quantity of ${item.name}`),
      qtyInput,
      h(
        "button",
        {
          type: "button",
          class: "icon-btn",
          id: `inc-${key}`,
          "aria-label": `Increase quantity of ${item.name}`,
          disabled: item.qty >= max,
          onclick: () => setQty(item.sku, (q) => Math.min(max, q + 1)),
        },
        "+",
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-link btn-danger-link",
          id: `rm-${key}`,
          "aria-label": `Remove ${item.name}`,
          onclick: () => removeLine(item),
        },
        "Remove",
      ),
    ),
    item.inStock === false
      ? h("p", { class: "line-warning" }, "Out of stock now. Remove it to check out.")
      : product && item.qty > Number(product.stock)
        ? h("p", { class: "line-warning" }, `Only ${product.stock} available. Lower the quantity to check out.`)
        : null,
  );
}

async function removeLine(item) {
  await setQty(item.sku, 0);
  // The line's buttons are gone; keep keyboard users in the cart.
  if (!document.activeElement || document.activeElement === document.body) $("#cart-title").focus();
}

// ---------------------------------------------------------------- checkout

function renderStores() {
  const saved = loadJson(STORE_KEY, null);
  fill(els.store, stores.map((s) => h("option", { value: s.id }, s.name)));
  if (saved && stores.some((s) => s.id === saved)) els.store.value = saved;
  if (!stores.length) fill(els.store, h("option", { value: "" }, "No stores configured"));
}

/**
 * The Idempotency-Key of this checkout attempt: the same key while the order body is unchanged
 * and the last try ended without a definitive answer (network failure, 5xx), so a retry cannot
 * create a second order; a fresh key otherwise. Kept in sessionStorage to survive a reload.
 */
function attemptKey(body) {
  const json = JSON.stringify(body);
  let attempt = null;
  try {
    attempt = JSON.parse(sessionStorage.getItem(ATTEMPT_KEY) || "null");
  } catch {
    attempt = null;
  }
  if (!attempt || attempt.body !== json) {
    attempt = { key: `chk-${randomId(16)}`, body: json };
    try {
      sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify(attempt));
    } catch {
      /* reload-survival is best effort */
    }
  }
  return attempt.key;
}

function endAttempt() {
  try {
    sessionStorage.removeItem(ATTEMPT_KEY);
  } catch {
    /* nothing to clean */
  }
}

async function placeOrder(event) {
  event.preventDefault();
  clearFieldErrors(els.checkout);
  const storeId = els.store.value;
  if (!storeId) {
    fieldError(els.store, "Choose the store where you will pick up your order.");
    els.store.focus();
    return;
  }
  saveJson(STORE_KEY, storeId);
  await state.cartQueue; // let pending quantity changes land first
  const items = state.cart.items.map((i) => ({ sku: i.sku, qty: i.qty }));
  if (!items.length) return;
  const body = { userId: state.userId, storeId, items };
  const key = attemptKey(body);
  let order;
  await busy(els.placeOrder, "Placing order…", async () => {
    try {
      order = await api("POST", "/orders", { body, headers: { "Idempotency-Key": key } });
      endAttempt();
    } catch (err) {
      if (!(err instanceof ApiError) || !err.retryable) endAttempt();
      orderFailed(err, event);
    }
  });
  if (!order) return;
  clearError();
  state.lastOrder = order;
  saveJson("stackgen.lastOrder", order);
  renderConfirmation(order);
  location.hash = "#confirmation";
  announce(`Order ${order.orderId} confirmed: ${money(order.totalCents, order.currency)} at ${storeName(order.storeId)}.`);
  try {
    setCart(await api("DELETE", `/cart/${seg(state.userId)}`));
  } catch (err) {
    showError(err, { title: "Your order is placed, but the cart could not be emptied", retry: loadCart });
  }
  loadCatalog(); // stock changed
}

function orderFailed(err, event) {
  if (err.code === "INSUFFICIENT_STOCK") {
    const skus = Array.isArray(err.details?.skus) ? err.details.skus : [];
    const lines = skus.map((s) => {
      const name = state.products.get(s.sku)?.name || state.cart.items.find((i) => i.sku === s.sku)?.name || s.sku;
      return `${name}: you asked for ${s.requested}, ${s.available} available.`;
    });
    showError(new ApiError([err.message, ...lines].join(" "), err), { title: "Not enough stock" });
    loadCatalog();
    loadCart();
    return;
  }
  showError(err, {
    title: "Your order was not placed",
    retry: err instanceof ApiError && err.retryable ? () => placeOrder(event) : undefined,
  });
}

// ---------------------------------------------------------------- orders

/** An order's details: facts, line items and total. Used by the confirmation and the lookup. */
function orderDetails(order, { heading } = {}) {
  const currency = order.currency || "USD";
  const items = Array.isArray(order.items) ? order.items : [];
  return h(
    "div",
    { class: "order-card" },
    heading ? h("h3", {}, heading) : null,
    h(
      "dl",
      { class: "order-facts" },
      h("div", {}, h("dt", {}, "Order ID"), h("dd", {}, h("code", { "data-testid": "order-id" }, order.orderId))),
      h("div", {}, h("dt", {}, "Pickup store"), h("dd", {}, storeName(order.storeId))),
      h("div", {}, h("dt", {}, "Placed"), h("dd", {}, when(order.createdAt))),
      h("div", {}, h("dt", {}, "Status"), h("dd", {}, String(order.status || "").toLowerCase())),
    ),
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        {},
        h("caption", { class: "visually-hidden" }, `Items in order ${order.orderId}`),
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, "Item"), h("th", { scope: "col", class: "num" }, "Qty"), h("th", { scope: "col", class: "num" }, "Price"), h("th", { scope: "col", class: "num" }, "Line total")),
        ),
        h(
          "tbody",
          {},
          items.map((i) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, i.name || i.sku),
              h("td", { class: "num" }, i.qty),
              h("td", { class: "num" }, money(i.unitPriceCents, currency)),
              h("td", { class: "num" }, money(i.lineTotalCents, currency)),
            ),
          ),
        ),
        h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: 3 }, "Total"), h("td", { class: "num", "data-testid": "order-total" }, money(order.totalCents, currency)))),
      ),
    ),
  );
}

function renderConfirmation(order) {
  fill($("#confirmation-body"), orderDetails(order));
}

async function lookUp(event) {
  event?.preventDefault();
  const form = $("#lookup");
  const input = $("#lookup-id");
  clearFieldErrors(form);
  const id = input.value.trim();
  if (!id) {
    fieldError(input, "Enter an order ID, for example the one on your confirmation.");
    input.focus();
    return;
  }
  const result = $("#lookup-result");
  await busy($("#lookup-submit"), "Looking up…", async () => {
    try {
      const order = await api("GET", `/orders/${seg(id)}`);
      clearError();
      fill(result, orderDetails(order, { heading: `Order ${order.orderId}` }));
      announce(`Found order ${order.orderId}: ${money(order.totalCents, order.currency)} at ${storeName(order.storeId)}.`);
    } catch (err) {
      fill(result, h("p", { class: "hint" }, err.status === 404 ? `No order with ID ${id}.` : "The order could not be loaded."));
      showError(err, { title: "Order lookup failed", retry: err.retryable ? () => lookUp() : undefined });
    }
  });
}

async function loadMyOrders() {
  const box = $("#my-orders");
  $("#my-orders-hint").textContent = `Orders placed as ${state.userId}, newest first.`;
  box.setAttribute("aria-busy", "true");
  try {
    const data = await api("GET", `/orders?userId=${seg(state.userId)}`);
    const orders = Array.isArray(data.items) ? data.items : [];
    if (!orders.length) {
      fill(box, h("p", { class: "empty" }, "No orders yet."));
      return;
    }
    fill(
      box,
      h(
        "ul",
        { class: "order-list", "aria-labelledby": "my-orders-title" },
        orders.map((o) =>
          h(
            "li",
            {},
            h(
              "button",
              {
                type: "button",
                class: "btn btn-link",
                "aria-label": `Show order ${o.orderId}`,
                onclick: () => {
                  $("#lookup-id").value = o.orderId;
                  fill($("#lookup-result"), orderDetails(o, { heading: `Order ${o.orderId}` }));
                  $("#lookup-id").focus();
                },
              },
              o.orderId,
            ),
            h("span", { class: "muted" }, `${when(o.createdAt)} · ${storeName(o.storeId)}`),
            h("span", {}, `${(o.items || []).reduce((n, i) => n + (Number(i.qty) || 0), 0)} items · `, h("strong", {}, money(o.totalCents, o.currency))),
          ),
        ),
      ),
    );
  } catch (err) {
    fill(box, h("p", { class: "hint" }, "Your orders could not be loaded."));
    showError(err, { title: "Couldn't load your orders", retry: loadMyOrders });
  } finally {
    box.removeAttribute("aria-busy");
  }
}

// ---------------------------------------------------------------- shopper id

function renderShopper() {
  $("#shopper-id").textContent = state.userId;
}

function initShopper() {
  const form = $("#shopper-form");
  const show = $("#shopper-show");
  const input = $("#shopper-input");
  renderShopper();
  $("#shopper-change").addEventListener("click", () => {
    input.value = state.userId;
    show.hidden = true;
    form.hidden = false;
    input.focus();
    input.select();
  });
  const close = () => {
    clearFieldErrors(form);
    form.hidden = true;
    show.hidden = false;
    $("#shopper-change").focus();
  };
  $("#shopper-cancel").addEventListener("click", close);
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const id = input.value.trim();
    if (!USER_ID_PATTERN.test(id)) {
      fieldError(input, "Use 1–128 letters, digits or the characters - _ . : @");
      input.focus();
      return;
    }
    if (id !== state.userId) {
      state.userId = id;
      setUserId(id);
      renderShopper();
      announce(`Now shopping as ${id}.`);
      loadCart();
      if (state.view === "orders") loadMyOrders();
    }
    close();
  });
}

// ---------------------------------------------------------------- views

const VIEWS = ["shop", "orders", "confirmation"];

function route({ initial = false } = {}) {
  const wanted = location.hash.slice(1);
  let view = VIEWS.includes(wanted) ? wanted : initial || !state.view ? "shop" : state.view;
  if (view === "confirmation" && !state.lastOrder) view = "shop";
  if (view === "confirmation") renderConfirmation(state.lastOrder);
  const changed = view !== state.view;
  state.view = view;
  for (const section of document.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  for (const link of document.querySelectorAll("[data-view-link]")) {
    if (link.dataset.viewLink === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `Greenleaf Market — ${{ shop: "Shop", orders: "Orders", confirmation: "Order confirmed" }[view]}`;
  if (view === "orders" && changed) loadMyOrders();
  if (changed && !initial) {
    const heading = document.querySelector(`[data-view="${view}"] h1`);
    heading?.focus();
    window.scrollTo(0, 0);
  }
}

// ---------------------------------------------------------------- start

function start() {
  initChrome();
  initShopper();
  renderStores();
  renderCart();

  let debounce;
  els.search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => loadCatalog(), 300);
  });
  els.category.addEventListener("change", () => loadCatalog());
  els.filters.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(debounce);
    loadCatalog();
  });
  els.loadMore.addEventListener("click", () => loadCatalog({ more: true }));
  els.checkout.addEventListener("submit", placeOrder);
  $("#lookup").addEventListener("submit", lookUp);
  $("#orders-refresh").addEventListener("click", loadMyOrders);
  $("#cart-jump").addEventListener("click", () => {
    if (state.view !== "shop") {
      location.hash = "#shop";
      route(); // switch now, so the focus below is not undone by the hashchange
    }
    const cart = $("#cart");
    cart.scrollIntoView({ block: "start" });
    $("#cart-title").focus();
  });
  window.addEventListener("hashchange", () => route());
  route({ initial: true });

  loadCatalog();
  loadCart();
}

start();
