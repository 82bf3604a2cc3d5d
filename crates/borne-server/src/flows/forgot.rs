//! "Mot de passe oublié ?" (MPN guide, steps 4-6): (A) NIR or e-mail, (B)
//! member number, (C) the account's e-mail. The answer never depends on
//! whether they match: the form is stored (sealed) and answered at once, the
//! same for every form; the outbox's worker looks it up and queues the
//! e-mail ([`resolve`]), so that nothing is lost if the process stops right
//! after the answer.

use super::same_member_number;
use crate::audit::Event;
use crate::error::Failure;
use crate::outbox::Procedure;
use crate::state::AppState;
use borne_api::Purpose;
use borne_core::email::Email;
use borne_core::Identifier;
use serde::{Deserialize, Serialize};

/// The form as stored until it is looked up.
#[derive(Serialize, Deserialize)]
struct Form {
    identifier: String,
    member_number: String,
    email: String,
}

/// Stores the form for the worker (the answer is the same whatever it holds).
pub(crate) async fn request(state: &AppState, identifier: Identifier, member_number: String, email: Email) -> Result<(), Failure> {
    let form = Form { identifier: identifier.canonical().to_owned(), member_number, email: email.as_str().to_owned() };
    super::store_form(state, Procedure::ForgotPassword, &form).await
}

/// The worker's part: look the form up and, if it matches a registered
/// member, issue the proof and queue the e-mail (one transaction, which
/// also deletes the form).
pub(crate) async fn resolve(state: &AppState, request_id: &str, form: &[u8]) -> Result<(), Failure> {
    let form: Form = serde_json::from_slice(form).map_err(anyhow::Error::from)?;
    let identifier = Identifier::parse(&form.identifier).map_err(|_| anyhow::anyhow!("stored identifier unreadable"))?;
    let member = state.db.member_by_identifier(&identifier).await?;
    let Some(m) = member.filter(|m| m.registered && same_member_number(&m.member_number, &form.member_number) && m.email == form.email) else {
        state.db.audit(Event::ResetIgnored, None, Some("no_match")).await;
        tracing::info!(outcome = "no_match", "forgotten-password request ignored");
        return Ok(());
    };
    let compose = crate::notify::reset_password(state, &m);
    let issued = state.db.issue_proof(m.id, Purpose::Reset, &state.config.pepper, state.outbox.sealer(), Some(request_id), compose).await?;
    super::report(state, m.id, issued, Event::ResetRequested, "reset_email").await;
    Ok(())
}
