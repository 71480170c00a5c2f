// The account handling the storefront and the back office share: the sign-in form, the
// new-password form of a first sign-in with a temporary password, the code form of an account
// with an authenticator app, the checks of what people type into them, the forms' alerts and the
// account bar. Both pages use the same element ids for them (#sign-in-form, #sign-in-email,
// #sign-in-password, #sign-in-alert, #sign-in-submit; #new-password-form, #new-password-email,
// #new-password, #new-password-repeat, #new-password-rule, #new-password-alert,
// #new-password-submit; #mfa-code-form, #mfa-code, #mfa-code-alert, #mfa-code-submit;
// #account-status, #account-actions). What differs — where a signed-in user goes, how the page shows the
// new-password form or the sign-in form again, what an unconfirmed account is told, the account
// bar's words for nobody signed in — each page passes in.

import {
  MfaCodeRequired,
  NewPasswordRequired,
  PASSWORD_RULE,
  authAvailable,
  completeMfa,
  completeNewPassword,
  mfaCode,
  normalizeEmail,
  onSessionChange,
  passwordProblem,
  signIn,
  validEmail,
} from "./auth.js";
import { $, announce, busy, clearFieldErrors, fieldError, fill, h } from "./ui.js";

// ---------------------------------------------------------------- alerts and checks

/** Fills the form alert `id` (a role="alert" region) with `message` and, below it, links or buttons. */
export function alertIn(id, message, ...actions) {
  const shown = actions.filter(Boolean);
  fill($(`#${id}`), h("p", {}, message), shown.length ? h("div", { class: "actions" }, shown) : null);
}

export function clearAlert(id) {
  $(`#${id}`).replaceChildren();
}

/** A problem with the sign-in service itself (unreachable, failing, throttling): the form's alert. */
export function serviceProblem(alertId, err) {
  alertIn(alertId, err.message);
}

/** Marks `input` invalid with `message` and moves the focus to it. */
function invalid(input, message) {
  fieldError(input, message);
  input.focus();
}

/**
 * The email address typed into `input`, trimmed and in lower case; null when it is not one (the
 * field then says `message` and has the focus).
 */
export function checkedEmail(input, message = "Enter your email address, for example name@example.com.") {
  const address = normalizeEmail(input.value);
  if (validEmail(address)) return address;
  invalid(input, message);
  return null;
}

/** True when `input` holds a password the user pool's policy accepts; otherwise the field says why and has the focus. */
export function checkedNewPassword(input) {
  const problem = passwordProblem(input.value);
  if (!problem) return true;
  invalid(input, problem);
  return false;
}

/** The user pool refused a new password (InvalidPasswordException): why, next to the field. */
export function passwordRefused(input, err) {
  fieldError(input, err.detail ? `${err.detail}. ${PASSWORD_RULE}` : err.message);
}

// ---------------------------------------------------------------- sign-in and new password

/**
 * Wires the page's sign-in form and new-password form. `page` says what is the page's own:
 * - `signedIn(session)`: signed in, by either form (may return a promise);
 * - `notConfirmed(address)`: the account still waits for its emailed code → `{message, action}`
 *   for the sign-in form's alert; `action` (optional, a link) follows the message and gets the focus;
 * - `askNewPassword(challenge)`: the first sign-in with a temporary password; the new-password
 *   form is reset and shows the email: show it (its heading gets the focus) and keep `challenge`;
 * - `challenge()`: the challenge kept, which the new-password form answers;
 * - `signInAgain(notice)`: the new-password step expired; show the sign-in form with `notice`
 *   above it (its email is filled in, and its password field then gets the focus).
 * - `askMfaCode(challenge)`: the account has an authenticator app; the code form (#mfa-code-form,
 *   #mfa-code, #mfa-code-alert, #mfa-code-submit) is reset: show it and keep `challenge`, which
 *   `challenge()` then returns.
 */
export function initSignInForms(page) {
  $("#new-password-rule").textContent = PASSWORD_RULE;
  $("#sign-in-form").addEventListener("submit", (event) => submitSignIn(event, page));
  $("#new-password-form").addEventListener("submit", (event) => submitNewPassword(event, page));
  $("#mfa-code-form").addEventListener("submit", (event) => submitMfaCode(event, page));
}

async function submitSignIn(event, page) {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("#sign-in-email");
  const password = $("#sign-in-password");
  clearFieldErrors(form);
  clearAlert("sign-in-alert");
  const address = checkedEmail(email);
  if (!address) return;
  if (!password.value) {
    invalid(password, "Enter your password.");
    return;
  }
  let session = null;
  let challenge = null;
  let mfa = null;
  let focusAfter = null;
  await busy($("#sign-in-submit"), "Signing in…", async () => {
    try {
      session = await signIn(address, password.value);
    } catch (err) {
      if (err instanceof NewPasswordRequired) {
        challenge = err.challenge;
      } else if (err instanceof MfaCodeRequired) {
        mfa = err.challenge;
      } else if (err.code === "UserNotConfirmedException") {
        const { message, action = null } = page.notConfirmed(address);
        focusAfter = action;
        alertIn("sign-in-alert", message, action);
      } else if ((err.code === "NotAuthorizedException" || err.code === "UserNotFoundException") && !/attempts/i.test(err.detail)) {
        fieldError(password, "Incorrect email or password. Check both, then try again.");
        focusAfter = password;
      } else {
        serviceProblem("sign-in-alert", /attempts/i.test(err.detail) ? new Error("Too many failed attempts. Wait a few minutes, then try again.") : err);
      }
    }
  });
  focusAfter?.focus();
  if (mfa) {
    password.value = "";
    const next = $("#mfa-code-form");
    clearFieldErrors(next);
    clearAlert("mfa-code-alert");
    next.reset();
    page.askMfaCode(mfa);
    announce("Enter the six-digit code from your authenticator app to finish signing in.");
    return;
  }
  if (challenge) {
    password.value = "";
    const next = $("#new-password-form");
    clearFieldErrors(next);
    clearAlert("new-password-alert");
    next.reset();
    $("#new-password-email").value = challenge.email;
    page.askNewPassword(challenge);
    announce("You signed in with a temporary password. Choose a new password to finish signing in.");
    return;
  }
  if (!session) return;
  password.value = "";
  await page.signedIn(session);
}

async function submitNewPassword(event, page) {
  event.preventDefault();
  const form = event.currentTarget;
  const password = $("#new-password");
  const repeat = $("#new-password-repeat");
  clearFieldErrors(form);
  clearAlert("new-password-alert");
  if (!checkedNewPassword(password)) return;
  if (repeat.value !== password.value) {
    invalid(repeat, "The two passwords are not the same. Type the new password again.");
    return;
  }
  const challenge = page.challenge();
  let session = null;
  let expired = null;
  let focusAfter = null;
  await busy($("#new-password-submit"), "Setting password…", async () => {
    try {
      session = await completeNewPassword(challenge, password.value);
    } catch (err) {
      if (err.code === "SessionExpired") {
        expired = err;
      } else if (err.code === "InvalidPasswordException") {
        passwordRefused(password, err);
        focusAfter = password;
      } else {
        serviceProblem("new-password-alert", err);
      }
    }
  });
  focusAfter?.focus();
  if (!session && !expired) return;
  form.reset();
  if (expired) {
    // The temporary password still works: sign in with it again for a new session.
    backToSignIn(page, challenge, expired);
    return;
  }
  await page.signedIn(session);
}

/** A sign-in step expired: back to the sign-in form, which says so, its email filled in. */
function backToSignIn(page, challenge, expired) {
  $("#sign-in-email").value = challenge.email;
  page.signInAgain(expired.message);
  $("#sign-in-password").focus();
  announce(expired.message);
}

async function submitMfaCode(event, page) {
  event.preventDefault();
  const form = event.currentTarget;
  const input = $("#mfa-code");
  clearFieldErrors(form);
  clearAlert("mfa-code-alert");
  const code = mfaCode(input.value);
  if (!code) {
    invalid(input, "Enter the six digits your authenticator app shows.");
    return;
  }
  const challenge = page.challenge();
  let session = null;
  let expired = null;
  let focusAfter = null;
  await busy($("#mfa-code-submit"), "Checking…", async () => {
    try {
      session = await completeMfa(challenge, code);
    } catch (err) {
      if (err.code === "SessionExpired") {
        expired = err;
      } else if (err.code === "CodeMismatchException") {
        fieldError(input, "That code is not right. Enter the code your app shows now (it changes every 30 seconds).");
        focusAfter = input;
      } else if (err.code === "ExpiredCodeException") {
        fieldError(input, "That code was used already. Wait for your app's next code (at most 30 seconds), then enter it.");
        focusAfter = input;
      } else {
        serviceProblem("mfa-code-alert", err);
      }
    }
  });
  focusAfter?.focus();
  if (!session && !expired) return;
  form.reset();
  if (expired) {
    backToSignIn(page, challenge, expired);
    return;
  }
  await page.signedIn(session);
}

// ---------------------------------------------------------------- the session

/**
 * The account bar for `session`: "Signed in as …" and a "Sign out" button (#sign-out) running
 * `onSignOut`; for nobody signed in, the page's `signedOut` words and `signedOutActions()` (links);
 * without sign-in in this environment, its `unavailable` words. `staffNote` adds " (staff)"
 * after a staff member's email.
 */
export function renderAccountBar(session, { unavailable, signedOut, signedOutActions = () => [], staffNote = false, onSignOut }) {
  const status = $("#account-status");
  const actions = $("#account-actions");
  if (!authAvailable) {
    status.textContent = unavailable;
    actions.replaceChildren();
  } else if (session) {
    fill(status, "Signed in as ", h("strong", { "data-testid": "account-email" }, session.email || "your account"), staffNote && session.isStaff ? " (staff)" : null);
    fill(actions, h("button", { type: "button", class: "btn btn-link", id: "sign-out", onclick: onSignOut }, "Sign out"));
  } else {
    status.textContent = signedOut;
    fill(actions, signedOutActions());
  }
}

/**
 * Calls `fn(session, reason)` when the session changes other than by this page's own sign-in
 * and sign-out: a refused refresh, another tab signing in or out (see auth.js's onSessionChange).
 */
export function onSessionChangeElsewhere(fn) {
  return onSessionChange((session, reason) => {
    if (reason === "signed-in" || reason === "signed-out") return; // this page's own forms did it
    fn(session, reason);
  });
}
