// How the screen reads (issue 15 §2, EN 301 549 §5.1.4, WCAG 1.4.4): the
// text size (100 %, 150 %, 200 %) and a high-contrast option, on every
// screen from the top bar. They stand in for the zoom keys and the pinch
// that a kiosk turns off. At a kiosk the next member starts again from
// 100 % without high contrast: the wipe resets both. On a member's PC the
// usual zoom keys step through the same sizes: Ctrl + « + » / « - » / « 0 »
// and Ctrl + wheel (WebKitGTK has no zoom keys of its own, and wry cannot
// turn WebView2's on for Linux; docs/accessibility.md).
import { allByTestid } from "./screens.js";
import { isKiosk } from "./state.js";
import { onWipe } from "./wipe.js";

export const TEXT_SIZES = ["100", "150", "200"];
const root = document.documentElement;

function render() {
  const size = root.dataset.textSize || "100";
  for (const s of TEXT_SIZES) {
    for (const button of allByTestid(`text-size-${s}`)) button.setAttribute("aria-pressed", String(s === size));
  }
  const contrast = root.classList.contains("high-contrast");
  for (const button of allByTestid("high-contrast")) button.setAttribute("aria-pressed", String(contrast));
}

/** Sets the text size, one of [`TEXT_SIZES`]: every size is in rem, so it all grows. */
export function setTextSize(size) {
  if (!TEXT_SIZES.includes(size)) return;
  if (size === "100") delete root.dataset.textSize;
  else root.dataset.textSize = size;
  render();
}

export function setHighContrast(on) {
  root.classList.toggle("high-contrast", Boolean(on));
  render();
}

function step(by) {
  const at = TEXT_SIZES.indexOf(root.dataset.textSize || "100");
  setTextSize(TEXT_SIZES[Math.min(TEXT_SIZES.length - 1, Math.max(0, at + by))]);
}

function zoomKey(event) {
  if (isKiosk() || !(event.ctrlKey || event.metaKey) || event.altKey) return;
  if (event.key === "+" || event.key === "=") step(1);
  else if (event.key === "-") step(-1);
  else if (event.key === "0") setTextSize("100");
  else return;
  event.preventDefault();
}

function zoomWheel(event) {
  if (isKiosk() || !(event.ctrlKey || event.metaKey) || event.deltaY === 0) return;
  event.preventDefault();
  step(event.deltaY < 0 ? 1 : -1);
}

export function initDisplay() {
  document.addEventListener("keydown", zoomKey);
  document.addEventListener("wheel", zoomWheel, { passive: false });
  for (const s of TEXT_SIZES) {
    for (const button of allByTestid(`text-size-${s}`)) button.addEventListener("click", () => setTextSize(s));
  }
  for (const button of allByTestid("high-contrast")) {
    button.addEventListener("click", () => setHighContrast(!root.classList.contains("high-contrast")));
  }
  onWipe(() => {
    setTextSize("100");
    setHighContrast(false);
  });
  render();
}
