// The full wipe (issue 5): at a kiosk after the idle countdown and at
// log-out. The Rust side (`wipe`) ends the session (revoked on the backend),
// forgets the procedure, any pending link and the webview's browsing data;
// the UI empties every field, alert and text built from the member's data,
// closes and empties the panels, forgets its procedure state, then shows the
// attract screen (kiosk) or home (member's PC).
//
// The screen is emptied at once (nothing of the member stays visible while
// the Rust side works); leaving the attract screen waits for the Rust side
// (`whenWiped`), so a new member never starts before the wipe is over.
import { invoke } from "../ipc.js";
import { isKiosk, resetState } from "./state.js";
import { show } from "./screens.js";
import { clearScreen } from "./forms.js";
import { stopCooldown } from "./resend.js";
import { setStepper } from "./walkthrough.js";

const hooks = [];
let pending = Promise.resolve();
let running = false;

/**
 * `fn(rustDone)` runs at each wipe, right after the common part; it may
 * return a promise. `rustDone` resolves when the Rust side's `wipe` is over
 * (for a part that calls the Rust side again, e.g. the language).
 */
export function onWipe(fn) {
  hooks.push(fn);
}

/** Resolves once the last wipe is over on both sides. */
export function whenWiped() {
  return pending;
}

export function wiping() {
  return running;
}

/** Empties everything the member typed or was shown; no call to the Rust side. */
export function wipeUi() {
  // Every dialog (help, demo messages, idle warning, staff) closed.
  for (const dialog of document.querySelectorAll("dialog[open]")) {
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
  }
  // Every field of every screen, its errors, the alerts, show/hide toggles.
  for (const root of document.querySelectorAll("section[data-screen]")) clearScreen(root.dataset.screen);
  // Fields outside the screens (staff PIN) and any textarea.
  for (const input of document.querySelectorAll("input, textarea")) {
    if (input.type === "checkbox" || input.type === "radio") input.checked = false;
    else input.value = "";
    input.removeAttribute("aria-invalid");
  }
  for (const el of document.querySelectorAll(".field-error")) {
    el.textContent = "";
    el.hidden = true;
  }
  // Texts built from the member's data: name, messages, masked contacts.
  for (const el of document.querySelectorAll("[data-wipe]")) el.textContent = "";
  // The live password checklists (they may name rules about personal data).
  for (const list of document.querySelectorAll('[data-testid="password-rules"]')) list.replaceChildren();
  for (const summary of document.querySelectorAll('[data-testid="password-rules-summary"]')) summary.textContent = "";
  for (const match of document.querySelectorAll('[data-testid="password-match"]')) {
    match.textContent = "";
    match.hidden = true;
    delete match.dataset.met;
  }
  resetState();
  stopCooldown();
  setStepper(null);
  try {
    window.localStorage.clear();
    window.sessionStorage.clear();
  } catch (_) {
    // No storage: nothing kept there.
  }
  const active = document.activeElement;
  if (active && active !== document.body && typeof active.blur === "function") active.blur();
}

/**
 * The full wipe: the UI at once, the Rust side (`wipe`), each module's own
 * part (onWipe), then the attract screen (kiosk) or home.
 */
export function wipe() {
  if (running) return pending;
  running = true;
  // Nothing of the member stays on screen while the Rust side works.
  wipeUi();
  const rust = invoke("wipe").catch(() => {
    // The Rust side could not answer: the session is forgotten locally anyway,
    // and the UI holds nothing any more.
  });
  const modules = Promise.all(
    hooks.map((fn) => {
      try {
        return Promise.resolve(fn(rust)).catch(() => {});
      } catch (_) {
        return Promise.resolve();
      }
    }),
  );
  show(isKiosk() ? "attract" : "home");
  pending = Promise.all([rust, modules]).then(() => {
    running = false;
  });
  return pending;
}
