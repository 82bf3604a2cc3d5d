// Registration ("Pas encore inscrit ?"): NIR, internal number, date of birth,
// e-mail → an activation code by e-mail → the code typed here → the choice
// of the password (reset screen) → "désormais actif" → log-in.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onShow } from "./screens.js";
import { clearErrors, onSubmit, showError } from "./forms.js";
import { showSent, submitCode } from "./code-step.js";

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
    showSent(S, SENT, answer);
  } catch (err) {
    showError(S, err);
  }
}

function renderMessage() {
  message.textContent = app.flow.messages[SENT] || t("register_sent.default");
}

export function initRegister() {
  onSubmit(document.getElementById("register-form"), submitForm);
  onSubmit(document.getElementById("register-code-form"), () => submitCode(SENT, code));
  onShow(SENT, renderMessage);
  onLangChange(() => {
    if (currentScreen() === SENT && !app.flow.messages[SENT]) renderMessage();
  });
}
