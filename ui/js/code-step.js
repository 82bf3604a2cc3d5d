// The two steps the forgotten password and the registration share: the
// e-mail is sent (its answer shown on the "sent" screen, the resend cooldown
// started), then the code of that e-mail typed at a kiosk opens the screen
// where the member chooses the password.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { show } from "./screens.js";
import { clearErrors, clearScreen, needsStart, showError } from "./forms.js";
import { startCooldown } from "./resend.js";

/** `flow`'s message went out: its answer, then the "sent" screen. */
export function showSent(flow, form, sent, answer) {
  app.flow.sent = flow;
  app.flow.token = false;
  app.flow.messages[sent] = answer.message;
  startCooldown();
  clearScreen(form);
  clearScreen(sent);
  show(sent);
}

/** The code typed on the `sent` screen of `flow`: on to the reset screen. */
export async function submitCode(flow, sent, code) {
  clearErrors(sent);
  if (app.flow.sent !== flow) {
    needsStart(sent);
    return;
  }
  try {
    await invoke("verify_code", { code: code.value.trim() });
    app.flow.token = true;
    clearScreen(sent);
    clearScreen("reset");
    show("reset");
  } catch (err) {
    showError(sent, err);
  }
}
