// Whether the backend can be reached (`device_status` at start, then the
// `device-status` event after each heartbeat): when it cannot, a polite
// banner for members (`backend-status`, role="status") with the insurer's
// phone, and at a kiosk a small line for staff (`staff-status`) with the
// Rust side's `problem` text. Both are hidden while the backend answers.
import { invoke, onDeviceStatus } from "../ipc.js";
import { app, isKiosk } from "./state.js";
import { getLang, t, onLangChange } from "./i18n.js";
import { byTestid } from "./screens.js";

const banner = byTestid("backend-status");
const staff = byTestid("staff-status");
let last = null;

function time(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return date.toLocaleTimeString(getLang() === "en" ? "en-GB" : "fr-FR", { hour: "2-digit", minute: "2-digit" });
}

function setText(el, text) {
  // A live region announces a change of its text: only a real change is set.
  if (el.textContent !== text) el.textContent = text;
}

export function renderStatus(status = last) {
  last = status || null;
  const down = Boolean(last && last.backend_reachable === false);
  // Staff also need to know about a kiosk problem while the backend answers
  // (not enrolled, keyring locked): members see nothing of it then.
  const staffProblem = Boolean(isKiosk() && last && (down || last.problem));
  if (!down) {
    banner.hidden = true;
    banner.textContent = "";
  } else {
    const phone = (app.profile.support && app.profile.support.phone) || "";
    // Shown first, then filled: the status region announces its new text.
    banner.hidden = false;
    setText(banner, phone ? t("status.backend_down", { phone }) : t("status.backend_down_no_phone"));
  }
  if (staffProblem) {
    const problem = last.problem || t("status.staff_unreachable");
    const seen = time(last.last_heartbeat);
    staff.hidden = false;
    setText(staff, seen ? t("status.staff_since", { problem, time: seen }) : t("status.staff", { problem }));
  } else {
    staff.hidden = true;
    staff.textContent = "";
  }
}

/** Reads the status once and follows the `device-status` event. */
export async function initStatus() {
  onLangChange(() => renderStatus());
  onDeviceStatus((status) => renderStatus(status));
  try {
    renderStatus(await invoke("device_status"));
  } catch (_) {
    // No status (older Rust side): nothing shown; the errors of each call
    // still say when the service is unavailable.
    renderStatus(null);
  }
}
