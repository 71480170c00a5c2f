// The back office's Orders section: a store's work queue (its orders in one state, oldest first,
// page by page), one order with its lines and history, and the next step as one button
// ("Start picking", "Mark ready for pickup", "Mark collected"), plus cancelling with a reason.
//
// Two staff members may press the same button at once: the API lets one win and answers the
// other 409 INVALID_TRANSITION with the order's current state, which this page then shows.

import { ApiError, api, money, seg, storeName, stores, when } from "./api.js";
import { historyList, isOpen, statusLabel, statusPill } from "./order-status.js";
import { $, announce, busy, clearError, fill, h, showError } from "./ui.js";

const NEXT = {
  PLACED: ["PICKING", "Start picking"],
  PICKING: ["READY_FOR_PICKUP", "Mark ready for pickup"],
  READY_FOR_PICKUP: ["COLLECTED", "Mark collected"],
};
const PAGE = 20;

const state = {
  active: () => false,
  refused: () => false,
  generation: 0,
  // Bumped only when the staff view closes (sign-out): what a move's answer is checked against,
  // since a queue reload in the meantime does not make the answer stale.
  opened: 0,
  orders: [],
  cursor: null,
  cursorFor: null,
  selected: null, // the order shown in detail
};

/** Wires the section; `active()` says whether the staff view is open, `refused(err)` handles a 403. */
export function initOrders({ active, refused }) {
  state.active = active;
  state.refused = refused;
  fill(
    $("#orders-store"),
    stores.map((s) => h("option", { value: s.id }, s.name)),
  );
  fill(
    $("#orders-status"),
    ["PLACED", "PICKING", "READY_FOR_PICKUP", "COLLECTED", "CANCELLED"].map((s) => h("option", { value: s }, statusLabel(s))),
  );
  $("#orders-store").addEventListener("change", () => loadOrders());
  $("#orders-status").addEventListener("change", () => loadOrders());
  $("#orders-refresh").addEventListener("click", () => loadOrders());
  $("#orders-more").addEventListener("click", () => loadOrders({ more: true }));
}

/** Loads the first page of the chosen store and state (or the next page with `more`). */
export async function loadOrders({ more = false } = {}) {
  if (!state.active()) return;
  const generation = ++state.generation;
  const store = $("#orders-store").value;
  const status = $("#orders-status").value;
  if (!store) {
    $("#orders-caption").textContent = "No stores are configured for this environment.";
    return;
  }
  // A cursor belongs to the store and state it was read for: after a change of either, "More
  // orders" would append another queue's page to this one, so it is a first page again.
  if (more && state.cursorFor !== `${store}|${status}`) more = false;
  const query = new URLSearchParams({ status, limit: String(PAGE) });
  if (more && state.cursor) query.set("cursor", state.cursor);
  if (!more) {
    state.cursor = null;
    $("#orders-more").hidden = true;
  }
  $("#order-rows").setAttribute("aria-busy", "true");
  try {
    const page = await api("GET", `/stores/${seg(store)}/orders?${query}`);
    if (generation !== state.generation || !state.active()) return;
    const items = Array.isArray(page.items) ? page.items : [];
    state.orders = more ? state.orders.concat(items) : items;
    state.cursor = page.nextCursor || null;
    state.cursorFor = `${store}|${status}`;
    renderQueue(store, status);
  } catch (err) {
    if (state.refused(err)) return;
    showError(err, { title: "Couldn't load the orders", retry: () => loadOrders({ more }) });
  } finally {
    $("#order-rows").removeAttribute("aria-busy");
  }
}

/** Drops everything shown (the staff view closed). */
export function forgetOrders() {
  state.generation += 1;
  state.opened += 1;
  state.orders = [];
  state.cursor = null;
  state.selected = null;
  $("#order-rows").replaceChildren();
  $("#order-detail").replaceChildren();
  $("#order-detail").hidden = true;
  $("#orders-more").hidden = true;
}

const units = (o) => (o.items || []).reduce((n, i) => n + (Number(i.qty) || 0), 0);

function renderQueue(store, status) {
  $("#orders-caption").textContent = state.orders.length
    ? `${statusLabel(status)} orders at ${storeName(store)}, oldest first.`
    : `No ${statusLabel(status).toLowerCase()} orders at ${storeName(store)}.`;
  fill(
    $("#order-rows"),
    state.orders.map((o) =>
      h(
        "tr",
        { role: "row", dataset: { order: o.orderId } },
        h(
          "th",
          { scope: "row", role: "rowheader" },
          h("button", { type: "button", class: "btn btn-link", "aria-label": `Open order ${o.orderId}`, onclick: () => showDetail(o) }, h("code", {}, o.orderId.slice(0, 12))),
        ),
        h("td", { role: "cell", "data-label": "Placed" }, when(o.createdAt)),
        h("td", { role: "cell", class: "num", "data-label": "Units" }, String(units(o))),
        h("td", { role: "cell", class: "num", "data-label": "Total" }, money(o.totalCents, o.currency)),
        h("td", { role: "cell", "data-label": "Status" }, statusPill(o.status)),
        h("td", { role: "cell" }, nextButton(o)),
      ),
    ),
  );
  $("#orders-more").hidden = !state.cursor;
}

function nextButton(order) {
  const next = NEXT[order.status];
  if (!next) return null;
  const [to, label] = next;
  return h(
    "button",
    { type: "button", class: "btn btn-primary", "aria-label": `${label}: order ${order.orderId}`, onclick: (e) => move(order, to, e.currentTarget) },
    label,
  );
}

function showDetail(order) {
  state.selected = order;
  const box = $("#order-detail");
  const currency = order.currency || "USD";
  const reason = h("input", { type: "text", id: "cancel-reason", maxlength: 200, autocomplete: "off", placeholder: "e.g. out of stock" });
  fill(
    box,
    h("h3", { id: "order-detail-title", tabindex: "-1" }, `Order ${order.orderId}`),
    h(
      "dl",
      { class: "order-facts" },
      h("div", {}, h("dt", {}, "Status"), h("dd", {}, statusPill(order.status))),
      h("div", {}, h("dt", {}, "Store"), h("dd", {}, storeName(order.storeId))),
      h("div", {}, h("dt", {}, "Placed"), h("dd", {}, when(order.createdAt))),
      h("div", {}, h("dt", {}, "Total"), h("dd", {}, money(order.totalCents, currency))),
    ),
    h(
      "ul",
      { class: "pick-list", "aria-label": `Lines of order ${order.orderId}` },
      (order.items || []).map((i) => h("li", {}, h("strong", {}, `${i.qty} ×`), ` ${i.name || i.sku} `, h("code", {}, i.sku))),
    ),
    historyList(order, { staffView: true }),
    h(
      "div",
      { class: "order-actions" },
      nextButton(order),
      isOpen(order.status)
        ? h(
            "div",
            { class: "field cancel-field" },
            h("label", { for: "cancel-reason" }, "Reason for cancelling (optional)"),
            reason,
            h("button", { type: "button", class: "btn btn-secondary", onclick: (e) => move(order, "CANCELLED", e.currentTarget, reason.value) }, "Cancel order"),
          )
        : null,
    ),
  );
  box.hidden = false;
  $("#order-detail-title").focus();
}

/** Asks the API to move `order` to `to`; shows the result (or the state someone else left). */
async function move(order, to, button, reason = "") {
  const opened = state.opened;
  const path = `/stores/${seg(order.storeId)}/orders/${seg(order.orderId)}`;
  await busy(button, "Saving…", async () => {
    try {
      const body = reason.trim() ? { status: to, reason: reason.trim() } : { status: to };
      const moved = await api("POST", `${path}/status`, { body });
      if (opened !== state.opened) return;
      clearError();
      announce(`Order ${moved.orderId} is now ${statusLabel(moved.status).toLowerCase()}.`);
      showDetail(moved);
    } catch (err) {
      if (state.refused(err) || opened !== state.opened) return;
      if (err instanceof ApiError && err.code === "INVALID_TRANSITION") {
        const now = err.details?.status;
        announce(`Order ${order.orderId} is already ${statusLabel(now).toLowerCase()}; someone else changed it.`);
        showError(err, { title: `Order is ${statusLabel(now).toLowerCase()}` });
        // The detail shows the order as it is now, with the step that is left (if any).
        try {
          const fresh = await api("GET", path);
          if (opened === state.opened) showDetail(fresh);
        } catch {
          /* the error above already says what happened; the queue reloads below */
        }
      } else {
        const retry = err instanceof ApiError && err.retryable ? () => move(order, to, button, reason) : undefined;
        showError(err, { title: "Couldn't change the order", retry });
      }
    }
  });
  await loadOrders();
}
