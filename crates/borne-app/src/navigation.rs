//! Entering and leaving a procedure: an entry point (« Mot de passe
//! oublié ? », « Débloquez votre compte », …) or a guide's « Aller à cet
//! écran » starts one afresh; « Annuler » forgets it and goes back to the
//! log-in (or the personal space).

use crate::state::Procedure;
use crate::stepper::{self, At};
use crate::{App, Progress, UiError};
use borne_content::Procedure as Kind;
use borne_core::BorneError;

impl App {
    /// `procedure` ("login", "forgot", "unlock", "register") from its entry
    /// point, or at its guide's step `step` (1-based) when opened from the
    /// "Guides" screen. Whatever was under way is forgotten (not a session).
    pub async fn start_procedure(&self, procedure: &str, step: Option<usize>) -> Result<Progress, UiError> {
        let kind = Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == procedure && self.profile.procedures.contains(k))
            .ok_or_else(|| self.fail(BorneError::BadRequest))?;
        let at = match step {
            Some(n) if n >= 1 => At::Preview(n - 1),
            Some(_) => return Err(self.fail(BorneError::BadRequest)),
            None => stepper::entry(kind),
        };
        let started = Procedure::at(kind, at);
        let stepper = self.stepper_of(&started).ok_or_else(|| self.fail(BorneError::BadRequest))?;
        *self.procedure.lock().await = started;
        tracing::info!(procedure = kind.as_str(), "procedure started");
        Ok(Progress { stepper: Some(stepper) })
    }

    /// "Annuler": forgets the procedure under way and a temporary-password
    /// session; the member is back at the log-in form, or in their space.
    pub async fn cancel_procedure(&self) -> Progress {
        self.end_temporary_session().await;
        let next = if self.has_full_session().await { Procedure::default() } else { Procedure::at(Kind::Login, stepper::entry(Kind::Login)) };
        let stepper = self.stepper_of(&next);
        *self.procedure.lock().await = next;
        tracing::info!("procedure cancelled");
        Progress { stepper }
    }
}
