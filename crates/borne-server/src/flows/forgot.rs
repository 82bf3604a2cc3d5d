//! "Mot de passe oublié ?" (MPN guide, steps 4-6): (A) NIR or e-mail, (B)
//! member number, (C) the account's e-mail. The answer never depends on
//! whether they match: the look-up and the e-mail happen in the background.

use super::{in_background, same_member_number};
use crate::audit::Event;
use crate::error::Failure;
use crate::state::AppState;
use borne_core::api::Purpose;
use borne_core::email::Email;
use borne_core::Identifier;

pub(crate) fn request(state: &AppState, identifier: Identifier, member_number: String, email: Email) {
    in_background("forgot_password", state, move |state| async move {
        let member = state.db.member_by_identifier(&identifier).await?;
        let Some(m) = member.filter(|m| m.registered && same_member_number(&m.member_number, &member_number) && m.email == email.as_str())
        else {
            state.db.audit(Event::ResetIgnored, None, Some("no_match")).await;
            tracing::info!(outcome = "no_match", "forgotten-password request ignored");
            return Ok::<(), Failure>(());
        };
        // The member's e-mail budget is checked and consumed with the proof.
        let Some(proof) = state.db.issue_proof(m.id, Purpose::Reset, &state.config.pepper).await? else {
            state.db.audit(Event::MessageBudgetSpent, Some(m.id), Some("reset_email")).await;
            tracing::info!(member_id = m.id, outcome = "budget_spent", "forgotten-password request ignored");
            return Ok(());
        };
        crate::notify::reset_password(&state, &m, &proof);
        state.db.audit(Event::ResetRequested, Some(m.id), None).await;
        tracing::info!(member_id = m.id, outcome = "sent", "forgotten-password e-mail sent");
        Ok(())
    });
}
