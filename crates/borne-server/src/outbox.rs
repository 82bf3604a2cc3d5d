//! The durable outbox (issue 17): a message is a row of `outbox`, written in
//! the transaction that issues what it carries (a code and link, a temporary
//! password) or that records what it tells (a password change); a worker in
//! every replica sends it, retrying temporary failures with backoff and
//! jitter until it is delivered or what it carries is no longer valid.
//!
//! - **Claims**: a worker takes one due message at a time with a lease
//!   (`claimed_until`), in one statement: `FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL, the single writer on SQLite; two replicas never hold the
//!   same row. A send is cut at [`SEND_TIMEOUT`], before its lease ends, and
//!   a worker records an outcome only while the lease it set is still on the
//!   row. A worker that dies mid-send leaves the row to be taken again when
//!   the lease ends.
//! - **Validity**: before each try the carried secret must still be live (a
//!   proof neither used, nor replaced, nor redeemed by its code, nor
//!   expired; a temporary password neither used nor expired) and the row
//!   within `valid_until`; otherwise the row is dropped, never sent late.
//! - **Outcomes**: sent → `sent`; permanent failure (SMTP 5xx, gateway 4xx
//!   but 408/429, a bad address) → `failed` at once; temporary (connection,
//!   timeout, SMTP 4xx, gateway 5xx/408/429) → `pending` again at
//!   `next_attempt_at`. Each is logged ("message sent", "message failed
//!   (will retry at …)", …) and audited with the kind and the error, never
//!   the content or the recipient.
//! - **At rest**: the recipient and the message are sealed ([`Sealer`]); the
//!   sealed content is deleted (`NULL`) once the row is sent, failed or dropped.
//! - **Duplicates**: none in normal operation. At-least-once where the
//!   transport cannot tell: a relay that took the message but whose answer
//!   was lost, or a process killed between the relay's answer and the
//!   `sent` mark, sends again when the lease ends.
//!
//! Forgotten-password and registration forms go through the database too
//! (`pending_requests`, sealed): the answer is written once the form is
//! stored, the same for every form, and a worker looks it up and queues its
//! e-mail (deleting the form in the transaction that issues the proof).

use crate::audit::Event;
use crate::store::{self, now, random_id, Db};
use crate::delivery::{Channel, DeliveryError, Message, Sealer};
use crate::state::AppState;
use anyhow::Context;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use zeroize::Zeroizing;

/// A worker's lease on a message: longer than a send may last
/// ([`SEND_TIMEOUT`]), so that no other worker takes a message being sent.
const LEASE_SECS: i64 = 60;
/// A send that lasts longer is a temporary failure (retried later).
const SEND_TIMEOUT: Duration = Duration::from_secs(45);
/// A worker's lease on a form: looking one up takes milliseconds.
const REQUEST_LEASE_SECS: i64 = 10;
/// Forms a worker takes at once (messages: one at a time, so that each is
/// sent within its own lease).
const BATCH: i64 = 8;
/// How often an idle worker looks for due rows (it is also woken at once
/// when this process queues something).
const POLL: Duration = Duration::from_secs(1);
/// A form not looked up within this time is forgotten (the member's code
/// would have expired by then anyway).
const REQUEST_TTL_SECS: i64 = 30 * 60;
/// A notification that carries no secret is tried for this long.
pub(crate) const NOTICE_TTL_SECS: i64 = 24 * 60 * 60;

/// What a queued message carries, checked before each try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Carries {
    Nothing,
    Proof(String),
    TemporaryPassword(String),
    /// The code of a change of contact (`contact_changes`).
    ContactChange(String),
}

/// A message to queue.
pub(crate) struct Outgoing {
    pub(crate) channel: Channel,
    pub(crate) to: String,
    pub(crate) message: Message,
    pub(crate) member_id: Option<i64>,
    pub(crate) carries: Carries,
    pub(crate) valid_until: i64,
}

/// What is sealed in a row.
#[derive(Serialize, Deserialize)]
struct Content {
    to: String,
    message: Message,
}

/// A message just queued, to log and wake the worker for after the commit.
#[derive(Clone, Debug)]
pub(crate) struct Queued {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) channel: Channel,
}

/// Writes `out` into the outbox inside the caller's transaction: it is
/// queued if and only if the caller's change commits.
pub(crate) async fn enqueue(tx: &mut store::Tx, sealer: &Sealer, out: Outgoing, now: i64) -> anyhow::Result<Queued> {
    let id = random_id();
    let kind = out.message.kind();
    let content = Zeroizing::new(serde_json::to_vec(&Content { to: out.to, message: out.message }).context("outbox: serialize")?);
    let (proof_id, temporary_password_id, contact_change_id) = match out.carries {
        Carries::Nothing => (None, None, None),
        Carries::Proof(p) => (Some(p), None, None),
        Carries::TemporaryPassword(t) => (None, Some(t), None),
        Carries::ContactChange(c) => (None, None, Some(c)),
    };
    let row = store::outbox::NewRow {
        id: &id,
        channel: out.channel.as_str(),
        kind,
        member_id: out.member_id,
        proof_id,
        temporary_password_id,
        contact_change_id,
        sealed: sealer.seal(&id, &content),
        now,
        valid_until: out.valid_until,
    };
    store::outbox::insert(&mut **tx, row).await?;
    Ok(Queued { id, kind, channel: out.channel })
}

/// The retry schedule of temporary failures: `first`, doubling at each try,
/// at most `max`, each delay drawn in [75 %, 125 %] of its value so that
/// replicas and messages do not retry in step. (Written here rather than
/// with a backoff crate: the attempt number comes from the database row, and
/// those crates drive the retries of a live future, not a stored schedule.)
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub first: Duration,
    pub max: Duration,
}

impl RetryPolicy {
    pub(crate) fn delay(&self, attempts: i64) -> Duration {
        let exponent = u32::try_from(attempts.clamp(1, 31) - 1).unwrap_or(30);
        let base = self.first.saturating_mul(2u32.saturating_pow(exponent)).min(self.max);
        base.mul_f64(rand::thread_rng().gen_range(0.75..1.25))
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabel {
    channel: &'static str,
}

/// The outbox's counters (per process) and gauges (read from the database
/// at each scrape), in Prometheus text format at `GET /metrics`.
struct Meters {
    registry: Registry,
    sent: Family<ChannelLabel, Counter>,
    retried: Family<ChannelLabel, Counter>,
    failed: Family<ChannelLabel, Counter>,
    dropped: Family<ChannelLabel, Counter>,
    pending: Family<ChannelLabel, Gauge>,
    oldest_pending: Gauge,
    pending_requests: Gauge,
}

impl Meters {
    fn new() -> Meters {
        let mut registry = Registry::with_prefix("borne_outbox");
        let (sent, retried, failed, dropped) = (Family::default(), Family::default(), Family::default(), Family::default());
        let pending = Family::<ChannelLabel, Gauge>::default();
        let (oldest_pending, pending_requests) = (Gauge::default(), Gauge::default());
        registry.register("sent", "Messages delivered to the relay or the gateway", sent.clone());
        registry.register("retried", "Temporary failures, each followed by a later try", retried.clone());
        registry.register("failed", "Messages refused for good (permanent failure)", failed.clone());
        registry.register("dropped", "Messages not sent because what they carried was no longer valid", dropped.clone());
        registry.register("pending", "Messages waiting to be sent", pending.clone());
        registry.register("oldest_pending_seconds", "Age of the oldest message waiting to be sent", oldest_pending.clone());
        registry.register("pending_requests", "Forgotten-password and registration forms waiting to be looked up", pending_requests.clone());
        Meters { registry, sent, retried, failed, dropped, pending, oldest_pending, pending_requests }
    }
}

fn label(channel: Channel) -> ChannelLabel {
    ChannelLabel { channel: channel.as_str() }
}

/// The outbox of a server: its sealer, its worker's wake-up, its meters.
/// Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    sealer: Sealer,
    retry: RetryPolicy,
    wake: Notify,
    meters: Meters,
    /// Rows this process's worker holds a lease on (released at shutdown).
    held: Mutex<HashSet<String>>,
}

impl Outbox {
    pub(crate) fn new(sealer: Sealer, retry: RetryPolicy) -> Outbox {
        Outbox {
            inner: Arc::new(Inner { sealer, retry, wake: Notify::new(), meters: Meters::new(), held: Mutex::new(HashSet::new()) }),
        }
    }

    pub(crate) fn sealer(&self) -> &Sealer {
        &self.inner.sealer
    }

    /// After the commit of what queued `q`: logged, and the worker woken.
    pub(crate) fn queued(&self, q: &Queued) {
        tracing::info!(message_id = %q.id, kind = q.kind, channel = %q.channel, "message queued");
        self.inner.wake.notify_one();
    }

    /// A form was stored: wake the worker.
    pub(crate) fn wake(&self) {
        self.inner.wake.notify_one();
    }

    fn hold(&self, id: &str) {
        self.inner.held.lock().unwrap_or_else(|p| p.into_inner()).insert(id.to_owned());
    }

    fn let_go(&self, id: &str) {
        self.inner.held.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}

/// A due row, taken by this worker.
struct Due {
    id: String,
    channel: String,
    kind: String,
    member_id: Option<i64>,
    proof_id: Option<String>,
    temporary_password_id: Option<String>,
    contact_change_id: Option<String>,
    sealed: Option<String>,
    attempts: i64,
    valid_until: i64,
    /// The lease's end this worker set: its updates apply only while the
    /// row is still its own.
    lease: i64,
}

impl Db {
    /// Takes the next due message with a lease, so that no other worker (of
    /// this replica or another) takes it meanwhile.
    async fn take_due(&self, now: i64) -> anyhow::Result<Option<Due>> {
        let lease = now + LEASE_SECS;
        let row = store::outbox::take_due(self, now, lease).await?;
        Ok(row.map(|(id, channel, kind, member_id, proof_id, temporary_password_id, contact_change_id, sealed, attempts, valid_until)| Due {
            id,
            channel,
            kind,
            member_id,
            proof_id,
            temporary_password_id,
            contact_change_id,
            sealed,
            attempts,
            valid_until,
            lease,
        }))
    }

    /// True while what the row carries can still be used.
    async fn still_valid(&self, due: &Due, now: i64) -> anyhow::Result<bool> {
        if due.valid_until <= now {
            return Ok(false);
        }
        if let Some(proof) = &due.proof_id {
            return store::proofs::is_live(&self.pool, proof, now).await;
        }
        if let Some(temporary) = &due.temporary_password_id {
            return store::temporary_passwords::is_live(&self.pool, temporary, now).await;
        }
        if let Some(change) = &due.contact_change_id {
            return store::account::change_is_live(&self.pool, change, now).await;
        }
        Ok(true)
    }

    /// Ends a row this worker holds: `sent`, `failed` or `dropped`; its
    /// content is deleted.
    async fn finish(&self, due: &Due, state: &str, error: Option<&str>, now: i64) -> anyhow::Result<()> {
        store::outbox::finish(&self.pool, &due.id, due.lease, state, error, now).await
    }

    async fn retry_at(&self, due: &Due, at: i64, error: &str) -> anyhow::Result<()> {
        store::outbox::retry_at(&self.pool, &due.id, due.lease, at, error).await
    }

    /// Gives rows back (shutdown): the next worker takes them at once.
    async fn release(&self, ids: &[String]) -> anyhow::Result<()> {
        for id in ids {
            store::outbox::release(&self.pool, id).await?;
        }
        Ok(())
    }

    /// Stores a form (sealed) for the worker; its id.
    pub(crate) async fn store_request(&self, sealer: &Sealer, procedure: Procedure, form: &[u8]) -> anyhow::Result<String> {
        let id = random_id();
        store::outbox::insert_request(&self.pool, &id, procedure.name(), sealer.seal(&id, form), now()).await?;
        Ok(id)
    }

    async fn take_requests(&self, now: i64, limit: i64) -> anyhow::Result<Vec<(String, String, String, i64)>> {
        store::outbox::take_requests(self, now, now + REQUEST_LEASE_SECS, limit).await
    }

    /// Deletes a form once looked up (the no-match and budget-spent paths;
    /// a proof's transaction deletes its own form).
    pub(crate) async fn forget_request(&self, id: &str) -> anyhow::Result<()> {
        store::outbox::delete_request(&self.pool, id, "pending request: delete").await?;
        Ok(())
    }

    async fn outbox_gauges(&self, now: i64) -> anyhow::Result<(Vec<(String, i64)>, Option<i64>, i64)> {
        let (per_channel, oldest, requests) = store::outbox::gauges(&self.pool).await?;
        Ok((per_channel, oldest.map(|t| now - t), requests))
    }
}

/// Inside a proof's transaction: deletes its form; false when another
/// worker did already (the form was looked up twice: send nothing).
pub(crate) async fn consume_request(tx: &mut store::Tx, id: &str) -> anyhow::Result<bool> {
    store::outbox::delete_request(&mut **tx, id, "pending request: consume").await
}
/// The procedures whose forms wait in `pending_requests`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Procedure {
    ForgotPassword,
    Registration,
}

impl Procedure {
    fn name(self) -> &'static str {
        match self {
            Procedure::ForgotPassword => "forgot_password",
            Procedure::Registration => "registration",
        }
    }
}

/// `GET /metrics`: the outbox in Prometheus text format.
pub(crate) async fn metrics_text(state: &AppState) -> anyhow::Result<String> {
    let meters = &state.outbox.inner.meters;
    let (per_channel, oldest, requests) = state.db.outbox_gauges(now()).await?;
    for channel in [Channel::Email, Channel::Sms] {
        let n = per_channel.iter().find(|(c, _)| c == channel.as_str()).map_or(0, |(_, n)| *n);
        meters.pending.get_or_create(&label(channel)).set(n);
    }
    meters.oldest_pending.set(oldest.unwrap_or(0).max(0));
    meters.pending_requests.set(requests);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &meters.registry).context("metrics: encode")?;
    Ok(text)
}

fn channel_of(name: &str) -> Channel {
    if name == "sms" {
        Channel::Sms
    } else {
        Channel::Email
    }
}

/// One round of the worker: forms looked up, then due messages tried. The
/// number of rows handled.
async fn round(state: &AppState) -> anyhow::Result<usize> {
    let now = now();
    let mut handled = 0;
    for (id, procedure, sealed, created_at) in state.db.take_requests(now, BATCH).await? {
        handled += 1;
        let form = state.outbox.sealer().open(&id, &sealed);
        let outcome = match (form, procedure.as_str()) {
            (Some(_), _) if created_at + REQUEST_TTL_SECS <= now => Ok(()),
            (Some(form), "forgot_password") => crate::flows::forgot::resolve(state, &id, &form).await,
            (Some(form), "registration") => crate::flows::register::resolve(state, &id, &form).await,
            _ => {
                tracing::warn!(request_id = %id, procedure, "form unreadable (the outbox key changed?): forgotten");
                Ok(())
            }
        };
        match outcome {
            Ok(()) => state.db.forget_request(&id).await?,
            Err(crate::error::Failure::Internal(e)) => tracing::error!(request_id = %id, error = %format!("{e:#}"), "form not looked up; will try again"),
            Err(crate::error::Failure::Member(_)) => state.db.forget_request(&id).await?,
        }
    }
    if let Some(due) = state.db.take_due(now).await? {
        handled += 1;
        state.outbox.hold(&due.id);
        let result = try_one(state, &due).await;
        state.outbox.let_go(&due.id);
        result?;
    }
    Ok(handled)
}

/// Tries to send one row, and records the outcome.
async fn try_one(state: &AppState, due: &Due) -> anyhow::Result<()> {
    let now = now();
    let channel = channel_of(&due.channel);
    let meters = &state.outbox.inner.meters;
    let detail = |what: &str| format!("{} {what}", due.kind);
    if !state.db.still_valid(due, now).await? {
        state.db.finish(due, "dropped", Some("no longer valid"), now).await?;
        meters.dropped.get_or_create(&label(channel)).inc();
        state.db.audit(Event::MessageDropped, due.member_id, Some(&detail("no longer valid"))).await;
        tracing::warn!(message_id = %due.id, kind = %due.kind, %channel, "message dropped: what it carries is no longer valid");
        return Ok(());
    }
    let content = due.sealed.as_deref().and_then(|s| state.outbox.sealer().open(&due.id, s));
    let Some(content) = content.and_then(|plain| serde_json::from_slice::<Content>(&plain).ok()) else {
        state.db.finish(due, "dropped", Some("unreadable"), now).await?;
        meters.dropped.get_or_create(&label(channel)).inc();
        state.db.audit(Event::MessageDropped, due.member_id, Some(&detail("unreadable"))).await;
        tracing::error!(message_id = %due.id, kind = %due.kind, %channel, "message dropped: its content cannot be opened (the outbox key changed?)");
        return Ok(());
    };
    let send = async {
        match channel {
            Channel::Email => state.delivery.email(&content.to, &content.message).await,
            Channel::Sms => state.delivery.sms(&content.to, &content.message).await,
        }
    };
    // Never past the lease: another worker could then take the message.
    let sent = tokio::time::timeout(SEND_TIMEOUT, send).await.unwrap_or(Err(match channel {
        Channel::Email => DeliveryError::Smtp { kind: "timeout", code: None },
        Channel::Sms => DeliveryError::GatewayUnreachable { timeout: true },
    }));
    drop(content);
    let now = crate::store::now();
    match sent {
        Ok(()) => {
            state.db.finish(due, "sent", None, now).await?;
            tracing::info!(message_id = %due.id, kind = %due.kind, %channel, attempts = due.attempts, "message sent");
            meters.sent.get_or_create(&label(channel)).inc();
            state.db.audit(Event::MessageSent, due.member_id, Some(&due.kind)).await;
        }
        Err(e) if e.is_permanent() => {
            let error = e.to_string();
            state.db.finish(due, "failed", Some(&error), now).await?;
            meters.failed.get_or_create(&label(channel)).inc();
            state.db.audit(Event::MessageFailed, due.member_id, Some(&detail(&error))).await;
            tracing::error!(message_id = %due.id, kind = %due.kind, %channel, error = %e, "message failed permanently: not retried");
        }
        Err(e) => {
            let error = e.to_string();
            let delay = state.outbox.inner.retry.delay(due.attempts);
            let at = now + i64::try_from(delay.as_secs()).unwrap_or(i64::MAX / 4).max(0);
            // Sub-second delays (tests) still wait: the next round is due at once.
            state.db.retry_at(due, at, &error).await?;
            meters.retried.get_or_create(&label(channel)).inc();
            state.db.audit(Event::MessageDeferred, due.member_id, Some(&detail(&error))).await;
            let retry_at = time::OffsetDateTime::from_unix_timestamp(at)
                .ok()
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default();
            tracing::warn!(message_id = %due.id, kind = %due.kind, %channel, error = %e, retry_at, "message failed (will retry at {retry_at})");
            if delay < Duration::from_secs(1) {
                tokio::time::sleep(delay).await;
            }
        }
    }
    Ok(())
}

impl DeliveryError {
    /// True when trying again cannot help: a recipient or a message the
    /// relay or the gateway refuses for good, or no transport at all.
    pub fn is_permanent(&self) -> bool {
        match self {
            DeliveryError::NotConfigured(_) | DeliveryError::WrongChannel { .. } | DeliveryError::InvalidRecipient(_) | DeliveryError::Build => true,
            DeliveryError::Smtp { kind, .. } => *kind == "permanent",
            DeliveryError::GatewayStatus(status) => (400..500).contains(status) && !matches!(status, 408 | 429),
            DeliveryError::GatewayUnreachable { .. } => false,
        }
    }
}

/// The worker of this process: runs until `stop` turns true, then lets the
/// row in hand finish (the caller bounds how long) and returns.
pub(crate) fn spawn_worker(state: AppState, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if *stop.borrow() {
                break;
            }
            let handled = match round(&state).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "outbox round failed");
                    0
                }
            };
            if handled == 0 {
                tokio::select! {
                    _ = state.outbox.inner.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    })
}

/// After the worker was stopped (or cut): the rows it still held go back to
/// the queue for the next start or another replica.
pub(crate) async fn release_held(state: &AppState) {
    let held: Vec<String> = state.outbox.inner.held.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
    if held.is_empty() {
        return;
    }
    match state.db.release(&held).await {
        Ok(()) => tracing::info!(messages = held.len(), "messages in hand left queued for the next start"),
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "messages in hand not released: retried when their lease ends"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy { first: Duration::from_secs(5), max: Duration::from_secs(600) };
        for (attempts, base) in [(1, 5.0), (2, 10.0), (3, 20.0), (8, 600.0), (40, 600.0)] {
            let d = policy.delay(attempts).as_secs_f64();
            assert!((base * 0.75..=base * 1.25).contains(&d), "attempt {attempts}: {d}");
        }
    }

    #[test]
    fn permanent_and_temporary_failures() {
        assert!(DeliveryError::Smtp { kind: "permanent", code: Some("550".into()) }.is_permanent());
        assert!(!DeliveryError::Smtp { kind: "transient", code: Some("451".into()) }.is_permanent());
        assert!(!DeliveryError::Smtp { kind: "connection", code: None }.is_permanent());
        assert!(DeliveryError::GatewayStatus(400).is_permanent());
        assert!(!DeliveryError::GatewayStatus(429).is_permanent());
        assert!(!DeliveryError::GatewayStatus(503).is_permanent());
        assert!(!DeliveryError::GatewayUnreachable { timeout: true }.is_permanent());
    }
}
