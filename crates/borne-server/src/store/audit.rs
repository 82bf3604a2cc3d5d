//! `audit_events`: the audit trail.

use anyhow::Context;
use sqlx::{Any, Executor};

/// Appends an event.
pub(crate) async fn insert(
    ex: impl Executor<'_, Database = Any>,
    at: i64,
    kind: &str,
    member_id: Option<i64>,
    detail: Option<&str>,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO audit_events (at, kind, member_id, detail) VALUES ($1, $2, $3, $4)")
        .bind(at)
        .bind(kind)
        .bind(member_id)
        .bind(detail)
        .execute(ex)
        .await
        .context("audit")?;
    Ok(())
}

/// The newest `limit` events (at, kind, member id, detail), newest first.
pub(crate) async fn newest(
    ex: impl Executor<'_, Database = Any>,
    limit: i64,
) -> anyhow::Result<Vec<(i64, String, Option<i64>, Option<String>)>> {
    sqlx::query_as("SELECT at, kind, member_id, detail FROM audit_events ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(ex)
        .await
        .context("audit trail")
}
