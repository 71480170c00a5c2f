// The one place the pages talk to the retail HTTP API (contract: notes/API.md).
// Every call goes through `api()`, so the API base from config.js, JSON handling and the
// translation of failures into a readable ApiError (the API's own error.message when it sent
// one) live here and nowhere else.

const config = window.STACKGEN_CONFIG || {};

/** True when config.js did not load; the pages say so instead of failing quietly. */
export const configMissing = !window.STACKGEN_CONFIG;

/** API base without a trailing slash, e.g. "/api" or "https://abc.execute-api…/api". */
export const apiBase = String(config.apiBase || "/api").replace(/\/+$/, "");

/** Environment name shown in the page chrome ("local", "dev", "prod"). */
export const envName = typeof config.env === "string" ? config.env : "";

/** Stores (branches) an order can name: [{id, name}]. */
export const stores = Array.isArray(config.stores)
  ? config.stores.filter((s) => s && typeof s.id === "string").map((s) => ({ id: s.id, name: String(s.name || s.id) }))
  : [];

/** Display name of a store id, falling back to the id for stores config.js does not list. */
export function storeName(id) {
  const store = stores.find((s) => s.id === id);
  return store ? store.name : id;
}

/** A failed call, carrying the API's error code, request id and details when it sent them. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = "NETWORK", requestId = null, details = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }

  /** True when the request may not have reached the API or the API failed on its side. */
  get retryable() {
    return this.status === 0 || this.status >= 500;
  }
}

// Read-your-writes. The catalog may be answered from caches for `max-age` seconds (the
// function's memory, the CDN, this browser: `Cache-Control: public, max-age=N`). Right after this
// browser changed something (an order, a stock update), its GETs skip every cache for as long as
// a cached copy could predate the change: fetch's `cache: "reload"` bypasses the browser cache
// and sends `Cache-Control: no-cache`, which the catalog function honours. Everyone else sees
// the change within N seconds.
const WRITE_KEY = "stackgen.lastWriteAt";
let longestMaxAge = 10; // seconds; raised by the max-age the API announces
let lastWriteAt = 0; // fallback when localStorage is unavailable

function wroteRecently() {
  let at = lastWriteAt;
  try {
    at = Math.max(at, Number(localStorage.getItem(WRITE_KEY)) || 0);
  } catch {
    // Storage disabled: this page's own writes still count.
  }
  return Date.now() - at < (longestMaxAge + 1) * 1000;
}

function noteWrite() {
  lastWriteAt = Date.now();
  try {
    localStorage.setItem(WRITE_KEY, String(lastWriteAt));
  } catch {
    // Storage disabled: remembered for this page only.
  }
}

function noteMaxAge(res) {
  const m = /max-age=(\d+)/i.exec(res.headers.get("cache-control") || "");
  if (m) longestMaxAge = Math.max(longestMaxAge, Number(m[1]));
}

/**
 * Calls the API and returns the parsed JSON body. Throws ApiError on a network failure or a
 * non-2xx answer; aborts (AbortError) pass through untouched.
 */
export async function api(method, path, { body, headers = {}, signal } = {}) {
  const init = { method, headers: { accept: "application/json", ...headers }, signal };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method === "GET" && wroteRecently()) init.cache = "reload";
  let res;
  try {
    res = await fetch(apiBase + path, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(
      `Can't reach the store service at ${apiBase}. Check your connection, or that the service is running (make run), then try again.`,
    );
  }
  if (res.ok && method !== "GET") noteWrite();
  noteMaxAge(res);
  const text = await res.text().catch(() => "");
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined; // not JSON
    }
  }
  if (!res.ok) {
    const e = data && data.error;
    if (e && typeof e.message === "string") {
      throw new ApiError(e.message, {
        status: res.status,
        code: e.code || `HTTP_${res.status}`,
        requestId: e.request_id || null,
        details: e.details || null,
      });
    }
    // API Gateway's own failures ({"message":"Internal Server Error"}) and non-API servers.
    const said = data && typeof data.message === "string" ? ` (${data.message})` : "";
    const message =
      res.status === 404 || res.status === 405
        ? `Nothing answers at ${apiBase} (HTTP ${res.status}), so the store service is not running behind this page. Start the store with make run, which serves the pages and the API together.`
        : `The store service failed with HTTP ${res.status}${said}. Please try again in a moment.`;
    throw new ApiError(message, {
      status: res.status,
      code: `HTTP_${res.status}`,
    });
  }
  if (data === undefined) {
    throw new ApiError(
      `The store service at ${apiBase} sent a response that is not JSON (HTTP ${res.status}); check that the API is running behind this page.`,
      { status: res.status, code: "BAD_RESPONSE" },
    );
  }
  return data;
}

/** Path segment encoding for ids typed by people (order ids, user ids, SKUs). */
export const seg = (value) => encodeURIComponent(String(value));

const moneyFormats = new Map();

/** Formats integer cents as money, e.g. 1299 → "$12.99". */
export function money(cents, currency = "USD") {
  let fmt = moneyFormats.get(currency);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat("en-US", { style: "currency", currency });
    } catch {
      fmt = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
    }
    moneyFormats.set(currency, fmt);
  }
  return fmt.format((Number(cents) || 0) / 100);
}

const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/** Formats an RFC 3339 timestamp for people; returns the input when it does not parse. */
export function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso || "") : dateTime.format(d);
}

/** A random id suffix from the platform CSPRNG (works on plain-http origins too). */
export function randomId(bytes = 16) {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}
