// The on-screen keyboard of a kiosk (`osk`): docked under the page while a
// text field has the focus. AZERTY letters with a shift key, a row of
// digits, @ . - _ and space; a numeric pad for the fields with
// inputmode="numeric" (NIR, birth dates, codes, the staff PIN), and a key
// to switch between both (a Corsican NIR holds an A or a B).
//
// Shown at a kiosk when app_info.kiosk.keyboard is "always", or "auto" on a
// touch screen; never on a member's PC. The keys are real buttons
// (data-testid="osk-key-NAME") that never take the focus from the field:
// they type at the caret through the browser's own editing (the same
// beforeinput/input events as typing, so the birth-date mask and the live
// password rules work), and "Entrée" submits the field's form.
import { t, onLangChange } from "./i18n.js";
import { isKiosk, kioskConfig } from "./state.js";
import { onWipe } from "./wipe.js";

const osk = document.querySelector('[data-testid="osk"]');
const TEXT_TYPES = new Set(["text", "password", "email", "search", "tel", "url"]);
const NUMERIC_MODES = new Set(["numeric", "decimal", "tel"]);

const LETTER_ROWS = [
  ["a", "z", "e", "r", "t", "y", "u", "i", "o", "p"],
  ["q", "s", "d", "f", "g", "h", "j", "k", "l", "m"],
  ["shift", "w", "x", "c", "v", "b", "n", "backspace"],
];
const DIGIT_ROW = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
const SYMBOL_ROW = ["@", ".", "-", "_", "space", "enter"];
const NUMPAD_ROWS = [
  ["1", "2", "3"],
  ["4", "5", "6"],
  ["7", "8", "9"],
  ["backspace", "0", "enter"],
];
// Keys whose accessible name is a word, not the character itself.
const NAMED = { "@": "osk.at", ".": "osk.dot", "-": "osk.hyphen", "_": "osk.underscore" };

let enabled = false;
/** The field the keys type into. */
let field = null;
/** "letters" or "numpad". */
let layout = "letters";
let shift = false;
let wired = false;
/** The field whose keyboard was closed with « Fermer » (shown again by a tap on it). */
let dismissed = null;
/** The page that scrolls under the top bar, and where it was scrolled to when the keyboard opened. */
const page = document.querySelector("[data-page]");
let scrolledBefore = 0;

export function isTextField(el) {
  if (!el || el.disabled || el.readOnly) return false;
  if (el.tagName === "TEXTAREA") return true;
  // `type` reads "text" for an input without one (and a shown password).
  return el.tagName === "INPUT" && TEXT_TYPES.has(el.type);
}

function wantsNumpad(el) {
  return NUMERIC_MODES.has((el.getAttribute("inputmode") || "").toLowerCase());
}

function hasTouch() {
  const coarse = typeof window.matchMedia === "function" && window.matchMedia("(pointer: coarse)").matches;
  return coarse || (navigator.maxTouchPoints || 0) > 0;
}

export function keyboardEnabled() {
  return enabled;
}

export function keyboardShown() {
  return enabled && !osk.hidden;
}

// ---- the keys ----------------------------------------------------------------

function button(testid, label, aria, className, data) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.dataset.testid = testid;
  b.dataset.key = data;
  // Out of the tab order: a physical keyboard does not need these keys, and
  // tabbing to them would take the focus from the field.
  b.tabIndex = -1;
  b.textContent = label;
  b.setAttribute("aria-label", aria);
  return b;
}

function keyButton(name) {
  switch (name) {
    case "shift": {
      const b = button("osk-key-shift", "⇧", t("osk.shift"), "osk-key osk-wide", "shift");
      b.setAttribute("aria-pressed", String(shift));
      return b;
    }
    case "backspace":
      return button("osk-key-backspace", "⌫", t("osk.backspace"), "osk-key osk-wide", "backspace");
    case "enter":
      return button("osk-key-enter", t("osk.enter"), t("osk.enter_label"), "osk-key osk-wide osk-enter", "enter");
    case "space":
      return button("osk-key-space", t("osk.space"), t("osk.space"), "osk-key osk-space", "space");
    default: {
      const letter = /^[a-z]$/.test(name);
      const shown = letter && shift ? name.toUpperCase() : name;
      const aria = NAMED[name] ? t(NAMED[name]) : letter && shift ? t("osk.capital", { letter: shown }) : shown;
      return button(`osk-key-${name}`, shown, aria, "osk-key", name);
    }
  }
}

function row(names, className = "osk-row") {
  const div = document.createElement("div");
  div.className = className;
  div.append(...names.map(keyButton));
  return div;
}

function tool(name) {
  if (name === "switch") {
    const toLetters = layout === "numpad";
    return button(
      "osk-switch",
      toLetters ? t("osk.to_letters") : t("osk.to_numpad"),
      toLetters ? t("osk.to_letters_label") : t("osk.to_numpad_label"),
      "osk-key osk-tool",
      "switch",
    );
  }
  return button("osk-close", t("osk.close"), t("osk.close_label"), "osk-key osk-tool", "close");
}

function render() {
  const keys = document.createElement("div");
  if (layout === "numpad") {
    keys.className = "osk-layout osk-numpad";
    keys.dataset.testid = "osk-numpad";
    const tools = document.createElement("div");
    tools.className = "osk-row";
    tools.append(tool("switch"), tool("close"));
    keys.append(...NUMPAD_ROWS.map((r) => row(r)), tools);
  } else {
    keys.className = "osk-layout osk-letters";
    keys.dataset.testid = "osk-letters";
    const last = row(SYMBOL_ROW);
    last.prepend(tool("switch"));
    last.append(tool("close"));
    keys.append(row(DIGIT_ROW), ...LETTER_ROWS.map((r) => row(r)), last);
  }
  osk.dataset.layout = layout;
  osk.replaceChildren(keys);
}

// ---- typing ------------------------------------------------------------------

function selectionOf(target) {
  try {
    const start = target.selectionStart;
    const end = target.selectionEnd;
    if (start !== null && end !== null && start !== undefined) return { start, end };
  } catch (_) {
    // type="email" has no selection API: the caret is at the end.
  }
  return { start: target.value.length, end: target.value.length };
}

function setCaret(target, pos) {
  try {
    target.setSelectionRange(pos, pos);
  } catch (_) {
    // type="email": no caret to place.
  }
}

/** What typing would do, by hand (when the browser's editing command is unavailable). */
function manualEdit(target, inputType, data) {
  const { start, end } = selectionOf(target);
  const value = target.value;
  let next;
  let caret;
  if (inputType === "deleteContentBackward") {
    if (start === end && start === 0) return;
    const from = start === end ? start - 1 : start;
    next = value.slice(0, from) + value.slice(end);
    caret = from;
  } else {
    next = value.slice(0, start) + data + value.slice(end);
    caret = start + data.length;
  }
  const before = new InputEvent("beforeinput", { bubbles: true, cancelable: true, inputType, data });
  if (!target.dispatchEvent(before)) return;
  target.value = next;
  setCaret(target, caret);
  target.dispatchEvent(new InputEvent("input", { bubbles: true, inputType, data }));
}

function insert(target, text) {
  const { start, end } = selectionOf(target);
  const max = target.maxLength;
  if (max > 0 && target.value.length - (end - start) + text.length > max) return;
  const before = target.value;
  let done = false;
  try {
    done = document.execCommand("insertText", false, text);
  } catch (_) {
    done = false;
  }
  if (!done || target.value === before) manualEdit(target, "insertText", text);
}

function deleteBackward(target) {
  const before = target.value;
  if (before === "") return;
  let done = false;
  try {
    done = document.execCommand("delete", false);
  } catch (_) {
    done = false;
  }
  if (!done || target.value === before) manualEdit(target, "deleteContentBackward", null);
}

/** "Entrée": submits the field's form, as Enter in the field would. */
function submit(target) {
  const form = target.form;
  if (!form) return;
  const submitter = form.querySelector('[type="submit"]');
  if (submitter && (submitter.disabled || submitter.getAttribute("aria-busy") === "true")) return;
  if (typeof form.requestSubmit === "function") form.requestSubmit();
  else if (submitter) submitter.click();
}

function press(name) {
  const target = field;
  if (!target || !document.contains(target)) {
    hide();
    return;
  }
  if (document.activeElement !== target) target.focus({ preventScroll: true });
  switch (name) {
    case "shift":
      shift = !shift;
      render();
      return;
    case "switch":
      layout = layout === "numpad" ? "letters" : "numpad";
      shift = false;
      render();
      return;
    case "close":
      dismissed = target;
      hide();
      return;
    case "backspace":
      deleteBackward(target);
      return;
    case "enter":
      submit(target);
      return;
    case "space":
      insert(target, " ");
      return;
    default: {
      const letter = /^[a-z]$/.test(name);
      insert(target, letter && shift ? name.toUpperCase() : name);
      // Shift holds for one letter, as on a phone.
      if (letter && shift) {
        shift = false;
        render();
      }
    }
  }
}

// ---- showing and hiding --------------------------------------------------------

/** Docks the keyboard for `target` (in its dialog when it is in one: the rest is inert). */
function attach(target) {
  const newLayout = wantsNumpad(target) ? "numpad" : "letters";
  const changed = field !== target || osk.hidden;
  field = target;
  const host = target.closest("dialog") || document.body;
  if (osk.parentElement !== host) host.append(osk);
  if (changed) {
    layout = newLayout;
    shift = false;
    render();
  }
  if (osk.hidden) scrolledBefore = page ? page.scrollTop : 0;
  osk.hidden = false;
  document.documentElement.classList.add("osk-open");
  // The whole field comes into view above the keyboard: its label, the
  // input and the message under it (an error the member is correcting).
  requestAnimationFrame(() => {
    const whole = target.closest(".field") || target;
    if (field === target && typeof whole.scrollIntoView === "function") whole.scrollIntoView({ block: "nearest" });
  });
}

export function hide() {
  const wasShown = !osk.hidden;
  osk.hidden = true;
  document.documentElement.classList.remove("osk-open");
  // The page goes back to where it was before the keyboard pushed it up
  // (where the screen's title and message are).
  if (wasShown && page) page.scrollTop = scrolledBefore;
  shift = false;
  if (osk.parentElement !== document.body) document.body.append(osk);
}

/** A finger or button is down: hiding now would move what it is pressing. */
let pressing = false;

/** After a focus change: kept while the focus is in a text field or on a key. */
function followFocus() {
  if (!enabled) return;
  const active = document.activeElement;
  if (isTextField(active)) {
    if (active === dismissed) return;
    dismissed = null;
    attach(active);
  } else if (!osk.contains(active) && !pressing) {
    // Hidden only once the press is over: the page grows when the keyboard
    // goes, and a button pressed below a field must still get its click.
    field = null;
    hide();
  }
}

export function initKeyboard() {
  if (wired) return;
  wired = true;
  // The keys never take the focus from the field.
  osk.addEventListener("pointerdown", (event) => event.preventDefault());
  osk.addEventListener("mousedown", (event) => event.preventDefault());
  osk.addEventListener("click", (event) => {
    const key = event.target.closest("button[data-key]");
    if (key && osk.contains(key)) press(key.dataset.key);
  });
  document.addEventListener("pointerdown", () => {
    pressing = true;
  }, true);
  for (const type of ["pointerup", "pointercancel"]) {
    document.addEventListener(type, () => {
      pressing = false;
      // After the click that follows this pointerup.
      setTimeout(followFocus, 0);
    }, true);
  }
  document.addEventListener("focusin", () => followFocus());
  document.addEventListener("focusout", () => setTimeout(followFocus, 0));
  // Closed with its key, the keyboard comes back with a tap on the field.
  document.addEventListener("click", (event) => {
    if (enabled && isTextField(event.target) && osk.hidden) {
      dismissed = null;
      attach(event.target);
    }
  });
  onLangChange(() => {
    if (!osk.hidden) render();
  });
  onWipe(() => {
    field = null;
    dismissed = null;
    hide();
    osk.replaceChildren();
  });
}

/** Called once app_info is known: decides whether the keyboard is used. */
export function configureKeyboard() {
  const mode = kioskConfig().keyboard;
  enabled = isKiosk() && (mode === "always" || (mode === "auto" && hasTouch()));
  document.documentElement.classList.toggle("with-osk", enabled);
  if (!enabled) {
    field = null;
    hide();
    return;
  }
  if (isTextField(document.activeElement)) attach(document.activeElement);
}
