// « Mes coordonnées » (issue 16): the e-mail and mobile on file (masked),
// what each is for, a warning when unlocking by SMS is impossible with
// them; « Changer … » → the new value (checked on the Rust side with
// borne-core's rules) → the 6-digit code sent to it → back here with a
// status. Nothing of it stays in the page after the wipe (data-wipe).
import { invoke } from "../ipc.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onShow, show } from "./screens.js";
import { busy, clearErrors, clearScreen, onSubmit, showError } from "./forms.js";
import { startCooldown, stopCooldown } from "./resend.js";

const S = "contacts";
const CHANGE = "contact-change";
const CODE = "contact-code";
const status = byTestid("contacts-status", S);
const value = byTestid("contact-new-value", CHANGE);
const code = byTestid("contact-code", CODE);
const codeMessage = byTestid("contact-code-message", CODE);
/** "email" or "sms": the contact being changed. */
let channel = "email";
/** The status to show once, after a confirmed change. */
let saved = "";

function render(contacts) {
  byTestid("contacts-email", S).textContent = contacts.email || t("contacts.none_email");
  byTestid("contacts-mobile", S).textContent = contacts.mobile || t("contacts.none_mobile");
  byTestid("contacts-sms-warning", S).hidden = contacts.sms_unlock_possible;
}

async function load() {
  clearErrors(S);
  try {
    render(await invoke("account_contacts"));
  } catch (err) {
    showError(S, err);
  }
}

/** Opens « Mes coordonnées », with `message` in its status when a change was just saved. */
export function openContacts(message = "") {
  saved = message;
  show(S);
}

function renderChange() {
  const mobile = channel === "sms";
  const kind = mobile ? "mobile" : "email";
  for (const [testid, key] of [
    ["contact-change-title", "title"],
    ["contact-change-lead", "lead"],
    ["contact-new-value-label", "label"],
    ["contact-new-value-hint", "hint"],
  ]) {
    const el = byTestid(testid, CHANGE);
    el.dataset.i18n = `contact_change.${key}_${kind}`;
    el.textContent = t(el.dataset.i18n);
  }
  value.type = mobile ? "tel" : "email";
  value.setAttribute("inputmode", mobile ? "tel" : "email");
  value.setAttribute("autocomplete", mobile ? "tel" : "email");
}

function openChange(which) {
  channel = which;
  clearScreen(CHANGE);
  renderChange();
  show(CHANGE);
}

async function submitChange() {
  clearErrors(CHANGE);
  try {
    const answer = await invoke("change_contact", { channel, value: value.value });
    clearScreen(CODE);
    codeMessage.textContent = answer.message;
    startCooldown(answer.cooldown_secs);
    show(CODE);
  } catch (err) {
    showError(CHANGE, err);
  }
}

async function submitCode() {
  clearErrors(CODE);
  const typed = code.value.trim();
  code.value = "";
  try {
    const contacts = await invoke("confirm_contact", { code: typed });
    leaveCode();
    render(contacts);
    openContacts(contacts.message || "");
  } catch (err) {
    showError(CODE, err);
  }
}

/** Forgets what was typed for the change (both screens) and the cooldown. */
function leaveCode() {
  stopCooldown();
  clearScreen(CHANGE);
  clearScreen(CODE);
  codeMessage.textContent = "";
}

async function cancelChange(button) {
  await busy(button, async () => {
    try {
      await invoke("cancel_contact_change");
    } catch (_) {
      // Nothing under way: back anyway.
    }
  });
  leaveCode();
  openContacts();
}

export function initContacts() {
  onShow(S, () => {
    status.textContent = saved;
    status.hidden = !saved;
    saved = "";
    load();
  });
  byTestid("contacts-change-email", S).addEventListener("click", () => openChange("email"));
  byTestid("contacts-change-mobile", S).addEventListener("click", () => openChange("sms"));
  onSubmit(document.getElementById("contact-change-form"), submitChange);
  onSubmit(document.getElementById("contact-code-form"), submitCode);
  const cancelChangeButton = byTestid("contact-change-cancel", CHANGE);
  cancelChangeButton.addEventListener("click", () => cancelChange(cancelChangeButton));
  const cancelCodeButton = byTestid("contact-code-cancel", CODE);
  cancelCodeButton.addEventListener("click", () => cancelChange(cancelCodeButton));
  onLangChange(() => {
    // The masked contacts come with the words « Aucune … » in the page's language.
    if (currentScreen() === S) load();
  });
}
