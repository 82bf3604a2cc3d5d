//! "Pas encore inscrit ?": NIR + member number + date of birth + e-mail must
//! match a member record of the insurer not yet registered. The answer never
//! says whether they did: as for the forgotten password, the form is stored
//! and answered at once, and the outbox's worker looks it up and queues the
//! activation code ([`resolve`]).

use super::same_member_number;
use crate::audit::Event;
use crate::error::Failure;
use crate::outbox::Procedure;
use crate::state::AppState;
use borne_api::Purpose;
use borne_core::email::Email;
use borne_core::{BirthDate, Nir};
use serde::{Deserialize, Serialize};

/// The form as stored until it is looked up.
#[derive(Serialize, Deserialize)]
struct Form {
    nir: String,
    member_number: String,
    /// ISO yyyy-mm-dd.
    birthdate: String,
    email: String,
}

/// Stores the form for the worker (the answer is the same whatever it holds).
pub(crate) async fn request(state: &AppState, nir: Nir, member_number: String, birthdate: BirthDate, email: Email) -> Result<(), Failure> {
    let form = Form { nir: nir.as_str().to_owned(), member_number, birthdate: birthdate.iso(), email: email.as_str().to_owned() };
    super::store_form(state, Procedure::Registration, &form).await
}

/// The worker's part (as [`crate::flows::forgot::resolve`]).
pub(crate) async fn resolve(state: &AppState, request_id: &str, form: &[u8]) -> Result<(), Failure> {
    let form: Form = serde_json::from_slice(form).map_err(anyhow::Error::from)?;
    let unreadable = |what: &str| anyhow::anyhow!("stored {what} unreadable");
    let nir = Nir::parse(&form.nir).map_err(|_| unreadable("NIR"))?;
    let birthdate = BirthDate::parse(&form.birthdate).map_err(|_| unreadable("birth date"))?;
    let member = state.db.member_by_nir(&nir).await?;
    let Some(m) = member.filter(|m| {
        !m.registered && same_member_number(&m.member_number, &form.member_number) && m.birthdate_is(&birthdate) && m.email == form.email
    }) else {
        tracing::info!(outcome = "no_match", "registration request ignored");
        return Ok(());
    };
    let compose = crate::notify::registration_code(state, &m);
    let issued = state.db.issue_proof(m.id, Purpose::Registration, &state.config.pepper, state.outbox.sealer(), Some(request_id), compose).await?;
    super::report(state, m.id, issued, Event::RegistrationRequested, "registration_email").await;
    Ok(())
}
