//! `borne://reset?token=…`: the link of the "Réinitialisation de mot de
//! passe" e-mail, opened on a member's PC, shows the reset step (MPN guide,
//! step 8). The token is kept on the Rust side; the UI only learns which
//! screen to show. Nothing of the link is logged.

use crate::state::{AppState, Procedure};
use borne_core::Secret;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Url};
use tauri_plugin_deep_link::DeepLinkExt;

pub const SCHEME: &str = "borne";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Opened {
    pub screen: &'static str,
}

/// The token of a reset link, if `url` is one: `borne://reset?token=X` with X
/// made of URL-safe characters (what the server generates), 16 to 256 long.
pub fn reset_token(url: &Url) -> Option<Secret> {
    if url.scheme() != SCHEME || url.host_str() != Some("reset") {
        return None;
    }
    let token = url.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned())?;
    let well_formed = (16..=256).contains(&token.len()) && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    well_formed.then(|| Secret::new(token))
}

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
    let Some(token) = urls.iter().find_map(reset_token) else {
        tracing::warn!("a link the app does not handle was ignored");
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        *state.procedure.lock().await = Procedure { token: Some(token), ..Procedure::default() };
        let opened = Opened { screen: "reset" };
        *state.pending_link.lock().await = Some(opened.clone());
        tracing::info!("reset link opened");
        let _ = app.emit("deep-link", opened);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(s: &str) -> Option<String> {
        reset_token(&Url::parse(s).unwrap()).map(|t| t.expose().to_owned())
    }

    #[test]
    fn only_well_formed_reset_links_carry_a_token() {
        assert_eq!(token("borne://reset?token=AbC_def-0123456789xyz").as_deref(), Some("AbC_def-0123456789xyz"));
        assert_eq!(token("borne://reset?token=short"), None);
        assert_eq!(token("borne://other?token=AbC_def-0123456789xyz"), None);
        assert_eq!(token("https://reset?token=AbC_def-0123456789xyz"), None);
        assert_eq!(token("borne://reset?token=AbC%3Cscript%3E0123456789"), None);
        assert_eq!(token("borne://reset"), None);
    }
}
