//! Setting a new password with a token (the e-mail's link, or a verified
//! code): reset, e-mail unlock and registration all end here (MPN guide,
//! steps 8-10). Single use; clears the lockout; revokes every session.

use crate::audit::Event;
use crate::error::Failure;
use crate::state::AppState;
use borne_api::ResetPasswordRequest;
use borne_core::BorneError;

pub(crate) async fn reset(state: &AppState, req: ResetPasswordRequest) -> Result<(), Failure> {
    let Some(proof) = state.db.live_proof(&req.token).await? else {
        return Err(BorneError::CodeExpired.into());
    };
    let Some(member) = state.db.member_by_id(proof.member_id).await? else {
        return Err(BorneError::CodeExpired.into());
    };
    let hash = super::new_password_hash(req.new_password.clone(), &req.new_password_confirmation, &member.personal_info()).await?;
    let notice = (state.outbox.sealer(), crate::notify::password_changed(&member));
    let Some(queued) = state.db.set_password(member.id, &hash, Some(&proof.id), None, None, Some(notice)).await? else {
        return Err(BorneError::CodeExpired.into());
    };
    if let Some(queued) = &queued {
        state.outbox.queued(queued);
    }
    state.db.audit(Event::PasswordReset, Some(member.id), Some(&proof.purpose)).await;
    tracing::info!(member_id = member.id, purpose = %proof.purpose, outcome = "password_set", "password reset");
    Ok(())
}

/// What a link's web page needs before the member types anything: what the
/// proof was issued for and what the new password must not contain (its
/// live checklist). Nothing is consumed.
pub(crate) struct LinkStatus {
    pub(crate) purpose: borne_api::Purpose,
    pub(crate) info: borne_core::password::PersonalInfo,
}

/// The status of the link carrying `token`; `None` when it is unknown, used
/// or expired (one answer for the three: a page says the same).
pub(crate) async fn link_status(state: &AppState, token: &borne_core::Secret) -> Result<Option<LinkStatus>, Failure> {
    use borne_api::Purpose;
    let Some(proof) = state.db.live_proof(token).await? else { return Ok(None) };
    let purpose = [Purpose::Reset, Purpose::Unlock, Purpose::Registration]
        .into_iter()
        .find(|p| crate::proofs::purpose_name(*p) == proof.purpose)
        .ok_or_else(|| anyhow::anyhow!("a proof of an unknown purpose"))?;
    let Some(member) = state.db.member_by_id(proof.member_id).await? else { return Ok(None) };
    Ok(Some(LinkStatus { purpose, info: member.personal_info() }))
}
