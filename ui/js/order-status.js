// An order's state as both pages show it: its label, a status pill and its history.
// The lifecycle itself lives in the orders function (functions/src/orders/status.rs):
// PLACED → PICKING → READY_FOR_PICKUP → COLLECTED, or CANCELLED before collection.

import { when } from "./api.js";
import { h } from "./ui.js";

export const STATUS_LABELS = {
  PLACED: "Placed",
  PICKING: "Being picked",
  READY_FOR_PICKUP: "Ready for pickup",
  COLLECTED: "Collected",
  CANCELLED: "Cancelled",
};

/** Orders that still hold stock and expect a pickup. */
export const OPEN_STATUSES = ["PLACED", "PICKING", "READY_FOR_PICKUP"];

export const statusLabel = (status) => STATUS_LABELS[status] || String(status || "").toLowerCase();

export const isOpen = (status) => OPEN_STATUSES.includes(status);

/** The pill that shows an order's state. */
export function statusPill(status) {
  return h("span", { class: `status-pill order-status status-${String(status || "").toLowerCase()}`, "data-testid": "order-status" }, statusLabel(status));
}

/** Who moved the order, in words: "you", "the store", "automatically". */
function actorLabel(actor, { staffView }) {
  const text = String(actor || "");
  if (text.startsWith("customer:")) return staffView ? "the customer" : "you";
  if (text.startsWith("staff:")) return staffView ? `staff ${text.slice("staff:".length, "staff:".length + 8)}` : "the store";
  if (text === "system") return "automatically (not collected in time)";
  return text;
}

/** The order's history, oldest first, as a list. */
export function historyList(order, { staffView = false } = {}) {
  const steps = Array.isArray(order.history) ? order.history : [];
  if (!steps.length) return null;
  return h(
    "ol",
    { class: "order-history", "aria-label": `History of order ${order.orderId}` },
    steps.map((s) =>
      h(
        "li",
        {},
        h("strong", {}, statusLabel(s.to)),
        ` · ${when(s.at)} · by ${actorLabel(s.actor, { staffView })}`,
        s.reason ? h("span", { class: "muted" }, ` — ${s.reason}`) : null,
      ),
    ),
  );
}
