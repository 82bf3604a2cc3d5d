//! `audit_events`: the audit trail.

use anyhow::Context;
use sqlx::{Any, Executor};

/// The head of every insert into `audit_events` (here, and the log-in's
/// settlement in `lockout.rs`, which selects its values).
pub(super) const INSERT: &str = "INSERT INTO audit_events (at, kind, member_id, detail, device_id)";

/// Appends an event.
pub(crate) async fn insert(
    ex: impl Executor<'_, Database = Any>,
    at: i64,
    kind: &str,
    member_id: Option<i64>,
    detail: Option<&str>,
    device_id: Option<&str>,
) -> anyhow::Result<()> {
    sqlx::query(&format!("{INSERT} VALUES ($1, $2, $3, $4, $5)"))
        .bind(at)
        .bind(kind)
        .bind(member_id)
        .bind(detail)
        .bind(device_id)
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

/// The member's newest `limit` log-ins of `kinds` (at, kiosk id, kiosk name
/// while enrolled), newest first.
pub(crate) async fn logins_of(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    kinds: [&str; 2],
    limit: i64,
) -> anyhow::Result<Vec<(i64, Option<String>, Option<String>)>> {
    sqlx::query_as(
        "SELECT a.at, a.device_id, d.name FROM audit_events a LEFT JOIN devices d ON d.id = a.device_id
         WHERE a.member_id = $1 AND a.kind IN ($2, $3) ORDER BY a.at DESC, a.id DESC LIMIT $4",
    )
    .bind(member_id)
    .bind(kinds[0])
    .bind(kinds[1])
    .bind(limit)
    .fetch_all(ex)
    .await
    .context("last log-ins")
}

/// The member's newest `limit` events (id, at, kind, detail) whose kind is
/// one of `kinds`, newest first.
pub(crate) async fn events_of(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    kinds: &[&str],
    limit: i64,
) -> anyhow::Result<Vec<(i64, i64, String, Option<String>)>> {
    let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT id, at, kind, detail FROM audit_events WHERE member_id = $1 AND kind IN ({})
         ORDER BY at DESC, id DESC LIMIT $2",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as(&sql).bind(member_id).bind(limit);
    for kind in kinds {
        query = query.bind(*kind);
    }
    query.fetch_all(ex).await.context("account events")
}

/// True when event `id` is one of the member's.
pub(crate) async fn is_members(ex: impl Executor<'_, Database = Any>, member_id: i64, id: i64) -> anyhow::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM audit_events WHERE id = $1 AND member_id = $2")
        .bind(id)
        .bind(member_id)
        .fetch_optional(ex)
        .await
        .context("the disowned event")?;
    Ok(found.is_some())
}
