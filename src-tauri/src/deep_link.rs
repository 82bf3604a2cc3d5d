//! `borne://reset?token=…` links (the e-mail of a forgotten password or of
//! an unlock), opened on a member's PC: handed to the app core, which keeps
//! the token and says which screen and step to show (borne-app, link.rs);
//! the UI is told with the `deep-link` event. Nothing of the link is logged.

use crate::state::AppState;
use tauri::{AppHandle, Emitter, Manager, Url};
use tauri_plugin_deep_link::DeepLinkExt;

/// Handles the link the app was started with and every later one.
pub fn listen(app: &tauri::App) {
    let handle = app.handle().clone();
    match app.deep_link().get_current() {
        Ok(Some(urls)) => open(&handle, &urls),
        Ok(None) => {}
        Err(e) => tracing::warn!("deep links unavailable: {e}"),
    }
    let later = handle.clone();
    app.deep_link().on_open_url(move |event| open(&later, &event.urls()));
}

fn open(app: &AppHandle, urls: &[Url]) {
    let urls: Vec<String> = urls.iter().map(Url::to_string).collect();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(opened) = app.state::<AppState>().open_link(&urls).await {
            let _ = app.emit("deep-link", opened);
        }
    });
}
