//! Log-in, the session, the change of password, log-out (borne-app); the
//! remembered identifier of a member's PC stays here (device.rs).

use crate::device::DeviceState;
use crate::state::AppState;
use app_core::{LoggedIn, UiError};
use borne_api::MemberSummary;
use borne_core::Secret;
use tauri::State;

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
    let typed = Secret::new(identifier);
    let answer = state.login(typed.expose(), Secret::from(password)).await?;
    device.after_login(remember, typed.expose()).await;
    Ok(answer)
}

#[tauri::command]
pub async fn current_member(state: State<'_, AppState>) -> Result<Option<MemberSummary>, UiError> {
    Ok(state.current_member().await)
}

#[tauri::command]
pub async fn change_password(
    state: State<'_, AppState>,
    current_password: Option<String>,
    new_password: String,
    confirmation: String,
) -> Result<MemberSummary, UiError> {
    state.change_password(current_password.map(Secret::from), Secret::from(new_password), Secret::from(confirmation)).await
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Result<(), UiError> {
    state.logout().await;
    Ok(())
}
