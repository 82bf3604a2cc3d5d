//! The log-in flow: find the member, claim an attempt slot, verify the
//! password off the executor, settle the claim (see [`crate::lockout`]).

use crate::error::Failure;
use crate::lockout::{Claim, Settled, MAX_FAILURES};
use crate::sessions::NewSession;
use crate::state::AppState;
use borne_core::api::LoginResponse;
use borne_core::{BorneError, Identifier, Secret};
use std::time::Duration;
use tokio::time::Instant;

/// How often a request that found every attempt slot taken looks again.
const CLAIM_RETRY_EVERY: Duration = Duration::from_millis(25);
/// How long it keeps looking before answering `too_many_requests`.
const CLAIM_WAIT_AT_MOST: Duration = Duration::from_secs(3);
/// `Retry-After` of that answer.
const RETRY_AFTER_SECS: u64 = 1;

/// Runs one log-in to its end. The caller runs it in its own task, so a
/// client that hangs up cannot leave a claim unsettled.
pub(crate) async fn log_in(state: &AppState, identifier: &Identifier, password: Secret) -> Result<LoginResponse, Failure> {
    let Some(member) = state.db.find_member(identifier).await? else {
        tracing::info!(outcome = "unknown_profile", "log-in refused");
        return Err(BorneError::UnknownProfile.into());
    };
    let member_id = member.id;
    let blocked = || {
        tracing::info!(member_id, outcome = "account_blocked", "log-in refused");
        Failure::Member(BorneError::AccountBlocked)
    };
    if member.blocked {
        return Err(blocked());
    }

    let deadline = Instant::now() + CLAIM_WAIT_AT_MOST;
    let (permit, claim_id, password_hash) = loop {
        // The hashing slot first, so the claim lives only as long as one verification.
        let permit = state.verifier.permit().await;
        match state.db.claim_attempt(member_id).await? {
            Claim::Granted { claim_id, password_hash } => break (permit, claim_id, password_hash),
            Claim::Blocked => return Err(blocked()),
            Claim::Gone => return Err(BorneError::UnknownProfile.into()),
            Claim::Busy => {
                drop(permit);
                if Instant::now() >= deadline {
                    tracing::info!(member_id, outcome = "too_many_requests", "log-in refused");
                    return Err(BorneError::TooManyRequests { retry_after_secs: RETRY_AFTER_SECS }.into());
                }
                tokio::time::sleep(CLAIM_RETRY_EVERY).await;
            }
        }
    };

    let matches = match state.verifier.verify(permit, password, password_hash).await {
        Ok(m) => m,
        Err(e) => {
            if let Err(release) = state.db.release_claim(&claim_id).await {
                tracing::warn!(member_id, error = %format!("{release:#}"), "claim not released");
            }
            return Err(e.into());
        }
    };

    if matches {
        let session = NewSession::generate(state.config.session_ttl);
        match state.db.settle_success(member_id, &claim_id, &session).await? {
            Settled::LoggedIn(member) => {
                tracing::info!(member_id, outcome = "success", "log-in");
                Ok(LoginResponse { token: session.token, expires_in_secs: state.config.session_ttl.as_secs(), member, must_change_password: false })
            }
            Settled::Failed { .. } | Settled::Blocked => Err(blocked()),
        }
    } else {
        match state.db.settle_failure(member_id, &claim_id).await? {
            Settled::Failed { failed_attempts } => {
                let attempts_left = u32::try_from((MAX_FAILURES - failed_attempts).max(0)).unwrap_or(0);
                tracing::info!(member_id, outcome = "wrong_password", attempts_left, "log-in refused");
                Err(BorneError::WrongPassword { attempts_left }.into())
            }
            Settled::Blocked | Settled::LoggedIn(_) => {
                tracing::info!(member_id, outcome = "blocked_now", "log-in refused; 3rd consecutive failure, account blocked");
                Err(BorneError::AccountBlocked.into())
            }
        }
    }
}
