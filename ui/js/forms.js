// Shared form helpers: an error next to its field and in the screen's alert,
// focus on the first field in error, busy buttons (no double submit),
// password show/hide toggles, clearing a screen.
import { t, onLangChange } from "./i18n.js";
import { byTestid, screenRoot, scrollToTop } from "./screens.js";
import { formBefore } from "./state.js";

// The `field` of a UiError → the data-testid of the input, per screen.
const FIELDS = {
  login: { identifier: "login-identifier", password: "login-password" },
  forgot: { identifier: "forgot-identifier", member_number: "forgot-member-number", email: "forgot-email" },
  "forgot-sent": { code: "reset-code" },
  reset: { new_password: "new-password", new_password_confirmation: "new-password-confirm" },
  unlock: { identifier: "unlock-nir", birth_date: "unlock-birthdate" },
  "unlock-sent": { code: "unlock-code" },
  "change-password": {
    current_password: "current-password",
    new_password: "new-password",
    new_password_confirmation: "new-password-confirm",
  },
  register: {
    identifier: "register-nir",
    member_number: "register-member-number",
    birth_date: "register-birthdate",
    email: "register-email",
  },
  "register-sent": { code: "register-code" },
  "contact-change": { contact: "contact-new-value" },
  "contact-code": { code: "contact-code" },
};

/** Which input of `screen` an error belongs to, or null. */
function fieldFor(screen, err) {
  if (!err || !err.field) return null;
  let field = err.field;
  // An invalid e-mail is reported on `identifier`; on the forms where the
  // e-mail has its own field, put it there when field (A) holds no e-mail.
  if (err.code === "email_invalid" && field === "identifier") {
    if (screen === "register") field = "email";
    if (screen === "forgot" && !byTestid("forgot-identifier", screen).value.includes("@")) field = "email";
  }
  const testid = (FIELDS[screen] || {})[field];
  const input = testid && byTestid(testid, screen);
  return input && !input.closest("[hidden]") ? input : null;
}

export function alertOf(screen) {
  const root = screenRoot(screen);
  return root && root.querySelector(".alert");
}

export function setFieldError(input, message) {
  const el = byTestid(`${input.dataset.testid}-error`, input.closest("[data-screen]"));
  if (el) {
    el.textContent = message || "";
    el.hidden = !message;
  }
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/**
 * Says `message` politely (the live region `field-announce`): a field's error
 * found when the member leaves it is shown under the field, in an element
 * that was hidden, which screen readers do not announce by itself.
 */
export function announce(message) {
  const region = document.querySelector('[data-testid="field-announce"]');
  if (!region) return;
  // Emptied first, so that the same message is said again.
  region.textContent = "";
  if (message) setTimeout(() => { region.textContent = message; }, 50);
}

/** Shows `message` in the screen's alert (role="alert"). */
export function showAlert(screen, message) {
  const alert = alertOf(screen);
  if (!alert) return null;
  alert.querySelector(".alert-text").textContent = message;
  alert.hidden = false;
  return alert;
}

export function clearErrors(screen) {
  const root = screenRoot(screen);
  if (!root) return;
  const alert = alertOf(screen);
  if (alert) {
    alert.hidden = true;
    alert.querySelector(".alert-text").textContent = "";
    // Actions shown for one error only (link-unlock, unlock-go-forgot, start-form).
    for (const action of alert.querySelectorAll("[data-error-action]")) action.hidden = true;
  }
  for (const el of root.querySelectorAll(".field-error")) {
    el.textContent = "";
    el.hidden = true;
  }
  for (const input of root.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

/**
 * Shows a UiError: in the alert, next to its field, and moves the focus to
 * that field (or to `focus`, or to the alert).
 */
export function showError(screen, err, { focus = null } = {}) {
  // From the top: the title and the message first; the focus below scrolls
  // only as far as the field needs (issue 14: no scrolling to find them).
  scrollToTop();
  const alert = showAlert(screen, err.message);
  if (err.code === "code_expired") revealStart(screen);
  const input = fieldFor(screen, err);
  if (input) {
    setFieldError(input, err.message);
    input.focus({ preventScroll: true });
    (input.closest(".field") || input).scrollIntoView({ block: "nearest" });
  } else if (focus && !focus.hidden) {
    focus.focus();
  } else if (alert) {
    alert.focus();
  }
}

/**
 * "Start with the form": this step needs what an earlier form gives (opened
 * from a guide, or after a cancel). The alert says which form; its button
 * `start-form` opens it.
 */
export function needsStart(screen) {
  const form = formBefore(screen);
  const message = form === "login" ? t("flow.not_logged_in") : t("flow.start_first", { form: t(`${form}.title`) });
  clearErrors(screen);
  const alert = showAlert(screen, message);
  const button = revealStart(screen);
  (button || alert).focus();
}

function revealStart(screen) {
  const button = byTestid("start-form", screen);
  if (button) button.hidden = false;
  return button;
}

/** Empties every field of the screen, hides its errors and passwords. */
export function clearScreen(screen) {
  const root = screenRoot(screen);
  if (!root) return;
  clearErrors(screen);
  for (const input of root.querySelectorAll("input")) {
    if (input.type === "radio" || input.type === "checkbox") input.checked = false;
    else input.value = "";
  }
  resetToggles(root);
}

/**
 * Runs `fn` with `button` disabled and aria-busy, showing its busy label;
 * a second press (or Enter) while it runs does nothing.
 */
export async function busy(button, fn) {
  if (button.disabled || button.getAttribute("aria-busy") === "true") return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = t(button.dataset.i18nBusy || "common.busy");
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (button.dataset.i18n) button.textContent = t(button.dataset.i18n);
  }
}

/** A form's submit (button or Enter) runs `fn` once at a time. */
export function onSubmit(form, fn) {
  const submit = form.querySelector('[type="submit"]');
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, fn);
  });
}

// ---- show/hide password toggles --------------------------------------------

function renderToggle(toggle) {
  const input = document.getElementById(toggle.getAttribute("aria-controls"));
  const visible = input.type === "text";
  toggle.textContent = t(visible ? "toggle.hide" : "toggle.show");
  toggle.setAttribute("aria-pressed", String(visible));
}

export function resetToggles(root = document) {
  for (const toggle of root.querySelectorAll(".toggle[aria-controls]")) {
    document.getElementById(toggle.getAttribute("aria-controls")).type = "password";
    renderToggle(toggle);
  }
}

export function initToggles() {
  for (const toggle of document.querySelectorAll(".toggle[aria-controls]")) {
    toggle.addEventListener("click", () => {
      const input = document.getElementById(toggle.getAttribute("aria-controls"));
      input.type = input.type === "password" ? "text" : "password";
      renderToggle(toggle);
    });
    renderToggle(toggle);
  }
  onLangChange(() => document.querySelectorAll(".toggle[aria-controls]").forEach(renderToggle));
}

/** The identifier looks like a NIR (no "@"), so it may prefill a NIR field. */
export function looksLikeNir(value) {
  const v = (value || "").trim();
  return v !== "" && !v.includes("@") && /^[0-9AaBb .]+$/.test(v);
}
