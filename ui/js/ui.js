// Page plumbing shared by the storefront and the back office: building DOM nodes safely (text,
// never HTML strings, so product names cannot inject markup), the two live regions (errors are
// announced assertively and stay until dismissed; status updates are polite and fade), inline
// form-field errors, and small JSON helpers over localStorage.

import { configMissing, envName } from "./api.js";

/** h("p", {class: "x", onclick: fn}, "text", child) → element. Attributes set as given; null/false skipped. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style") node.style.cssText = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** "1 item", "3 items": a count and its noun. */
export const plural = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;

let errorRegion;
let statusRegion;
let statusTimer;

function regions() {
  if (!errorRegion) {
    errorRegion = document.getElementById("error-region");
    statusRegion = document.getElementById("status-region");
  }
}

/** Announces a short, polite status update ("Added Apples to your cart"). */
export function announce(text) {
  regions();
  clearTimeout(statusTimer);
  fill(statusRegion, h("p", { class: "msg" }, text));
  statusTimer = setTimeout(() => statusRegion.replaceChildren(), 6000);
}

let shownError = null; // {message, title, meta, retries}: what the error region shows now

/**
 * Shows an error (the API's own message when it sent one) in the assertive live region.
 * `retry`, when given, adds a "Try again" button that runs it. Several calls failing for one
 * reason (the API unreachable) make one message whose button retries them all.
 */
export function showError(err, { title = "Something went wrong", retry } = {}) {
  regions();
  const message = err && err.message ? err.message : String(err);
  if (shownError && shownError.message === message && errorRegion.childElementCount) {
    if (retry) {
      shownError.retries.push(retry);
      if (shownError.retries.length === 1) renderError();
    }
    return;
  }
  const meta = [];
  if (err && err.code && err.code !== "NETWORK") meta.push(`Code ${err.code}`);
  if (err && err.requestId) meta.push(`request ${err.requestId}`);
  shownError = {
    message,
    title: err && err.code === "NETWORK" ? "Connection problem" : title,
    meta: meta.join(" · "),
    retries: retry ? [retry] : [],
  };
  renderError();
}

function renderError() {
  const { message, title, meta, retries } = shownError;
  const again = retries.length
    ? h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary",
          onclick: () => {
            clearError();
            for (const fn of retries) fn();
          },
        },
        "Try again",
      )
    : null;
  fill(
    errorRegion,
    h("div", { class: "msg" }, h("strong", {}, title), h("span", {}, message), meta ? h("div", { class: "meta" }, meta) : null),
    again,
    h("button", { type: "button", class: "btn btn-secondary", onclick: clearError }, "Dismiss"),
  );
}

export function clearError() {
  regions();
  shownError = null;
  errorRegion.replaceChildren();
}

/** Marks a field invalid with a message linked by aria-describedby; returns false for chaining. */
export function fieldError(input, message) {
  const id = `${input.id}-error`;
  let note = document.getElementById(id);
  if (!note) {
    note = h("p", { id, class: "field-error" });
    input.closest(".field")?.append(note);
    const described = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    described.add(id);
    input.setAttribute("aria-describedby", [...described].join(" "));
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  return false;
}

/** Clears the inline errors inside `form`. */
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute("aria-invalid");
  for (const note of form.querySelectorAll(".field-error")) note.textContent = "";
}

/** Runs `fn` with `button` disabled and showing `busyText`, restoring it afterwards. */
export async function busy(button, busyText, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = busyText;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}

/** Fills the environment tag and reports a missing config.js. Called once per page. */
export function initChrome() {
  for (const tag of document.querySelectorAll("[data-env]")) {
    if (envName) tag.textContent = `Environment: ${envName}`;
    else tag.hidden = true;
  }
  if (configMissing) {
    showError(
      new Error("config.js did not load, so the page does not know where the store service is; it is trying /api. Serve ui/ with its config.js (stackgen dev does)."),
      { title: "Configuration missing" },
    );
  }
}

// ---------- storage ----------

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: nothing survives a reload
  }
}

/** Small JSON helpers over localStorage that never throw. */
export function loadJson(key, fallback) {
  try {
    const raw = storage()?.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

export function saveJson(key, value) {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    /* best effort */
  }
}

export function dropJson(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    /* best effort */
  }
}

/** Category names are stored as the API has them ("fruit"); people read "Fruit". */
export function categoryLabel(category) {
  const text = String(category || "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A stable hue for a category name, so each category gets its own tile colour. */
export function hueOf(text) {
  let n = 0;
  for (const ch of String(text)) n = (n * 31 + ch.codePointAt(0)) % 360;
  return (n + 90) % 360;
}
