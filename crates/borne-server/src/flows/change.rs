//! Choosing a new password from a session: after an SMS temporary password
//! (MGEN guide, step 5: no current password asked) or from a normal session
//! (the current password is required). Ends in a fresh, full session.

use crate::audit::Event;
use crate::error::Failure;
use crate::sessions::NewSession;
use crate::state::AppState;
use anyhow::Context;
use borne_core::api::{ChangePasswordRequest, LoginResponse, MemberSummary};
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
        let stored: String = sqlx::query_scalar("SELECT password_hash FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(&state.db.pool)
            .await
            .context("current password hash")?;
        let permit = state.verifier.permit().await;
        if !state.verifier.verify(permit, current, stored).await? {
            tracing::info!(member_id, outcome = "current_password_wrong", "password change refused");
            return Err(BorneError::CurrentPasswordWrong.into());
        }
    }
    let hash = super::new_password_hash(req.new_password.clone(), &req.new_password_confirmation, &member.personal_info()).await?;
    let session = NewSession::generate(state.config.session_ttl);
    state.db.set_password(member_id, &hash, None, Some(&session)).await?;
    crate::notify::password_changed(state, &member);
    state.db.audit(Event::PasswordChanged, Some(member_id), Some(if restricted { "temporary" } else { "session" })).await;
    tracing::info!(member_id, outcome = "password_changed", "password changed");
    Ok(LoginResponse {
        token: session.token,
        expires_in_secs: state.config.session_ttl.as_secs(),
        member: MemberSummary { first_name: member.first_name, last_name: member.last_name },
        must_change_password: false,
    })
}
