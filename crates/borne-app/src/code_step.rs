//! The code of an e-mail typed at a kiosk (exchanged for the token its link
//! carries, which stays here), then the new password with that token
//! (MPN steps 8–9; after an unlock, the member is logged in).

use crate::state::{purpose, Procedure};
use crate::stepper::{ids, At};
use crate::wire::{Coded, MemberSummary};
use crate::{App, Progress, ResetDone, UiError};
use borne_content::Procedure as Kind;
use borne_core::{code, BorneError, Identifier, Secret};

/// The step where the new password is chosen, per procedure.
pub(crate) fn password_step(kind: Kind) -> At {
    At::Step(match kind {
        Kind::Unlock => ids::UNLOCK_CHANGE,
        Kind::Register => ids::REGISTER_PASSWORD,
        Kind::Forgot | Kind::Login => ids::FORGOT_RESET,
    })
}

impl App {
    pub async fn verify_code(&self, typed: &str) -> Result<Progress, UiError> {
        let code = code::parse(typed).map_err(|e| self.fail(e))?;
        let (kind, identifier) = {
            let p = self.procedure.lock().await;
            (p.kind, p.identifier.clone())
        };
        let (Some(kind), Some(identifier)) = (kind, identifier) else {
            return Err(self.fail(BorneError::CodeExpired));
        };
        let purpose = purpose(kind).ok_or_else(|| self.fail(BorneError::CodeExpired))?;
        match self.client.verify_code(purpose, identifier.expose(), &code).await {
            Ok(answer) => {
                tracing::info!(?purpose, "code accepted");
                let mut p = self.procedure.lock().await;
                p.token = Some(answer.token);
                p.at = Some(password_step(kind));
                Ok(Progress { stepper: self.stepper_of(&p) })
            }
            Err(e) => {
                tracing::info!(code = ?e.code(), "code refused");
                Err(self.fail(e))
            }
        }
    }

    /// « Modifier le mot de passe » on the reset screen (forgotten password,
    /// registration; an unlock's link or code too).
    pub async fn reset_password(&self, new_password: Secret, confirmation: Secret) -> Result<ResetDone, UiError> {
        self.check_new_password(&new_password, &confirmation).await?;
        let kind = self.procedure.lock().await.kind;
        match self.reset_with_token(&new_password, &confirmation).await {
            Ok(Some(member)) => Ok(ResetDone { member: Some(member), stepper: None }),
            Ok(None) => {
                let done = Procedure::at(kind.unwrap_or(Kind::Forgot), At::Step(ids::DONE));
                let stepper = self.stepper_of(&done);
                *self.procedure.lock().await = done;
                Ok(ResetDone { member: None, stepper })
            }
            Err(e) => {
                tracing::info!(code = ?e.code(), "reset refused");
                Err(self.fail(e))
            }
        }
    }

    /// Sets the password with the procedure's token; after an unlock, logs
    /// the member in with their NIR and the new password.
    pub(crate) async fn reset_with_token(&self, new_password: &Secret, confirmation: &Secret) -> Result<Option<MemberSummary>, BorneError> {
        let (token, kind, nir) = {
            let p = self.procedure.lock().await;
            (p.token.clone(), p.kind, p.nir.clone())
        };
        let token = token.ok_or(BorneError::CodeExpired)?;
        self.client.reset_password(&token, new_password, confirmation).await?;
        tracing::info!("password reset");
        *self.procedure.lock().await = Procedure::default();
        match (kind, nir) {
            (Some(Kind::Unlock), Some(nir)) => {
                let resp = self.client.login(&Identifier::parse(nir.expose())?, new_password).await?;
                tracing::info!("member logged in after unlocking");
                Ok(Some(self.keep_session(resp).await))
            }
            _ => Ok(None),
        }
    }
}
