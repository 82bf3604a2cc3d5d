//! Log-in (MPN "CONNEXION", and the MGEN temporary password), the session,
//! the change of password (from the personal space, after a temporary
//! password, after an unlock e-mail's code or link), log-out.

use crate::state::{Procedure, Session};
use crate::stepper::{ids, At};
use crate::wire::{Coded, ChangePasswordRequest, LoginResponse, MemberSummary};
use crate::{App, LoggedIn, UiError};
use borne_content::Procedure as Kind;
use borne_core::{BorneError, Identifier, Secret};

impl App {
    /// On success the session stays here; the UI receives the member's name
    /// and the next step: the change of password after an SMS temporary
    /// password (step 5 of the unlock, whatever came before), else the
    /// log-in's "connected".
    pub async fn login(&self, identifier: &str, password: Secret) -> Result<LoggedIn, UiError> {
        let identifier = Identifier::parse(identifier).map_err(|e| self.fail(e))?;
        if password.is_empty() {
            return Err(self.fail(BorneError::PasswordMissing));
        }
        let resp = self.client.login(&identifier, &password).await.map_err(|e| {
            tracing::info!(code = ?e.code(), "log-in refused");
            UiError::at_log_in(&e, self.lang(), &self.profile.support)
        })?;
        let must_change_password = resp.must_change_password;
        tracing::info!(must_change_password, "member logged in");
        let stepper = {
            let mut p = self.procedure.lock().await;
            if must_change_password {
                // The unlock goes on (its NIR and date of birth are kept for
                // the password rules); the NIR typed here is one of them too.
                if p.kind != Some(Kind::Unlock) {
                    *p = Procedure::at(Kind::Unlock, At::Step(ids::UNLOCK_CHANGE));
                }
                p.at = Some(At::Step(ids::UNLOCK_CHANGE));
                if let Identifier::Nir(nir) = &identifier {
                    p.nir = Some(Secret::new(nir.as_str()));
                }
            } else {
                *p = Procedure::at(Kind::Login, At::Step(ids::LOGIN_CONNECTED));
            }
            self.stepper_of(&p)
        };
        Ok(LoggedIn { member: self.keep_session(resp).await, must_change_password, stepper })
    }

    pub(crate) async fn keep_session(&self, resp: LoginResponse) -> MemberSummary {
        let member = resp.member.clone();
        *self.session.lock().await = Some(Session { token: resp.token, member: member.clone(), temporary: resp.must_change_password });
        member
    }

    /// The member currently logged in with a full session, if any.
    pub async fn current_member(&self) -> Option<MemberSummary> {
        self.session.lock().await.as_ref().filter(|s| !s.temporary).map(|s| s.member.clone())
    }

    /// Sets a new password: with the session (a temporary-password session
    /// needs no current password; a normal one does), or, after an unlock by
    /// e-mail, with the token of its code or link — then logs the member in
    /// with their NIR (MGEN guide, step 5: "vous accéderez à votre Espace
    /// personnel").
    pub async fn change_password(&self, current_password: Option<Secret>, new_password: Secret, confirmation: Secret) -> Result<MemberSummary, UiError> {
        let current_password = current_password.filter(|p| !p.is_empty());
        self.check_new_password(&new_password, &confirmation).await?;
        let session = self.session.lock().await.as_ref().map(|s| (s.token.clone(), s.temporary));
        let result = match session {
            Some((token, temporary)) => {
                if !temporary && current_password.is_none() {
                    return Err(self.fail(BorneError::CurrentPasswordWrong));
                }
                let req = ChangePasswordRequest { current_password, new_password, new_password_confirmation: confirmation };
                match self.client.change_password(&token, &req).await {
                    Ok(resp) => Ok(self.keep_session(resp).await),
                    Err(e) => Err(e),
                }
            }
            None => self.reset_with_token(&new_password, &confirmation).await.and_then(|member| member.ok_or(BorneError::SessionExpired)),
        };
        match result {
            Ok(member) => {
                tracing::info!("password changed");
                *self.procedure.lock().await = Procedure::default();
                Ok(member)
            }
            Err(e) => {
                tracing::info!(code = ?e.code(), "password change refused");
                Err(self.fail(e))
            }
        }
    }

    /// Ends the session: revoked on the backend when it answers, always
    /// forgotten here, with any procedure under way.
    pub async fn logout(&self) {
        let session = self.session.lock().await.take();
        *self.procedure.lock().await = Procedure::default();
        self.cancel_contact_change().await;
        if let Some(session) = session {
            if let Err(e) = self.client.logout(&session.token).await {
                tracing::warn!(code = ?e.code(), "the backend did not confirm the log-out; the session is forgotten locally");
            }
        }
        tracing::info!("member logged out");
    }

    /// A temporary-password session allows nothing but choosing a password:
    /// it ends with the procedure (cancel).
    pub(crate) async fn end_temporary_session(&self) {
        let mut session = self.session.lock().await;
        if session.as_ref().is_some_and(|s| s.temporary) {
            if let Some(s) = session.take() {
                let _ = self.client.logout(&s.token).await;
            }
        }
    }

    pub(crate) async fn has_full_session(&self) -> bool {
        self.session.lock().await.as_ref().is_some_and(|s| !s.temporary)
    }
}
