// The only door to the Rust side (docs/app-ipc.md). Every command answers a
// value or throws {code, message, field?, attempts_left?}; anything else
// becomes "unexpected".
import { t } from "./js/i18n.js";

const tauri = window.__TAURI__;
const core = tauri && tauri.core;

export async function invoke(command, args = {}) {
  if (!core) {
    throw { code: "unexpected", message: t("ipc.no_tauri") };
  }
  try {
    return await core.invoke(command, args);
  } catch (err) {
    if (err && typeof err === "object" && typeof err.code === "string" && typeof err.message === "string") {
      throw err;
    }
    throw { code: "unexpected", message: t("ipc.unexpected") };
  }
}

// A `borne://reset?token=…` link opened while the app runs: the Rust side
// keeps the token and emits `deep-link` with `{screen}`.
export async function onDeepLink(handler) {
  const events = tauri && tauri.event;
  if (!events || typeof events.listen !== "function") return;
  try {
    await events.listen("deep-link", (event) => handler(event && event.payload));
  } catch (_) {
    // Without the listener the link is still taken at the next start.
  }
}

// The kiosk's heartbeat: after each one the Rust side emits `device-status`
// with the answer of `device_status` ({backend_reachable, enrolled,
// last_heartbeat, problem}).
export async function onDeviceStatus(handler) {
  const events = tauri && tauri.event;
  if (!events || typeof events.listen !== "function") return;
  try {
    await events.listen("device-status", (event) => handler(event && event.payload));
  } catch (_) {
    // Without the listener the status read at start stays shown.
  }
}
