// Entering and leaving a procedure: its entry points start it on the Rust
// side (`start_procedure`), whose answer says which screen and step to show;
// "Annuler" (`cancel`) forgets it there (`cancel_procedure`) and goes back
// to the log-in form.
import { invoke } from "../ipc.js";
import { app, formBefore, resetFlow } from "./state.js";
import { allByTestid, byTestid, currentScreen, screenOf, show } from "./screens.js";
import { busy, clearScreen } from "./forms.js";
import { setStepper } from "./walkthrough.js";
import { stopCooldown } from "./resend.js";

/** The screens whose fields belong to a procedure. */
export const PROCEDURE_SCREENS = [
  "forgot", "forgot-sent", "reset", "unlock", "unlock-channel", "unlock-sent",
  "change-password", "register", "register-sent",
];

const FIRST_SCREEN = { login: "login", forgot: "forgot", unlock: "unlock", register: "register" };

/**
 * Opens the first form of `procedure`, emptied, at the step the Rust side
 * answers; `prefill` = {testid: value} for fields the member already typed
 * elsewhere.
 */
export async function startProcedure(procedure, prefill = {}) {
  let screen = FIRST_SCREEN[procedure] || "login";
  try {
    const answer = await invoke("start_procedure", { procedure });
    setStepper(answer.stepper);
    if (answer.stepper) screen = answer.stepper.screen;
  } catch (_) {
    setStepper(null);
  }
  clearScreen(screen);
  for (const [testid, value] of Object.entries(prefill)) {
    const input = byTestid(testid, screen);
    if (input && value) input.value = value;
  }
  show(screen);
}

/** Forgets every procedure under way, on both sides. */
export function forgetProcedures() {
  resetFlow();
  stopCooldown();
  app.changeOrigin = null;
  for (const screen of PROCEDURE_SCREENS) clearScreen(screen);
}

export async function cancelProcedure() {
  const screen = currentScreen();
  let stepper = null;
  try {
    // Also ends a temporary-password session.
    stepper = (await invoke("cancel_procedure")).stepper;
  } catch (_) {
    // Nothing to forget, or the app restarted: go back anyway.
  }
  // Changing one's password from the personal space: back to the space.
  if (screen === "change-password" && app.changeOrigin === "space" && app.session === "full") {
    clearScreen("change-password");
    app.changeOrigin = null;
    show("space");
    return;
  }
  if (app.session === "temporary") app.session = null;
  forgetProcedures();
  setStepper(stepper);
  if (app.session === "full") {
    show("space");
    return;
  }
  clearScreen("login");
  show("login");
}

export function initProcedures() {
  for (const button of allByTestid("cancel")) {
    button.addEventListener("click", () => busy(button, cancelProcedure));
  }
  for (const button of allByTestid("start-form")) {
    button.addEventListener("click", () => startProcedure(formBefore(screenOf(button))));
  }
}
