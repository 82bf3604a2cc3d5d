//! Housekeeping of the shared security state, every minute in each replica
//! (the deletes are idempotent, so replicas need not agree on who runs
//! them): attempt counters whose window has ended,
//! kiosk signatures past their window, message-budget rows older than the
//! budget's window, and the throttle's refilled keys.

use crate::state::AppState;
use std::time::Duration;

pub(crate) const EVERY: Duration = Duration::from_secs(60);

/// One round of housekeeping.
pub(crate) async fn purge(state: &AppState) -> anyhow::Result<()> {
    let now = crate::store::now();
    crate::store::maintenance::purge(&state.db.pool, now, now - crate::budget::WINDOW_SECS).await?;
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
