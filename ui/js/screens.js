// Navigation: exactly one screen root visible at a time, its h1 focused so
// that screen readers announce the new screen.

const beforeShow = new Map(); // screen → [fn]
const changeListeners = [];
let current = null;
let previous = null;

/** The element with this data-testid, inside `scope` (a screen name or an element). */
export function byTestid(testid, scope = document) {
  const root = typeof scope === "string" ? screenRoot(scope) : scope;
  return root ? root.querySelector(`[data-testid="${testid}"]`) : null;
}

export function allByTestid(testid, scope = document) {
  return [...scope.querySelectorAll(`[data-testid="${testid}"]`)];
}

export function screenRoot(name) {
  return document.querySelector(`[data-screen="${name}"]`);
}

/** The screen name an element belongs to. */
export function screenOf(el) {
  const root = el && el.closest("[data-screen]");
  return root ? root.dataset.screen : null;
}

export function currentScreen() {
  return current;
}

export function previousScreen() {
  return previous;
}

/** `fn()` runs each time `screen` is about to be shown. */
export function onShow(screen, fn) {
  if (!beforeShow.has(screen)) beforeShow.set(screen, []);
  beforeShow.get(screen).push(fn);
}

/** `fn(screen)` runs after every change of screen. */
export function onScreenChange(fn) {
  changeListeners.push(fn);
}

export function show(screen) {
  const target = screenRoot(screen);
  if (!target) return;
  for (const fn of beforeShow.get(screen) || []) fn();
  for (const el of document.querySelectorAll("section[data-screen]")) {
    el.hidden = el !== target;
  }
  if (current !== screen) previous = current;
  current = screen;
  document.body.dataset.currentScreen = screen;
  for (const fn of changeListeners) fn(screen);
  scrollToTop();
  const heading = target.querySelector("h1");
  if (heading) heading.focus({ preventScroll: true });
}

/**
 * Back to the top of the page, where a screen's title and message are. On
 * narrow screens the walkthrough is above the form; at a kiosk the page
 * scrolls inside [data-page], under a fixed top bar.
 */
export function scrollToTop() {
  window.scrollTo(0, 0);
  const page = document.querySelector("[data-page]");
  if (page) page.scrollTop = 0;
}
