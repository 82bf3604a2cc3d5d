//! The log-in flow: find the member, claim an attempt slot, verify the
//! password off the executor, settle the claim (see [`crate::lockout`]).

use crate::audit::Event;
use crate::error::Failure;
use crate::temporary_passwords::TemporaryOutcome;
use crate::lockout::{Claim, ClaimRef, Settled, Who, MAX_FAILURES};
use tokio::sync::OwnedSemaphorePermit as Permit;
use crate::sessions::NewSession;
use crate::state::AppState;
use borne_api::LoginResponse;
use borne_core::{BorneError, Identifier, Secret};
use std::time::Duration;
use tokio::time::Instant;

/// How often a request that found every attempt slot taken looks again.
const CLAIM_RETRY_EVERY: Duration = Duration::from_millis(25);
/// How long it keeps looking before answering `too_many_requests`.
const CLAIM_WAIT_AT_MOST: Duration = Duration::from_secs(3);
/// `Retry-After` of that answer.
const RETRY_AFTER_SECS: u64 = 1;

/// How many times a log-in starts again when a password change voided its
/// claim (module docs of [`crate::lockout`]) before answering `too_many_requests`.
const STALE_RETRIES: usize = 2;

/// Runs one log-in to its end. The caller runs it in its own task, so a
/// client that hangs up cannot leave a claim unsettled.
/// `device_id`: the enrolled kiosk that signed the request (the log-in's
/// place in « Mes dernières connexions »), kept on the session and the
/// audit event (no statement more: columns of the same inserts).
pub(crate) async fn log_in(state: &AppState, identifier: &Identifier, password: Secret, device_id: Option<String>) -> Result<LoginResponse, Failure> {
    for _ in 0..=STALE_RETRIES {
        let (permit, claim, password_hash) = match claim(state, identifier).await? {
            Claimed::Granted { permit, claim, password_hash } => (permit, claim, password_hash),
            Claimed::Blocked { member_id } => {
                // MGEN unlock: a blocked member logs in with the SMS temporary password.
                return match temporary_log_in(state, member_id, &password, device_id.as_deref()).await? {
                    Some(answer) => answer,
                    None => Err(blocked(member_id)),
                };
            }
        };
        let member_id = claim.member_id;
        let matches = verify_claimed(state, permit, claim, password.clone(), &password_hash).await?;
        let settled = if matches {
            let session = NewSession::generate(state.config.session_ttl).at_device(device_id.clone());
            match state.db.settle_success(claim, &password_hash, Some(&session), Event::LoginSucceeded).await? {
                Settled::Verified(member) => {
                    tracing::info!(member_id, outcome = "success", "log-in");
                    return Ok(LoginResponse {
                        token: session.token,
                        expires_in_secs: state.config.session_ttl.as_secs(),
                        member,
                        must_change_password: false,
                    });
                }
                other => other,
            }
        } else {
            state.db.settle_failure(claim, &password_hash, Event::LoginFailed).await?
        };
        match settled {
            Settled::Failed { failed_attempts } => {
                let attempts_left = u32::try_from((MAX_FAILURES - failed_attempts).max(0)).unwrap_or(0);
                tracing::info!(member_id, outcome = "wrong_password", attempts_left, "log-in refused");
                return Err(BorneError::WrongPassword { attempts_left }.into());
            }
            Settled::Blocked => {
                tracing::info!(member_id, outcome = "blocked_now", "log-in refused; 3rd consecutive failure, account blocked");
                return Err(BorneError::AccountBlocked.into());
            }
            Settled::Stale => {
                tracing::info!(member_id, outcome = "stale", "the password changed during the verification; checking again");
            }
            Settled::Verified(_) => unreachable!("returned above"),
        }
    }
    Err(BorneError::TooManyRequests { retry_after_secs: RETRY_AFTER_SECS }.into())
}

/// Verifies `password` against `stored` under the claim `claim_id`; when
/// the verification itself fails (not a wrong password: an unreadable hash),
/// the claim is given back uncounted.
pub(crate) async fn verify_claimed(state: &AppState, permit: Permit, claim: ClaimRef, password: Secret, stored: &str) -> Result<bool, Failure> {
    match state.verifier.verify(permit, password, stored.to_owned()).await {
        Ok(matches) => Ok(matches),
        Err(e) => {
            if let Err(release) = state.db.release_claim(claim).await {
                tracing::warn!(member_id = claim.member_id, error = %format!("{release:#}"), "claim not released");
            }
            Err(e.into())
        }
    }
}

fn blocked(member_id: i64) -> Failure {
    tracing::info!(member_id, outcome = "account_blocked", "log-in refused");
    Failure::Member(BorneError::AccountBlocked)
}

enum Claimed {
    Granted { permit: Permit, claim: ClaimRef, password_hash: String },
    Blocked { member_id: i64 },
}

/// A hashing slot and an attempt slot, waiting (at most
/// [`CLAIM_WAIT_AT_MOST`]) while every attempt slot is taken.
async fn claim(state: &AppState, identifier: &Identifier) -> Result<Claimed, Failure> {
    let deadline = Instant::now() + CLAIM_WAIT_AT_MOST;
    loop {
        // The hashing slot first, so the claim lives only as long as one verification.
        let permit = state.verifier.permit().await;
        match state.db.claim_attempt(Who::Identifier(identifier)).await? {
            Claim::Granted { claim, password_hash } => return Ok(Claimed::Granted { permit, claim, password_hash }),
            Claim::Blocked { member_id } => return Ok(Claimed::Blocked { member_id }),
            Claim::Unknown => {
                tracing::info!(outcome = "unknown_profile", "log-in refused");
                return Err(BorneError::UnknownProfile.into());
            }
            Claim::Busy { member_id } => {
                drop(permit);
                if Instant::now() >= deadline {
                    tracing::info!(member_id, outcome = "too_many_requests", "log-in refused");
                    return Err(BorneError::TooManyRequests { retry_after_secs: RETRY_AFTER_SECS }.into());
                }
                tokio::time::sleep(CLAIM_RETRY_EVERY).await;
            }
        }
    }
}

/// A log-in of a blocked member with their SMS temporary password: `None`
/// when they have none live (the account is then simply blocked).
async fn temporary_log_in(
    state: &AppState,
    member_id: i64,
    password: &Secret,
    device_id: Option<&str>,
) -> Result<Option<Result<LoginResponse, Failure>>, Failure> {
    let token = crate::proofs::random_token();
    let ttl = i64::try_from(state.config.session_ttl.as_secs()).unwrap_or(1800);
    match state.db.try_temporary_password(member_id, password, &state.config.pepper, (&token, device_id), ttl).await? {
        TemporaryOutcome::None => Ok(None),
        TemporaryOutcome::Accepted => {
            let Some(m) = state.db.member_by_id(member_id).await? else { return Ok(None) };
            state.db.audit_at_device(Event::TemporaryPasswordLogin, Some(member_id), None, device_id).await;
            tracing::info!(member_id, outcome = "temporary_password", "log-in to choose a new password");
            Ok(Some(Ok(LoginResponse {
                token,
                expires_in_secs: state.config.session_ttl.as_secs(),
                member: borne_api::MemberSummary { first_name: m.first_name, last_name: m.last_name },
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
