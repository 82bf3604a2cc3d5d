//! "Pas encore inscrit ?": NIR + member number + date of birth + e-mail must
//! match a member record of the insurer not yet registered. The answer never
//! says whether they did; the activation code goes by e-mail.

use super::{in_background, same_member_number, MAX_SENDS_PER_WINDOW, SEND_WINDOW_SECS};
use crate::audit::Event;
use crate::db::now;
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
        if state.db.proofs_sent_since(m.id, Purpose::Registration, now() - SEND_WINDOW_SECS).await? >= MAX_SENDS_PER_WINDOW {
            tracing::info!(member_id = m.id, outcome = "too_many_sends", "registration request ignored");
            return Ok(());
        }
        let proof = state.db.issue_proof(m.id, Purpose::Registration, &state.config.pepper).await?;
        crate::notify::registration_code(&state, &m, &proof);
        state.db.audit(Event::RegistrationRequested, Some(m.id), None).await;
        tracing::info!(member_id = m.id, outcome = "sent", "activation code sent");
        Ok(())
    });
}
