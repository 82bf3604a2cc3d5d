//! Checks made as the member types, with the rules of `borne-core` and no
//! network call: field (A), the unlock form (NIR + date of birth), the
//! password rules.

use crate::state::AppState;
use crate::ui_error::UiError;
use borne_core::password::{check_with_in, RuleCheck};
use borne_core::{BirthDate, BorneError, Identifier, Nir};
use serde::Serialize;
use tauri::State;

/// Field (A): the precise message of the first problem, or nothing.
#[tauri::command]
pub fn check_identifier(state: State<'_, AppState>, identifier: String) -> Result<(), UiError> {
    Identifier::parse(&identifier).map(|_| ()).map_err(|e| state.fail(e))
}

/// The NIR and the date of birth, and that the date is the birth year and
/// month the NIR carries (MGEN guide, unlock step 2), before any call.
pub fn parse_nir_and_birthdate(nir: &str, birthdate: &str) -> Result<(Nir, BirthDate), BorneError> {
    let nir = Nir::parse(nir)?;
    let date = BirthDate::parse(birthdate)?;
    if !date.matches_nir(&nir) {
        return Err(BorneError::BirthDateNirMismatch);
    }
    Ok((nir, date))
}

#[tauri::command]
pub fn check_unlock(state: State<'_, AppState>, nir: String, birthdate: String) -> Result<(), UiError> {
    parse_nir_and_birthdate(&nir, &birthdate).map(|_| ()).map_err(|e| state.fail(e))
}

#[derive(Serialize)]
pub struct PasswordCheck {
    pub rules: Vec<RuleCheck>,
    pub confirmation_matches: bool,
}

/// The live checklist: the policy of `borne-core`, with the member's own
/// information when the app knows it.
#[tauri::command]
pub async fn check_password(state: State<'_, AppState>, password: String, confirmation: String) -> Result<PasswordCheck, UiError> {
    let (password, confirmation) = (borne_core::Secret::from(password), borne_core::Secret::from(confirmation));
    let info = state.personal_info().await;
    Ok(PasswordCheck {
        rules: check_with_in(password.expose(), &info, state.lang()),
        confirmation_matches: !confirmation.is_empty() && password == confirmation,
    })
}
