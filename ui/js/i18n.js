// The UI's own texts (ui/i18n/<lang>.js), applied through data-i18n="key"
// (text content) and data-i18n-attr="attribute:key;attribute:key".
// Messages from the Rust side are already in the chosen language.
import fr from "../i18n/fr.js";
import en from "../i18n/en.js";

const DICTS = { fr, en };
let lang = "fr";
const listeners = [];
/** Values every text may use: `{space}`, the insurer's « Espace adhérent »
 * or « Espace personnel » (its profile, applyProfile). */
const globals = { space: "" };

export const LANGS = Object.keys(DICTS);

export function getLang() {
  return lang;
}

/** The text of `key` in the current language, `{name}` replaced from `vars`
 * (then from the globals). */
export function t(key, vars = {}) {
  const text = DICTS[lang][key] ?? DICTS.fr[key] ?? key;
  const all = { ...globals, ...vars };
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in all ? String(all[name]) : whole));
}

/** Sets values every text may use (the insurer's `space`) and redraws the texts. */
export function setGlobals(values) {
  Object.assign(globals, values);
  applyTexts();
  for (const fn of listeners) fn(lang);
}

export function applyTexts(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    // A button showing its busy label keeps it until the call ends.
    if (el.getAttribute("aria-busy") === "true") continue;
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":").map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/** Switches the UI texts (the Rust side is told by the caller). */
export function setLang(next) {
  if (!(next in DICTS)) return;
  lang = next;
  document.documentElement.lang = next;
  applyTexts();
  for (const fn of listeners) fn(next);
}

/** Called after every switch, for texts built by code. */
export function onLangChange(fn) {
  listeners.push(fn);
}
