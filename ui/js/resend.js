// "Renvoyer l'e-mail": one cooldown for the procedure under way (the Rust
// side enforces it; the UI only shows it); « Recevoir un nouveau code » of
// a change of contact (contacts.js) the same way. It starts when a message is sent
// and restarts after each resend; while it runs every `resend` button is
// disabled and says "Renvoyer l'e-mail (possible dans 45 s)".
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { allByTestid, byTestid, screenOf } from "./screens.js";
import { busy, clearErrors, showError } from "./forms.js";
import { setStepper } from "./walkthrough.js";

let endsAt = 0;
let timer = null;

// Where each screen's resend answer goes. The Rust side knows what to send
// again, and refuses (`code_expired`) when nothing was sent.
const SCREENS = {
  "forgot-sent": { message: "forgot-sent-message" },
  "register-sent": { message: "register-sent-message" },
  "unlock-sent": { message: "unlock-sent-message" },
  "contact-code": {
    message: "contact-code-message",
    command: "resend_contact_code",
    ready: "contact_code.resend",
    wait: "contact_code.resend_wait",
  },
};

function labels(button) {
  const spec = SCREENS[screenOf(button)] || {};
  return { ready: spec.ready || "resend.ready", wait: spec.wait || "resend.wait" };
}

function remaining() {
  return Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
}

export function renderCooldown() {
  const s = remaining();
  for (const button of allByTestid("resend")) {
    if (button.getAttribute("aria-busy") === "true") continue;
    const { ready, wait } = labels(button);
    button.disabled = s > 0;
    button.textContent = s > 0 ? t(wait, { s }) : t(ready);
  }
  if (s === 0 && timer) {
    clearInterval(timer);
    timer = null;
  }
}

export function startCooldown(secs) {
  const duration = Number.isFinite(secs) && secs > 0 ? secs : (app.info && app.info.resend_cooldown_secs) || 60;
  endsAt = Date.now() + duration * 1000;
  if (timer) clearInterval(timer);
  timer = setInterval(renderCooldown, 1000);
  renderCooldown();
}

export function stopCooldown() {
  endsAt = 0;
  renderCooldown();
}

async function resend(button) {
  const screen = screenOf(button);
  const spec = SCREENS[screen];
  if (!spec) return;
  clearErrors(screen);
  let answer = null;
  await busy(button, async () => {
    try {
      answer = await invoke(spec.command || "resend");
    } catch (err) {
      showError(screen, err);
    }
  });
  if (answer) {
    const message = byTestid(spec.message, screen);
    message.textContent = answer.message || t("unlock_sent.resent");
    if (!spec.command) {
      app.flow.messages[screen] = message.textContent;
      setStepper(answer.stepper);
    }
    startCooldown(answer.cooldown_secs);
    message.focus();
  } else {
    renderCooldown();
  }
}

export function initResend() {
  for (const button of allByTestid("resend")) button.addEventListener("click", () => resend(button));
  onLangChange(renderCooldown);
  renderCooldown();
}
