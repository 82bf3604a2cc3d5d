//! The procedures whose first form sends an e-mail: forgotten password (MPN
//! "MOT DE PASSE OUBLIÉ") and registration ("Pas encore inscrit ?"); and
//! "Renvoyer" for them and for an unlock e-mail, after the cooldown. What
//! the backend must not reveal it does not reveal: the answers are the same
//! whatever the data, and come from `borne-core` in the member's language.

use crate::state::{Procedure, Resendable};
use crate::stepper::{ids, At};
use crate::wire::{Channel, Coded, ForgotPasswordRequest, RegisterRequest};
use crate::{cooldown, App, Sent, UiError};
use borne_content::Procedure as Kind;
use borne_core::email::Email;
use crate::wire::Field;
use borne_core::procedures::RESEND_COOLDOWN_SECS;
use borne_core::birthdate::parse_nir_and_birthdate;
use borne_core::{member_number, BorneError, Identifier, Secret};

impl App {
    /// Field (C) or the registration's e-mail: its errors belong to that field.
    fn email_field(&self, input: &str) -> Result<Email, UiError> {
        Email::parse(input).map_err(|e| self.fail(e).on(Field::Email))
    }

    /// MPN step 5: (A) NIR with key or e-mail, (B) member number, (C) the
    /// account's e-mail, then « Envoyer ».
    pub async fn forgot_password(&self, identifier: &str, member_number: &str, email: &str) -> Result<Sent, UiError> {
        let id = Identifier::parse(identifier).map_err(|e| self.fail(e))?;
        let number = member_number::parse(member_number).map_err(|e| self.fail(e))?;
        let email = self.email_field(email)?;
        let mut procedure = Procedure::at(Kind::Forgot, At::Step(ids::FORM));
        procedure.identifier = Some(Secret::new(id.canonical()));
        if let Identifier::Nir(nir) = &id {
            procedure.nir = Some(Secret::new(nir.as_str()));
        }
        procedure.resendable = Some(Resendable::Forgot {
            identifier: Secret::new(id.canonical()),
            member_number: Secret::new(number),
            email: Secret::new(email.as_str()),
        });
        *self.procedure.lock().await = procedure;
        self.send(At::Step(ids::FORGOT_MAILBOX)).await
    }

    /// "Pas encore inscrit ?": NIR, member number, date of birth, e-mail.
    pub async fn register(&self, nir: &str, member_number: &str, birthdate: &str, email: &str) -> Result<Sent, UiError> {
        let (nir, date) = parse_nir_and_birthdate(nir, birthdate).map_err(|e| self.fail(e))?;
        let number = member_number::parse(member_number).map_err(|e| self.fail(e))?;
        let email = self.email_field(email)?;
        let mut procedure = Procedure::at(Kind::Register, At::Step(ids::FORM));
        procedure.identifier = Some(Secret::new(nir.as_str()));
        procedure.nir = Some(Secret::new(nir.as_str()));
        procedure.birthdate = Some(date);
        procedure.resendable = Some(Resendable::Register {
            nir: Secret::new(nir.as_str()),
            member_number: Secret::new(number),
            birthdate: Secret::new(date.french()),
            email: Secret::new(email.as_str()),
        });
        *self.procedure.lock().await = procedure;
        self.send(At::Step(ids::REGISTER_CODE)).await
    }

    /// "Renvoyer": the same message again, not before the cooldown; the step
    /// stays the one the procedure is at.
    pub async fn resend(&self) -> Result<Sent, UiError> {
        let (last, at) = {
            let p = self.procedure.lock().await;
            (p.last_sent, p.at)
        };
        cooldown::check(last, self.clock.now()).map_err(|e| self.fail(e))?;
        self.send(at.unwrap_or(At::Step(ids::FORGOT_MAILBOX))).await
    }

    /// Sends (or sends again) the current procedure's message; then the
    /// procedure is at `next`.
    async fn send(&self, next: At) -> Result<Sent, UiError> {
        enum Call {
            Forgot(ForgotPasswordRequest),
            Register(RegisterRequest),
            Unlock(Secret),
        }
        let call = {
            let p = self.procedure.lock().await;
            match (&p.resendable, &p.unlock_id) {
                (Some(Resendable::Forgot { identifier, member_number, email }), _) => Call::Forgot(ForgotPasswordRequest {
                    identifier: identifier.expose().into(),
                    member_number: member_number.expose().into(),
                    email: email.expose().into(),
                }),
                (Some(Resendable::Register { nir, member_number, birthdate, email }), _) => Call::Register(RegisterRequest {
                    nir: nir.expose().into(),
                    member_number: member_number.expose().into(),
                    birthdate: birthdate.expose().into(),
                    email: email.expose().into(),
                }),
                (Some(Resendable::UnlockEmail), Some(id)) => Call::Unlock(id.clone()),
                _ => return Err(self.fail(BorneError::CodeExpired)),
            }
        };
        let lang = self.lang();
        let message = match call {
            Call::Forgot(req) => self.client.forgot_password(&req).await.map(|_| borne_content::accepted::forgot_password(lang)),
            Call::Register(req) => self.client.register(&req).await.map(|_| borne_content::accepted::registration(lang)),
            Call::Unlock(id) => self
                .client
                .unlock_send(id.expose(), Channel::Email)
                .await
                .map(|sent| borne_content::notices::unlock_email_sent_again(lang, &sent.masked)),
        }
        .map_err(|e| {
            tracing::info!(code = ?e.code(), "message not sent");
            self.fail(e)
        })?;
        tracing::info!("procedure message sent");
        let mut p = self.procedure.lock().await;
        p.last_sent = Some(self.clock.now());
        p.at = Some(next);
        Ok(Sent { message, cooldown_secs: RESEND_COOLDOWN_SECS, stepper: self.stepper_of(&p) })
    }
}
