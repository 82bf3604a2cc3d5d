//! The per-member, per-channel message budget: every message the server
//! sends to a member because someone filled a public form (reset,
//! registration and unlock e-mails, unlock SMS, their resends) is one row of
//! `message_sends`, and at most [`EMAIL_PER_HOUR`] e-mails and
//! [`SMS_PER_HOUR`] SMS go to one member in any hour.
//!
//! The budget is checked and consumed by [`consume`] inside the transaction
//! that issues the proof or the temporary password, after the member's row
//! was locked ([`crate::store::members::lock`]): concurrent requests, on any
//! number of replicas, queue on that lock, so N of them can never send more
//! than the budget. A spent budget changes nothing in the answer (the caller
//! answers as usual and audits `message_budget_spent`).
//!
//! Notifications that follow a change the member made (password changed)
//! are not counted: no stranger can trigger them, and dropping one would
//! hide a change from its owner.

use crate::store;

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SendChannel {
    Email,
    Sms,
}

impl SendChannel {
    pub(crate) fn name(self) -> &'static str {
        match self {
            SendChannel::Email => "email",
            SendChannel::Sms => "sms",
        }
    }
}

/// E-mails to one member per hour.
pub(crate) const EMAIL_PER_HOUR: i64 = 5;
/// SMS to one member per hour (an SMS is costly and lands on a phone).
pub(crate) const SMS_PER_HOUR: i64 = 3;
pub(crate) const WINDOW_SECS: i64 = 60 * 60;

pub(crate) fn per_window(channel: SendChannel) -> i64 {
    match channel {
        SendChannel::Email => EMAIL_PER_HOUR,
        SendChannel::Sms => SMS_PER_HOUR,
    }
}

/// Records one message to `member_id` on `channel` if the budget allows it;
/// false when it is spent. The caller's transaction must hold the member's
/// row lock, and the message must be sent only if that transaction commits.
pub(crate) async fn consume(tx: &mut crate::store::Tx, member_id: i64, channel: SendChannel, now: i64) -> anyhow::Result<bool> {
    let sent = store::budget::sent_since(&mut **tx, member_id, channel.name(), now - WINDOW_SECS).await?;
    if sent >= per_window(channel) {
        return Ok(false);
    }
    store::budget::record(&mut **tx, member_id, channel.name(), now).await?;
    Ok(true)
}
