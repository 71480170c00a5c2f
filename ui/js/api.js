// The one place the pages talk to the retail HTTP API (contract: functions/openapi.yaml).
// Every call goes through `api()`, so the API base from config.js, JSON handling, the access
// token and the translation of failures into a readable ApiError (the API's own error.message
// when it sent one) live here and nowhere else.
//
// Only `GET /catalog…` is public. Every other call carries `Authorization: Bearer <access
// token>` from auth.js; without a session it is not sent at all (ApiError SIGNED_OUT). A 401 is
// retried once after refreshing the token; when that fails too the session is over.

import { authHeader, currentSession, forgetSession, renewAfterRejection } from "./auth.js";

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
    return this.status === 0 || this.status >= 500 || this.code === "SESSION_NOT_RENEWED";
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

/** True for the routes anyone may call (no token sent): the catalog. */
export function isPublic(method, path) {
  return method === "GET" && /^\/catalog(?:[/?]|$)/.test(path);
}

/** The error a call gets when it needs a session and there is none (any more). */
function signedOut(message = "You are signed out. Sign in to continue.") {
  return new ApiError(message, { status: 401, code: "SIGNED_OUT" });
}

async function send(method, path, init) {
  try {
    return await fetch(apiBase + path, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(
      `Can't reach the store service at ${apiBase}. Check your connection, or that the service is running (make run), then try again.`,
    );
  }
}

/**
 * Calls the API and returns the parsed JSON body. Throws ApiError on a network failure or a
 * non-2xx answer (code SIGNED_OUT when a call needing a session has none, or the API refused
 * it even after a refresh); aborts (AbortError) pass through untouched.
 */
export async function api(method, path, { body, headers = {}, signal } = {}) {
  const init = { method, headers: { accept: "application/json", ...headers }, signal };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method === "GET" && wroteRecently()) init.cache = "reload";
  const needsToken = !isPublic(method, path);
  let token = "";
  if (needsToken) {
    const auth = await authHeader();
    if (!auth.authorization) throw signedOut();
    token = auth.authorization;
    init.headers.authorization = token;
  }
  let res = await send(method, path, init);
  if (needsToken && res.status === 401) {
    // Expired or revoked: once more with a fresh token (a 401 never reached the function, so
    // repeating a POST is safe; an order keeps its Idempotency-Key anyway).
    const renewed = await renewAfterRejection(token.replace(/^Bearer /, ""));
    const again = renewed ? (await authHeader()).authorization : "";
    if (again && again !== token) {
      init.headers.authorization = again;
      res = await send(method, path, init);
    }
    if (res.status === 401) {
      if (!currentSession()) throw signedOut("Your session has ended. Sign in again to continue.");
      if (renewed) {
        // A fresh token the API refuses as well: this session is no use here.
        forgetSession();
        throw signedOut("The store service did not accept your sign-in. Sign in again to continue.");
      }
      // The sign-in service was unreachable: the session stays; a later try may renew it.
      throw new ApiError("Your sign-in could not be renewed right now (the sign-in service did not answer). Try again in a moment.", {
        status: 401,
        code: "SESSION_NOT_RENEWED",
      });
    }
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
        : res.status === 403 && needsToken
          ? `The store service refused this request (HTTP 403${said}). Sign out and sign in again.`
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

/** Path segment encoding for ids typed by people (order ids, SKUs). */
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
