//! `temporary_passwords`: the SMS temporary passwords, as keyed hashes
//! (`crate::temporary_passwords`).

use anyhow::Context;
use sqlx::{Any, Executor};

/// The most tries made on the member's live temporary passwords (0 when none).
pub(crate) async fn tries_so_far(ex: impl Executor<'_, Database = Any>, member_id: i64, now: i64) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(attempts), 0) FROM temporary_passwords WHERE member_id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(member_id)
    .bind(now)
    .fetch_one(ex)
    .await
    .context("temporary password: tries so far")
}

/// Ends every unused temporary password of the member. `context` names the
/// procedure in errors.
pub(crate) async fn end_unused(ex: impl Executor<'_, Database = Any>, member_id: i64, now: i64, context: &'static str) -> anyhow::Result<()> {
    sqlx::query("UPDATE temporary_passwords SET used_at = $1 WHERE member_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(member_id)
        .execute(ex)
        .await
        .context(context)?;
    Ok(())
}

pub(crate) struct NewRow<'a> {
    pub(crate) id: &'a str,
    pub(crate) member_id: i64,
    pub(crate) secret_hash: &'a str,
    /// Tries carried over from the one it replaces.
    pub(crate) attempts: i64,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
}

pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, t: &NewRow<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO temporary_passwords (id, member_id, secret_hash, attempts, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(t.id)
    .bind(t.member_id)
    .bind(t.secret_hash)
    .bind(t.attempts)
    .bind(t.created_at)
    .bind(t.expires_at)
    .execute(ex)
    .await
    .context("temporary password: insert")?;
    Ok(())
}

/// Counts one try on the member's live temporary password, in one
/// statement, while it has had fewer than `max_tries`: its id, hash and
/// tries so far, or `None`.
pub(crate) async fn count_try(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    now: i64,
    max_tries: i64,
) -> anyhow::Result<Option<(String, String, i64)>> {
    sqlx::query_as(
        "UPDATE temporary_passwords SET attempts = attempts + 1
         WHERE member_id = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3
         RETURNING id, secret_hash, attempts",
    )
    .bind(member_id)
    .bind(now)
    .bind(max_tries)
    .fetch_optional(ex)
    .await
    .context("temporary password: count the try")
}

/// Uses it up; false when it was used meanwhile.
pub(crate) async fn use_up(ex: impl Executor<'_, Database = Any>, id: &str, now: i64) -> anyhow::Result<bool> {
    let used = sqlx::query("UPDATE temporary_passwords SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .context("temporary password: use")?
        .rows_affected();
    Ok(used == 1)
}

/// True while it can still be used (the outbox's check before a send).
pub(crate) async fn is_live(ex: impl Executor<'_, Database = Any>, id: &str, now: i64) -> anyhow::Result<bool> {
    let live: Option<i64> = sqlx::query_scalar("SELECT 1 FROM temporary_passwords WHERE id = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(id)
        .bind(now)
        .fetch_optional(ex)
        .await
        .context("outbox: is the temporary password live")?;
    Ok(live.is_some())
}
