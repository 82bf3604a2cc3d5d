//! The housekeeping deletes (`crate::maintenance`): idempotent, so replicas
//! need not agree on who runs them.

use anyhow::Context;
use sqlx::AnyPool;

/// Deletes attempt counters whose window ended at `now`, kiosk signatures
/// whose window ended before `now`, and message-budget rows sent at or
/// before `sends_until`.
pub(crate) async fn purge(pool: &AnyPool, now: i64, sends_until: i64) -> anyhow::Result<()> {
    let statements: [(&str, i64); 3] = [
        ("DELETE FROM attempt_counters WHERE window_ends <= $1", now),
        ("DELETE FROM device_nonces WHERE expires_at < $1", now),
        ("DELETE FROM message_sends WHERE sent_at <= $1", sends_until),
    ];
    for (sql, bound) in statements {
        sqlx::query(sql).bind(bound).execute(pool).await.with_context(|| format!("maintenance: {sql}"))?;
    }
    Ok(())
}
