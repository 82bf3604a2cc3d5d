//! The account procedures of the insurers' guides, as plain functions over
//! the database and the delivery of messages; `http::flows` maps them to
//! routes. Each returns a member-facing `BorneError` or an internal failure.

pub(crate) mod change;
pub(crate) mod codes;
pub(crate) mod forgot;
pub(crate) mod register;
pub(crate) mod reset;
pub(crate) mod unlock;

use crate::error::Failure;
use borne_core::password::{self, PersonalInfo};
use borne_core::Secret;

/// How many messages one unlock request may send (choosing a channel again
/// is a resend); every message also counts against the member's budget
/// ([`crate::budget`]), shared by every request and every replica.
pub(crate) const MAX_SENDS_PER_UNLOCK: i64 = 5;

/// The new password and its confirmation, checked against every rule
/// (borne-core's policy, the member's own information) in borne-core's
/// order (empty, policy, confirmation: the app's too), then hashed.
pub(crate) async fn new_password_hash(
    new_password: Secret,
    confirmation: &Secret,
    info: &PersonalInfo,
) -> Result<String, Failure> {
    password::check_new_password(new_password.expose(), confirmation.expose(), info)?;
    Ok(crate::passwords::hash(new_password).await?)
}

/// Stores a public form (sealed) for the outbox's worker and wakes it: what
/// the forgotten-password and registration routes do before answering.
pub(crate) async fn store_form(state: &crate::state::AppState, procedure: crate::outbox::Procedure, form: &impl serde::Serialize) -> Result<(), Failure> {
    let bytes = zeroize::Zeroizing::new(serde_json::to_vec(form).map_err(anyhow::Error::from)?);
    state.db.store_request(state.outbox.sealer(), procedure, &bytes).await?;
    state.outbox.wake();
    Ok(())
}

/// What a form's look-up ends with, once it matched member `member_id`:
/// the e-mail queued (audited `done`), or the budget spent (audited with
/// `budget_detail`), or nothing (another worker answered the form).
pub(crate) async fn report(
    state: &crate::state::AppState,
    member_id: i64,
    issued: crate::proofs::Issued,
    done: crate::audit::Event,
    budget_detail: &str,
) {
    match issued {
        crate::proofs::Issued::Queued(queued) => {
            state.outbox.queued(&queued);
            state.db.audit(done, Some(member_id), None).await;
            tracing::info!(member_id, kind = queued.kind, outcome = "queued", "e-mail queued");
        }
        crate::proofs::Issued::BudgetSpent => {
            state.db.audit(crate::audit::Event::MessageBudgetSpent, Some(member_id), Some(budget_detail)).await;
            tracing::info!(member_id, detail = budget_detail, outcome = "budget_spent", "request answered, nothing sent");
        }
        crate::proofs::Issued::Nothing => {}
    }
}

/// Member numbers are compared as borne-core says ([`borne_core::member_number::same`]).
pub(crate) use borne_core::member_number::same as same_member_number;
