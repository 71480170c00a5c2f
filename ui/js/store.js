// The storefront (index.html): catalog with search and category filter, the cart, checkout at a
// chosen store with an Idempotency-Key per attempt, the order confirmation, order lookup and
// "my orders", and the account views (sign in, create an account, confirm it with the emailed
// code, choose a new password at the first sign-in with a temporary one). Views are switched by
// the URL hash (#shop, #orders, #confirmation, #sign-in, #sign-up, #confirm-account,
// #new-password) so the back button works.
//
// Browsing needs no account. A guest's cart lives in localStorage, priced from the catalog data
// the page loaded; a signed-in customer's cart is kept and priced by the server. Signing in adds
// each guest line to the server cart (quantities added, capped at the cart's per-product
// maximum) and empties the guest cart. Checkout needs an account: a guest's "Sign in to check
// out" leads through sign-in and back to the checkout.

import {
  alertIn,
  checkedEmail,
  checkedNewPassword,
  clearAlert,
  initSignInForms,
  onSessionChangeElsewhere,
  passwordRefused,
  renderAccountBar,
  serviceProblem,
} from "./account-forms.js";
import { ApiError, api, money, randomId, seg, storeName, stores, when } from "./api.js";
import { PASSWORD_RULE, authAvailable, confirmSignUp, currentSession, resendCode, signOut, signUp } from "./auth.js";
import { historyList, isOpen, statusLabel, statusPill } from "./order-status.js";
import {
  $,
  announce,
  busy,
  clearError,
  clearFieldErrors,
  dropJson,
  fieldError,
  fill,
  categoryLabel,
  h,
  hueOf,
  initChrome,
  loadJson,
  plural,
  saveJson,
  showError,
} from "./ui.js";

const PAGE_SIZE = 24;
const STORE_KEY = "stackgen.storeId";
const ATTEMPT_KEY = "stackgen.checkoutAttempt";
const GUEST_CART_KEY = "stackgen.guestCart";
const LAST_ORDER_KEY = "stackgen.lastOrder";
const LEGACY_USER_KEY = "stackgen.userId"; // the shopper id of pages before accounts
/** Most of one product a shopper picks on this page. */
const MAX_QTY = 99;
/** Most of one product a cart holds (the API answers 400 above it). */
const CART_MAX_QTY = 999;
/** Most different products a cart holds (the API's limit). */
const CART_MAX_LINES = 50;
const AUTH_VIEWS = ["sign-in", "sign-up", "confirm-account", "new-password", "mfa-code"];

const state = {
  session: currentSession(), // {sub, email, groups, isStaff} or null (a guest)
  products: new Map(), // sku → Product, every product seen on the catalog pages loaded
  shown: [], // skus of the current catalog listing, in order
  nextCursor: null,
  catalogAbort: null,
  catalogFailed: false,
  cart: { items: [], totalCents: 0, currency: "USD" },
  cartQueue: Promise.resolve(),
  lastOrder: null,
  view: null,
  returnTo: "shop", // the view to go back to after signing in
  resumeCheckout: false, // a guest pressed checkout: go back to it after signing in
  signInNotice: "", // shown above the sign-in form ("Your email is confirmed…")
  challenge: null, // a sign-in waiting for a new password (NewPasswordRequired's challenge)
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
  guestHint: $("#checkout-guest-hint"),
};

/** Turns a SKU into something safe inside an element id. */
const idOf = (sku) => String(sku).replace(/[^A-Za-z0-9_-]/g, "_");

/** Tells the shopper their session ended (once, however many calls found out). */
function sessionEnded() {
  showError(new Error("Your session has ended. Sign in again to see your cart and orders."), { title: "Signed out" });
}

/**
 * showError for a failed API call, except a call that failed because the session is over: the
 * page switches to signed-out (if the session listener has not yet) and says so once.
 */
function failed(err, options) {
  if (err instanceof ApiError && err.code === "SIGNED_OUT") {
    if (state.session) showSignedOut();
    sessionEnded();
    return;
  }
  showError(err, options);
}

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
  if (!more) {
    // A new search or category: the old list's cursor means nothing for it, so "Load more"
    // goes until the new first page is in.
    state.nextCursor = null;
    els.loadMore.hidden = true;
  }
  els.grid.setAttribute("aria-busy", "true");
  if (!more) els.summary.textContent = "Loading products…";
  try {
    const page = await api("GET", `/catalog?${params}`, { signal: abort.signal });
    const items = Array.isArray(page.items) ? page.items : [];
    for (const p of items) state.products.set(p.sku, p);
    if (!state.session) {
      // A guest's cart is priced from what the catalog says now.
      state.cart = guestCart();
      renderCart();
    }
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
    productArt(p, initial),
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

/**
 * The card's picture: the product's thumbnail (its real size set, loaded lazily), which opens
 * the detail photo; without a photo, the tidy placeholder (the name's initial on the
 * category's colour).
 */
function productArt(p, initial) {
  const thumb = p.image?.thumbnail;
  if (!thumb?.url) {
    return h("div", { class: "product-art", "aria-hidden": "true", style: `--hue: ${hueOf(p.category)}` }, initial);
  }
  return h(
    "button",
    { type: "button", class: "product-photo-open", "aria-label": `Photo of ${p.name}`, onclick: () => showPhoto(p) },
    h("img", {
      class: "product-photo",
      src: thumb.url,
      width: thumb.width,
      height: thumb.height,
      alt: "",
      loading: "lazy",
      decoding: "async",
      style: `--hue: ${hueOf(p.category)}`,
    }),
  );
}

/** The product's detail photo in a modal dialog (Escape or the button closes it). */
function showPhoto(p) {
  const detail = p.image?.detail;
  if (!detail?.url) return;
  const dialog = h(
    "dialog",
    { class: "photo-dialog", "aria-label": `${p.name}, photo` },
    h("img", { src: detail.url, width: detail.width, height: detail.height, alt: `${p.name}`, loading: "lazy", decoding: "async" }),
    h(
      "p",
      { class: "photo-caption" },
      h("strong", {}, p.name),
      " ",
      money(p.priceCents),
      p.unit ? h("span", { class: "unit" }, ` / ${p.unit}`) : null,
    ),
    h("button", { type: "button", class: "btn btn-secondary", onclick: () => dialog.close() }, "Close"),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
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

// A guest's cart: [{sku, qty}] in localStorage, priced from the catalog data of the page.

function guestLines() {
  const lines = loadJson(GUEST_CART_KEY, []);
  if (!Array.isArray(lines)) return [];
  return lines
    .filter((l) => l && typeof l.sku === "string" && Number.isInteger(l.qty) && l.qty > 0 && l.qty <= CART_MAX_QTY)
    .slice(0, CART_MAX_LINES);
}

function saveGuestLines(lines) {
  if (lines.length) saveJson(GUEST_CART_KEY, lines);
  else dropJson(GUEST_CART_KEY);
}

/** The guest cart in the API's cart shape; lines of products the page has not loaded are left out. */
function guestCart() {
  const items = [];
  for (const { sku, qty } of guestLines()) {
    const p = state.products.get(sku);
    if (!p) continue;
    const unit = Number(p.priceCents) || 0;
    items.push({ sku, name: p.name, qty, unitPriceCents: unit, lineTotalCents: unit * qty, inStock: Boolean(p.inStock) && Number(p.stock) > 0 });
  }
  return { items, totalCents: items.reduce((n, i) => n + i.lineTotalCents, 0), currency: "USD" };
}

/** Loads the catalog entries of guest lines the catalog pages did not show; drops lines of products gone. */
async function loadGuestProducts() {
  const missing = guestLines().filter((l) => !state.products.has(l.sku));
  const gone = new Set();
  await Promise.all(
    missing.map(async ({ sku }) => {
      try {
        state.products.set(sku, await api("GET", `/catalog/${seg(sku)}`));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) gone.add(sku);
        else throw err;
      }
    }),
  );
  if (gone.size) saveGuestLines(guestLines().filter((l) => !gone.has(l.sku)));
}

function setGuestQty(sku, qty) {
  const lines = guestLines();
  const line = lines.find((l) => l.sku === sku);
  if (qty === 0) {
    saveGuestLines(lines.filter((l) => l.sku !== sku));
  } else if (line) {
    line.qty = qty;
    saveGuestLines(lines);
  } else if (lines.length >= CART_MAX_LINES) {
    throw new Error(`A cart holds at most ${CART_MAX_LINES} different products; remove one first.`);
  } else {
    saveGuestLines([...lines, { sku, qty }]);
  }
  return guestCart();
}

function loadCart() {
  return enqueueCart(async () => {
    try {
      if (state.session) {
        setCart(await api("GET", "/cart"));
      } else {
        await loadGuestProducts();
        setCart(guestCart());
      }
      els.cartEmpty.textContent = "Your cart is empty. Add something fresh!";
    } catch (err) {
      if (!state.cart.items.length) els.cartEmpty.textContent = "Your cart could not be loaded.";
      failed(err, { title: "Couldn't load your cart", retry: loadCart });
    }
  });
}

/**
 * After signing in: each guest line is added to the server cart (server quantity + guest
 * quantity, at most CART_MAX_QTY) and the guest cart is emptied. Lines the service could not take
 * for now (unreachable) stay for the next try; lines it refuses (a full cart) are reported.
 */
function mergeGuestCart() {
  return enqueueCart(async () => {
    const lines = guestLines();
    let cart = await api("GET", "/cart");
    const keep = [];
    const refused = [];
    let moved = 0;
    for (const line of lines) {
      const have = (Array.isArray(cart.items) ? cart.items : []).find((i) => i.sku === line.sku)?.qty || 0;
      const qty = Math.min(CART_MAX_QTY, have + line.qty);
      if (qty === have) {
        moved += 1; // already at the most a cart holds
        continue;
      }
      try {
        cart = await api("POST", "/cart", { body: { sku: line.sku, qty } });
        moved += 1;
      } catch (err) {
        if (err instanceof ApiError && (err.code === "SIGNED_OUT" || err.retryable)) keep.push(line);
        else if (!(err instanceof ApiError && err.status === 404)) refused.push({ line, err }); // 404: product gone
      }
    }
    saveGuestLines(keep);
    setCart(cart);
    return { moved, keep, refused };
  });
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
      if (state.session) setCart(await api("POST", "/cart", { body: { sku, qty: target } }));
      else setCart(setGuestQty(sku, target));
      clearError();
      const count = state.cart.items.reduce((n, i) => n + i.qty, 0);
      const summary = `Cart: ${plural(count, "item")}, ${money(state.cart.totalCents, state.cart.currency)}.`;
      if (target === 0) announce(`Removed ${name} from your cart. ${summary}`);
      else if (verb === "add") announce(`Added ${name} to your cart. ${summary}`);
      else announce(`${name}: quantity ${target}. ${summary}`);
    } catch (err) {
      renderCart(); // put inputs back to the cart's numbers
      failed(err, { title: `Couldn't update ${name}` });
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
  // While an order is being placed the button stays busy: re-enabled, a second press would send
  // the changed cart under a new key, as a second order.
  const placing = els.placeOrder.getAttribute("aria-busy") === "true";
  els.placeOrder.disabled = placing || blocked || stores.length === 0 || !authAvailable;
  renderCheckoutMode();
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

/** The checkout button places the order, or (for a guest) leads to sign-in first. */
function renderCheckoutMode() {
  const guest = !state.session;
  if (!els.placeOrder.hasAttribute("aria-busy")) els.placeOrder.textContent = guest ? "Sign in to check out" : "Place order";
  els.guestHint.hidden = !guest;
  els.guestHint.textContent = authAvailable
    ? "Ordering needs an account: sign in or create one, and your cart comes with you."
    : "Ordering needs an account, and sign-in is not available in this environment.";
}

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
  if (!state.session) {
    // Checkout needs an account; come back here once signed in.
    state.resumeCheckout = true;
    location.hash = "#sign-in";
    return;
  }
  await state.cartQueue; // let pending quantity changes land first
  const items = state.cart.items.map((i) => ({ sku: i.sku, qty: i.qty }));
  if (!items.length) return;
  // The total the customer sees: the API places the order at that total or answers
  // PRICE_CHANGED, never charges another one silently.
  const body = { storeId, items, expectedTotalCents: state.cart.totalCents };
  // One key per customer and body: another account signed in on this browser gets its own.
  const key = attemptKey({ customer: state.session.sub, ...body });
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
  saveJson(LAST_ORDER_KEY, { sub: state.session?.sub, order });
  renderConfirmation(order);
  location.hash = "#confirmation";
  announce(`Order ${order.orderId} confirmed: ${money(order.totalCents, order.currency)} at ${storeName(order.storeId)}.`);
  // The API took the ordered lines out of the cart; a line added meanwhile on another device
  // stays, so the cart is read again rather than emptied.
  loadCart();
  loadCatalog(); // stock changed
}

/** The cart at the prices of a PRICE_CHANGED answer, or null when it does not cover every line. */
function repricedCart(cart, details) {
  const prices = new Map((Array.isArray(details?.items) ? details.items : []).map((i) => [i.sku, Number(i.unitPriceCents)]));
  if (!cart.items.every((i) => Number.isInteger(prices.get(i.sku)))) return null;
  const items = cart.items.map((i) => ({ ...i, unitPriceCents: prices.get(i.sku), lineTotalCents: prices.get(i.sku) * i.qty }));
  const totalCents = items.reduce((n, i) => n + i.lineTotalCents, 0);
  return totalCents === Number(details.totalCents) ? { ...cart, items, totalCents } : null;
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
  if (err.code === "PRICE_CHANGED") {
    const now = Number(err.details?.totalCents);
    const was = Number(err.details?.expectedTotalCents);
    const message = Number.isFinite(now) && Number.isFinite(was)
      ? `A price changed since your cart was shown: your order now comes to ${money(now, state.cart.currency)}, not ${money(was, state.cart.currency)}. Your cart shows today's prices; place the order again to accept them.`
      : err.message;
    showError(new ApiError(message, err), { title: "Prices changed" });
    // The answer carries today's prices, read as the checkout reads them (strongly
    // consistent): the cart shows those at once, so the next press sends the total the
    // checkout will find. Reading the cart again could still show the old price for a moment.
    const repriced = repricedCart(state.cart, err.details);
    if (repriced) setCart(repriced);
    else loadCart();
    loadCatalog();
    return;
  }
  failed(err, {
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
      h("div", {}, h("dt", {}, "Status"), h("dd", {}, statusPill(order.status))),
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
    order.status === "READY_FOR_PICKUP" ? h("p", { class: "notice" }, `Ready for pickup at ${storeName(order.storeId)}. Pay at the store when you collect.`) : null,
    historyList(order),
    order.status === "PLACED"
      ? h("button", { type: "button", class: "btn btn-secondary", "aria-label": `Cancel order ${order.orderId}`, onclick: (e) => cancelOrder(order, e.currentTarget) }, "Cancel order")
      : null,
  );
}

/** Cancels one of the customer's orders (only while it is placed: the store has not started). */
async function cancelOrder(order, button) {
  await busy(button, "Cancelling…", async () => {
    try {
      showCancelled(await api("POST", `/orders/${seg(order.orderId)}/cancel`, { body: {} }));
    } catch (err) {
      if (err instanceof ApiError && err.code === "INVALID_TRANSITION" && err.details?.status === "CANCELLED") {
        // Cancelled already: by this request's first try, whose answer was lost, or elsewhere.
        try {
          showCancelled(await api("GET", `/orders/${seg(order.orderId)}`));
        } catch (again) {
          failed(again, { title: "The order is cancelled, but it could not be shown again" });
        }
      } else if (err instanceof ApiError && err.code === "INVALID_TRANSITION") {
        failed(err, { title: `The store has already started on this order (${statusLabel(err.details?.status).toLowerCase()})` });
      } else {
        failed(err, { title: "Couldn't cancel the order", retry: err.retryable ? () => cancelOrder(order, button) : undefined });
      }
    }
  });
  loadMyOrders();
}

/** A cancelled order, wherever the page shows it: the lookup, the confirmation (and its saved
 * copy, which a reload shows), and the catalog's stock, which the cancel gave back. */
function showCancelled(cancelled) {
  clearError();
  if ($("#lookup-result").textContent.includes(cancelled.orderId)) {
    fill($("#lookup-result"), orderDetails(cancelled, { heading: `Order ${cancelled.orderId}` }));
  }
  if (state.lastOrder?.orderId === cancelled.orderId) {
    state.lastOrder = cancelled;
    saveJson(LAST_ORDER_KEY, { sub: state.session?.sub, order: cancelled });
    renderConfirmation(cancelled);
  }
  announce(`Order ${cancelled.orderId} is cancelled.`);
  loadCatalog();
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
      failed(err, { title: "Order lookup failed", retry: err.retryable ? () => lookUp() : undefined });
    }
  });
}

/** How often "My orders" asks for news while one of the orders is still open. */
const ORDERS_POLL_MS = 4_000;
let ordersPoll = null;

/** Keeps "My orders" current without a reload while it is shown and an order is open. */
function followOrders(orders) {
  clearTimeout(ordersPoll);
  ordersPoll = null;
  if (state.view === "orders" && state.session && orders.some((o) => isOpen(o.status))) {
    ordersPoll = setTimeout(() => loadMyOrders({ quiet: true }), ORDERS_POLL_MS);
  }
}

/**
 * "My orders" is the newest page (GET /orders), kept current by `followOrders`, plus the older
 * pages the customer asked for with "Show older orders" (GET /orders?cursor=…). The older pages
 * stay through the automatic refreshes as long as the newest page ends where it did (`after`,
 * its nextCursor); when it moved (an order placed elsewhere), they are dropped rather than
 * leave a gap, and "Show older orders" starts again from the new end.
 */
const older = { items: [], cursor: null, after: null, loading: null };

function resetOlder(nextCursor) {
  older.items = [];
  older.cursor = nextCursor || null;
  older.after = nextCursor || null;
  older.loading = null;
}

async function loadMyOrders({ quiet = false } = {}) {
  const box = $("#my-orders");
  if (!state.session) {
    box.replaceChildren();
    state.ordersDrawn = null;
    followOrders([]);
    return;
  }
  $("#my-orders-hint").textContent = `Orders of ${state.session.email}, newest first.`;
  box.setAttribute("aria-busy", "true");
  try {
    const data = await api("GET", "/orders");
    const newest = Array.isArray(data.items) ? data.items : [];
    if (!quiet || (data.nextCursor || null) !== older.after) resetOlder(data.nextCursor);
    const ids = new Set(newest.map((o) => o.orderId));
    const orders = [...newest, ...older.items.filter((o) => !ids.has(o.orderId))];
    followOrders(orders);
    if (quiet) {
      const before = state.orderStates || {};
      for (const o of orders) {
        if (before[o.orderId] && before[o.orderId] !== o.status) announce(`Order ${o.orderId} is now ${statusLabel(o.status).toLowerCase()}.`);
      }
    }
    state.orderStates = Object.fromEntries(orders.map((o) => [o.orderId, o.status]));
    // A quiet refresh that found nothing new draws nothing: redrawn, the list and the card lose
    // the keyboard focus, and a Cancel being sent would come back enabled.
    const drawn = JSON.stringify(orders.map((o) => [o.orderId, o.status, o.updatedAt]));
    if (quiet && drawn === state.ordersDrawn) return;
    state.ordersDrawn = drawn;
    const focused = document.activeElement;
    const within = box.contains(focused) || $("#lookup-result").contains(focused);
    const again = within ? focused.id || focused.getAttribute("aria-label") : null;
    // The order shown above (looked up or picked from the list) follows too, unless its
    // Cancel is on its way (that answer redraws it).
    const shown = $("#lookup-result .order-card") && orders.find((o) => o.orderId === $("#lookup-id").value.trim());
    if (shown && !$("#lookup-result [aria-busy='true']")) fill($("#lookup-result"), orderDetails(shown, { heading: `Order ${shown.orderId}` }));
    renderMyOrders(box, orders);
    if (again) (document.getElementById(again) || document.querySelector(`[aria-label="${CSS.escape(again)}"]`))?.focus();
  } catch (err) {
    if (quiet) {
      followOrders([]); // a background refresh that failed stays quiet; "Refresh" retries
      return;
    }
    fill(box, h("p", { class: "hint" }, "Your orders could not be loaded."));
    state.ordersDrawn = null;
    failed(err, { title: "Couldn't load your orders", retry: loadMyOrders });
  } finally {
    box.removeAttribute("aria-busy");
  }
}

/** The next older page of "My orders", added below the ones shown; one request at a time. */
function loadOlderOrders(button) {
  if (!older.cursor) return Promise.resolve();
  older.loading ??= fetchOlder(button).finally(() => {
    older.loading = null;
  });
  return older.loading;
}

async function fetchOlder(button) {
  const sent = older.cursor;
  const before = older.items.length;
  await busy(button, "Loading…", async () => {
    try {
      const data = await api("GET", `/orders?cursor=${encodeURIComponent(sent)}`);
      if (older.cursor !== sent) return; // the list started again meanwhile
      const have = new Set(older.items.map((o) => o.orderId));
      const items = (Array.isArray(data.items) ? data.items : []).filter((o) => !have.has(o.orderId));
      older.items.push(...items);
      older.cursor = data.nextCursor || null;
      announce(`${plural(items.length, "older order")} shown.`);
    } catch (err) {
      failed(err, { title: "Couldn't load older orders", retry: err instanceof ApiError && err.retryable ? () => loadOlderOrders($("#older-orders") || button) : undefined });
    }
  });
  await loadMyOrders({ quiet: true });
  // The list was drawn again: focus goes to the first order just shown.
  const first = older.items[before];
  if (first) $(`#my-orders button[aria-label="Show order ${CSS.escape(first.orderId)}"]`)?.focus();
}

/** The units of an order. */
const units = (order) => (order.items || []).reduce((n, i) => n + (Number(i.qty) || 0), 0);

function renderMyOrders(box, orders) {
  if (!orders.length) {
    fill(box, h("p", { class: "empty" }, "No orders yet."));
    return;
  }
  const more = older.cursor
    ? h("div", { class: "load-more" }, h("button", { type: "button", class: "btn btn-secondary", id: "older-orders", onclick: (e) => loadOlderOrders(e.currentTarget) }, "Show older orders"))
    : null;
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
          statusPill(o.status),
          h("span", { class: "muted" }, `${when(o.createdAt)} · ${storeName(o.storeId)}`),
          h("span", {}, `${plural(units(o), "item")} · `, h("strong", {}, money(o.totalCents, o.currency))),
        ),
      ),
    ),
    more,
  );
}

// ---------------------------------------------------------------- account

/** The account bar, the staff link, the checkout button and the orders view for the session. */
function renderAccount() {
  const session = state.session;
  renderAccountBar(session, {
    unavailable: "Sign-in is not available in this environment. You can browse and fill a cart, but not order.",
    signedOut: "Shopping as a guest.",
    signedOutActions: () => [
      h("a", { href: "#sign-in", class: "btn-link", id: "account-sign-in" }, "Sign in"),
      h("a", { href: "#sign-up", class: "btn-link" }, "Create account"),
    ],
    onSignOut: doSignOut,
  });
  $("#backoffice-nav").hidden = !session?.isStaff;
  $("#orders-signed-out").hidden = Boolean(session) || !authAvailable;
  for (const panel of document.querySelectorAll("[data-signed-in]")) panel.hidden = !session;
  renderCheckoutMode();
}

/** The last order of this customer (kept for the confirmation view across a reload). */
function restoreLastOrder() {
  const saved = loadJson(LAST_ORDER_KEY, null);
  state.lastOrder = state.session && saved && saved.sub === state.session.sub && saved.order ? saved.order : null;
}

/** What a signed-out page shows: the guest cart, no orders, no confirmation of someone's order. */
function showSignedOut() {
  state.session = null;
  state.lastOrder = null;
  dropJson(LAST_ORDER_KEY);
  $("#my-orders").replaceChildren();
  $("#lookup-result").replaceChildren();
  $("#lookup-id").value = "";
  renderAccount();
  if (state.view === "confirmation") location.hash = "#shop";
  loadCart();
}

async function doSignOut() {
  const done = signOut(); // forgets the tokens at once, then tells Cognito
  showSignedOut();
  clearError();
  announce("You are signed out. Your cart and orders stay with your account.");
  $("#account-sign-in")?.focus();
  await done;
}

/** The session changed outside this page's own sign-in and sign-out: a refused refresh, another tab. */
function sessionChanged(session, reason) {
  const before = state.session;
  if (session && before && session.sub === before.sub) {
    state.session = session; // refreshed tokens (maybe new groups)
    renderAccount();
    return;
  }
  if (!session) {
    if (!before) return;
    showSignedOut();
    if (reason === "elsewhere") announce("You were signed out in another window. Your cart and orders stay with your account.");
    else sessionEnded();
    return;
  }
  // Someone else signed in, in another tab.
  state.session = session;
  clearError();
  restoreLastOrder();
  $("#my-orders").replaceChildren();
  $("#lookup-result").replaceChildren();
  renderAccount();
  announce(`Signed in as ${session.email}.`);
  if (AUTH_VIEWS.includes(state.view)) location.hash = `#${state.returnTo}`;
  loadCart();
  if (state.view === "orders") loadMyOrders();
}

/** The first sign-in with a temporary password: on to choosing a new one (the form is ready). */
function askNewPassword(challenge) {
  state.challenge = challenge;
  location.hash = "#new-password";
  route(); // switch now: the heading gets the focus
}

/** The account has an authenticator app (staff set one up in the back office): on to its code. */
function askMfaCode(challenge) {
  state.challenge = challenge;
  location.hash = "#mfa-code";
  route();
}

/** The new-password step expired: back to the sign-in form, which says so. */
function signInAgain(notice) {
  state.challenge = null;
  state.signInNotice = notice;
  location.hash = "#sign-in";
  route();
}

/** An unconfirmed account tries to sign in: on to the confirmation code. */
function notConfirmed(address) {
  $("#confirm-email").value = address;
  return {
    message: "This account is not confirmed yet. Enter the code we emailed you when you created it.",
    action: h("a", { href: "#confirm-account", class: "btn btn-secondary" }, "Enter the confirmation code"),
  };
}

/** Signed in from this page: merge the guest cart, then back to where the shopper was. */
async function signedIn(session) {
  state.session = session;
  state.signInNotice = "";
  state.challenge = null;
  clearError(); // a "signed out" notice of before, say
  const resume = state.resumeCheckout;
  const back = resume ? "shop" : state.returnTo;
  restoreLastOrder();
  renderAccount();
  let note = "";
  if (guestLines().length) {
    try {
      const { moved, keep, refused } = await mergeGuestCart();
      if (moved) note = ` ${moved} product${moved === 1 ? "" : "s"} from your guest cart ${moved === 1 ? "is" : "are"} now in your cart.`;
      if (refused.length) {
        const names = refused.map(({ line }) => state.products.get(line.sku)?.name || line.sku).join(", ");
        showError(new Error(`${refused[0].err.message} Not added: ${names}.`), { title: "Some guest cart items were not added" });
      }
      if (keep.length) {
        showError(new Error("Some items of your guest cart could not be added yet; they will be added when the store service answers."), {
          title: "Guest cart not fully added",
          retry: () => signedIn(state.session),
        });
      }
    } catch (err) {
      failed(err, { title: "Couldn't add your guest cart to your account", retry: () => state.session && signedIn(state.session) });
    }
  } else {
    await loadCart();
  }
  location.hash = `#${back}`;
  route(); // switch now, so the focus below is not undone by the hashchange
  if (resume && state.cart.items.length) {
    announce(`Signed in as ${session.email}.${note} Check your cart, then place your order.`);
    els.placeOrder.scrollIntoView({ block: "center" });
    els.placeOrder.focus();
  } else {
    announce(`Signed in as ${session.email}.${note}`);
  }
}

async function submitSignUp(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("#sign-up-email");
  const password = $("#sign-up-password");
  clearFieldErrors(form);
  clearAlert("sign-up-alert");
  const address = checkedEmail(email);
  if (!address || !checkedNewPassword(password)) return;
  let result = null;
  let focusAfter = null;
  await busy($("#sign-up-submit"), "Creating account…", async () => {
    try {
      result = await signUp(address, password.value);
    } catch (err) {
      if (err.code === "UsernameExistsException") {
        focusAfter = h(
          "a",
          {
            href: "#sign-in",
            class: "btn btn-secondary",
            onclick: () => {
              $("#sign-in-email").value = address;
            },
          },
          "Sign in instead",
        );
        fieldError(email, "An account with this email exists; sign in.");
        alertIn("sign-up-alert", "An account with this email exists; sign in.", focusAfter);
      } else if (err.code === "InvalidPasswordException") {
        passwordRefused(password, err);
        focusAfter = password;
      } else {
        serviceProblem("sign-up-alert", err.code === "InvalidParameterException" && err.detail ? new Error(err.detail) : err);
      }
    }
  });
  focusAfter?.focus();
  if (!result) return;
  password.value = "";
  $("#confirm-email").value = address;
  $("#sign-in-email").value = address;
  if (result.confirmed) {
    state.signInNotice = "Your account is ready. Sign in with your password.";
    location.hash = "#sign-in";
    return;
  }
  $("#confirm-account-sent").textContent = `We emailed a 6-digit code to ${result.destination}. Enter it below to confirm your account.`;
  location.hash = "#confirm-account";
  announce(`Account created. We emailed a code to ${result.destination}.`);
}

async function submitConfirm(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("#confirm-email");
  const code = $("#confirm-code");
  clearFieldErrors(form);
  clearAlert("confirm-alert");
  const address = checkedEmail(email, "Enter the email address you created the account with.");
  if (!address) return;
  const digits = code.value.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(digits)) {
    fieldError(code, "Enter the 6-digit code from the email.");
    code.focus();
    return;
  }
  let done = false;
  let focusAfter = null;
  await busy($("#confirm-submit"), "Confirming…", async () => {
    try {
      await confirmSignUp(address, digits);
      done = true;
    } catch (err) {
      if (err.code === "CodeMismatchException" || err.code === "ExpiredCodeException") {
        fieldError(code, err.message);
        focusAfter = code;
      } else if (err.code === "NotAuthorizedException" && /confirmed/i.test(err.detail)) {
        done = true; // confirmed already: go and sign in
      } else if (err.code === "UserNotFoundException") {
        fieldError(email, "No account with this email is waiting for confirmation. Check the address, or create an account.");
        focusAfter = email;
      } else {
        serviceProblem("confirm-alert", err);
      }
    }
  });
  focusAfter?.focus();
  if (!done) return;
  code.value = "";
  $("#sign-in-email").value = address;
  state.signInNotice = "Your email is confirmed. Sign in with your password.";
  location.hash = "#sign-in";
  route();
  $("#sign-in-password").focus();
  announce("Your email is confirmed. Sign in with your password.");
}

async function resendConfirmation() {
  const form = $("#confirm-form");
  const email = $("#confirm-email");
  clearFieldErrors(form);
  clearAlert("confirm-alert");
  const address = checkedEmail(email, "Enter the email address you created the account with.");
  if (!address) return;
  await busy($("#confirm-resend"), "Sending…", async () => {
    try {
      const { destination } = await resendCode(address);
      $("#confirm-account-sent").textContent = `We emailed a new 6-digit code to ${destination}. Enter the newest code below.`;
      announce(`We emailed a new code to ${destination}.`);
    } catch (err) {
      if (err.code === "InvalidParameterException" && /confirmed/i.test(err.detail)) {
        alertIn("confirm-alert", "This account is already confirmed.", h("a", { href: "#sign-in", class: "btn btn-secondary" }, "Sign in"));
      } else {
        serviceProblem("confirm-alert", err);
      }
    }
  });
  $("#confirm-code").focus();
}

/** The notes above the sign-in form: why the shopper is here, what just happened. */
function renderSignInReason() {
  const reason = $("#sign-in-reason");
  const parts = [state.signInNotice, state.resumeCheckout ? "Sign in to place your order; your cart comes with you. New here? Create an account first." : ""].filter(Boolean);
  reason.textContent = parts.join(" ");
  reason.hidden = parts.length === 0;
}

function initAccount() {
  $("#sign-up-password-rule").textContent = PASSWORD_RULE;
  initSignInForms({ signedIn, notConfirmed, askNewPassword, askMfaCode, challenge: () => state.challenge, signInAgain });
  $("#sign-up-form").addEventListener("submit", submitSignUp);
  $("#confirm-form").addEventListener("submit", submitConfirm);
  $("#confirm-resend").addEventListener("click", resendConfirmation);
  onSessionChangeElsewhere(sessionChanged);
  renderAccount();
}

// ---------------------------------------------------------------- views

const VIEWS = ["shop", "orders", "confirmation", ...AUTH_VIEWS];
const TITLES = {
  shop: "Shop",
  orders: "Orders",
  confirmation: "Order confirmed",
  "sign-in": "Sign in",
  "sign-up": "Create an account",
  "confirm-account": "Confirm your email",
  "new-password": "Choose a new password",
  "mfa-code": "Enter your code",
};

function route({ initial = false } = {}) {
  const wanted = location.hash.slice(1);
  let view = VIEWS.includes(wanted) ? wanted : initial || !state.view ? "shop" : state.view;
  if (view === "confirmation" && !state.lastOrder) view = "shop";
  if ((view === "new-password" || view === "mfa-code") && !state.challenge) view = "sign-in"; // nothing to answer (a reload, a bookmark)
  // Signed in already, or no sign-in here: the account views have nothing to offer.
  if (AUTH_VIEWS.includes(view) && (state.session || !authAvailable)) view = state.session ? state.returnTo : "shop";
  if (wanted && VIEWS.includes(wanted) && wanted !== view) history.replaceState(null, "", `#${view}`);
  if (view === "confirmation") renderConfirmation(state.lastOrder);
  if (AUTH_VIEWS.includes(view) && state.view && !AUTH_VIEWS.includes(state.view)) state.returnTo = state.view === "confirmation" ? "shop" : state.view;
  if (!AUTH_VIEWS.includes(view)) {
    state.resumeCheckout = false;
    state.signInNotice = "";
    state.challenge = null;
  }
  if (view === "sign-in") renderSignInReason();
  const changed = view !== state.view;
  state.view = view;
  for (const section of document.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  for (const link of document.querySelectorAll("[data-view-link]")) {
    if (link.dataset.viewLink === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `Greenleaf Market — ${TITLES[view]}`;
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
  dropJson(LEGACY_USER_KEY);
  restoreLastOrder();
  initAccount();
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
  if (state.session && guestLines().length) {
    // A guest cart left from before signing in (or one the service could not take then).
    signedInCartMerge();
  } else {
    loadCart();
  }
}

async function signedInCartMerge() {
  try {
    const { moved, refused } = await mergeGuestCart();
    if (moved) announce(`${moved} product${moved === 1 ? "" : "s"} from your guest cart ${moved === 1 ? "is" : "are"} now in your cart.`);
    if (refused.length) showError(new Error(refused[0].err.message), { title: "Some guest cart items were not added" });
  } catch (err) {
    failed(err, { title: "Couldn't load your cart", retry: loadCart });
  }
}

start();
