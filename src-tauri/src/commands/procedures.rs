//! The guides' procedures (borne-app): forgotten password (MPN), unlocking
//! (MGEN), registration, their codes, resends and the new password, and
//! entering or leaving one.

use crate::state::AppState;
use app_core::{Progress, ResetDone, Sent, UiError, UnlockSent, UnlockView};
use borne_api::Channel;
use borne_core::Secret;
use tauri::State;

#[tauri::command]
pub async fn forgot_password(state: State<'_, AppState>, identifier: String, member_number: String, email: String) -> Result<Sent, UiError> {
    state.forgot_password(Secret::new(identifier).expose(), Secret::new(member_number).expose(), Secret::new(email).expose()).await
}

#[tauri::command]
pub async fn register(state: State<'_, AppState>, nir: String, member_number: String, birthdate: String, email: String) -> Result<Sent, UiError> {
    state.register(Secret::new(nir).expose(), Secret::new(member_number).expose(), Secret::new(birthdate).expose(), Secret::new(email).expose()).await
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, nir: String, birthdate: String) -> Result<UnlockView, UiError> {
    state.unlock(Secret::new(nir).expose(), Secret::new(birthdate).expose()).await
}

#[tauri::command]
pub async fn unlock_send(state: State<'_, AppState>, channel: Channel) -> Result<UnlockSent, UiError> {
    state.unlock_send(channel).await
}

#[tauri::command]
pub async fn resend(state: State<'_, AppState>) -> Result<Sent, UiError> {
    state.resend().await
}

#[tauri::command]
pub async fn verify_code(state: State<'_, AppState>, code: String) -> Result<Progress, UiError> {
    state.verify_code(Secret::new(code).expose()).await
}

#[tauri::command]
pub async fn reset_password(state: State<'_, AppState>, new_password: String, confirmation: String) -> Result<ResetDone, UiError> {
    state.reset_password(Secret::from(new_password), Secret::from(confirmation)).await
}

#[tauri::command]
pub async fn cancel_procedure(state: State<'_, AppState>) -> Result<Progress, UiError> {
    Ok(state.cancel_procedure().await)
}

/// An entry point (`step` absent) or a guide's « Aller à cet écran » (`step`, 1-based).
#[tauri::command]
pub async fn start_procedure(state: State<'_, AppState>, procedure: String, step: Option<usize>) -> Result<Progress, UiError> {
    state.start_procedure(&procedure, step).await
}
