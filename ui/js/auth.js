// Accounts, shared by the storefront and the back office: a small client of Cognito's JSON API
// (sign up, confirm, resend the code, sign in, a new password at the first sign-in with a
// temporary one, refresh, sign out) and the session it keeps.
//
// Where: `window.STACKGEN_CONFIG.auth` = {region, userPoolId, clientId, endpoint}; `endpoint`
// is `/cognito/` on `stackgen dev` (proxied to the emulator) and
// `https://cognito-idp.<region>.amazonaws.com/` in AWS. Without it, sign-in is unavailable
// (`authAvailable` is false) and the pages say so.
//
// The session (access, ID and refresh tokens) is kept in localStorage under one key, so a reload
// stays signed in. The access token is refreshed shortly before the `exp` of its payload, and
// api.js asks for a refresh once when the API answers 401. A refresh Cognito refuses (revoked or
// expired refresh token) ends the session: listeners of `onSessionChange` hear about it. What the
// tokens say (email, groups) only decides what the pages show; the API checks every request.

const config = window.STACKGEN_CONFIG || {};
const raw = config.auth && typeof config.auth === "object" ? config.auth : null;
const settings =
  raw && typeof raw.clientId === "string" && raw.clientId && typeof raw.endpoint === "string" && raw.endpoint
    ? { clientId: raw.clientId, userPoolId: String(raw.userPoolId || ""), region: String(raw.region || ""), endpoint: raw.endpoint }
    : null;

/** True when config.js says where to sign in. */
export const authAvailable = settings !== null;

/**
 * The user pool's password rules, from config.js (`auth.password`, written by stackgen from the
 * rules the pool is deployed with). Without them the forms check nothing and Cognito judges.
 */
const policy = raw && raw.password && typeof raw.password === "object" && Number.isInteger(raw.password.minLength) ? raw.password : null;

/** Each rule of the policy: what it asks for, in words, and whether a password meets it. */
const RULES = policy
  ? [
      [policy.uppercase, "an upper-case letter", (p) => /[A-Z]/.test(p)],
      [policy.lowercase, "a lower-case letter", (p) => /[a-z]/.test(p)],
      [policy.digits, "a digit", (p) => /[0-9]/.test(p)],
      [policy.symbols, "a symbol", (p) => /[^A-Za-z0-9\s]/.test(p)],
    ].filter(([wanted]) => wanted)
  : [];

/** "a, b and c". */
const listed = (items) => (items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : items[0] || "");

/** The user pool's password policy, in words (the sign-up form shows it). */
export const PASSWORD_RULE = policy
  ? `At least ${policy.minLength} characters${RULES.length ? `, with ${listed(RULES.map(([, words]) => words))}` : ""}.`
  : "";

/** The members of this group may use the back office. */
export const STAFF_GROUP = "staff";

const SESSION_KEY = "stackgen.session";
/** Refresh the access token when it has less than this left. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

/** A failed Cognito call: `code` is Cognito's error type ("NotAuthorizedException") or NETWORK. */
export class AuthError extends Error {
  constructor(message, { code = "NETWORK", status = 0, detail = "" } = {}) {
    super(message);
    this.name = "AuthError";
    this.code = code;
    this.status = status;
    this.detail = detail; // Cognito's own message
  }

  /** True when trying again later may work (the service was unreachable or failed). */
  get retryable() {
    return this.status === 0 || this.status >= 500;
  }
}

/**
 * Thrown by `signIn` when Cognito wants a new password before it hands out tokens: the first
 * sign-in with a temporary password (`stackgen staff add` without --password emails one; the
 * account's status is FORCE_CHANGE_PASSWORD). Nobody is signed in yet: the page asks for a new
 * password and passes `challenge` to `completeNewPassword`. Cognito's session for it lasts a
 * few minutes (the app client's AuthSessionValidity).
 */
export class NewPasswordRequired extends AuthError {
  constructor(challenge) {
    super("Choose a new password to finish signing in.", { code: "NEW_PASSWORD_REQUIRED", status: 400 });
    this.name = "NewPasswordRequired";
    this.challenge = challenge; // {email, username, session}
  }
}

/**
 * Thrown by `signIn` when the account has an authenticator app (TOTP MFA): Cognito wants the
 * app's six-digit code before it hands out tokens. Nobody is signed in yet: the page asks for
 * the code and passes `challenge` to `completeMfa`.
 */
export class MfaCodeRequired extends AuthError {
  constructor(challenge) {
    super("Enter the code from your authenticator app to finish signing in.", { code: "SOFTWARE_TOKEN_MFA", status: 400 });
    this.name = "MfaCodeRequired";
    this.challenge = challenge; // {email, username, session}
  }
}

/** An authenticator app's code: six digits (spaces typed between them are dropped). */
export function mfaCode(text) {
  const digits = String(text || "").replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

// ---------------------------------------------------------------- input rules

/** Emails are case-insensitive in the pool; send them trimmed and in lower case. */
export function normalizeEmail(email) {
  return String(email || "").trim().toLowerCase();
}

export function validEmail(email) {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254;
}

/** What is wrong with a new password under the pool's policy, or null when it passes. */
export function passwordProblem(password) {
  if (/^\s|\s$/.test(password)) return "The password cannot start or end with a space.";
  if (!policy) return null;
  const missing = [];
  if ([...password].length < policy.minLength) missing.push(`at least ${policy.minLength} characters`);
  for (const [, words, meets] of RULES) if (!meets(password)) missing.push(words);
  return missing.length ? `The password needs ${listed(missing)}.` : null;
}

// ---------------------------------------------------------------- Cognito's JSON API

/** What people read for Cognito's error types (the pages override some per form). */
const MESSAGES = {
  NotAuthorizedException: "Incorrect email or password.",
  UserNotFoundException: "Incorrect email or password.",
  UserNotConfirmedException: "This account is not confirmed yet. Enter the code we emailed you.",
  UsernameExistsException: "An account with this email exists; sign in.",
  InvalidPasswordException: `The password does not meet the rules. ${PASSWORD_RULE}`,
  CodeMismatchException: "That code is not right. Check the newest email from us, or send a new code.",
  EnableSoftwareTokenMFAException: "That code is not right. Enter the code your authenticator app shows now.",
  ExpiredCodeException: "That code has expired. Send a new code.",
  LimitExceededException: "Too many attempts. Wait a few minutes, then try again.",
  TooManyRequestsException: "Too many attempts. Wait a few minutes, then try again.",
  TooManyFailedAttemptsException: "Too many attempts. Wait a few minutes, then try again.",
  PasswordResetRequiredException: "This account's password must be reset before it can sign in.",
  CodeDeliveryFailureException: "The code could not be sent. Check the email address, then send a new code.",
};

function endpointUrl() {
  return new URL(settings.endpoint, window.location.href).href;
}

async function cognito(operation, body) {
  if (!settings) throw new AuthError("Sign-in is not available in this environment.", { code: "NoAuthConfig" });
  let res;
  try {
    res = await fetch(endpointUrl(), {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new AuthError("Can't reach the sign-in service. Check your connection, then try again.");
  }
  const text = await res.text().catch(() => "");
  let data = null;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = null;
  }
  if (res.ok && data) return data;
  // "NotAuthorizedException", "…#NotAuthorizedException" or the header's "NotAuthorizedException:http…"
  const type = String((data && data.__type) || res.headers.get("x-amzn-errortype") || "")
    .split("#")
    .pop()
    .split(":")[0];
  const detail = String((data && (data.message || data.Message)) || "");
  if (!res.ok && type) {
    throw new AuthError(MESSAGES[type] || detail || `The sign-in service refused the request (${type}).`, {
      code: type,
      status: res.status,
      detail,
    });
  }
  throw new AuthError(`The sign-in service failed with HTTP ${res.status}. Please try again in a moment.`, {
    code: `HTTP_${res.status}`,
    status: res.status >= 400 && res.status < 500 ? res.status : Math.max(res.status, 500),
  });
}

/** Creates an account; Cognito emails a code to confirm it. → {confirmed, destination} */
export async function signUp(email, password) {
  const username = normalizeEmail(email);
  const out = await cognito("SignUp", {
    ClientId: settings?.clientId,
    Username: username,
    Password: password,
    UserAttributes: [{ Name: "email", Value: username }],
  });
  return { confirmed: Boolean(out.UserConfirmed), destination: out.CodeDeliveryDetails?.Destination || username };
}

/** Confirms a new account with the emailed code. */
export async function confirmSignUp(email, code) {
  await cognito("ConfirmSignUp", { ClientId: settings?.clientId, Username: normalizeEmail(email), ConfirmationCode: String(code).trim() });
}

/** Emails a new confirmation code. → {destination} */
export async function resendCode(email) {
  const out = await cognito("ResendConfirmationCode", { ClientId: settings?.clientId, Username: normalizeEmail(email) });
  return { destination: out.CodeDeliveryDetails?.Destination || normalizeEmail(email) };
}

// ---------------------------------------------------------------- the session

/** A JWT's payload (base64url JSON), or null when it is not a JWT. */
export function jwtPayload(token) {
  try {
    const part = String(token).split(".")[1];
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}

let memoryTokens = null; // when localStorage is unavailable, the session lives for this page
const listeners = new Set();
let refreshTimer = 0;
let refreshing = null; // the refresh under way, shared by everyone who needs one

function readTokens() {
  let tokens = memoryTokens;
  try {
    const stored = localStorage.getItem(SESSION_KEY);
    tokens = stored ? JSON.parse(stored) : null;
  } catch {
    // storage disabled: the page's own copy
  }
  if (!tokens || typeof tokens.accessToken !== "string" || typeof tokens.refreshToken !== "string") return null;
  // Tokens of another pool or client (an environment deployed again) are no use here.
  if (!settings || tokens.clientId !== settings.clientId || tokens.userPoolId !== settings.userPoolId) return null;
  return tokens;
}

function writeTokens(tokens) {
  memoryTokens = tokens;
  try {
    if (tokens) localStorage.setItem(SESSION_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(SESSION_KEY);
  } catch {
    // kept in memory only
  }
  schedule();
}

/** The session as the pages use it, from the stored tokens. */
function describe(tokens) {
  if (!tokens) return null;
  const access = jwtPayload(tokens.accessToken) || {};
  const id = jwtPayload(tokens.idToken) || {};
  const groups = Array.isArray(access["cognito:groups"]) ? access["cognito:groups"].map(String) : [];
  return {
    sub: String(access.sub || id.sub || ""),
    email: String(id.email || tokens.email || access.username || ""),
    groups,
    isStaff: groups.includes(STAFF_GROUP),
    expiresAt: Number(access.exp) * 1000 || 0,
  };
}

/** The signed-in user {sub, email, groups, isStaff, expiresAt}, or null. */
export function currentSession() {
  return describe(readTokens());
}

/**
 * Calls `fn(session, reason)` whenever the session changes: "signed-in", "signed-out",
 * "expired" (a refresh was refused), "refreshed" or "elsewhere" (another tab). Returns an
 * unsubscribe function.
 */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify(reason) {
  const session = currentSession();
  for (const fn of listeners) {
    try {
      fn(session, reason);
    } catch (err) {
      setTimeout(() => {
        throw err;
      });
    }
  }
}

function store(result, previous = null) {
  const tokens = {
    clientId: settings.clientId,
    userPoolId: settings.userPoolId,
    accessToken: result.AccessToken,
    idToken: result.IdToken || previous?.idToken || "",
    // REFRESH_TOKEN_AUTH returns no new refresh token: keep the one that worked.
    refreshToken: result.RefreshToken || previous?.refreshToken,
  };
  writeTokens(tokens);
  return tokens;
}

/** Signs in with email and password. → the session */
export async function signIn(email, password) {
  const out = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: settings?.clientId,
    AuthParameters: { USERNAME: normalizeEmail(email), PASSWORD: password },
  });
  if ((out.ChallengeName === "NEW_PASSWORD_REQUIRED" || out.ChallengeName === "SOFTWARE_TOKEN_MFA") && out.Session) {
    const params = out.ChallengeParameters || {};
    const challenge = {
      email: normalizeEmail(email),
      // The answer must name the user by their actual user name, not the email alias they
      // signed in with; Cognito returns it as USER_ID_FOR_SRP (moto as USERNAME, or nothing).
      username: String(params.USER_ID_FOR_SRP || params.USERNAME || normalizeEmail(email)),
      session: out.Session,
    };
    throw out.ChallengeName === "NEW_PASSWORD_REQUIRED" ? new NewPasswordRequired(challenge) : new MfaCodeRequired(challenge);
  }
  return finishSignIn(out);
}

/**
 * Answers SOFTWARE_TOKEN_MFA with the app's code, and signs in. → the session. A wrong code is an
 * AuthError with code "CodeMismatchException" (try again with the same challenge); a session
 * that expired or was used up is "SessionExpired": sign in again.
 */
export async function completeMfa(challenge, code) {
  let out;
  try {
    out = await cognito("RespondToAuthChallenge", {
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      ClientId: settings?.clientId,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: code },
    });
  } catch (err) {
    // ExpiredCodeException is a code used once already (Cognito takes each code once): the
    // page asks for the app's next one, with the same challenge.
    if (err instanceof AuthError && (err.code === "NotAuthorizedException" || err.code === "ResourceNotFoundException")) {
      throw new AuthError("Signing in took too long, so it expired. Sign in again with your password.", {
        code: "SessionExpired",
        status: err.status,
        detail: err.detail,
      });
    }
    throw err;
  }
  return finishSignIn(out);
}

/** The session's access token, refreshed first when it is about to expire. */
async function freshAccessToken() {
  const token = (await authHeader()).authorization?.slice("Bearer ".length);
  if (!token) throw new AuthError("You are not signed in.", { code: "NotSignedIn", status: 401 });
  return token;
}

/** Whether the signed-in account has an authenticator app (GetUser's UserMFASettingList). */
export async function hasAuthenticator() {
  const out = await cognito("GetUser", { AccessToken: await freshAccessToken() });
  return (out.UserMFASettingList || []).includes("SOFTWARE_TOKEN_MFA");
}

/**
 * Starts setting up an authenticator app for the signed-in account. → `{secret, uri}`: the key
 * to type into the app (base32) and the `otpauth://` link apps open or read as a QR code.
 */
export async function startAuthenticator(issuer) {
  const out = await cognito("AssociateSoftwareToken", { AccessToken: await freshAccessToken() });
  const secret = String(out.SecretCode || "");
  const email = currentSession()?.email || "";
  const label = encodeURIComponent(`${issuer}:${email}`);
  const uri = `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
  return { secret, uri };
}

/**
 * Finishes the set-up with a code the app shows: Cognito checks it (VerifySoftwareToken), then the
 * app becomes the account's second step at every sign-in (SetUserMFAPreference). A wrong code is
 * an AuthError with code "CodeMismatchException" (or "EnableSoftwareTokenMFAException").
 */
export async function confirmAuthenticator(code, deviceName) {
  const accessToken = await freshAccessToken();
  await cognito("VerifySoftwareToken", { AccessToken: accessToken, UserCode: code, FriendlyDeviceName: deviceName });
  await cognito("SetUserMFAPreference", {
    AccessToken: accessToken,
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
  });
}

/** Tokens from InitiateAuth or RespondToAuthChallenge: keep them. → the session */
function finishSignIn(out) {
  const result = out.AuthenticationResult;
  if (!result || !result.AccessToken || !result.RefreshToken) {
    throw new AuthError(`Signing in needs a step these pages do not support (${out.ChallengeName || "no tokens returned"}).`, {
      code: out.ChallengeName || "NoTokens",
      status: 400,
    });
  }
  store(result);
  notify("signed-in");
  return currentSession();
}

/**
 * Answers NEW_PASSWORD_REQUIRED with the password the user chose, and signs in. → the session.
 * InvalidPasswordException: the pool refused the password (try another). A session that
 * expired or was used up is an AuthError with code "SessionExpired": sign in again with the
 * temporary password.
 */
export async function completeNewPassword(challenge, newPassword) {
  let out;
  try {
    out = await cognito("RespondToAuthChallenge", {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: settings?.clientId,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
    });
  } catch (err) {
    // Cognito answers NotAuthorizedException ("Invalid session for the user, session is
    // expired."); moto, which never expires one, ResourceNotFoundException for an unknown one.
    if (err instanceof AuthError && (err.code === "NotAuthorizedException" || err.code === "ResourceNotFoundException")) {
      throw new AuthError("Setting the new password took too long, so this sign-in expired. Sign in again with your temporary password.", {
        code: "SessionExpired",
        status: err.status,
        detail: err.detail,
      });
    }
    throw err;
  }
  return finishSignIn(out);
}

/**
 * Gets new access and ID tokens with the refresh token. Everyone asking while one refresh is
 * under way shares it. A refusal (revoked or expired refresh token) ends the session and
 * throws; an unreachable service throws a retryable AuthError and keeps the session.
 */
export function refresh() {
  if (refreshing) return refreshing;
  const tokens = readTokens();
  if (!tokens) return Promise.reject(new AuthError("You are not signed in.", { code: "NotSignedIn", status: 401 }));
  refreshing = (async () => {
    try {
      const out = await cognito("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: settings.clientId,
        AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
      });
      if (!out.AuthenticationResult?.AccessToken) throw new AuthError("The sign-in service returned no new token.", { code: "NoTokens", status: 400 });
      // Another tab may have signed out meanwhile: only keep the result if this is still the session.
      const now = readTokens();
      if (!now || now.refreshToken !== tokens.refreshToken) throw new AuthError("You signed out.", { code: "NotSignedIn", status: 401 });
      store(out.AuthenticationResult, now);
      notify("refreshed");
      return currentSession();
    } catch (err) {
      if (err instanceof AuthError && !err.retryable && readTokens()?.refreshToken === tokens.refreshToken) {
        writeTokens(null);
        notify("expired");
      }
      throw err;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * After the API refused `sentToken` with 401: refreshes (unless the session already moved on to
 * a newer token) and reports whether there is a token worth retrying with.
 */
export async function renewAfterRejection(sentToken) {
  const tokens = readTokens();
  if (!tokens) return false;
  if (tokens.accessToken !== sentToken) return true;
  try {
    await refresh();
    return Boolean(readTokens());
  } catch {
    return false;
  }
}

/** Ends the session here and, best effort, everywhere (GlobalSignOut revokes the refresh token). */
export async function signOut() {
  const tokens = readTokens();
  writeTokens(null);
  notify("signed-out");
  if (tokens) {
    try {
      await cognito("GlobalSignOut", { AccessToken: tokens.accessToken });
    } catch {
      // The tokens are forgotten here either way; an expired access token cannot sign out
      // elsewhere, and its refresh token then simply ages out.
    }
  }
}

/** Forgets the session on this browser without calling Cognito (the API no longer accepts it). */
export function forgetSession() {
  if (!readTokens()) return;
  writeTokens(null);
  notify("expired");
}

/**
 * `{authorization: "Bearer <access token>"}` for an API call, refreshed first when it is about
 * to expire; `{}` when signed out.
 */
export async function authHeader() {
  let tokens = readTokens();
  if (!tokens) return {};
  const exp = (Number(jwtPayload(tokens.accessToken)?.exp) || 0) * 1000;
  if (exp - Date.now() < REFRESH_MARGIN_MS) {
    try {
      await refresh();
    } catch (err) {
      // Unreachable: the old token may still be good for a while; let the API decide.
      if (!(err instanceof AuthError && err.retryable) || exp <= Date.now()) {
        if (!readTokens()) return {};
      }
    }
    tokens = readTokens();
    if (!tokens) return {};
  }
  return { authorization: `Bearer ${tokens.accessToken}` };
}

/** Refreshes shortly before the access token expires, while the page is open. */
function schedule() {
  clearTimeout(refreshTimer);
  const tokens = readTokens();
  if (!tokens) return;
  const exp = (Number(jwtPayload(tokens.accessToken)?.exp) || 0) * 1000;
  const wait = Math.max(0, exp - Date.now() - REFRESH_MARGIN_MS);
  // Timers longer than ~24.8 days overflow; tokens live an hour, so this is only a guard.
  refreshTimer = setTimeout(() => {
    refresh().catch((err) => {
      // Offline: try again in a minute (the session stays until Cognito refuses it).
      if (err instanceof AuthError && err.retryable) refreshTimer = setTimeout(schedule, 60_000);
    });
  }, Math.min(wait, 2 ** 31 - 1));
}

// Another tab signed in, out or refreshed: follow it.
window.addEventListener("storage", (event) => {
  if (event.key !== SESSION_KEY && event.key !== null) return;
  schedule();
  notify("elsewhere");
});

schedule();
