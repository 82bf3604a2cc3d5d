// Kiosk mode (app_info.mode === "kiosk", issue 5):
// - the attract screen « Touchez l'écran pour commencer », at start and
//   after each wipe; any touch, click or key on it opens the welcome screen;
// - what a public terminal must not offer: context menu, zoom, find in
//   page, printing, saving, reloading, drag and drop, text selection
//   outside the fields;
// - the idle timeout (WCAG 2.2.1): after app_info.kiosk.idle_timeout_secs
//   without input, a modal warning counts idle_warning_secs down (at least
//   20 s) with « Continuer »; at 0, the full wipe (wipe.js);
// - the hidden staff exit: a 3 s press on the top-right corner, then the
//   staff PIN (`staff_exit`), only when app_info.kiosk.staff_exit is true.
import { invoke } from "../ipc.js";
import { isKiosk, kioskConfig } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onScreenChange, show } from "./screens.js";
import { busy } from "./forms.js";
import { onWipe, whenWiped, wipe, wiping } from "./wipe.js";

const attract = byTestid("screen-attract");
const attractStart = byTestid("attract-start");
const warning = byTestid("idle-warning");
const countdown = byTestid("idle-countdown");
const announce = byTestid("idle-announce");
const continueButton = byTestid("idle-continue");
const corner = byTestid("staff-corner");
const staffDialog = byTestid("staff-dialog");
const staffForm = document.getElementById("staff-form");
const staffPin = byTestid("staff-pin");
const staffError = byTestid("staff-error");
const staffSubmit = byTestid("staff-submit");
const staffCancel = byTestid("staff-cancel");

/** How long the corner must be pressed before the staff dialog opens. */
export const STAFF_PRESS_MS = 3000;
const TICK_MS = 250;

let lastInput = Date.now();
/** When the warning is open: the moment the wipe happens (ms), else 0. */
let deadline = 0;
let lastAnnounced = null;
let focusBeforeWarning = null;

// ---- attract screen --------------------------------------------------------------

let leaving = false;

async function leaveAttract() {
  if (leaving || currentScreen() !== "attract") return;
  leaving = true;
  attractStart.setAttribute("aria-busy", "true");
  try {
    // A new member never starts before the last wipe is over on the Rust side.
    await whenWiped();
  } finally {
    attractStart.removeAttribute("aria-busy");
    leaving = false;
  }
  lastInput = Date.now();
  if (currentScreen() === "attract") show("home");
}

function onAttractKey(event) {
  if (currentScreen() !== "attract" || document.querySelector("dialog[open]")) return;
  // The top bar (language, guides) and the staff corner keep their keys.
  if (event.target.closest && event.target.closest(".topbar, .staff-corner")) return;
  if (["Shift", "Control", "Alt", "Meta", "Tab"].includes(event.key)) return;
  event.preventDefault();
  leaveAttract();
}

// ---- what a public terminal must not offer --------------------------------------

const BLOCKED_WITH_CTRL = new Set(["+", "-", "=", "0", "f", "g", "p", "s", "o", "u", "add", "subtract"]);
const BLOCKED_KEYS = new Set(["F3", "F5", "F7", "F11", "F12", "BrowserRefresh", "BrowserSearch", "ZoomIn", "ZoomOut"]);

function inField(target) {
  return Boolean(target && target.closest && target.closest("input, textarea"));
}

function blockKey(event) {
  const key = (event.key || "").toLowerCase();
  const ctrl = event.ctrlKey || event.metaKey;
  if ((ctrl && BLOCKED_WITH_CTRL.has(key)) || BLOCKED_KEYS.has(event.key)) {
    event.preventDefault();
    event.stopPropagation();
  }
}

function blockOutsideFields(event) {
  if (!inField(event.target)) event.preventDefault();
}

function blockLockdown() {
  const opts = { capture: true };
  document.addEventListener("contextmenu", (event) => event.preventDefault(), opts);
  document.addEventListener("dragstart", (event) => event.preventDefault(), opts);
  document.addEventListener("dragover", (event) => event.preventDefault(), opts);
  document.addEventListener("drop", (event) => event.preventDefault(), opts);
  document.addEventListener("selectstart", blockOutsideFields, opts);
  document.addEventListener("keydown", blockKey, opts);
  // Ctrl + wheel (and a trackpad's pinch) zooms.
  document.addEventListener("wheel", (event) => {
    if (event.ctrlKey || event.metaKey) event.preventDefault();
  }, { capture: true, passive: false });
  for (const type of ["gesturestart", "gesturechange", "gestureend"]) {
    document.addEventListener(type, (event) => event.preventDefault(), opts);
  }
}

// ---- idle timeout ----------------------------------------------------------------

function idleActive() {
  return isKiosk() && currentScreen() && currentScreen() !== "attract" && !wiping();
}

/** A finger (or button) held down is someone using the kiosk (e.g. the staff corner). */
let holding = false;

function activity(event) {
  if (event && event.type === "pointerdown") holding = true;
  // While the warning is open only « Continuer » (or Esc) keeps the session.
  if (deadline) return;
  lastInput = Date.now();
}

function release() {
  holding = false;
}

function secondsLeft() {
  return Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
}

function renderCountdown() {
  const s = secondsLeft();
  countdown.textContent = String(s);
  warning.dataset.secondsLeft = String(s);
  // Announced when the warning opens, then every 10 s and at 5 s: often
  // enough to act, not so often that a screen reader repeats itself.
  if (s !== lastAnnounced && (lastAnnounced === null || (s > 0 && (s % 10 === 0 || s === 5)))) {
    lastAnnounced = s;
    announce.textContent = t("idle.announce", { s });
  }
}

function openWarning() {
  const { idle_warning_secs: secs } = kioskConfig();
  deadline = Date.now() + secs * 1000;
  lastAnnounced = null;
  focusBeforeWarning = document.activeElement;
  renderCountdown();
  if (typeof warning.showModal === "function") {
    if (!warning.open) warning.showModal();
  } else {
    warning.setAttribute("open", "");
  }
  continueButton.focus();
}

function closeWarning() {
  deadline = 0;
  lastAnnounced = null;
  announce.textContent = "";
  if (warning.open) {
    if (typeof warning.close === "function") warning.close();
    else warning.removeAttribute("open");
  }
}

/** « Continuer »: the member is here; the session goes on where it was. */
function keepSession() {
  closeWarning();
  lastInput = Date.now();
  const back = focusBeforeWarning;
  focusBeforeWarning = null;
  if (back && document.contains(back) && typeof back.focus === "function") back.focus();
}

function tick() {
  if (!idleActive()) {
    if (deadline) closeWarning();
    lastInput = Date.now();
    return;
  }
  if (!deadline) {
    if (holding) lastInput = Date.now();
    if (Date.now() - lastInput >= kioskConfig().idle_timeout_secs * 1000) openWarning();
    return;
  }
  renderCountdown();
  if (secondsLeft() <= 0) {
    focusBeforeWarning = null;
    closeWarning();
    wipe();
  }
}

function startIdle() {
  const opts = { capture: true, passive: true };
  for (const type of ["pointerdown", "pointermove", "keydown", "touchstart", "input", "wheel"]) {
    document.addEventListener(type, activity, opts);
  }
  for (const type of ["pointerup", "pointercancel"]) document.addEventListener(type, release, opts);
  window.addEventListener("blur", release);
  continueButton.addEventListener("click", keepSession);
  // Esc on the warning: the member is here too.
  warning.addEventListener("cancel", (event) => {
    event.preventDefault();
    keepSession();
  });
  onLangChange(() => {
    if (deadline) {
      lastAnnounced = null;
      renderCountdown();
    }
  });
  onScreenChange(() => {
    lastInput = Date.now();
  });
  onWipe(() => {
    deadline = 0;
    lastAnnounced = null;
    announce.textContent = "";
    countdown.textContent = "";
  });
  setInterval(tick, TICK_MS);
}

// ---- staff exit --------------------------------------------------------------------

let pressTimer = null;

function startPress(event) {
  if (event && event.button !== undefined && event.button !== 0) return;
  cancelPress();
  corner.classList.add("pressing");
  pressTimer = setTimeout(() => {
    pressTimer = null;
    corner.classList.remove("pressing");
    openStaff();
  }, STAFF_PRESS_MS);
}

function cancelPress() {
  if (pressTimer) clearTimeout(pressTimer);
  pressTimer = null;
  corner.classList.remove("pressing");
}

function openStaff() {
  staffPin.value = "";
  staffError.textContent = "";
  staffError.hidden = true;
  staffPin.removeAttribute("aria-invalid");
  if (typeof staffDialog.showModal === "function") {
    if (!staffDialog.open) staffDialog.showModal();
  } else {
    staffDialog.setAttribute("open", "");
  }
  staffPin.focus();
}

function closeStaff() {
  staffPin.value = "";
  if (staffDialog.open) staffDialog.close();
}

async function submitStaff() {
  const pin = staffPin.value;
  staffPin.value = "";
  staffError.hidden = true;
  staffError.textContent = "";
  try {
    const answer = await invoke("staff_exit", { pin });
    if (answer && answer.accepted) {
      // The app quits right after answering.
      staffError.textContent = t("staff.accepted");
      staffError.hidden = false;
      return;
    }
    staffError.textContent = t("staff.refused");
  } catch (err) {
    staffError.textContent = err.message || t("staff.refused");
  }
  staffError.hidden = false;
  staffPin.setAttribute("aria-invalid", "true");
  staffPin.focus();
}

function initStaffExit(enabled) {
  corner.hidden = !enabled;
  document.body.classList.toggle("with-staff-corner", enabled);
  if (!enabled || corner.dataset.wired) return;
  corner.dataset.wired = "true";
  corner.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    startPress(event);
  });
  for (const type of ["pointerup", "pointerleave", "pointercancel"]) corner.addEventListener(type, cancelPress);
  // Staff with a keyboard: hold Enter or Space on the focused corner.
  corner.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    if (!event.repeat && !pressTimer) startPress();
  });
  corner.addEventListener("keyup", cancelPress);
  corner.addEventListener("blur", cancelPress);
  staffForm.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(staffSubmit, submitStaff);
  });
  staffCancel.addEventListener("click", closeStaff);
  staffDialog.addEventListener("close", () => {
    staffPin.value = "";
    staffError.hidden = true;
    staffError.textContent = "";
    staffPin.removeAttribute("aria-invalid");
  });
}

// ---- start -------------------------------------------------------------------------

let started = false;

/** Called once app_info is known. Returns true at a kiosk (start on the attract screen). */
export function initKiosk() {
  const kiosk = isKiosk();
  document.documentElement.classList.toggle("kiosk", kiosk);
  initStaffExit(kiosk && kioskConfig().staff_exit);
  if (!kiosk || started) return kiosk;
  started = true;
  blockLockdown();
  attract.addEventListener("click", leaveAttract);
  document.addEventListener("keydown", onAttractKey);
  startIdle();
  return true;
}

