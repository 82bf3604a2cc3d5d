//! The IPC surface of the app. Each command parses its input with
//! `borne-core`, calls `borne-client`, and answers a view or a [`UiError`].

use crate::state::{AppState, Session};
use crate::ui_error::UiError;
use borne_core::api::MemberSummary;
use borne_core::support::Support;
use borne_core::{BorneError, Identifier, Secret};
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct AppInfo {
    pub demo: bool,
    pub version: &'static str,
    pub support: Support,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo { demo: state.backend.demo, version: env!("CARGO_PKG_VERSION"), support: state.support.clone() }
}

/// Checks field (A) as the member types it: the precise message of the first
/// problem, or nothing. No network call.
#[tauri::command]
pub fn check_identifier(state: State<'_, AppState>, identifier: String) -> Result<(), UiError> {
    Identifier::parse(&identifier).map(|_| ()).map_err(|e| UiError::new(&e, &state.support))
}

#[tauri::command]
pub async fn login(state: State<'_, AppState>, identifier: String, password: String) -> Result<MemberSummary, UiError> {
    let password = Secret::from(password);
    let fail = |e: BorneError| UiError::new(&e, &state.support);
    let identifier = Identifier::parse(&identifier).map_err(fail)?;
    if password.is_empty() {
        return Err(fail(BorneError::PasswordMissing));
    }
    let answer = state.backend.client.login(&identifier, &password).await;
    match answer {
        Ok(resp) => {
            tracing::info!("member logged in");
            let member = resp.member.clone();
            *state.session.lock().await = Some(Session { token: resp.token.clone(), member: member.clone() });
            Ok(member)
        }
        Err(e) => {
            tracing::info!(code = ?e.code(), "log-in refused");
            Err(fail(e))
        }
    }
}

/// The member currently logged in, if any (the UI asks after a reload).
#[tauri::command]
pub async fn current_member(state: State<'_, AppState>) -> Result<Option<MemberSummary>, UiError> {
    Ok(state.session.lock().await.as_ref().map(|s| s.member.clone()))
}

/// Ends the session: revoked on the backend when it answers, always forgotten here.
#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Result<(), UiError> {
    let session = state.session.lock().await.take();
    if let Some(session) = session {
        if let Err(e) = state.backend.client.logout(&session.token).await {
            tracing::warn!(code = ?e.code(), "the backend did not confirm the log-out; the session is forgotten locally");
        }
    }
    tracing::info!("member logged out");
    Ok(())
}
