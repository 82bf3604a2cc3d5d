// Registration ("Pas encore inscrit ?"): NIR, internal number, date of birth,
// e-mail → an activation code by e-mail → the code typed here → the choice
// of the password (reset screen) → "désormais actif" → log-in.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onShow, show } from "./screens.js";
import { clearErrors, clearScreen, needsStart, onSubmit, showError } from "./forms.js";
import { startCooldown } from "./resend.js";

const S = "register";
const SENT = "register-sent";
const nir = byTestid("register-nir", S);
const memberNumber = byTestid("register-member-number", S);
const birthdate = byTestid("register-birthdate", S);
const email = byTestid("register-email", S);
const message = byTestid("register-sent-message", SENT);
const code = byTestid("register-code", SENT);

async function submitForm() {
  clearErrors(S);
  try {
    const answer = await invoke("register", {
      nir: nir.value,
      memberNumber: memberNumber.value,
      birthdate: birthdate.value,
      email: email.value,
    });
    app.flow.sent = "register";
    app.flow.token = false;
    app.flow.messages[SENT] = answer.message;
    startCooldown();
    clearScreen(S);
    clearScreen(SENT);
    show(SENT);
  } catch (err) {
    showError(S, err);
  }
}

async function submitCode() {
  clearErrors(SENT);
  if (app.flow.sent !== "register") {
    needsStart(SENT);
    return;
  }
  try {
    await invoke("verify_code", { code: code.value.trim() });
    app.flow.token = true;
    clearScreen(SENT);
    clearScreen("reset");
    show("reset");
  } catch (err) {
    showError(SENT, err);
  }
}

function renderMessage() {
  message.textContent = app.flow.messages[SENT] || t("register_sent.default");
}

export function initRegister() {
  onSubmit(document.getElementById("register-form"), submitForm);
  onSubmit(document.getElementById("register-code-form"), submitCode);
  onShow(SENT, renderMessage);
  onLangChange(() => {
    if (currentScreen() === SENT && !app.flow.messages[SENT]) renderMessage();
  });
}
