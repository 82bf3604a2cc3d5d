//! Choosing a new password from a session: after an SMS temporary password
//! (MGEN guide, step 5: no current password asked) or from a normal session
//! (the current password is required). Ends in a fresh, full session.
//!
//! The current password is verified under the log-in's lockout claim
//! ([`crate::lockout`]): a wrong one counts as a failed log-in (audited
//! `current_password_rejected`), and the third blocks the account and
//! revokes every session, this one included, so that a stolen session
//! cannot guess the password without limit.

use crate::audit::Event;
use crate::error::Failure;
use crate::lockout::{Claim, Settled, Who};
use crate::sessions::NewSession;
use crate::state::AppState;
use borne_api::{ChangePasswordRequest, LoginResponse, MemberSummary};
use borne_core::{BorneError, Secret};

pub(crate) async fn change(state: &AppState, token: &Secret, req: ChangePasswordRequest) -> Result<LoginResponse, Failure> {
    let Some((member_id, restricted)) = state.db.session_owner(token).await? else {
        return Err(BorneError::SessionExpired.into());
    };
    let Some(member) = state.db.member_by_id(member_id).await? else {
        return Err(BorneError::SessionExpired.into());
    };
    if !restricted {
        let current = req.current_password.clone().filter(|p| !p.is_empty()).ok_or(BorneError::CurrentPasswordWrong)?;
        check_current_password(state, member_id, current).await?;
    }
    let hash = super::new_password_hash(req.new_password.clone(), &req.new_password_confirmation, &member.personal_info()).await?;
    let session = NewSession::generate(state.config.session_ttl);
    let notice = (state.outbox.sealer(), crate::notify::password_changed(&member));
    let Some(queued) = state.db.set_password(member_id, &hash, None, Some(&session), Some(token), Some(notice)).await? else {
        // A reset, or a block, revoked this session meanwhile.
        tracing::info!(member_id, outcome = "session_revoked", "password change refused");
        return Err(BorneError::SessionExpired.into());
    };
    if let Some(queued) = &queued {
        state.outbox.queued(queued);
    }
    state.db.audit(Event::PasswordChanged, Some(member_id), Some(if restricted { "temporary" } else { "session" })).await;
    tracing::info!(member_id, outcome = "password_changed", "password changed");
    Ok(LoginResponse {
        token: session.token,
        expires_in_secs: state.config.session_ttl.as_secs(),
        member: MemberSummary { first_name: member.first_name, last_name: member.last_name },
        must_change_password: false,
    })
}

/// Verifies the current password under a lockout claim (module docs).
async fn check_current_password(state: &AppState, member_id: i64, current: Secret) -> Result<(), Failure> {
    let permit = state.verifier.permit().await;
    let (claim, stored) = match state.db.claim_attempt(Who::Member(member_id)).await? {
        Claim::Granted { claim, password_hash } => (claim, password_hash),
        Claim::Blocked { .. } => return Err(BorneError::AccountBlocked.into()),
        Claim::Busy { .. } => return Err(BorneError::TooManyRequests { retry_after_secs: 1 }.into()),
        Claim::Unknown => return Err(BorneError::SessionExpired.into()),
    };
    let matches = crate::login::verify_claimed(state, permit, claim, current, &stored).await?;
    let settled = if matches {
        state.db.settle_success(claim, &stored, None, Event::CurrentPasswordAccepted).await?
    } else {
        state.db.settle_failure(claim, &stored, Event::CurrentPasswordRejected).await?
    };
    match settled {
        Settled::Verified(_) => Ok(()),
        Settled::Failed { failed_attempts } => {
            tracing::info!(member_id, outcome = "current_password_wrong", failed_attempts, "password change refused");
            Err(BorneError::CurrentPasswordWrong.into())
        }
        Settled::Blocked => {
            tracing::info!(member_id, outcome = "blocked_now", "password change refused; 3rd consecutive failure, account blocked");
            Err(BorneError::AccountBlocked.into())
        }
        // The password changed meanwhile, which revoked this session.
        Settled::Stale => Err(BorneError::SessionExpired.into()),
    }
}
