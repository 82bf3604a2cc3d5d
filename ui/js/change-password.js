// Changing the password: from the personal space (the current password is
// asked), after an SMS temporary password (MGEN guide, step 5: no current
// password), or after the code of an unlock e-mail. Then the personal space.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onShow, screenRoot } from "./screens.js";
import { clearErrors, clearScreen, onSubmit, showError } from "./forms.js";
import { attachPasswordRules } from "./password-rules.js";
import { enterSpace } from "./space.js";

const S = "change-password";
const root = screenRoot(S);
const currentField = root.querySelector("[data-current-password]");
const current = byTestid("current-password", S);
const newPassword = byTestid("new-password", S);
const confirmation = byTestid("new-password-confirm", S);
let rules = null;

function withCurrent() {
  return app.changeOrigin === "space";
}

function render() {
  currentField.hidden = !withCurrent();
  byTestid("change-password-lead", S).textContent = t(withCurrent() ? "change.lead_space" : "change.lead_new");
}

async function submit() {
  clearErrors(S);
  const args = {
    currentPassword: withCurrent() ? current.value : null,
    newPassword: newPassword.value,
    confirmation: confirmation.value,
  };
  current.value = "";
  newPassword.value = "";
  confirmation.value = "";
  rules.refresh();
  // Without a session or an unlock's code the Rust side refuses (code_expired: "start with the form").
  try {
    const member = await invoke("change_password", args);
    clearScreen(S);
    enterSpace(member);
  } catch (err) {
    showError(S, err);
  }
}

export function initChangePassword() {
  rules = attachPasswordRules(root);
  onSubmit(document.getElementById("change-form"), submit);
  onShow(S, () => {
    // Opened from a guide: the personal space's form when logged in.
    if (!app.changeOrigin) app.changeOrigin = app.session === "full" ? "space" : app.session === "temporary" ? "temporary" : "unlock";
    render();
    rules.refresh();
  });
  onLangChange(() => {
    if (currentScreen() === S) render();
    rules.relabel();
  });
}
