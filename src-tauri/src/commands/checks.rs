//! Checks made as the member types, with no network call (borne-app).

use crate::state::AppState;
use app_core::{PasswordCheck, UiError};
use borne_core::Secret;
use tauri::State;

#[tauri::command]
pub fn check_identifier(state: State<'_, AppState>, identifier: String) -> Result<(), UiError> {
    state.check_identifier(&identifier)
}

#[tauri::command]
pub fn check_unlock(state: State<'_, AppState>, nir: String, birthdate: String) -> Result<(), UiError> {
    state.check_unlock(&nir, &birthdate)
}

#[tauri::command]
pub async fn check_password(state: State<'_, AppState>, password: String, confirmation: String) -> Result<PasswordCheck, UiError> {
    Ok(state.check_password(Secret::from(password), Secret::from(confirmation)).await)
}
