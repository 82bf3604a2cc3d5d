//! The log-in flow: find the member, claim an attempt slot, verify the
//! password off the executor, settle the claim (see [`crate::lockout`]).

use crate::audit::Event;
use crate::error::Failure;
use crate::temporary_passwords::TemporaryOutcome;
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
        // MGEN unlock: a blocked member logs in with the SMS temporary password.
        return match temporary_log_in(state, member_id, &password).await? {
            Some(answer) => answer,
            None => Err(blocked()),
        };
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
                state.db.audit(Event::LoginSucceeded, Some(member_id), None).await;
                tracing::info!(member_id, outcome = "success", "log-in");
                Ok(LoginResponse { token: session.token, expires_in_secs: state.config.session_ttl.as_secs(), member, must_change_password: false })
            }
            Settled::Failed { .. } | Settled::Blocked => Err(blocked()),
        }
    } else {
        match state.db.settle_failure(member_id, &claim_id).await? {
            Settled::Failed { failed_attempts } => {
                let attempts_left = u32::try_from((MAX_FAILURES - failed_attempts).max(0)).unwrap_or(0);
                state.db.audit(Event::LoginFailed, Some(member_id), None).await;
                tracing::info!(member_id, outcome = "wrong_password", attempts_left, "log-in refused");
                Err(BorneError::WrongPassword { attempts_left }.into())
            }
            Settled::Blocked | Settled::LoggedIn(_) => {
                state.db.audit(Event::AccountBlocked, Some(member_id), None).await;
                tracing::info!(member_id, outcome = "blocked_now", "log-in refused; 3rd consecutive failure, account blocked");
                Err(BorneError::AccountBlocked.into())
            }
        }
    }
}

/// A log-in of a blocked member with their SMS temporary password: `None`
/// when they have none live (the account is then simply blocked).
async fn temporary_log_in(state: &AppState, member_id: i64, password: &Secret) -> Result<Option<Result<LoginResponse, Failure>>, Failure> {
    let token = crate::proofs::random_token();
    let ttl = i64::try_from(state.config.session_ttl.as_secs()).unwrap_or(1800);
    match state.db.try_temporary_password(member_id, password, &state.config.pepper, &token, ttl).await? {
        TemporaryOutcome::None => Ok(None),
        TemporaryOutcome::Accepted => {
            let Some(m) = state.db.member_by_id(member_id).await? else { return Ok(None) };
            state.db.audit(Event::TemporaryPasswordLogin, Some(member_id), None).await;
            tracing::info!(member_id, outcome = "temporary_password", "log-in to choose a new password");
            Ok(Some(Ok(LoginResponse {
                token,
                expires_in_secs: state.config.session_ttl.as_secs(),
                member: borne_core::api::MemberSummary { first_name: m.first_name, last_name: m.last_name },
                must_change_password: true,
            })))
        }
        TemporaryOutcome::Rejected { attempts_left } => {
            state.db.audit(Event::TemporaryPasswordRejected, Some(member_id), None).await;
            tracing::info!(member_id, outcome = "temporary_password_rejected", attempts_left, "log-in refused");
            Ok(Some(Err(BorneError::CodeInvalid { attempts_left }.into())))
        }
    }
}
