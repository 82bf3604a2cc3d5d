// The page's title names the screen (WCAG 2.4.2): « <the screen's h1> —
// <the insurer> — Espace adhérent », set at each change of screen and of
// language.
import { onLangChange } from "./i18n.js";
import { currentScreen, onScreenChange, screenRoot } from "./screens.js";

function update() {
  const root = screenRoot(currentScreen());
  const heading = root && root.querySelector("h1");
  const brand = document.querySelector('[data-testid="insurer-name"]');
  const parts = [heading && heading.textContent.trim(), brand && brand.textContent.trim()].filter(Boolean);
  if (parts.length) document.title = parts.join(" — ");
}

export function initTitle() {
  // After the other listeners (the top bar's name is set on a language change too).
  const later = () => setTimeout(update, 0);
  onScreenChange(later);
  onLangChange(later);
}
