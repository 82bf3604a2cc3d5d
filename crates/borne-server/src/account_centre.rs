//! The account and security centre (issue 16): what a logged-in member can
//! see and change about their own account — the contacts and their change
//! confirmed by a code sent to the new address, the last log-ins and the
//! account's events, the open sessions, and « Ce n'est pas moi » (from the
//! app, or from a notification's link through the public page).
//!
//! Every function here starts from a member id that `member_of` took from a
//! live, full session: a member only ever reads or changes their own rows.
//!
//! A contact change follows the proofs' rules ([`crate::proofs`]): a
//! 6-digit code keyed with the pepper, 30 minutes, single use, 5 tries
//! carried over when a new request replaces a live one; sending it
//! consumes the member's per-channel budget ([`crate::budget`]) under the
//! member's row lock, in the transaction that queues it. Whether the new
//! e-mail belongs to another account is said only at confirmation, once
//! the member proved they read that mailbox.

use crate::audit::{self, Event};
use crate::budget::{self, SendChannel};
use crate::delivery::{Channel as Via, Message};
use crate::error::Failure;
use crate::hashing::{same, sha256_hex};
use crate::outbox::{Carries, Outgoing, Queued, NOTICE_TTL_SECS};
use crate::proofs::{code_hash, random_code, random_token, CODE_TRIES, PROOF_TTL_SECS};
use crate::state::AppState;
use crate::store::{self, now, random_id};
use anyhow::Context;
use borne_api::{AccountEvent, AccountEventKind, Activity, Channel, Contacts, LoginEntry, PendingContactChange, Place, SessionEntry};
use borne_core::contact::{french_mobile, mask_email, mask_phone, metropolitan_mobile};
use borne_core::{BorneError, Secret};

/// How many log-ins and events « Sécurité du compte » lists.
pub(crate) const ACTIVITY_LIMIT: i64 = 20;
/// How long a « Ce n'est pas moi » link of a notification works.
pub(crate) const DISOWN_TTL_SECS: i64 = 7 * 24 * 60 * 60;
/// The audit detail of a block by the member (« Ce n'est pas moi »).
pub(crate) const MEMBER_REPORT: &str = "member_report";

/// The member of a live, full session: 401 `session_expired` without one,
/// 403 `password_change_required` for a session opened with an SMS
/// temporary password.
pub(crate) async fn member_of(state: &AppState, token: &Secret) -> Result<i64, Failure> {
    match state.db.session_owner(token).await? {
        None => Err(BorneError::SessionExpired.into()),
        Some((_, true)) => Err(BorneError::PasswordChangeRequired.into()),
        Some((member_id, false)) => Ok(member_id),
    }
}

fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Email => "email",
        Channel::Sms => "sms",
    }
}

fn mask(channel: &str, value: &str) -> String {
    if channel == "email" {
        mask_email(value)
    } else {
        mask_phone(value)
    }
}

/// The contacts on file, masked, and the change waiting for its code.
pub(crate) async fn contacts(state: &AppState, member_id: i64) -> Result<Contacts, Failure> {
    let member = state.db.member_by_id(member_id).await?.ok_or(BorneError::SessionExpired)?;
    let pending = store::account::pending_change(&state.db.pool, member_id, now(), CODE_TRIES).await?;
    let phone = member.phone.as_deref().filter(|p| !p.trim().is_empty());
    Ok(Contacts {
        email: Some(mask_email(&member.email)).filter(|_| !member.email.is_empty()),
        mobile: phone.map(mask_phone),
        sms_unlock_possible: phone.and_then(metropolitan_mobile).is_some(),
        pending: pending.map(|(channel, value, expires_at)| PendingContactChange {
            channel: if channel == "email" { Channel::Email } else { Channel::Sms },
            masked: mask(&channel, &value),
            expires_in_secs: u64::try_from(expires_at - now()).unwrap_or(0),
        }),
    })
}

/// The new value as stored (lower-cased e-mail, E.164 mobile), checked
/// with borne-core's rules.
fn normalise(channel: Channel, value: &str) -> Result<String, BorneError> {
    if value.chars().count() > 254 {
        return Err(BorneError::BadRequest);
    }
    match channel {
        Channel::Email => match borne_core::email::Email::parse(value) {
            Ok(email) => Ok(email.as_str().to_owned()),
            Err(_) => Err(BorneError::EmailInvalid),
        },
        Channel::Sms => french_mobile(value).ok_or(BorneError::PhoneInvalid),
    }
}

/// « Mes coordonnées »: sends a code to the new address (module docs).
pub(crate) async fn change(state: &AppState, member_id: i64, channel: Channel, value: &str) -> Result<PendingContactChange, Failure> {
    let new_value = normalise(channel, value)?;
    let member = state.db.member_by_id(member_id).await?.ok_or(BorneError::SessionExpired)?;
    let unchanged = match channel {
        Channel::Email => member.email == new_value,
        Channel::Sms => member.phone.as_deref().and_then(french_mobile).as_deref() == Some(new_value.as_str()),
    };
    if unchanged {
        return Err(BorneError::ContactUnchanged.into());
    }
    let (now, id, code) = (now(), random_id(), random_code());
    let name = channel_name(channel);
    let send_channel = if channel == Channel::Email { SendChannel::Email } else { SendChannel::Sms };
    let english = state.config.language == borne_core::Lang::En;
    let message = match channel {
        Channel::Email => Message::ContactCode { first_name: member.first_name.clone(), code: code.expose().to_owned(), english },
        Channel::Sms => Message::ContactCodeSms { code: code.expose().to_owned(), english },
    };
    let outgoing = Outgoing {
        channel: if channel == Channel::Email { Via::Email } else { Via::Sms },
        to: new_value.clone(),
        message,
        member_id: Some(member_id),
        carries: Carries::ContactChange(id.clone()),
        valid_until: now + PROOF_TTL_SECS,
    };
    let mut tx = state.db.pool.begin().await.context("contact change: begin")?;
    store::members::lock(&mut *tx, member_id).await?;
    let queued = if budget::consume(&mut tx, member_id, send_channel, now).await? {
        let carried = store::account::change_tries_so_far(&mut *tx, member_id, name, now).await?;
        store::account::end_changes(&mut *tx, member_id, Some(name), now).await?;
        let row = store::account::NewChange {
            id: &id,
            member_id,
            channel: name,
            new_value: &new_value,
            code_hash: &code_hash(&state.config.pepper, &id, code.expose()),
            attempts: carried,
            created_at: now,
            expires_at: now + PROOF_TTL_SECS,
        };
        store::account::insert_change(&mut *tx, &row).await?;
        let queued = crate::outbox::enqueue(&mut tx, state.outbox.sealer(), outgoing, now).await?;
        audit::record(&mut tx, Event::ContactChangeRequested, Some(member_id), Some(name)).await?;
        tx.commit().await.context("contact change: commit")?;
        Some(queued)
    } else {
        drop(tx);
        None
    };
    match &queued {
        Some(q) => {
            state.outbox.queued(q);
            tracing::info!(member_id, channel = name, outcome = "queued", "contact change: code queued");
        }
        None => {
            state.db.audit(Event::MessageBudgetSpent, Some(member_id), Some("contact_change")).await;
            tracing::info!(member_id, channel = name, outcome = "budget_spent", "contact change answered, nothing sent");
        }
    }
    // The same answer whether or not the budget allowed a message.
    Ok(PendingContactChange { channel, masked: mask(name, &new_value), expires_in_secs: PROOF_TTL_SECS as u64 })
}

/// The code received at the new address: the contact is changed, the old
/// address notified with a « Ce n'est pas moi » link.
pub(crate) async fn confirm(state: &AppState, member_id: i64, channel: Channel, code: &Secret) -> Result<Contacts, Failure> {
    let code = borne_core::code::parse(code.expose())?;
    let name = channel_name(channel);
    let now = now();
    let Some((id, stored, new_value, attempts)) = store::account::count_change_try(&state.db.pool, member_id, name, now, CODE_TRIES).await? else {
        tracing::info!(member_id, channel = name, outcome = "no_live_code", "contact change refused");
        return Err(BorneError::CodeExpired.into());
    };
    if !same(stored.as_bytes(), code_hash(&state.config.pepper, &id, code.expose()).as_bytes()) {
        let attempts_left = u32::try_from((CODE_TRIES - attempts).max(0)).unwrap_or(0);
        state.db.audit(Event::ContactCodeRejected, Some(member_id), Some(name)).await;
        tracing::info!(member_id, channel = name, attempts_left, outcome = "code_invalid", "contact change refused");
        return Err(BorneError::CodeInvalid { attempts_left }.into());
    }
    let member = state.db.member_by_id(member_id).await?.ok_or(BorneError::SessionExpired)?;
    let disown = random_token();
    let english = state.config.language == borne_core::Lang::En;
    let link = crate::http::pages::disown_link(&public_url(state), &disown);
    let (event, notices) = match channel {
        Channel::Email => (Event::EmailChanged, vec![notice_email(&member, &member.email, true, &link, english)]),
        Channel::Sms => {
            let mut notices = vec![notice_email(&member, &member.email, false, &link, english)];
            if let Some(old) = member.phone.as_deref().and_then(french_mobile) {
                notices.push(Outgoing {
                    channel: Via::Sms,
                    to: old,
                    message: Message::ContactChangedSms { link: link.clone(), english },
                    member_id: Some(member_id),
                    carries: Carries::Nothing,
                    valid_until: now + NOTICE_TTL_SECS,
                });
            }
            (Event::MobileChanged, notices)
        }
    };
    let mut tx = state.db.pool.begin().await.context("contact confirm: begin")?;
    store::members::lock(&mut *tx, member_id).await?;
    if !store::account::use_change(&mut *tx, &id, now).await? {
        return Err(BorneError::CodeExpired.into());
    }
    match channel {
        Channel::Email => {
            if store::account::email_taken(&mut *tx, member_id, &new_value).await? || !store::account::set_email(&mut *tx, member_id, &new_value).await? {
                // The code is used up all the same: it proved the mailbox, once.
                tx.commit().await.context("contact confirm: commit")?;
                tracing::info!(member_id, channel = name, outcome = "contact_in_use", "contact change refused");
                return Err(BorneError::ContactInUse.into());
            }
        }
        Channel::Sms => store::account::set_phone(&mut *tx, member_id, &new_value).await?,
    }
    store::account::insert_disown_token(&mut *tx, &disown_hash(&disown), member_id, event.name(), now, now + DISOWN_TTL_SECS).await?;
    audit::record(&mut tx, event, Some(member_id), None).await?;
    // Notices of the member's own change: outside the budget (crate::budget).
    let mut queued: Vec<Queued> = Vec::new();
    for notice in notices {
        queued.push(crate::outbox::enqueue(&mut tx, state.outbox.sealer(), notice, now).await?);
    }
    tx.commit().await.context("contact confirm: commit")?;
    for q in &queued {
        state.outbox.queued(q);
    }
    tracing::info!(member_id, channel = name, outcome = "changed", "contact changed");
    contacts(state, member_id).await
}

fn notice_email(member: &crate::account::MemberRecord, to: &str, email: bool, link: &str, english: bool) -> Outgoing {
    Outgoing {
        channel: Via::Email,
        to: to.to_owned(),
        message: Message::ContactChanged { first_name: member.first_name.clone(), email, link: link.to_owned(), english },
        member_id: Some(member.id),
        carries: Carries::Nothing,
        valid_until: now() + NOTICE_TTL_SECS,
    }
}

fn public_url(state: &AppState) -> String {
    state.config.public_url.clone().unwrap_or_else(|| "http://127.0.0.1".into())
}

pub(crate) fn disown_hash(token: &Secret) -> String {
    sha256_hex(&[b"disown-token", token.expose().as_bytes()])
}

/// The audited event kinds « Sécurité du compte » shows.
const SHOWN: [&str; 7] =
    ["password_changed", "password_reset", "account_blocked", "unlock_sent", "email_changed", "mobile_changed", "other_sessions_ended"];

fn kind_of(kind: &str, detail: Option<&str>) -> Option<AccountEventKind> {
    Some(match kind {
        "password_changed" => AccountEventKind::PasswordChanged,
        "password_reset" => AccountEventKind::PasswordReset,
        "account_blocked" if detail.is_some_and(|d| d.starts_with(MEMBER_REPORT)) => AccountEventKind::AccountBlockedByMember,
        "account_blocked" => AccountEventKind::AccountBlocked,
        "unlock_sent" => AccountEventKind::UnlockRequested,
        "email_changed" => AccountEventKind::EmailChanged,
        "mobile_changed" => AccountEventKind::MobileChanged,
        "other_sessions_ended" => AccountEventKind::OtherSessionsEnded,
        _ => return None,
    })
}

fn disownable(kind: AccountEventKind) -> bool {
    use AccountEventKind::*;
    matches!(kind, PasswordChanged | PasswordReset | EmailChanged | MobileChanged | UnlockRequested)
}

fn place(device_id: &Option<String>) -> Place {
    if device_id.is_some() {
        Place::Kiosk
    } else {
        Place::Computer
    }
}

/// The last log-ins and the account's events, newest first; no detail
/// string, no other member's row.
pub(crate) async fn activity(state: &AppState, member_id: i64) -> Result<Activity, Failure> {
    let pool = &state.db.pool;
    let logins = store::audit::logins_of(pool, member_id, [Event::LoginSucceeded.name(), Event::TemporaryPasswordLogin.name()], ACTIVITY_LIMIT).await?;
    let events = store::audit::events_of(pool, member_id, &SHOWN, ACTIVITY_LIMIT).await?;
    Ok(Activity {
        logins: logins.into_iter().map(|(at, device_id, name)| LoginEntry { at, place: place(&device_id), device_name: name }).collect(),
        events: events
            .into_iter()
            .filter_map(|(id, at, kind, detail)| {
                let kind = kind_of(&kind, detail.as_deref())?;
                Some(AccountEvent { id, at, kind, disownable: disownable(kind) })
            })
            .collect(),
    })
}

/// The member's live sessions, newest first, `current` for `token`'s.
pub(crate) async fn sessions(state: &AppState, member_id: i64, token: &Secret) -> Result<Vec<SessionEntry>, Failure> {
    let rows = store::sessions::live_of(&state.db.pool, member_id, &crate::sessions::token_hash(token), now()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, created_at, device_id, name, current)| SessionEntry { id, created_at, place: place(&device_id), device_name: name, current: current != 0 })
        .collect())
}

/// « Déconnecter les autres appareils »: how many sessions ended.
pub(crate) async fn end_others(state: &AppState, member_id: i64, token: &Secret) -> Result<u32, Failure> {
    let mut tx = state.db.pool.begin().await.context("end others: begin")?;
    store::members::lock(&mut *tx, member_id).await?;
    let ended = store::sessions::revoke_others(&mut *tx, member_id, &crate::sessions::token_hash(token), now()).await?;
    audit::record(&mut tx, Event::OtherSessionsEnded, Some(member_id), None).await?;
    tx.commit().await.context("end others: commit")?;
    tracing::info!(member_id, ended, outcome = "other_sessions_ended", "sessions revoked");
    Ok(u32::try_from(ended).unwrap_or(u32::MAX))
}

/// « Ce n'est pas moi » from a session: blocks the account, revokes every
/// session (this one too), ends live codes and temporary passwords. The
/// disowned event is cited in the audit detail only if it is the member's.
pub(crate) async fn block_from_session(state: &AppState, member_id: i64, event_id: Option<i64>) -> Result<(), Failure> {
    let cited = match event_id {
        Some(id) if store::audit::is_members(&state.db.pool, member_id, id).await? => Some(id),
        _ => None,
    };
    let detail = match cited {
        Some(id) => format!("{MEMBER_REPORT}:event={id}"),
        None => MEMBER_REPORT.to_owned(),
    };
    let mut tx = state.db.pool.begin().await.context("block: begin")?;
    store::members::lock(&mut *tx, member_id).await?;
    block_in(&mut tx, member_id, &detail).await?;
    tx.commit().await.context("block: commit")?;
    tracing::info!(member_id, outcome = "blocked_by_member", "account blocked");
    Ok(())
}

async fn block_in(tx: &mut store::Tx, member_id: i64, detail: &str) -> anyhow::Result<()> {
    let now = now();
    store::account::block(&mut **tx, member_id).await?;
    store::sessions::revoke_all(&mut **tx, member_id, "block: revoke the sessions").await?;
    store::temporary_passwords::end_unused(&mut **tx, member_id, now, "block: temporary passwords").await?;
    store::account::end_changes(&mut **tx, member_id, None, now).await?;
    audit::record(tx, Event::AccountBlocked, Some(member_id), Some(detail)).await
}

/// True while a « Ce n'est pas moi » link can be used (the page's form).
pub(crate) async fn disown_link_is_live(state: &AppState, token: &Secret) -> Result<bool, Failure> {
    Ok(store::account::live_disown_token(&state.db.pool, &disown_hash(token), now()).await?.is_some())
}

/// « Ce n'est pas moi » from a notification's link: false when the link is
/// unknown, used or expired (nothing changed).
pub(crate) async fn block_from_link(state: &AppState, token: &Secret) -> Result<bool, Failure> {
    let hash = disown_hash(token);
    let Some((member_id, _)) = store::account::live_disown_token(&state.db.pool, &hash, now()).await? else { return Ok(false) };
    let mut tx = state.db.pool.begin().await.context("block by link: begin")?;
    store::members::lock(&mut *tx, member_id).await?;
    let Some((_, disowns)) = store::account::use_disown_token(&mut *tx, &hash, now()).await? else { return Ok(false) };
    block_in(&mut tx, member_id, &format!("{MEMBER_REPORT}:{disowns}")).await?;
    tx.commit().await.context("block by link: commit")?;
    tracing::info!(member_id, outcome = "blocked_by_member", "account blocked from a notification's link");
    Ok(true)
}
