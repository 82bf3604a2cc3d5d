//! Log-in (MPN "CONNEXION", and the MGEN temporary password), the session,
//! the change of password, log-out.

use crate::device::DeviceState;
use crate::state::{AppState, Kind, Procedure, Session};
use crate::ui_error::UiError;
use borne_core::api::{ChangePasswordRequest, LoginResponse, MemberSummary};
use borne_core::{BorneError, Identifier, Secret};
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct LoggedIn {
    pub member: MemberSummary,
    /// Logged in with an SMS temporary password: the next screen is the
    /// change of password, and nothing else is allowed.
    pub must_change_password: bool,
}

/// `remember` (member's PC only): after a successful log-in, true keeps the
/// identifier as typed in the OS keyring, false forgets it; never the
/// password, and nothing at all at a kiosk (device.rs).
#[tauri::command]
pub async fn login(
    state: State<'_, AppState>,
    device: State<'_, DeviceState>,
    identifier: String,
    password: String,
    remember: Option<bool>,
) -> Result<LoggedIn, UiError> {
    let password = Secret::from(password);
    let typed = Secret::new(identifier);
    let identifier = Identifier::parse(typed.expose()).map_err(|e| state.fail(e))?;
    if password.is_empty() {
        return Err(state.fail(BorneError::PasswordMissing));
    }
    match state.backend.client.login(&identifier, &password).await {
        Ok(resp) => {
            let must_change_password = resp.must_change_password;
            tracing::info!(must_change_password, "member logged in");
            if must_change_password {
                // The NIR is one of the things the new password must not contain.
                *state.procedure.lock().await = Procedure {
                    nir: Some(Secret::new(identifier.canonical())),
                    ..Procedure::start(Kind::Unlock)
                };
            }
            device.after_login(remember, typed.expose()).await;
            Ok(LoggedIn { member: keep_session(&state, resp).await, must_change_password })
        }
        Err(e) => {
            tracing::info!(code = ?e.code(), "log-in refused");
            Err(state.fail(e))
        }
    }
}

pub async fn keep_session(state: &AppState, resp: LoginResponse) -> MemberSummary {
    let member = resp.member.clone();
    let temporary = resp.must_change_password;
    *state.session.lock().await = Some(Session { token: resp.token.clone(), member: member.clone(), temporary });
    member
}

/// The member currently logged in with a full session, if any (the UI asks
/// after a reload).
#[tauri::command]
pub async fn current_member(state: State<'_, AppState>) -> Result<Option<MemberSummary>, UiError> {
    Ok(state.session.lock().await.as_ref().filter(|s| !s.temporary).map(|s| s.member.clone()))
}

/// Sets a new password: with the session (a temporary-password session needs
/// no current password; a normal one does), or, after an unlock by e-mail,
/// with the token of its code — then logs the member in with their NIR
/// (MGEN guide, step 5: "vous accéderez à votre Espace personnel").
#[tauri::command]
pub async fn change_password(
    state: State<'_, AppState>,
    current_password: Option<String>,
    new_password: String,
    confirmation: String,
) -> Result<MemberSummary, UiError> {
    let current_password = current_password.map(Secret::from).filter(|p| !p.is_empty());
    let (new_password, confirmation) = (Secret::from(new_password), Secret::from(confirmation));
    crate::commands::procedures::check_new_password(&state, &new_password, &confirmation).await?;

    let session = state.session.lock().await.as_ref().map(|s| (s.token.clone(), s.temporary));
    let result = match session {
        Some((token, temporary)) => {
            if !temporary && current_password.is_none() {
                return Err(state.fail(BorneError::CurrentPasswordWrong));
            }
            let req = ChangePasswordRequest { current_password, new_password, new_password_confirmation: confirmation };
            match state.backend.client.change_password(&token, &req).await {
                Ok(resp) => Ok(keep_session(&state, resp).await),
                Err(e) => Err(e),
            }
        }
        None => crate::commands::procedures::reset_then_log_in(&state, &new_password, &confirmation).await,
    };
    match result {
        Ok(member) => {
            tracing::info!("password changed");
            *state.procedure.lock().await = Procedure::default();
            Ok(member)
        }
        Err(e) => {
            tracing::info!(code = ?e.code(), "password change refused");
            Err(state.fail(e))
        }
    }
}

/// Ends the session: revoked on the backend when it answers, always
/// forgotten here, with any procedure under way.
#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Result<(), UiError> {
    let session = state.session.lock().await.take();
    *state.procedure.lock().await = Procedure::default();
    if let Some(session) = session {
        if let Err(e) = state.backend.client.logout(&session.token).await {
            tracing::warn!(code = ?e.code(), "the backend did not confirm the log-out; the session is forgotten locally");
        }
    }
    tracing::info!("member logged out");
    Ok(())
}
