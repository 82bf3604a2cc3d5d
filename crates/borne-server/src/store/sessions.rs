//! `sessions`: bearer sessions, by the SHA-256 of their token.

use anyhow::Context;
use sqlx::{Any, Executor};

/// A session row to insert.
pub(crate) struct NewRow<'a> {
    pub(crate) token_hash: &'a str,
    pub(crate) member_id: i64,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    /// Only allows choosing a new password (after an SMS temporary password).
    pub(crate) restricted: bool,
    /// Shown in « Mes sessions » instead of the token (random, unique).
    pub(crate) public_id: &'a str,
    /// The enrolled kiosk that signed the request (`None`: a computer).
    pub(crate) device_id: Option<&'a str>,
}

/// The head of every insert into `sessions` (here, and the log-in's
/// settlement in `lockout.rs`, which selects its values).
pub(super) const INSERT: &str =
    "INSERT INTO sessions (token_hash, member_id, created_at, expires_at, revoked, restricted, public_id, device_id)";

pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, s: &NewRow<'_>) -> anyhow::Result<()> {
    sqlx::query(&format!("{INSERT} VALUES ($1, $2, $3, $4, 0, $5, $6, $7)"))
        .bind(s.token_hash)
        .bind(s.member_id)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(i64::from(s.restricted))
        .bind(s.public_id)
        .bind(s.device_id)
        .execute(ex)
        .await
        .context(if s.restricted { "temporary password: restricted session" } else { "create session" })?;
    Ok(())
}

/// The member (id, first and last name) of a live session: unexpired at `now`, unrevoked.
pub(crate) async fn live_member(
    ex: impl Executor<'_, Database = Any>,
    token_hash: &str,
    now: i64,
) -> anyhow::Result<Option<(i64, String, String)>> {
    sqlx::query_as::<_, (i64, String, String)>(
        "SELECT m.id, m.first_name, m.last_name
         FROM sessions s JOIN members m ON m.id = s.member_id
         WHERE s.token_hash = $1 AND s.revoked = 0 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(ex)
    .await
    .context("session look-up")
}

/// The owner of a live session and whether it is restricted.
pub(crate) async fn live_owner(ex: impl Executor<'_, Database = Any>, token_hash: &str, now: i64) -> anyhow::Result<Option<(i64, bool)>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT member_id, restricted FROM sessions WHERE token_hash = $1 AND revoked = 0 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(ex)
            .await
            .context("session owner")?;
    Ok(row.map(|(id, restricted)| (id, restricted != 0)))
}

/// Revokes a session; its member id when it was live (not yet revoked).
pub(crate) async fn revoke(ex: impl Executor<'_, Database = Any>, token_hash: &str) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar::<_, i64>("UPDATE sessions SET revoked = 1 WHERE token_hash = $1 AND revoked = 0 RETURNING member_id")
        .bind(token_hash)
        .fetch_optional(ex)
        .await
        .context("session revocation")
}

/// Revokes the member's session `token_hash` if it is live at `now`; false
/// when it is not (a reset or a block revoked it meanwhile).
pub(crate) async fn revoke_if_live(
    ex: impl Executor<'_, Database = Any>,
    token_hash: &str,
    member_id: i64,
    now: i64,
) -> anyhow::Result<bool> {
    let live = sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = $1 AND member_id = $2 AND revoked = 0 AND expires_at > $3")
        .bind(token_hash)
        .bind(member_id)
        .bind(now)
        .execute(ex)
        .await
        .context("set password: the current session")?
        .rows_affected();
    Ok(live == 1)
}

/// Revokes every session of the member. `context` names the procedure in errors.
pub(crate) async fn revoke_all(ex: impl Executor<'_, Database = Any>, member_id: i64, context: &'static str) -> anyhow::Result<()> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE member_id = $1 AND revoked = 0")
        .bind(member_id)
        .execute(ex)
        .await
        .context(context)?;
    Ok(())
}

/// A live session as « Mes sessions » shows it: public id, opened at, the
/// kiosk (id, and name while it is enrolled), whether it is `token_hash`'s.
pub(crate) type LiveRow = (String, i64, Option<String>, Option<String>, i64);

/// The member's live sessions, newest first.
pub(crate) async fn live_of(ex: impl Executor<'_, Database = Any>, member_id: i64, token_hash: &str, now: i64) -> anyhow::Result<Vec<LiveRow>> {
    sqlx::query_as(
        "SELECT s.public_id, s.created_at, s.device_id, d.name, CASE WHEN s.token_hash = $2 THEN 1 ELSE 0 END
         FROM sessions s LEFT JOIN devices d ON d.id = s.device_id
         WHERE s.member_id = $1 AND s.revoked = 0 AND s.expires_at > $3
         ORDER BY s.created_at DESC, s.public_id",
    )
    .bind(member_id)
    .bind(token_hash)
    .bind(now)
    .fetch_all(ex)
    .await
    .context("live sessions")
}

/// Revokes every live session of the member but `token_hash`; how many.
pub(crate) async fn revoke_others(ex: impl Executor<'_, Database = Any>, member_id: i64, token_hash: &str, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query("UPDATE sessions SET revoked = 1 WHERE member_id = $1 AND token_hash <> $2 AND revoked = 0 AND expires_at > $3")
        .bind(member_id)
        .bind(token_hash)
        .bind(now)
        .execute(ex)
        .await
        .context("end the other sessions")?
        .rows_affected())
}
