//! The account and security centre's tables (`crate::account_centre`):
//! `contact_changes` (a new e-mail or mobile waiting for its code),
//! `disown_tokens` (« Ce n'est pas moi » links), and the member's columns
//! they change (`email`, `phone`, `blocked`).

use anyhow::Context;
use sqlx::{Any, Executor};

/// The most code tries made on the member's live changes of `channel` (0 when none).
pub(crate) async fn change_tries_so_far(ex: impl Executor<'_, Database = Any>, member_id: i64, channel: &str, now: i64) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(attempts), 0) FROM contact_changes
         WHERE member_id = $1 AND channel = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(member_id)
    .bind(channel)
    .bind(now)
    .fetch_one(ex)
    .await
    .context("contact change: tries so far")
}

/// Ends every unused change of the member (of `channel`, or of both when `None`).
pub(crate) async fn end_changes(ex: impl Executor<'_, Database = Any>, member_id: i64, channel: Option<&str>, now: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE contact_changes SET used_at = $1 WHERE member_id = $2 AND ($3 IS NULL OR channel = $3) AND used_at IS NULL")
        .bind(now)
        .bind(member_id)
        .bind(channel)
        .execute(ex)
        .await
        .context("contact change: end the live ones")?;
    Ok(())
}

pub(crate) struct NewChange<'a> {
    pub(crate) id: &'a str,
    pub(crate) member_id: i64,
    pub(crate) channel: &'a str,
    pub(crate) new_value: &'a str,
    pub(crate) code_hash: &'a str,
    /// Carried over from the change this one replaces.
    pub(crate) attempts: i64,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
}

pub(crate) async fn insert_change(ex: impl Executor<'_, Database = Any>, c: &NewChange<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO contact_changes (id, member_id, channel, new_value, code_hash, attempts, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id)
    .bind(c.member_id)
    .bind(c.channel)
    .bind(c.new_value)
    .bind(c.code_hash)
    .bind(c.attempts)
    .bind(c.created_at)
    .bind(c.expires_at)
    .execute(ex)
    .await
    .context("contact change: insert")?;
    Ok(())
}

/// The member's newest live change that can still be confirmed: channel,
/// new value, expiry.
pub(crate) async fn pending_change(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    now: i64,
    max_tries: i64,
) -> anyhow::Result<Option<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT channel, new_value, expires_at FROM contact_changes
         WHERE member_id = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3
         ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind(member_id)
    .bind(now)
    .bind(max_tries)
    .fetch_optional(ex)
    .await
    .context("contact change: pending")
}

/// Counts one code try on the member's live change of `channel`, in one
/// statement, while it has had fewer than `max_tries`: its id, code hash,
/// new value and tries (this one included), or `None`.
pub(crate) async fn count_change_try(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    channel: &str,
    now: i64,
    max_tries: i64,
) -> anyhow::Result<Option<(String, String, String, i64)>> {
    sqlx::query_as(
        "UPDATE contact_changes SET attempts = attempts + 1
         WHERE member_id = $1 AND channel = $2 AND used_at IS NULL AND expires_at > $3 AND attempts < $4
         RETURNING id, code_hash, new_value, attempts",
    )
    .bind(member_id)
    .bind(channel)
    .bind(now)
    .bind(max_tries)
    .fetch_optional(ex)
    .await
    .context("contact change: count the try")
}

/// Uses the change up if it is still live; false when another request won.
pub(crate) async fn use_change(ex: impl Executor<'_, Database = Any>, id: &str, now: i64) -> anyhow::Result<bool> {
    let used = sqlx::query("UPDATE contact_changes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .context("contact change: use")?
        .rows_affected();
    Ok(used == 1)
}

/// True while the change's code can still be typed (the outbox's check before a send).
pub(crate) async fn change_is_live(ex: impl Executor<'_, Database = Any>, id: &str, now: i64) -> anyhow::Result<bool> {
    let live: Option<i64> = sqlx::query_scalar("SELECT 1 FROM contact_changes WHERE id = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(id)
        .bind(now)
        .fetch_optional(ex)
        .await
        .context("outbox: is the contact change live")?;
    Ok(live.is_some())
}

/// Sets the member's e-mail unless another member has it; false then.
pub(crate) async fn set_email(ex: impl Executor<'_, Database = Any>, member_id: i64, email: &str) -> anyhow::Result<bool> {
    let set = sqlx::query(
        "UPDATE members SET email = $1 WHERE id = $2
         AND NOT EXISTS (SELECT 1 FROM members other WHERE other.email = $1 AND other.id <> $2)",
    )
    .bind(email)
    .bind(member_id)
    .execute(ex)
    .await
    .context("contact change: set the e-mail")?
    .rows_affected();
    Ok(set == 1)
}

/// True when a member other than `member_id` has this e-mail.
pub(crate) async fn email_taken(ex: impl Executor<'_, Database = Any>, member_id: i64, email: &str) -> anyhow::Result<bool> {
    let other: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE email = $1 AND id <> $2")
        .bind(email)
        .bind(member_id)
        .fetch_optional(ex)
        .await
        .context("contact change: is the e-mail taken")?;
    Ok(other.is_some())
}

pub(crate) async fn set_phone(ex: impl Executor<'_, Database = Any>, member_id: i64, phone: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE members SET phone = $1 WHERE id = $2")
        .bind(phone)
        .bind(member_id)
        .execute(ex)
        .await
        .context("contact change: set the mobile")?;
    Ok(())
}

/// Blocks the account (« Ce n'est pas moi »): log-ins are refused until a
/// new password is set (`members::set_password_hash` clears it).
pub(crate) async fn block(ex: impl Executor<'_, Database = Any>, member_id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE members SET blocked = 1 WHERE id = $1")
        .bind(member_id)
        .execute(ex)
        .await
        .context("block the account")?;
    Ok(())
}

pub(crate) async fn insert_disown_token(
    ex: impl Executor<'_, Database = Any>,
    token_hash: &str,
    member_id: i64,
    disowns: &str,
    now: i64,
    expires_at: i64,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO disown_tokens (token_hash, member_id, disowns, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(member_id)
        .bind(disowns)
        .bind(now)
        .bind(expires_at)
        .execute(ex)
        .await
        .context("disown token: insert")?;
    Ok(())
}

/// The member and what a live (unused, unexpired) link disowns.
pub(crate) async fn live_disown_token(ex: impl Executor<'_, Database = Any>, token_hash: &str, now: i64) -> anyhow::Result<Option<(i64, String)>> {
    sqlx::query_as("SELECT member_id, disowns FROM disown_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(ex)
        .await
        .context("disown token: look-up")
}

/// Uses the link up if it is live: its member and what it disowns; `None`
/// when it was used meanwhile (or expired, or unknown).
pub(crate) async fn use_disown_token(ex: impl Executor<'_, Database = Any>, token_hash: &str, now: i64) -> anyhow::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "UPDATE disown_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING member_id, disowns",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(ex)
    .await
    .context("disown token: use")
}
