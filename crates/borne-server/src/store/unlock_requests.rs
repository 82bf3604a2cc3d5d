//! `unlock_requests`: an unlock whose identity was verified, waiting for the
//! member's choice of channel (`flows::unlock`).

use anyhow::Context;
use sqlx::{Any, Executor};

pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, id: &str, member_id: i64, now: i64, expires_at: i64) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO unlock_requests (id, member_id, sends, created_at, expires_at) VALUES ($1, $2, 0, $3, $4)")
        .bind(id)
        .bind(member_id)
        .bind(now)
        .bind(expires_at)
        .execute(ex)
        .await
        .context("unlock request")?;
    Ok(())
}

/// Counts one send of a live request, in one statement, while it has made
/// fewer than `max_sends`: its member, or `None` (expired, unknown, spent).
pub(crate) async fn count_send(ex: impl Executor<'_, Database = Any>, id: &str, now: i64, max_sends: i64) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("UPDATE unlock_requests SET sends = sends + 1 WHERE id = $1 AND expires_at > $2 AND sends < $3 RETURNING member_id")
            .bind(id)
            .bind(now)
            .bind(max_sends)
            .fetch_optional(ex)
            .await
            .context("unlock send")?;
    Ok(row.map(|(member_id,)| member_id))
}
