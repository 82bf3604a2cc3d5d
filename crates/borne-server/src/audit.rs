//! The audit trail: security events with the member's id, never a secret.

use crate::store::{self, now, Db};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    LoginSucceeded,
    LoginFailed,
    AccountBlocked,
    ResetRequested,
    ResetIgnored,
    CodeRejected,
    PasswordReset,
    PasswordChanged,
    UnlockIdentityFailed,
    UnlockSent,
    TemporaryPasswordLogin,
    TemporaryPasswordRejected,
    RegistrationRequested,
    CurrentPasswordAccepted,
    CurrentPasswordRejected,
    MessageBudgetSpent,
    MessageSent,
    MessageDeferred,
    MessageFailed,
    MessageDropped,
    EmailChanged,
    MobileChanged,
    OtherSessionsEnded,
    ContactChangeRequested,
    ContactCodeRejected,
}

impl Event {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Event::LoginSucceeded => "login_succeeded",
            Event::LoginFailed => "login_failed",
            Event::AccountBlocked => "account_blocked",
            Event::ResetRequested => "reset_requested",
            Event::ResetIgnored => "reset_ignored",
            Event::CodeRejected => "code_rejected",
            Event::PasswordReset => "password_reset",
            Event::PasswordChanged => "password_changed",
            Event::UnlockIdentityFailed => "unlock_identity_failed",
            Event::UnlockSent => "unlock_sent",
            Event::TemporaryPasswordLogin => "temporary_password_login",
            Event::TemporaryPasswordRejected => "temporary_password_rejected",
            Event::RegistrationRequested => "registration_requested",
            Event::CurrentPasswordAccepted => "current_password_accepted",
            Event::CurrentPasswordRejected => "current_password_rejected",
            Event::MessageBudgetSpent => "message_budget_spent",
            Event::MessageSent => "message_sent",
            Event::MessageDeferred => "message_deferred",
            Event::MessageFailed => "message_failed",
            Event::MessageDropped => "message_dropped",
            Event::EmailChanged => "email_changed",
            Event::MobileChanged => "mobile_changed",
            Event::OtherSessionsEnded => "other_sessions_ended",
            Event::ContactChangeRequested => "contact_change_requested",
            Event::ContactCodeRejected => "contact_code_rejected",
        }
    }
}

/// One line of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: i64,
    pub kind: String,
    pub member_id: Option<i64>,
    pub detail: Option<String>,
}

impl Db {
    /// The newest `limit` events, oldest first: what an operator reads.
    pub async fn audit_trail(&self, limit: i64) -> anyhow::Result<Vec<AuditEntry>> {
        let rows = store::audit::newest(&self.pool, limit).await?;
        Ok(rows.into_iter().rev().map(|(at, kind, member_id, detail)| AuditEntry { at, kind, member_id, detail }).collect())
    }

    /// Records an event; a failure to record is logged, never fatal.
    pub(crate) async fn audit(&self, event: Event, member_id: Option<i64>, detail: Option<&str>) {
        self.audit_at_device(event, member_id, detail, None).await
    }

    /// [`Db::audit`], with the enrolled kiosk the request came from (a log-in's place).
    pub(crate) async fn audit_at_device(&self, event: Event, member_id: Option<i64>, detail: Option<&str>, device_id: Option<&str>) {
        if let Err(e) = store::audit::insert(&self.pool, now(), event.name(), member_id, detail, device_id).await {
            tracing::warn!(error = %format!("{e:#}"), event = event.name(), "audit event not recorded");
        }
    }
}

/// Records an event inside the caller's transaction: it is written if and
/// only if what it describes is.
pub(crate) async fn record(tx: &mut store::Tx, event: Event, member_id: Option<i64>, detail: Option<&str>) -> anyhow::Result<()> {
    record_at_device(tx, event, member_id, detail, None).await
}

/// [`record`], with the enrolled kiosk the request came from (a log-in's place).
pub(crate) async fn record_at_device(
    tx: &mut store::Tx,
    event: Event,
    member_id: Option<i64>,
    detail: Option<&str>,
    device_id: Option<&str>,
) -> anyhow::Result<()> {
    store::audit::insert(&mut **tx, now(), event.name(), member_id, detail, device_id).await
}
