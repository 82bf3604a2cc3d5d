// Screens and the log-in procedure. Rules and messages come from the Rust
// side (borne-core); this file only shows them.
import { invoke } from "./ipc.js";

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

let support = { insurer: "", phone: "", chat: "" };

const SOON_TITLES = {
  forgot: "Mot de passe oublié",
  register: "Pas encore inscrit ?",
  unlock: "Débloquez votre compte",
};

// ---- navigation -----------------------------------------------------------

function show(screen) {
  for (const el of document.querySelectorAll("[data-screen]")) {
    el.hidden = el.dataset.screen !== screen;
  }
  const current = document.querySelector(`[data-screen="${screen}"]`);
  const heading = current && current.querySelector("h1");
  if (heading) heading.focus();
}

function go(target) {
  if (target === "login") {
    show("login");
    $("login-identifier").focus();
  } else if (target in SOON_TITLES) {
    $("soon-title").textContent = SOON_TITLES[target];
    $("soon-contact").textContent =
      `En attendant, un conseiller mutualiste peut vous aider sur ${support.chat} ou par téléphone au ${support.phone}.`;
    show("soon");
  } else {
    clearLogin();
    show(target);
  }
}

document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-go]");
  if (trigger) {
    event.preventDefault();
    go(trigger.dataset.go);
  }
});

// ---- log-in form ----------------------------------------------------------

const form = document.getElementById("login-form");
const identifier = $("login-identifier");
const password = $("login-password");
const submit = $("login-submit");

function setFieldError(input, testid, message) {
  const el = $(testid);
  el.textContent = message || "";
  el.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function showAlert(message, { unlock = false } = {}) {
  $("error-text").textContent = message;
  $("link-unlock").hidden = !unlock;
  $("error-message").hidden = false;
}

function clearErrors() {
  $("error-message").hidden = true;
  $("error-text").textContent = "";
  $("link-unlock").hidden = true;
  setFieldError(identifier, "login-identifier-error", "");
  setFieldError(password, "login-password-error", "");
}

function clearLogin() {
  clearErrors();
  identifier.value = "";
  password.value = "";
  setPasswordVisible(false);
}

function setPasswordVisible(visible) {
  password.type = visible ? "text" : "password";
  const toggle = $("login-password-toggle");
  toggle.textContent = visible ? "Masquer" : "Afficher";
  toggle.setAttribute("aria-pressed", String(visible));
}

$("login-password-toggle").addEventListener("click", () => setPasswordVisible(password.type === "password"));

// Precise feedback on field (A) as soon as the member leaves it.
identifier.addEventListener("blur", async () => {
  if (!identifier.value.trim()) return;
  try {
    await invoke("check_identifier", { identifier: identifier.value });
    setFieldError(identifier, "login-identifier-error", "");
  } catch (err) {
    setFieldError(identifier, "login-identifier-error", err.message);
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  clearErrors();
  submit.disabled = true;
  submit.setAttribute("aria-busy", "true");
  submit.textContent = "Vérification…";
  const typedPassword = password.value;
  password.value = "";
  try {
    const member = await invoke("login", { identifier: identifier.value, password: typedPassword });
    enterSpace(member);
  } catch (err) {
    handleLoginError(err);
  } finally {
    submit.disabled = false;
    submit.removeAttribute("aria-busy");
    submit.textContent = "Valider";
  }
});

function handleLoginError(err) {
  showAlert(err.message, { unlock: err.code === "account_blocked" });
  if (err.field === "identifier") {
    setFieldError(identifier, "login-identifier-error", err.message);
    identifier.focus();
  } else if (err.field === "password") {
    setFieldError(password, "login-password-error", err.message);
    password.focus();
  } else if (err.code === "account_blocked") {
    $("link-unlock").focus();
  } else {
    $("error-message").setAttribute("tabindex", "-1");
    $("error-message").focus();
  }
}

// ---- personal space -------------------------------------------------------

function enterSpace(member) {
  clearLogin();
  $("member-name").textContent = `${member.first_name} ${member.last_name}`;
  show("space");
}

$("logout").addEventListener("click", async () => {
  try {
    await invoke("logout");
  } finally {
    $("member-name").textContent = "";
    go("home");
  }
});

// ---- start ----------------------------------------------------------------

async function start() {
  try {
    const info = await invoke("app_info");
    support = info.support;
    $("insurer-name").textContent = `${info.support.insurer} — Espace adhérent`;
    $("demo-badge").hidden = !info.demo;
    const member = await invoke("current_member");
    if (member) {
      enterSpace(member);
      return;
    }
  } catch (err) {
    showAlert(err.message);
  }
  document.body.dataset.ready = "true";
  show("home");
}

start().finally(() => {
  document.body.dataset.ready = "true";
});
