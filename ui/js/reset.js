// The new password after a forgotten password (MPN guide, steps 8 to 10) or
// a registration: (A) new password, (B) confirmation, the live rules,
// "Modifier le mot de passe" → "Votre nouveau mot de passe est désormais
// actif !". Also opened by a `borne://reset?token=…` link (the token stays
// on the Rust side; the UI is only told `{screen: "reset"}`).
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { byTestid, onShow, screenRoot, show } from "./screens.js";
import { clearErrors, clearScreen, needsStart, onSubmit, showError } from "./forms.js";
import { attachPasswordRules } from "./password-rules.js";
import { enterSpace } from "./space.js";
import { startProcedure } from "./procedures.js";
import { setProcedure } from "./walkthrough.js";
import { onLangChange } from "./i18n.js";

const S = "reset";
const newPassword = byTestid("new-password", S);
const confirmation = byTestid("new-password-confirm", S);
let rules = null;

async function submit() {
  clearErrors(S);
  const typed = { newPassword: newPassword.value, confirmation: confirmation.value };
  newPassword.value = "";
  confirmation.value = "";
  rules.refresh();
  if (!app.flow.token) {
    needsStart(S);
    return;
  }
  try {
    const answer = await invoke("reset_password", typed);
    clearScreen(S);
    if (answer && answer.member) {
      // After an unlock by e-mail the app logs the member in.
      enterSpace(answer.member);
    } else {
      app.flow.token = false;
      show("reset-done");
    }
  } catch (err) {
    showError(S, err);
  }
}

/** `{screen: "reset"}` from `take_deep_link` or the `deep-link` event. */
export function openFromLink(link) {
  if (!link || link.screen !== "reset") return false;
  app.flow.token = true;
  if (app.procedure !== "forgot" && app.procedure !== "register") setProcedure("forgot");
  clearScreen(S);
  show(S);
  return true;
}

export function initReset() {
  rules = attachPasswordRules(screenRoot(S));
  onSubmit(document.getElementById("reset-form"), submit);
  onShow(S, () => rules.refresh());
  onLangChange(() => rules.relabel());
  byTestid("reset-done-login", "reset-done").addEventListener("click", () => startProcedure("login"));
}
