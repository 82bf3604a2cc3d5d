//! Housekeeping of the shared security state, every minute in each replica
//! (the deletes are idempotent, so replicas need not agree on who runs
//! them): attempt counters whose window has ended,
//! kiosk signatures past their window, message-budget rows older than the
//! budget's window, and the throttle's refilled keys.

use crate::state::AppState;
use anyhow::Context;
use std::time::Duration;

pub(crate) const EVERY: Duration = Duration::from_secs(60);

/// One round of housekeeping.
pub(crate) async fn purge(state: &AppState) -> anyhow::Result<()> {
    let now = crate::db::now();
    let statements: [(&str, i64); 3] = [
        ("DELETE FROM attempt_counters WHERE window_ends <= $1", now),
        ("DELETE FROM device_nonces WHERE expires_at < $1", now),
        ("DELETE FROM message_sends WHERE sent_at <= $1", now - crate::budget::WINDOW_SECS),
    ];
    for (sql, bound) in statements {
        sqlx::query(sql).bind(bound).execute(&state.db.pool).await.with_context(|| format!("maintenance: {sql}"))?;
    }
    state.throttle.forget_refilled();
    Ok(())
}

/// Runs [`purge`] every [`EVERY`] until the task is aborted.
pub(crate) fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = purge(&state).await {
                tracing::warn!(error = %format!("{e:#}"), "maintenance round failed");
            }
        }
    })
}
