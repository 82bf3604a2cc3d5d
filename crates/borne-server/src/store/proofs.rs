//! `one_time_proofs`: link tokens and codes, as hashes (`crate::proofs`).

use anyhow::Context;
use sqlx::{Any, Executor};

/// The most code tries made on the member's live proofs of `purpose` (0 when none).
pub(crate) async fn tries_so_far(ex: impl Executor<'_, Database = Any>, member_id: i64, purpose: &str, now: i64) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(code_attempts), 0) FROM one_time_proofs
         WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(member_id)
    .bind(purpose)
    .bind(now)
    .fetch_one(ex)
    .await
    .context("proof: tries so far")
}

/// Ends every unused proof of the member for `purpose`.
pub(crate) async fn end_unused(ex: impl Executor<'_, Database = Any>, member_id: i64, purpose: &str, now: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE one_time_proofs SET used_at = $1 WHERE member_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(member_id)
        .bind(purpose)
        .execute(ex)
        .await
        .context("proof: replace the live one")?;
    Ok(())
}

pub(crate) struct NewRow<'a> {
    pub(crate) id: &'a str,
    pub(crate) member_id: i64,
    pub(crate) purpose: &'a str,
    pub(crate) token_hash: &'a str,
    pub(crate) code_hash: &'a str,
    /// Code tries carried over from the proof this one replaces.
    pub(crate) code_attempts: i64,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
}

pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, p: &NewRow<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO one_time_proofs (id, member_id, purpose, token_hash, code_hash, code_attempts, code_redeemed, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
    )
    .bind(p.id)
    .bind(p.member_id)
    .bind(p.purpose)
    .bind(p.token_hash)
    .bind(p.code_hash)
    .bind(p.code_attempts)
    .bind(p.created_at)
    .bind(p.expires_at)
    .execute(ex)
    .await
    .context("proof: insert")?;
    Ok(())
}

/// Counts one code try on the member's live, unredeemed proof of `purpose`,
/// in one statement, while it has had fewer than `max_tries`: its id and
/// code hash, or `None`.
pub(crate) async fn count_code_try(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    purpose: &str,
    now: i64,
    max_tries: i64,
) -> anyhow::Result<Option<(String, String)>> {
    sqlx::query_as(
        "UPDATE one_time_proofs SET code_attempts = code_attempts + 1
         WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL AND code_redeemed = 0
           AND expires_at > $3 AND code_attempts < $4
         RETURNING id, code_hash",
    )
    .bind(member_id)
    .bind(purpose)
    .bind(now)
    .bind(max_tries)
    .fetch_optional(ex)
    .await
    .context("code: count the try")
}

/// Marks the proof's code redeemed and gives it a new token hash, if neither
/// redeemed nor used yet; false when another request won.
pub(crate) async fn redeem_code(ex: impl Executor<'_, Database = Any>, id: &str, token_hash: &str) -> anyhow::Result<bool> {
    let won = sqlx::query(
        "UPDATE one_time_proofs SET code_redeemed = 1, token_hash = $1
         WHERE id = $2 AND code_redeemed = 0 AND used_at IS NULL",
    )
    .bind(token_hash)
    .bind(id)
    .execute(ex)
    .await
    .context("code: exchange")?
    .rows_affected();
    Ok(won == 1)
}

/// The live (unused, unexpired at `now`) proof with this token hash: id, member, purpose.
pub(crate) async fn live_by_token(
    ex: impl Executor<'_, Database = Any>,
    token_hash: &str,
    now: i64,
) -> anyhow::Result<Option<(String, i64, String)>> {
    sqlx::query_as(
        "SELECT id, member_id, purpose FROM one_time_proofs
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(ex)
    .await
    .context("proof: look-up by token")
}

/// Uses the proof up if it is live at `now`; false when it was used meanwhile (or expired).
pub(crate) async fn consume(ex: impl Executor<'_, Database = Any>, id: &str, now: i64) -> anyhow::Result<bool> {
    let consumed = sqlx::query("UPDATE one_time_proofs SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .context("set password: consume the proof")?
        .rows_affected();
    Ok(consumed == 1)
}

/// True while the proof can still be used or redeemed (the outbox's check before a send).
pub(crate) async fn is_live(ex: impl Executor<'_, Database = Any>, id: &str, now: i64) -> anyhow::Result<bool> {
    let live: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM one_time_proofs WHERE id = $1 AND used_at IS NULL AND code_redeemed = 0 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(ex)
            .await
            .context("outbox: is the proof live")?;
    Ok(live.is_some())
}
