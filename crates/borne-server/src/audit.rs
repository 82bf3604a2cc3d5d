//! The audit trail: security events with the member's id, never a secret.

use crate::db::{now, Db};
use anyhow::Context;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
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
}

impl Event {
    pub(crate) fn name(self) -> &'static str {
        match self {
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
        }
    }
}

impl Db {
    /// Records an event; a failure to record is logged, never fatal.
    pub(crate) async fn audit(&self, event: Event, member_id: Option<i64>, detail: Option<&str>) {
        let result = sqlx::query("INSERT INTO audit_events (at, kind, member_id, detail) VALUES ($1, $2, $3, $4)")
            .bind(now())
            .bind(event.name())
            .bind(member_id)
            .bind(detail)
            .execute(&self.pool)
            .await
            .context("audit");
        if let Err(e) = result {
            tracing::warn!(error = %format!("{e:#}"), event = event.name(), "audit event not recorded");
        }
    }

    pub(crate) async fn audit_count_since(&self, event: Event, member_id: i64, since: i64) -> anyhow::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = $1 AND member_id = $2 AND at > $3")
            .bind(event.name())
            .bind(member_id)
            .bind(since)
            .fetch_one(&self.pool)
            .await
            .context("audit count")
    }
}
