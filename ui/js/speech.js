// The spoken mode (issue 15 §1, EN 301 549 §5.1.3 and §5.1.6.1): the page
// tells the Rust side what happens — each screen's title and step, the
// focused control, each character typed (never a password's: only that one
// was typed), each error and status message of the alert and live regions,
// the on-screen keyboard's keys — and crates/borne-speech says it through
// speech-dispatcher. Entered and left by the « Mode vocal » button (top bar,
// on every screen, and on the attract screen) or the F1 key; F2 repeats,
// F3/F4 slower/faster, F5/F6 quieter/louder (docs/accessibility.md). The
// kiosk's wipe forgets the mode (here and on the Rust side).
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { getLang, t, onLangChange } from "./i18n.js";
import { allByTestid, byTestid, currentScreen, onScreenChange, screenRoot } from "./screens.js";
import { onWipe } from "./wipe.js";

const panel = byTestid("speech-panel");
const settings = byTestid("speech-settings");
let on = false;
// Calls go one after the other: the sentences are said in the page's order.
let queue = Promise.resolve();

function call(command, args) {
  const next = queue.then(() => invoke(command, args));
  queue = next.catch(() => {});
  return next;
}

function speak(event) {
  if (on) call("speak", { event });
}

function render(status) {
  if (status) on = status.on;
  document.documentElement.classList.toggle("speaking", on);
  for (const b of allByTestid("speech-toggle").concat(allByTestid("attract-speech"))) {
    b.setAttribute("aria-pressed", String(on));
  }
  panel.hidden = !on;
  if (status) settings.textContent = t("speech.settings", { rate: status.rate, volume: status.volume });
}

async function control(action, extra = {}) {
  try {
    render(await call("speech_control", { control: { action, ...extra } }));
  } catch (_) {
    // No speech service: the mode stays as it was.
  }
}

export function startSpeech() {
  return control("start", { lang: getLang() }).then(() => announceScreen());
}

export function leaveSpeech() {
  return control("leave");
}

function toggle() {
  return on ? leaveSpeech() : startSpeech();
}

// ---- what the page shows ------------------------------------------------------------

function text(el) {
  return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
}

function visible(el) {
  return Boolean(el && !el.closest("[hidden]") && el.getClientRects().length > 0);
}

function announceScreen() {
  const root = screenRoot(currentScreen());
  if (!on || !root) return;
  const at = app.stepper;
  let step = null;
  if (at && Array.isArray(at.screens) && at.screens.includes(currentScreen())) {
    const guide = app.guides.find((g) => g.procedure === at.procedure);
    const s = guide && guide.steps ? guide.steps[at.step - 1] : null;
    step = { number: at.step, total: at.total, title: s ? s.title : null };
  }
  speak({ kind: "screen", title: text(root.querySelector("h1")), step });
  // What a screen shows without a field or a button to focus (the contacts
  // on file, the last log-ins, the sessions): said after its title.
  for (const el of root.querySelectorAll("[data-speak]")) {
    if (!visible(el)) continue;
    // Said after the heading it belongs to: data-speak="<heading id>", or the list's aria-labelledby.
    const heading = el.dataset.speak || el.getAttribute("aria-labelledby");
    const items = el.tagName === "UL" ? [...el.children].map(text).filter(Boolean).join(". ") : text(el);
    const said = heading ? `${text(document.getElementById(heading))} : ${items}` : items;
    if (items) speak({ kind: "message", level: "status", text: said });
  }
}

function isPassword(el) {
  // A password shown in clear (the « Afficher » toggle) is still not spoken.
  return el.type === "password" || /password/.test(el.getAttribute("autocomplete") || "");
}

function roleOf(el) {
  const role = el.getAttribute("role");
  if (el.tagName === "INPUT") {
    if (el.type === "checkbox") return "checkbox";
    if (el.type === "radio") return "radio";
    if (el.type === "button" || el.type === "submit") return "button";
    return isPassword(el) ? "password_field" : "text_field";
  }
  if (el.tagName === "TEXTAREA") return "text_field";
  if (el.tagName === "A") return "link";
  if (role === "dialog" || el.tagName === "DIALOG") return "dialog";
  if (el.tagName === "BUTTON" || el.tagName === "SUMMARY" || role === "button") return "button";
  return null;
}

function labelOf(el) {
  const aria = el.getAttribute("aria-label");
  if (aria) return aria;
  const by = el.getAttribute("aria-labelledby");
  if (by) return by.split(/\s+/).map((id) => text(document.getElementById(id))).join(" ");
  if (el.labels && el.labels.length) return text(el.labels[0]);
  return text(el);
}

function onFocus(event) {
  const el = event.target;
  if (!on || !(el instanceof Element) || el.closest('[data-testid="osk"]')) return;
  const role = roleOf(el);
  // A dialog's title takes the focus when the dialog opens: its title, then
  // its text (a help topic, the idle warning).
  const dialog = el.closest("dialog");
  if (!role && dialog && /^H[1-6]$/.test(el.tagName)) {
    speak({ kind: "screen", title: text(el), step: null });
    const body = [...dialog.querySelectorAll("p")].filter(visible).map(text).filter(Boolean).join(" ");
    if (body) speak({ kind: "message", level: "status", text: body });
    return;
  }
  // A screen's title takes the focus when it appears: the screen's
  // announcement says it.
  if (!role) return;
  const field = role === "text_field" || role === "password_field";
  speak({
    kind: "focus",
    label: labelOf(el),
    role,
    checked: role === "checkbox" || role === "radio" ? el.checked : null,
    required: Boolean(el.required),
    invalid: el.getAttribute("aria-invalid") === "true",
    disabled: Boolean(el.disabled),
    length: field ? el.value.length : null,
  });
}

function onInput(event) {
  const el = event.target;
  if (!on || !(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) return;
  const type = event.inputType || "";
  if (type.startsWith("delete")) speak({ kind: "erased" });
  else if (type.startsWith("insert") && event.data) {
    // A password's characters never leave the page: « caractère saisi ».
    speak({ kind: "typed", text: isPassword(el) ? null : event.data });
  }
}

// The on-screen keyboard's keys that type nothing (Entrée, Maj, 123/ABC,
// Fermer) are said by name; the others are heard as what they type.
const NAMED_KEYS = new Set(["enter", "shift", "switch", "close"]);

function onKeyboardKey(event) {
  const key = event.target instanceof Element && event.target.closest('[data-testid="osk"] button[data-key]');
  if (!on || !key || !NAMED_KEYS.has(key.dataset.key)) return;
  speak({ kind: "key", label: key.getAttribute("aria-label") || text(key) });
}

// Every alert and live region of the page (forms.js's alerts, status.js's
// banner, the idle warning's countdown, the password rules): their new text.
const LIVE = '[role="alert"], [role="status"], [aria-live]';
const lastSaid = new WeakMap();

function onMutations(mutations) {
  if (!on) return;
  const regions = new Set();
  for (const m of mutations) {
    const node = m.target.nodeType === Node.ELEMENT_NODE ? m.target : m.target.parentElement;
    const region = node && node.closest(LIVE);
    if (region && !region.closest('[data-testid="speech-panel"]')) regions.add(region);
  }
  for (const region of regions) {
    const said = text(region);
    if (!said || !visible(region)) {
      lastSaid.delete(region);
      continue;
    }
    if (lastSaid.get(region) === said) continue;
    lastSaid.set(region, said);
    const level = region.getAttribute("role") === "alert" ? "error" : "status";
    speak({ kind: "message", level, text: said });
  }
}

// ---- keys --------------------------------------------------------------------------

const KEYS = { F2: "repeat", F3: "slower", F4: "faster", F5: "quieter", F6: "louder" };

function onKey(event) {
  if (event.key === "F1") {
    event.preventDefault();
    event.stopPropagation();
    toggle();
  } else if (on && KEYS[event.key]) {
    event.preventDefault();
    event.stopPropagation();
    control(KEYS[event.key]);
  }
}

export function initSpeech() {
  // Before the kiosk's own key filter (which blocks F3 and F5 on the document).
  window.addEventListener("keydown", onKey, { capture: true });
  for (const b of allByTestid("speech-toggle").concat(allByTestid("attract-speech"))) {
    b.addEventListener("click", (event) => {
      // On the attract screen the button must not also leave the attract screen.
      event.stopPropagation();
      toggle();
    });
  }
  for (const [testid, action] of [
    ["speech-repeat", "repeat"],
    ["speech-slower", "slower"],
    ["speech-faster", "faster"],
    ["speech-quieter", "quieter"],
    ["speech-louder", "louder"],
  ]) {
    byTestid(testid).addEventListener("click", () => control(action));
  }
  document.addEventListener("focusin", onFocus);
  document.addEventListener("input", onInput, { capture: true });
  document.addEventListener("click", onKeyboardKey, { capture: true });
  new MutationObserver(onMutations).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["hidden"],
  });
  onScreenChange(() => {
    // After the screen's own set-up (the stepper arrives with the command's answer).
    if (on) setTimeout(announceScreen, 50);
  });
  onLangChange(() => {
    if (on) control("start", { lang: getLang() });
  });
  // The Rust side's wipe forgets the mode too; here, the buttons.
  onWipe(() => render({ on: false, rate: 5, volume: 7 }));
  render(null);
}
