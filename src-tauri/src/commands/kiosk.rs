//! The full wipe between two members and the staff exit (issue 5,
//! docs/app-ipc.md "Kiosk and member's PC").

use crate::config::AppConfig;
use crate::kiosk::{self, PinThrottle};
use crate::state::AppState;
use app_core::UiError;
use borne_core::Secret;
use serde::Serialize;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, State};

/// Empties the page's own storage at once; the browsing data of the
/// webview (storage on disk, cache, cookies) is cleared asynchronously by
/// WebKit/WebView2 right after.
const CLEAR_PAGE_STORAGE: &str = "try { window.localStorage.clear(); window.sessionStorage.clear(); } catch (_) {}";

/// Ends the member's visit: the session (revoked on the backend when it
/// answers), the procedure and its secrets, a pending `borne://` link, and
/// everything the webview kept. The UI empties its fields and shows the
/// attract screen (kiosk) or home (PC).
#[tauri::command]
pub async fn wipe(app: AppHandle, state: State<'_, AppState>) -> Result<(), UiError> {
    // Speech stops at once and the spoken mode is forgotten (issue 15 §1).
    app.state::<crate::commands::speech::Speech>().forget();
    state.forget_link().await;
    // The log-out forgets the session and the procedure even when the backend does not answer.
    state.logout().await;
    match app.get_webview_window(kiosk::MAIN) {
        Some(window) => {
            if let Err(e) = window.eval(CLEAR_PAGE_STORAGE) {
                tracing::warn!("could not empty the page's storage: {e}");
            }
            if let Err(e) = window.clear_all_browsing_data() {
                tracing::warn!("could not clear the webview's data: {e}");
            }
        }
        None => tracing::warn!("no main window to clear"),
    }
    tracing::info!("wiped");
    Ok(())
}

/// The wrong-PIN count of the staff exit, shared by every call.
#[derive(Default)]
pub struct StaffExit(tokio::sync::Mutex<PinThrottle>);

#[derive(Debug, Serialize)]
pub struct StaffExitAnswer {
    pub accepted: bool,
}

/// How long the answer has to reach the UI before the app quits.
const QUIT_AFTER: Duration = Duration::from_millis(300);

/// Staff's hidden exit: the PIN is checked against `staff_pin_hash`
/// (Argon2id, off the async threads); when right, the app quits right
/// after answering. Five wrong PINs in a row: refused for 5 minutes. Calls
/// are checked one at a time. The PIN is never logged.
#[tauri::command]
pub async fn staff_exit(
    app: AppHandle,
    config: State<'_, AppConfig>,
    throttle: State<'_, StaffExit>,
    pin: String,
) -> Result<StaffExitAnswer, UiError> {
    let pin = Secret::from(pin);
    let refused = Ok(StaffExitAnswer { accepted: false });
    let Some(hash) = config.staff_pin_hash.clone() else {
        tracing::warn!(outcome = "not_configured", "staff exit refused: no staff PIN hash is configured");
        return refused;
    };
    // Held while the PIN is checked: guesses cannot run in parallel.
    let mut throttle = throttle.0.lock().await;
    if let Some(left) = throttle.refused_for(Instant::now()) {
        tracing::warn!(outcome = "locked", seconds_left = left.as_secs(), "staff exit refused: too many wrong PINs");
        return refused;
    }
    if pin.is_empty() || pin.expose().chars().count() > kiosk::PIN_MAX_CHARS {
        tracing::info!(outcome = "malformed", "staff exit refused");
        return refused;
    }
    let right = tauri::async_runtime::spawn_blocking(move || kiosk::pin_matches(&hash, &pin)).await.unwrap_or(false);
    throttle.record(Instant::now(), right);
    if !right {
        tracing::warn!(outcome = "wrong_pin", "staff exit refused");
        return refused;
    }
    tracing::info!(outcome = "accepted", "staff exit: the app quits");
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(QUIT_AFTER).await;
        app.exit(0);
    });
    Ok(StaffExitAnswer { accepted: true })
}
