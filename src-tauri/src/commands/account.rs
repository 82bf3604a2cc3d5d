//! The account and security centre of the personal space (issue 16):
//! « Mes coordonnées », « Sécurité du compte », « Ce n'est pas moi »
//! (borne-app account.rs). Every one needs a full session.

use crate::state::AppState;
use app_core::{ActivityView, Blocked, CodeSent, ContactsView, SessionsEnded, SessionsView, UiError};
use borne_api::Channel;
use borne_core::Secret;
use tauri::State;

#[tauri::command]
pub async fn account_contacts(state: State<'_, AppState>) -> Result<ContactsView, UiError> {
    state.contacts().await
}

/// `channel`: "email" or "sms"; `value`: the new address or mobile number.
#[tauri::command]
pub async fn change_contact(state: State<'_, AppState>, channel: Channel, value: String) -> Result<CodeSent, UiError> {
    let value = Secret::new(value);
    state.change_contact(channel, value.expose()).await
}

#[tauri::command]
pub async fn resend_contact_code(state: State<'_, AppState>) -> Result<CodeSent, UiError> {
    state.resend_contact_code().await
}

#[tauri::command]
pub async fn confirm_contact(state: State<'_, AppState>, code: String) -> Result<ContactsView, UiError> {
    let code = Secret::new(code);
    state.confirm_contact(code.expose()).await
}

#[tauri::command]
pub async fn cancel_contact_change(state: State<'_, AppState>) -> Result<(), UiError> {
    state.cancel_contact_change().await;
    Ok(())
}

#[tauri::command]
pub async fn account_activity(state: State<'_, AppState>) -> Result<ActivityView, UiError> {
    state.activity().await
}

#[tauri::command]
pub async fn account_sessions(state: State<'_, AppState>) -> Result<SessionsView, UiError> {
    state.sessions().await
}

#[tauri::command]
pub async fn end_other_sessions(state: State<'_, AppState>) -> Result<SessionsEnded, UiError> {
    state.end_other_sessions().await
}

/// « Ce n'est pas moi »: `event_id` is the event disowned, if from the list.
#[tauri::command]
pub async fn block_account(state: State<'_, AppState>, event_id: Option<i64>) -> Result<Blocked, UiError> {
    state.block_account(event_id).await
}
