// The only door to the Rust side (docs/app-ipc.md). Every command answers a
// value or throws {code, message, field?, attempts_left?}; anything else
// becomes "unexpected".
//
// `withGlobalTauri` is off (tauri.conf.json): Tauri does not put its JS API
// on `window.__TAURI__`. What it always injects, before the page's scripts,
// is `window.__TAURI_INTERNALS__`, with `invoke(cmd, args)` and
// `transformCallback(fn)`: @tauri-apps/api's `core.invoke` and `event.listen`
// are thin wrappers over those two, and so are the calls below (written here
// rather than vendoring that package). What the page may call through them is
// src-tauri/capabilities/default.json (ARCHITECTURE.md, "What the webview may
// call").
import { t } from "./js/i18n.js";

const internals = window.__TAURI_INTERNALS__;
const ipc = internals && typeof internals.invoke === "function" ? internals : null;

export async function invoke(command, args = {}) {
  if (!ipc) {
    throw { code: "unexpected", message: t("ipc.no_tauri") };
  }
  try {
    return await ipc.invoke(command, args);
  } catch (err) {
    if (err && typeof err === "object" && typeof err.code === "string" && typeof err.message === "string") {
      throw err;
    }
    throw { code: "unexpected", message: t("ipc.unexpected") };
  }
}

// What @tauri-apps/api's `event.listen(event, handler)` does (tauri 2,
// packages/api/src/event.ts): the event plugin's `listen` command (permission
// `core:event:allow-listen`) with a callback id; the Rust side then calls it
// with `{event, id, payload}` at each emit. Target "Any": every emit of that
// event. The listeners live as long as the page; none is ever removed (so
// `unlisten` is not granted).
async function listen(event, handler) {
  if (!ipc || typeof ipc.transformCallback !== "function") return;
  const callback = ipc.transformCallback((message) => handler(message && message.payload));
  await ipc.invoke("plugin:event|listen", { event, target: { kind: "Any" }, handler: callback });
}

// A `borne://reset?token=…` link opened while the app runs: the Rust side
// keeps the token and emits `deep-link` with `{screen}`.
export async function onDeepLink(handler) {
  try {
    await listen("deep-link", handler);
  } catch (_) {
    // Without the listener the link is still taken at the next start.
  }
}

// The kiosk's heartbeat: after each one the Rust side emits `device-status`
// with the answer of `device_status` ({backend_reachable, enrolled,
// last_heartbeat, problem}).
export async function onDeviceStatus(handler) {
  try {
    await listen("device-status", handler);
  } catch (_) {
    // Without the listener the status read at start stays shown.
  }
}
