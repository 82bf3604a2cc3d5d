//! Checks made as the member types, with the rules of `borne-core` and no
//! network call: field (A), the unlock form (NIR + date of birth), the
//! password rules (with what the app knows of the member).

use crate::{App, PasswordCheck, UiError};
use crate::wire::Field;
use borne_core::birthdate::parse_nir_and_birthdate;
use borne_core::password::{self, check_with_in, PersonalInfo};
use borne_core::{BorneError, Identifier, Secret};

impl App {
    /// Field (A): the precise message of the first problem, or nothing.
    pub fn check_identifier(&self, identifier: &str) -> Result<(), UiError> {
        Identifier::parse(identifier).map(|_| ()).map_err(|e| self.fail(e))
    }

    /// The unlock and registration forms' NIR and date of birth (borne-core's
    /// [`parse_nir_and_birthdate`]); the UI asks this rather than checking
    /// dates itself.
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

    /// The same rules, in the same order, as the server's
    /// (`borne_core::password::check_new_password`: empty, policy,
    /// confirmation), checked before the call so that the member learns at
    /// once which one fails.
    pub(crate) async fn check_new_password(&self, new_password: &Secret, confirmation: &Secret) -> Result<(), UiError> {
        let info = self.personal_info().await;
        password::check_new_password(new_password.expose(), confirmation.expose(), &info).map_err(|e| match e {
            BorneError::PasswordMissing => self.fail(e).on(Field::NewPassword),
            e => self.fail(e),
        })
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
