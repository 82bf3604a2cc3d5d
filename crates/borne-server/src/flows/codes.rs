//! A code typed at a kiosk, exchanged for the token the e-mail's link carries.
//!
//! The answer never tells whether the identifier matched an account or
//! whether a live code exists for it: every submission takes a try from a
//! counter kept per purpose and identifier as typed ([`crate::counters`])
//! *before* anything is compared, the same queries run
//! either way, and a wrong code answers `code_invalid` with the tries left
//! of that counter, then `code_expired` once they are spent — for a member
//! with a live code, a member without one, and an identifier of nobody alike.

use crate::audit::Event;
use crate::counters::{self, Limit, Scope, Taken};
use crate::error::Failure;
use crate::proofs::{purpose_name, CodeOutcome, CODE_TRIES, PROOF_TTL_SECS};
use crate::state::AppState;
use borne_api::{Purpose, TokenResponse};
use borne_core::{BorneError, Identifier, Secret};

/// Code submissions per member and purpose in the lifetime of a code: a
/// resend does not give new tries (NIST SP 800-63B).
const CODE_LIMIT: Limit = Limit { attempts: CODE_TRIES, window_secs: PROOF_TTL_SECS };
/// A member id no row has (ids start at 1), for the look-ups of an identifier of nobody.
const NOBODY: i64 = -1;

pub(crate) async fn verify(state: &AppState, purpose: Purpose, identifier: &Identifier, code: &Secret) -> Result<TokenResponse, Failure> {
    let member = state.db.member_by_identifier(identifier).await?;
    let member_id = member.as_ref().map(|m| m.id);
    let pepper = &state.config.pepper;
    // Keyed by the identifier as typed, known or not, so that the count says
    // nothing of which identifiers belong to one account; a member's code
    // itself takes at most CODE_TRIES submissions (crate::proofs), whichever
    // identifier they come with.
    let subject = counters::subject(pepper, Scope::CodeTries, &[purpose_name(purpose).as_bytes(), identifier.canonical().as_bytes()]);
    let attempts_left = match state.db.take_attempt(Scope::CodeTries, &subject, CODE_LIMIT).await? {
        Taken::Granted { n } => u32::try_from((CODE_TRIES - n).max(0)).unwrap_or(0),
        Taken::Spent { .. } => {
            tracing::info!(member_id, outcome = "code_tries_spent", "code refused");
            return Err(BorneError::CodeExpired.into());
        }
    };
    match state.db.redeem_code(member_id.unwrap_or(NOBODY), purpose, code, pepper).await? {
        CodeOutcome::Token(token) => {
            state.db.clear_attempts(Scope::CodeTries, &subject).await?;
            tracing::info!(member_id, outcome = "code_accepted", "code verified");
            Ok(TokenResponse { token, expires_in_secs: PROOF_TTL_SECS as u64 })
        }
        CodeOutcome::Refused => {
            state.db.audit(Event::CodeRejected, member_id, None).await;
            tracing::info!(member_id, outcome = "code_rejected", attempts_left, "code refused");
            Err(BorneError::CodeInvalid { attempts_left }.into())
        }
    }
}
