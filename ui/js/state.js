// What the UI remembers between screens: view state only. The procedure
// (which one, at which step, what it holds) is the Rust side's (borne-app):
// the UI keeps the last `stepper` an answer gave, and what the answers said
// to show. No secret lives here: tokens, unlock ids and temporary passwords
// stay on the Rust side.

export const app = {
  /** The answer of `app_info` (with `mode` and `kiosk`, see isKiosk and kioskConfig). */
  info: null,
  /** Member's PC: the identifier kept in the OS keyring (`remembered_identifier`), or null. */
  remembered: null,
  /** `info.profile`, or a neutral default before it arrives. */
  profile: {
    name: "",
    support: { insurer: "", phone: "", chat: "" },
    procedures: ["login", "forgot", "unlock", "register"],
    forgot_fields: ["identifier", "member_number", "email"],
  },
  /** `[Guide]` and `[HelpTopic]` in the current language. */
  guides: [],
  help: [],
  /** The last stepper the Rust side answered ({procedure, step, total, step_id, screen, screens}), or null. */
  stepper: null,
  /** null, "temporary" (SMS temporary password) or "full". */
  session: null,
  /** Why change-password is shown: "space" (asks the current password), "temporary" or "unlock". */
  changeOrigin: null,
  flow: emptyFlow(),
};

function emptyFlow() {
  return {
    /** The channels `unlock` offered (one when it was used at once). */
    channels: null,
    /** The channel the unlock message went by ("sms", "email"), as answered, or null. */
    unlockChannel: null,
    /** The NIR typed in the unlock form, to prefill the log-in after an SMS. */
    unlockNir: "",
    /** The messages shown on forgot-sent, register-sent, unlock-sent (answers of the Rust side). */
    messages: {},
  };
}

export function resetFlow() {
  app.flow = emptyFlow();
}

/** Forgets every procedure and session the UI knows of (the wipe, ui/js/wipe.js). */
export function resetState() {
  app.stepper = null;
  app.session = null;
  app.changeOrigin = null;
  resetFlow();
}

/** `app_info.mode`: "kiosk" at a kiosk, else "personal" (a member's PC). */
export function isKiosk() {
  return Boolean(app.info && app.info.mode === "kiosk");
}

const DEFAULT_IDLE_TIMEOUT_SECS = 90;
const DEFAULT_IDLE_WARNING_SECS = 30;
/** WCAG 2.2.1: the member has at least 20 s to ask for more time. */
export const MIN_IDLE_WARNING_SECS = 20;

/** `app_info.kiosk` with defaults: {idle_timeout_secs, idle_warning_secs, keyboard, staff_exit}. */
export function kioskConfig() {
  const k = (app.info && app.info.kiosk) || {};
  const timeout = Number(k.idle_timeout_secs);
  const warning = Number(k.idle_warning_secs);
  return {
    idle_timeout_secs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_IDLE_TIMEOUT_SECS,
    idle_warning_secs: Math.max(MIN_IDLE_WARNING_SECS, Number.isFinite(warning) && warning > 0 ? warning : DEFAULT_IDLE_WARNING_SECS),
    keyboard: ["auto", "always", "never"].includes(k.keyboard) ? k.keyboard : "auto",
    staff_exit: k.staff_exit === true,
  };
}

export function offers(procedure) {
  return app.profile.procedures.includes(procedure);
}

/** The procedure of the last stepper answered, or null. */
export function currentProcedure() {
  return app.stepper ? app.stepper.procedure : null;
}

/**
 * The form a member must start from when a screen that needs earlier data
 * (a message sent, a code accepted, a session) is opened without it.
 */
export function formBefore(screen) {
  switch (screen) {
    case "forgot-sent":
      return "forgot";
    case "register-sent":
      return "register";
    case "unlock-channel":
    case "unlock-sent":
      return "unlock";
    case "reset":
      return currentProcedure() === "register" ? "register" : "forgot";
    case "change-password":
      return currentProcedure() === "unlock" || app.changeOrigin === "unlock" ? "unlock" : "login";
    default:
      return "login";
  }
}
