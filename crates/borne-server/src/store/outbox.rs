//! `outbox` (queued messages, sealed) and `pending_requests` (forms waiting
//! to be looked up, sealed): `crate::outbox`.

use super::Db;
use anyhow::Context;
use sqlx::{Any, Executor};

/// A row to queue.
pub(crate) struct NewRow<'a> {
    pub(crate) id: &'a str,
    pub(crate) channel: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) member_id: Option<i64>,
    pub(crate) proof_id: Option<String>,
    pub(crate) temporary_password_id: Option<String>,
    pub(crate) contact_change_id: Option<String>,
    pub(crate) sealed: String,
    /// Created now, and due now.
    pub(crate) now: i64,
    pub(crate) valid_until: i64,
}

pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, row: NewRow<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, channel, kind, member_id, proof_id, temporary_password_id, sealed, state, attempts,
                             next_attempt_at, valid_until, created_at, contact_change_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, $8, $10)",
    )
    .bind(row.id)
    .bind(row.channel)
    .bind(row.kind)
    .bind(row.member_id)
    .bind(row.proof_id)
    .bind(row.temporary_password_id)
    .bind(row.sealed)
    .bind(row.now)
    .bind(row.valid_until)
    .bind(row.contact_change_id)
    .execute(ex)
    .await
    .context("outbox: insert")?;
    Ok(())
}

/// `pick` (a `SELECT id … LIMIT`) as the rows to lease: on PostgreSQL rows
/// another worker is leasing right now are skipped, not waited for.
fn leasable(db: &Db, pick: &str) -> String {
    if db.is_postgres() {
        format!("{pick} FOR UPDATE SKIP LOCKED")
    } else {
        pick.to_owned()
    }
}

/// A due row: id, channel, kind, member id, proof id, temporary password id,
/// contact change id, sealed content, attempts (this one included), valid until.
pub(crate) type DueRow = (String, String, String, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>, i64, i64);

/// Leases the next due message until `lease` and counts the attempt, in one
/// statement, so that no other worker (of this replica or another) takes it meanwhile.
pub(crate) async fn take_due(db: &Db, now: i64, lease: i64) -> anyhow::Result<Option<DueRow>> {
    let pick = leasable(
        db,
        "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1
         AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY next_attempt_at LIMIT 1",
    );
    let sql = format!(
        "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1 WHERE id IN ({pick})
         RETURNING id, channel, kind, member_id, proof_id, temporary_password_id, contact_change_id, sealed, attempts, valid_until"
    );
    sqlx::query_as(&sql).bind(now).bind(lease).fetch_optional(&db.pool).await.context("outbox: take a due message")
}

/// Ends a row still under `lease`: `state` (`sent`, `failed`, `dropped`), its content deleted.
pub(crate) async fn finish(
    ex: impl Executor<'_, Database = Any>,
    id: &str,
    lease: i64,
    state: &str,
    error: Option<&str>,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE outbox SET state = $1, sealed = NULL, claimed_until = NULL, done_at = $2, last_error = $3
         WHERE id = $4 AND claimed_until = $5",
    )
    .bind(state)
    .bind(now)
    .bind(error)
    .bind(id)
    .bind(lease)
    .execute(ex)
    .await
    .context("outbox: finish")?;
    Ok(())
}

/// Puts a row still under `lease` back in the queue, due at `at`.
pub(crate) async fn retry_at(ex: impl Executor<'_, Database = Any>, id: &str, lease: i64, at: i64, error: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE outbox SET claimed_until = NULL, next_attempt_at = $1, last_error = $2 WHERE id = $3 AND claimed_until = $4")
        .bind(at)
        .bind(error)
        .bind(id)
        .bind(lease)
        .execute(ex)
        .await
        .context("outbox: schedule a retry")?;
    Ok(())
}

/// Gives a pending row back, its attempt uncounted.
pub(crate) async fn release(ex: impl Executor<'_, Database = Any>, id: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE outbox SET claimed_until = NULL, attempts = attempts - 1 WHERE id = $1 AND state = 'pending'")
        .bind(id)
        .execute(ex)
        .await
        .context("outbox: release")?;
    Ok(())
}

/// Pending messages per channel, the oldest one's creation, and the forms waiting.
pub(crate) async fn gauges(pool: &sqlx::AnyPool) -> anyhow::Result<(Vec<(String, i64)>, Option<i64>, i64)> {
    let per_channel: Vec<(String, i64)> = sqlx::query_as("SELECT channel, COUNT(*) FROM outbox WHERE state = 'pending' GROUP BY channel")
        .fetch_all(pool)
        .await
        .context("outbox: pending")?;
    let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'")
        .fetch_one(pool)
        .await
        .context("outbox: oldest")?;
    let requests: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pending_requests").fetch_one(pool).await.context("outbox: requests")?;
    Ok((per_channel, oldest, requests))
}

pub(crate) async fn insert_request(
    ex: impl Executor<'_, Database = Any>,
    id: &str,
    procedure: &str,
    sealed: String,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO pending_requests (id, procedure, sealed, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(procedure)
        .bind(sealed)
        .bind(now)
        .execute(ex)
        .await
        .context("pending request: store")?;
    Ok(())
}

/// Leases up to `limit` forms until `lease`, oldest first, in one statement:
/// id, procedure, sealed form, created at.
pub(crate) async fn take_requests(db: &Db, now: i64, lease: i64, limit: i64) -> anyhow::Result<Vec<(String, String, String, i64)>> {
    let pick = leasable(db, "SELECT id FROM pending_requests WHERE claimed_until IS NULL OR claimed_until < $1 ORDER BY created_at LIMIT $3");
    let sql = format!("UPDATE pending_requests SET claimed_until = $2 WHERE id IN ({pick}) RETURNING id, procedure, sealed, created_at");
    sqlx::query_as(&sql).bind(now).bind(lease).bind(limit).fetch_all(&db.pool).await.context("pending requests: take")
}

/// Deletes a form; false when it was already gone. `context` names the step in errors.
pub(crate) async fn delete_request(ex: impl Executor<'_, Database = Any>, id: &str, context: &'static str) -> anyhow::Result<bool> {
    let deleted = sqlx::query("DELETE FROM pending_requests WHERE id = $1").bind(id).execute(ex).await.context(context)?;
    Ok(deleted.rows_affected() == 1)
}
