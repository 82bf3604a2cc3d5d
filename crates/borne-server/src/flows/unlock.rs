//! Unlocking an account blocked after 3 failures (MGEN guide, steps 2-4):
//! NIR + date of birth, then the channel: SMS (temporary password) only to a
//! metropolitan-France mobile, or e-mail (link + code). When only one channel
//! exists it is used at once and the answer says which.

use crate::audit::Event;
use crate::db::{now, random_id};
use crate::error::Failure;
use crate::state::AppState;
use anyhow::Context;
use borne_core::api::{Channel, ChannelOption, Purpose, UnlockResponse};
use borne_core::contact::{mask_email, mask_phone, metropolitan_mobile};
use borne_core::{BirthDate, BorneError, Nir};

/// How long the member has to choose a channel.
const UNLOCK_REQUEST_TTL_SECS: i64 = 15 * 60;
/// Identity checks failed per account per hour before the form is refused:
/// the NIR gives away the birth year and month, so few guesses remain.
const MAX_IDENTITY_FAILURES: i64 = 5;

fn channels_of(member: &crate::account::MemberRecord) -> Vec<ChannelOption> {
    let mut channels = Vec::new();
    if let Some(phone) = member.phone.as_deref().filter(|p| metropolitan_mobile(p).is_some()) {
        channels.push(ChannelOption { channel: Channel::Sms, masked: mask_phone(phone) });
    }
    if !member.email.is_empty() {
        channels.push(ChannelOption { channel: Channel::Email, masked: mask_email(&member.email) });
    }
    channels
}

pub(crate) async fn start(state: &AppState, nir: &Nir, birthdate: &BirthDate) -> Result<UnlockResponse, Failure> {
    let Some(member) = state.db.member_by_nir(nir).await? else {
        state.db.audit(Event::UnlockIdentityFailed, None, Some("unknown")).await;
        tracing::info!(outcome = "identity_not_verified", "unlock refused");
        return Err(BorneError::IdentityNotVerified.into());
    };
    let failures = state.db.audit_count_since(Event::UnlockIdentityFailed, member.id, now() - 3600).await?;
    if failures >= MAX_IDENTITY_FAILURES {
        tracing::info!(member_id = member.id, outcome = "too_many_identity_failures", "unlock refused");
        return Err(BorneError::TooManyRequests { retry_after_secs: 3600 }.into());
    }
    if !member.birthdate_is(birthdate) {
        state.db.audit(Event::UnlockIdentityFailed, Some(member.id), None).await;
        tracing::info!(member_id = member.id, outcome = "identity_not_verified", "unlock refused");
        return Err(BorneError::IdentityNotVerified.into());
    }
    if !member.blocked {
        tracing::info!(member_id = member.id, outcome = "not_blocked", "unlock refused");
        return Err(BorneError::NotBlocked.into());
    }
    let channels = channels_of(&member);
    if channels.is_empty() {
        return Err(BorneError::NoContactChannel.into());
    }
    let unlock_id = random_id();
    sqlx::query("INSERT INTO unlock_requests (id, member_id, sends, created_at, expires_at) VALUES ($1, $2, 0, $3, $4)")
        .bind(&unlock_id)
        .bind(member.id)
        .bind(now())
        .bind(now() + UNLOCK_REQUEST_TTL_SECS)
        .execute(&state.db.pool)
        .await
        .context("unlock request")?;
    let sent = if channels.len() == 1 { Some(send(state, &unlock_id, channels[0].channel).await?) } else { None };
    tracing::info!(member_id = member.id, channels = channels.len(), outcome = "identity_verified", "unlock started");
    Ok(UnlockResponse { unlock_id, channels, sent })
}

pub(crate) async fn send(state: &AppState, unlock_id: &str, channel: Channel) -> Result<ChannelOption, Failure> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE unlock_requests SET sends = sends + 1 WHERE id = $1 AND expires_at > $2 AND sends < $3 RETURNING member_id",
    )
    .bind(unlock_id)
    .bind(now())
    .bind(super::MAX_SENDS_PER_WINDOW)
    .fetch_optional(&state.db.pool)
    .await
    .context("unlock send")?;
    let Some((member_id,)) = row else { return Err(BorneError::CodeExpired.into()) };
    let Some(member) = state.db.member_by_id(member_id).await?.filter(|m| m.blocked) else {
        return Err(BorneError::NotBlocked.into());
    };
    let Some(option) = channels_of(&member).into_iter().find(|c| c.channel == channel) else {
        return Err(BorneError::ChannelUnavailable.into());
    };
    match channel {
        Channel::Sms => {
            let temporary = state.db.issue_temporary_password(member.id, &state.config.pepper).await?;
            crate::notify::temporary_password(state, &member, temporary);
        }
        Channel::Email => {
            let proof = state.db.issue_proof(member.id, Purpose::Unlock, &state.config.pepper).await?;
            crate::notify::unlock_by_email(state, &member, &proof);
        }
    }
    state.db.audit(Event::UnlockSent, Some(member.id), Some(if channel == Channel::Sms { "sms" } else { "email" })).await;
    tracing::info!(member_id = member.id, channel = ?channel, outcome = "sent", "unlock message sent");
    Ok(option)
}
