//! "Pas encore inscrit ?": NIR + member number + date of birth + e-mail must
//! match a member record of the insurer not yet registered. The answer never
//! says whether they did; the activation code goes by e-mail.

use super::{in_background, same_member_number};
use crate::audit::Event;
use crate::error::Failure;
use crate::state::AppState;
use borne_core::api::Purpose;
use borne_core::email::Email;
use borne_core::{BirthDate, Nir};

pub(crate) fn request(state: &AppState, nir: Nir, member_number: String, birthdate: BirthDate, email: Email) {
    in_background("registration", state, move |state| async move {
        let member = state.db.member_by_nir(&nir).await?;
        let Some(m) = member.filter(|m| {
            !m.registered && same_member_number(&m.member_number, &member_number) && m.birthdate_is(&birthdate) && m.email == email.as_str()
        }) else {
            tracing::info!(outcome = "no_match", "registration request ignored");
            return Ok::<(), Failure>(());
        };
        // The member's e-mail budget is checked and consumed with the proof.
        let Some(proof) = state.db.issue_proof(m.id, Purpose::Registration, &state.config.pepper).await? else {
            state.db.audit(Event::MessageBudgetSpent, Some(m.id), Some("registration_email")).await;
            tracing::info!(member_id = m.id, outcome = "budget_spent", "registration request ignored");
            return Ok(());
        };
        crate::notify::registration_code(&state, &m, &proof);
        state.db.audit(Event::RegistrationRequested, Some(m.id), None).await;
        tracing::info!(member_id = m.id, outcome = "sent", "activation code sent");
        Ok(())
    });
}
