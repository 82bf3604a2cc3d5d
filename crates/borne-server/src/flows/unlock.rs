//! Unlocking an account blocked after 3 failures (MGEN guide, steps 2-4):
//! NIR + date of birth, then the channel: SMS (temporary password) only to a
//! metropolitan-France mobile, or e-mail (link + code). When only one channel
//! exists it is used at once and the answer says which.

use crate::audit::Event;
use crate::client::ClientId;
use crate::counters::{self, Limit, Scope, Taken};
use crate::store::{now, random_id};
use crate::error::Failure;
use crate::proofs::Issued;
use crate::state::AppState;
use borne_api::{Channel, ChannelOption, Purpose, UnlockResponse};
use borne_core::contact::{mask_email, mask_phone, metropolitan_mobile};
use borne_core::{BirthDate, BorneError, Nir};

/// How long the member has to choose a channel.
const UNLOCK_REQUEST_TTL_SECS: i64 = 15 * 60;
/// Failed identity checks one client (a kiosk, or an address) may make in
/// 15 minutes, whatever the NIRs: a stranger typing dates at a kiosk is
/// stopped here, without locking anybody out.
pub(crate) const CLIENT_LIMIT: Limit = Limit { attempts: 5, window_secs: 15 * 60 };
/// Failed identity checks for one NIR in an hour, from all clients: the NIR
/// gives away the birth year and month, so about 31 dates remain; this bounds
/// a guesser spread over many clients. Counted alike for a NIR of nobody, so
/// that the refusal says nothing of the NIR.
pub(crate) const NIR_LIMIT: Limit = Limit { attempts: 10, window_secs: 60 * 60 };

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

pub(crate) async fn start(state: &AppState, client: &ClientId, nir: &Nir, birthdate: &BirthDate) -> Result<UnlockResponse, Failure> {
    // Both limits are taken before the date is compared (crate::counters), so
    // that a burst is refused before it is evaluated; a verified identity
    // gives them back.
    let pepper = &state.config.pepper;
    let client_subject = counters::subject(pepper, Scope::UnlockClient, &[client.as_str().as_bytes()]);
    if let Taken::Spent { retry_after_secs } = state.db.take_attempt(Scope::UnlockClient, &client_subject, CLIENT_LIMIT).await? {
        tracing::info!(outcome = "too_many_identity_failures", limit = "client", "unlock refused");
        return Err(BorneError::TooManyRequests { retry_after_secs }.into());
    }
    let nir_subject = counters::subject(pepper, Scope::UnlockNir, &[nir.as_str().as_bytes()]);
    if let Taken::Spent { retry_after_secs } = state.db.take_attempt(Scope::UnlockNir, &nir_subject, NIR_LIMIT).await? {
        // Nothing was compared: the client's attempt is not spent.
        state.db.give_back(Scope::UnlockClient, &client_subject).await?;
        tracing::info!(outcome = "too_many_identity_failures", limit = "nir", "unlock refused");
        return Err(BorneError::TooManyRequests { retry_after_secs }.into());
    }
    let member = state.db.member_by_nir(nir).await?;
    let known = member.as_ref().map(|m| m.id);
    let Some(member) = member.filter(|m| m.birthdate_is(birthdate)) else {
        state.db.audit(Event::UnlockIdentityFailed, known, None).await;
        tracing::info!(outcome = "identity_not_verified", "unlock refused");
        return Err(BorneError::IdentityNotVerified.into());
    };
    state.db.give_back(Scope::UnlockClient, &client_subject).await?;
    state.db.clear_attempts(Scope::UnlockNir, &nir_subject).await?;
    if !member.blocked {
        tracing::info!(member_id = member.id, outcome = "not_blocked", "unlock refused");
        return Err(BorneError::NotBlocked.into());
    }
    let channels = channels_of(&member);
    if channels.is_empty() {
        return Err(BorneError::NoContactChannel.into());
    }
    let unlock_id = random_id();
    let now = now();
    crate::store::unlock_requests::insert(&state.db.pool, &unlock_id, member.id, now, now + UNLOCK_REQUEST_TTL_SECS).await?;
    let sent = if channels.len() == 1 { Some(send(state, &unlock_id, channels[0].channel).await?) } else { None };
    tracing::info!(member_id = member.id, channels = channels.len(), outcome = "identity_verified", "unlock started");
    Ok(UnlockResponse { unlock_id, channels, sent })
}

pub(crate) async fn send(state: &AppState, unlock_id: &str, channel: Channel) -> Result<ChannelOption, Failure> {
    let sends = crate::store::unlock_requests::count_send(&state.db.pool, unlock_id, now(), super::MAX_SENDS_PER_UNLOCK).await?;
    let Some(member_id) = sends else { return Err(BorneError::CodeExpired.into()) };
    let Some(member) = state.db.member_by_id(member_id).await?.filter(|m| m.blocked) else {
        return Err(BorneError::NotBlocked.into());
    };
    let Some(option) = channels_of(&member).into_iter().find(|c| c.channel == channel) else {
        return Err(BorneError::ChannelUnavailable.into());
    };
    // The member's budget for the channel is checked and consumed with the
    // secret; when it is spent the answer stays the same (crate::budget).
    let sealer = state.outbox.sealer();
    let issued = match channel {
        Channel::Sms => {
            let compose = crate::notify::temporary_password(&member);
            state.db.issue_temporary_password(member.id, &state.config.pepper, sealer, compose).await?
        }
        Channel::Email => {
            let compose = crate::notify::unlock_by_email(state, &member);
            state.db.issue_proof(member.id, Purpose::Unlock, &state.config.pepper, sealer, None, compose).await?
        }
    };
    if let Issued::Queued(queued) = &issued {
        state.outbox.queued(queued);
    } else if let Issued::BudgetSpent = issued {
        state.db.audit(Event::MessageBudgetSpent, Some(member.id), Some(if channel == Channel::Sms { "unlock_sms" } else { "unlock_email" })).await;
        tracing::info!(member_id = member.id, channel = ?channel, outcome = "budget_spent", "unlock message not sent");
        return Ok(option);
    }
    state.db.audit(Event::UnlockSent, Some(member.id), Some(if channel == Channel::Sms { "sms" } else { "email" })).await;
    tracing::info!(member_id = member.id, channel = ?channel, outcome = "sent", "unlock message sent");
    Ok(option)
}
