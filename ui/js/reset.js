// The new password after a forgotten password (MPN guide, steps 8 to 10) or
// a registration: (A) new password, (B) confirmation, the live rules,
// "Modifier le mot de passe" → "Votre nouveau mot de passe est désormais
// actif !". Also opened by a `borne://reset?token=…` link (the token stays
// on the Rust side; the UI is only told `{screen: "reset"}`).
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { byTestid, onShow, screenRoot, show } from "./screens.js";
import { clearErrors, clearScreen, onSubmit, showError } from "./forms.js";
import { attachPasswordRules } from "./password-rules.js";
import { enterSpace } from "./space.js";
import { startProcedure } from "./procedures.js";
import { setStepper } from "./walkthrough.js";
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
  try {
    const answer = await invoke("reset_password", typed);
    clearScreen(S);
    if (answer && answer.member) {
      // After an unlock by e-mail the app logs the member in.
      setStepper(answer.stepper);
      enterSpace(answer.member);
    } else {
      setStepper(answer && answer.stepper);
      show("reset-done");
    }
  } catch (err) {
    showError(S, err);
  }
}

/**
 * `{screen, stepper}` from `take_deep_link` or the `deep-link` event: the
 * reset screen of a forgotten password (or a registration), or the new
 * password of an unlock by e-mail, as the Rust side says.
 */
export function openFromLink(link) {
  if (!link || !screenRoot(link.screen)) return false;
  setStepper(link.stepper);
  if (link.screen === "change-password") app.changeOrigin = "unlock";
  clearScreen(link.screen);
  show(link.screen);
  return true;
}

export function initReset() {
  rules = attachPasswordRules(screenRoot(S));
  onSubmit(document.getElementById("reset-form"), submit);
  onShow(S, () => rules.refresh());
  onLangChange(() => rules.relabel());
  byTestid("reset-done-login", "reset-done").addEventListener("click", () => startProcedure("login"));
}
