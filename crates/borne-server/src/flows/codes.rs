//! A code typed at a kiosk, exchanged for the token the e-mail's link carries.

use crate::audit::Event;
use crate::error::Failure;
use crate::proofs::CodeOutcome;
use crate::state::AppState;
use borne_core::api::{Purpose, TokenResponse};
use borne_core::{BorneError, Identifier, Secret};

pub(crate) async fn verify(state: &AppState, purpose: Purpose, identifier: &Identifier, code: &Secret) -> Result<TokenResponse, Failure> {
    let Some(member) = state.db.member_by_identifier(identifier).await? else {
        // Nothing was sent to an unknown identifier: the code cannot be valid.
        return Err(BorneError::CodeExpired.into());
    };
    match state.db.redeem_code(member.id, purpose, code, &state.config.pepper).await? {
        CodeOutcome::Token(token) => {
            tracing::info!(member_id = member.id, outcome = "code_accepted", "code verified");
            Ok(TokenResponse { token, expires_in_secs: crate::proofs::PROOF_TTL_SECS as u64 })
        }
        CodeOutcome::Invalid { attempts_left } => {
            state.db.audit(Event::CodeRejected, Some(member.id), None).await;
            tracing::info!(member_id = member.id, outcome = "code_rejected", attempts_left, "code refused");
            Err(BorneError::CodeInvalid { attempts_left }.into())
        }
        CodeOutcome::Expired => Err(BorneError::CodeExpired.into()),
    }
}
