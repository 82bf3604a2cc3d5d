// Unlocking after three failed attempts (MGEN guide, steps 2 to 5): NIR and
// date of birth (checked against each other before any call), the channel
// (SMS or e-mail; used automatically when it is the only one known), then
// the SMS temporary password (→ log-in → change of password) or the e-mail's
// code (→ change of password → personal space).
import { invoke } from "../ipc.js";
import { app, offers } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onShow, screenRoot, show } from "./screens.js";
import { clearErrors, clearScreen, needsStart, onSubmit, showAlert, showError } from "./forms.js";
import { startCooldown } from "./resend.js";
import { startProcedure } from "./procedures.js";
import { openLogin } from "./login.js";
import { setStepper } from "./walkthrough.js";

const S = "unlock";
const CHANNEL = "unlock-channel";
const SENT = "unlock-sent";
const nir = byTestid("unlock-nir", S);
const birthdate = byTestid("unlock-birthdate", S);
const goForgot = byTestid("unlock-go-forgot", S);
const code = byTestid("unlock-code", SENT);
const message = byTestid("unlock-sent-message", SENT);

// ---- step 2: NIR and date of birth -----------------------------------------

async function submitForm() {
  clearErrors(S);
  const args = { nir: nir.value, birthdate: birthdate.value };
  try {
    await invoke("check_unlock", args);
    const answer = await invoke("unlock", args);
    app.flow.unlockNir = nir.value.trim();
    app.flow.unlockChannel = null;
    setStepper(answer.stepper);
    clearScreen(S);
    app.flow.channels = answer.channels || [];
    if (answer.sent) {
      // Only one contact known: used automatically, and the message says which.
      sent(answer.sent, "auto");
    } else {
      clearScreen(CHANNEL);
      show(CHANNEL);
    }
  } catch (err) {
    if (err.code === "not_blocked" && offers("forgot")) {
      goForgot.hidden = false;
      showError(S, err, { focus: goForgot });
    } else {
      showError(S, err);
    }
  }
}

/** A message went out on `delivery.channel`: the unlock-sent screen. */
function sent(delivery, how) {
  const channel = delivery.channel === "sms" ? "sms" : "email";
  app.flow.unlockChannel = channel;
  app.flow.messages[SENT] = t(`unlock_sent.${how}_${channel}`, {
    masked: delivery.masked,
    insurer: (app.profile.support && app.profile.support.insurer) || app.profile.name,
  });
  if (channel === "email") startCooldown();
  clearScreen(SENT);
  show(SENT);
}

// ---- step 3: the channel ---------------------------------------------------

function renderChannels() {
  const offered = app.flow.channels || [];
  const known = offered.length > 0;
  for (const channel of ["sms", "email"]) {
    const choice = screenRoot(CHANNEL).querySelector(`.choice[data-channel="${channel}"]`);
    const option = offered.find((c) => c.channel === channel);
    // Opened from a guide: both choices are shown, without contacts.
    choice.hidden = known && !option;
    byTestid(`channel-${channel}-label`, CHANNEL).textContent = t(`channel.${channel}`, { masked: option ? option.masked : "…" });
  }
  byTestid("channel-sms-note", CHANNEL).hidden = known && !offered.some((c) => c.channel === "sms");
  renderChannelSubmit();
}

/** The button says what it does: « Recevoir le SMS », « Recevoir l'e-mail ». */
function renderChannelSubmit() {
  const chosen = screenRoot(CHANNEL).querySelector('input[name="channel"]:checked');
  const submit = byTestid("channel-submit", CHANNEL);
  const key = chosen ? `channel.submit_${chosen.value}` : "channel.submit";
  submit.dataset.i18n = key;
  if (submit.getAttribute("aria-busy") !== "true") submit.textContent = t(key);
}

async function submitChannel() {
  clearErrors(CHANNEL);
  const chosen = screenRoot(CHANNEL).querySelector('input[name="channel"]:checked');
  if (!chosen) {
    const first = screenRoot(CHANNEL).querySelector('.choice:not([hidden]) input[name="channel"]');
    const text = t("channel.required");
    showAlert(CHANNEL, text);
    const error = byTestid("channel-error", CHANNEL);
    error.textContent = text;
    error.hidden = false;
    if (first) first.focus();
    return;
  }
  try {
    const delivery = await invoke("unlock_send", { channel: chosen.value });
    setStepper(delivery.stepper);
    clearScreen(CHANNEL);
    sent(delivery, "chosen");
  } catch (err) {
    showError(CHANNEL, err, { focus: chosen });
  }
}

// ---- step 4: SMS or e-mail sent --------------------------------------------

function renderSent() {
  message.textContent = app.flow.messages[SENT] || t("unlock_sent.default");
  const channel = app.flow.unlockChannel;
  // Opened from a guide: both cases are shown, as in the guide.
  byTestid("unlock-sent-sms", SENT).hidden = channel === "email";
  byTestid("unlock-sent-email", SENT).hidden = channel === "sms";
  // « Choisir l'adresse e-mail » only when an e-mail address is known
  // (opened from a guide, as in the guide).
  const offered = app.flow.channels;
  const noEmail = Array.isArray(offered) && !offered.some((c) => c.channel === "email");
  byTestid("unlock-sent-restart", SENT).hidden = noEmail;
  byTestid("unlock-sent-sms-note", SENT).hidden = noEmail;
}

async function submitCode() {
  clearErrors(SENT);
  try {
    const answer = await invoke("verify_code", { code: code.value.trim() });
    setStepper(answer.stepper);
    app.changeOrigin = "unlock";
    clearScreen(SENT);
    clearScreen("change-password");
    show("change-password");
  } catch (err) {
    showError(SENT, err);
  }
}

export function initUnlock() {
  onSubmit(document.getElementById("unlock-form"), submitForm);
  onSubmit(document.getElementById("channel-form"), submitChannel);
  onSubmit(document.getElementById("unlock-code-form"), submitCode);
  onShow(CHANNEL, renderChannels);
  onShow(SENT, renderSent);
  onLangChange(() => {
    if (currentScreen() === CHANNEL) renderChannels();
    if (currentScreen() === SENT && !app.flow.messages[SENT]) renderSent();
  });

  // Choosing a channel clears the "choose one" error.
  for (const radio of screenRoot(CHANNEL).querySelectorAll('input[name="channel"]')) {
    radio.addEventListener("change", () => {
      clearErrors(CHANNEL);
      renderChannelSubmit();
    });
  }

  // "Votre compte n'est pas bloqué." → the forgotten-password procedure.
  goForgot.addEventListener("click", () => {
    const typed = nir.value.trim();
    clearScreen(S);
    startProcedure("forgot", { "forgot-identifier": typed });
  });

  // SMS: log in with the NIR and the temporary password.
  byTestid("unlock-sent-login", SENT).addEventListener("click", () => {
    if (!app.flow.unlockChannel) {
      needsStart(SENT);
      return;
    }
    // The stepper stays at this step: the Rust side shows it beside the log-in.
    openLogin(app.flow.unlockNir);
  });

  // No SMS received: start again and choose the e-mail address.
  byTestid("unlock-sent-restart", SENT).addEventListener("click", () => {
    startProcedure("unlock", { "unlock-nir": app.flow.unlockNir });
  });
}
