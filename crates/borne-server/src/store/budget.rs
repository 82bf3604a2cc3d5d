//! `message_sends`: one row per message a member was sent (the budget, `crate::budget`).

use anyhow::Context;
use sqlx::{Any, Executor};

/// Messages sent to the member on `channel` after `since`.
pub(crate) async fn sent_since(ex: impl Executor<'_, Database = Any>, member_id: i64, channel: &str, since: i64) -> anyhow::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM message_sends WHERE member_id = $1 AND channel = $2 AND sent_at > $3")
        .bind(member_id)
        .bind(channel)
        .bind(since)
        .fetch_one(ex)
        .await
        .context("message budget: count")
}

pub(crate) async fn record(ex: impl Executor<'_, Database = Any>, member_id: i64, channel: &str, at: i64) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO message_sends (member_id, channel, sent_at) VALUES ($1, $2, $3)")
        .bind(member_id)
        .bind(channel)
        .bind(at)
        .execute(ex)
        .await
        .context("message budget: record")?;
    Ok(())
}
