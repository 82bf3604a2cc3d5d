//! Checks made as the member types, with the rules of `borne-core` and no
//! network call: field (A), the unlock form (NIR + date of birth), the
//! password rules (with what the app knows of the member).

use crate::{App, PasswordCheck, UiError};
use crate::wire::Field;
use borne_core::password::{broken_rules_with, check_with_in, PersonalInfo};
use borne_core::{BirthDate, BorneError, Identifier, Nir, Secret};

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

impl App {
    /// Field (A): the precise message of the first problem, or nothing.
    pub fn check_identifier(&self, identifier: &str) -> Result<(), UiError> {
        Identifier::parse(identifier).map(|_| ()).map_err(|e| self.fail(e))
    }

    pub fn check_unlock(&self, nir: &str, birthdate: &str) -> Result<(), UiError> {
        parse_nir_and_birthdate(nir, birthdate).map(|_| ()).map_err(|e| self.fail(e))
    }

    /// The live checklist: the policy of `borne-core`, with the member's own
    /// information when the app knows it.
    pub async fn check_password(&self, password: Secret, confirmation: Secret) -> PasswordCheck {
        let info = self.personal_info().await;
        PasswordCheck {
            rules: check_with_in(password.expose(), &info, self.lang()),
            confirmation_matches: !confirmation.is_empty() && password == confirmation,
        }
    }

    /// The same rules as the server's, checked before the call so that the
    /// member learns at once which one fails.
    pub(crate) async fn check_new_password(&self, new_password: &Secret, confirmation: &Secret) -> Result<(), UiError> {
        if new_password.is_empty() {
            return Err(self.fail(BorneError::PasswordMissing).on(Field::NewPassword));
        }
        let broken = broken_rules_with(new_password.expose(), &self.personal_info().await);
        if !broken.is_empty() {
            return Err(self.fail(BorneError::PasswordPolicy { broken }));
        }
        if new_password != confirmation {
            return Err(self.fail(BorneError::PasswordsDiffer));
        }
        Ok(())
    }

    /// What the new password must not contain, from what the app knows now.
    async fn personal_info(&self) -> PersonalInfo {
        let mut info = PersonalInfo::default();
        if let Some(s) = self.session.lock().await.as_ref() {
            info.first_name = s.member.first_name.clone();
            info.last_name = s.member.last_name.clone();
        }
        let p = self.procedure.lock().await;
        info.nir = p.nir.as_ref().map(|n| n.expose().to_owned());
        info.birthdate = p.birthdate;
        info
    }
}
