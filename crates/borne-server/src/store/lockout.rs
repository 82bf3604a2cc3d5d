//! The lockout's columns of `members` (`failed_attempts`, `blocked`,
//! `live_claims`, `claims_epoch`, `claims_expire_at`): each function is the
//! one statement a step of `crate::lockout` takes.

use anyhow::Context;
use sqlx::{Any, Executor};

/// Whose row: a registered member by canonical NIR or e-mail (a log-in), or
/// any member by id (a password change).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Whose<'a> {
    RegisteredNir(&'a str),
    RegisteredEmail(&'a str),
    Id(i64),
}

impl Whose<'_> {
    /// The condition on `members` and its one parameter, `$1`.
    fn condition(&self) -> &'static str {
        match self {
            Whose::RegisteredNir(_) => "nir = $1 AND registered = 1",
            Whose::RegisteredEmail(_) => "email = $1 AND registered = 1",
            Whose::Id(_) => "id = $1",
        }
    }

    fn bind_to<'q, O>(
        &self,
        query: sqlx::query::QueryAs<'q, Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, Any, O, sqlx::any::AnyArguments<'q>> {
        match *self {
            Whose::RegisteredNir(text) | Whose::RegisteredEmail(text) => query.bind(text.to_owned()),
            Whose::Id(id) => query.bind(id),
        }
    }
}

/// The claim's slot, given back (never below zero).
const GIVE_BACK: &str = "live_claims = CASE WHEN live_claims > 0 THEN live_claims - 1 ELSE 0 END";

/// What a granted claim read: the member, the hash to verify, the claim's generation.
pub(crate) struct Claimed {
    pub(crate) member_id: i64,
    pub(crate) password_hash: String,
    pub(crate) epoch: i64,
}

/// Takes a claim in one statement: succeeds only while the account is not
/// blocked and `failed_attempts + live claims < max_failures`, counting one
/// more live claim; the claims of a generation past `claims_expire_at`
/// (`now`) no longer count, and the first claim after it starts a new
/// generation. The claims then expire at `expires_at`.
pub(crate) async fn claim(
    ex: impl Executor<'_, Database = Any>,
    whose: Whose<'_>,
    now: i64,
    expires_at: i64,
    max_failures: i64,
) -> anyhow::Result<Option<Claimed>> {
    let condition = whose.condition();
    let sql = format!(
        "UPDATE members SET
             claims_epoch = CASE WHEN claims_expire_at <= $2 THEN claims_epoch + 1 ELSE claims_epoch END,
             live_claims = CASE WHEN claims_expire_at <= $2 THEN 1 ELSE live_claims + 1 END,
             claims_expire_at = $3
         WHERE {condition} AND blocked = 0
           AND failed_attempts + CASE WHEN claims_expire_at <= $2 THEN 0 ELSE live_claims END < $4
         RETURNING id, password_hash, claims_epoch"
    );
    let query = whose.bind_to(sqlx::query_as::<_, (i64, String, i64)>(&sql));
    let granted = query.bind(now).bind(expires_at).bind(max_failures).fetch_optional(ex).await.context("claim")?;
    Ok(granted.map(|(member_id, password_hash, epoch)| Claimed { member_id, password_hash, epoch }))
}

/// The member and whether they are blocked (why a claim was refused).
pub(crate) async fn state(ex: impl Executor<'_, Database = Any>, whose: Whose<'_>) -> anyhow::Result<Option<(i64, bool)>> {
    let sql = format!("SELECT id, blocked FROM members WHERE {}", whose.condition());
    let row = whose.bind_to(sqlx::query_as::<_, (i64, i64)>(&sql)).fetch_optional(ex).await.context("claim: why refused")?;
    Ok(row.map(|(id, blocked)| (id, blocked != 0)))
}

/// A success: resets the count and gives the claim back, only if the member
/// is not blocked, `verified_hash` is still their password and `epoch` the
/// current generation. Their first and last names, or `None` (stale).
pub(crate) async fn settle_success(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    verified_hash: &str,
    epoch: i64,
) -> anyhow::Result<Option<(String, String)>> {
    sqlx::query_as::<_, (String, String)>(&format!(
        "UPDATE members SET failed_attempts = 0, {GIVE_BACK}
         WHERE id = $1 AND blocked = 0 AND password_hash = $2 AND claims_epoch = $3
         RETURNING first_name, last_name"
    ))
    .bind(member_id)
    .bind(verified_hash)
    .bind(epoch)
    .fetch_optional(ex)
    .await
    .context("success: reset the count")
}

/// A failure: counts it, blocks at `max_failures` and gives the claim back,
/// only if `verified_hash` is still the member's password and `epoch` the
/// current generation. The new count and whether the account is now
/// blocked, or `None` (stale).
pub(crate) async fn settle_failure(
    ex: impl Executor<'_, Database = Any>,
    member_id: i64,
    verified_hash: &str,
    epoch: i64,
    max_failures: i64,
) -> anyhow::Result<Option<(i64, bool)>> {
    let counted = sqlx::query_as::<_, (i64, i64)>(&format!(
        "UPDATE members
         SET failed_attempts = failed_attempts + 1,
             blocked = CASE WHEN failed_attempts + 1 >= $1 THEN 1 ELSE blocked END,
             {GIVE_BACK}
         WHERE id = $2 AND password_hash = $3 AND claims_epoch = $4
         RETURNING failed_attempts, blocked"
    ))
    .bind(max_failures)
    .bind(member_id)
    .bind(verified_hash)
    .bind(epoch)
    .fetch_optional(ex)
    .await
    .context("failure: count")?;
    Ok(counted.map(|(failed_attempts, blocked)| (failed_attempts, blocked != 0)))
}

/// Gives a claim of generation `epoch` back without counting anything.
pub(crate) async fn release(ex: impl Executor<'_, Database = Any>, member_id: i64, epoch: i64) -> anyhow::Result<()> {
    sqlx::query(&format!("UPDATE members SET {GIVE_BACK} WHERE id = $1 AND claims_epoch = $2"))
        .bind(member_id)
        .bind(epoch)
        .execute(ex)
        .await
        .context("release claim")?;
    Ok(())
}
