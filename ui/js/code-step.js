// The two steps the forgotten password and the registration share: the
// e-mail is sent (its answer shown on the "sent" screen, the resend cooldown
// started), then the code of that e-mail typed at a kiosk opens the screen
// where the member chooses the password.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { show } from "./screens.js";
import { clearErrors, clearScreen, showError } from "./forms.js";
import { startCooldown } from "./resend.js";
import { setStepper } from "./walkthrough.js";

/** The form's message went out: its answer, then the "sent" screen. */
export function showSent(form, sent, answer) {
  app.flow.messages[sent] = answer.message;
  setStepper(answer.stepper);
  startCooldown(answer.cooldown_secs);
  clearScreen(form);
  clearScreen(sent);
  show(sent);
}

/**
 * The code typed on the `sent` screen: on to the reset screen (the Rust side
 * refuses it, `code_expired`, when no message of this procedure went out).
 */
export async function submitCode(sent, code) {
  clearErrors(sent);
  try {
    const answer = await invoke("verify_code", { code: code.value.trim() });
    setStepper(answer.stepper);
    clearScreen(sent);
    clearScreen("reset");
    show("reset");
  } catch (err) {
    showError(sent, err);
  }
}
