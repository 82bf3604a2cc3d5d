// Forgotten password (MPN guide, steps 4 to 7): the form (A) NIR or e-mail,
// (B) internal number, (C) e-mail → "Envoyer" → "Vérifiez votre boîte
// mail", with the code of the e-mail typed here at a kiosk (the link opens
// the reset screen at home, see reset.js), and "Renvoyer l'e-mail".
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onShow, screenRoot } from "./screens.js";
import { clearErrors, onSubmit, setFieldError, showError } from "./forms.js";
import { showSent, submitCode } from "./code-step.js";
import { startProcedure } from "./procedures.js";

const S = "forgot";
const SENT = "forgot-sent";
const identifier = byTestid("forgot-identifier", S);
const memberNumber = byTestid("forgot-member-number", S);
const email = byTestid("forgot-email", S);
const message = byTestid("forgot-sent-message", SENT);
const code = byTestid("reset-code", SENT);

/** A field the profile does not list is hidden and sent empty. */
function valueIfShown(input) {
  return input.closest(".field").hidden ? "" : input.value;
}

async function submitForm() {
  clearErrors(S);
  try {
    const answer = await invoke("forgot_password", {
      identifier: valueIfShown(identifier),
      memberNumber: valueIfShown(memberNumber),
      email: valueIfShown(email),
    });
    showSent(S, SENT, answer);
  } catch (err) {
    showError(S, err);
  }
}

/** The answer of `forgot_password` (or `resend`), or the general text when none. */
function renderMessage() {
  message.textContent = app.flow.messages[SENT] || t("forgot_sent.default");
}

export function initForgot() {
  onSubmit(document.getElementById("forgot-form"), submitForm);
  onSubmit(document.getElementById("forgot-code-form"), () => submitCode(SENT, code));

  // Field (A) is checked as soon as the member leaves it, like at log-in.
  identifier.addEventListener("blur", async () => {
    if (!identifier.value.trim()) return;
    try {
      await invoke("check_identifier", { identifier: identifier.value });
      setFieldError(identifier, "");
    } catch (err) {
      setFieldError(identifier, err.message);
    }
  });

  // Nothing arrived: the form again, with what the member typed in (B) and (C) to check.
  byTestid("forgot-sent-again", SENT).addEventListener("click", () => {
    startProcedure("forgot", {
      "forgot-identifier": identifier.value,
      "forgot-member-number": memberNumber.value,
      "forgot-email": email.value,
    });
  });

  onShow(SENT, renderMessage);
  onLangChange(() => {
    if (currentScreen() === SENT && !app.flow.messages[SENT]) renderMessage();
  });
}

/** Hides the fields of the form the profile does not list (forgot_fields). */
export function applyForgotFields(fields) {
  for (const field of screenRoot(S).querySelectorAll("[data-forgot-field]")) {
    field.hidden = !fields.includes(field.dataset.forgotField);
  }
}
