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

/// Which rows a successful settlement may write: the member's row, only if
/// the member is not blocked, the verified hash (`$2`) is still their
/// password and the claim's generation (`$3`) is current.
const SETTLEABLE: &str = "id = $1 AND blocked = 0 AND password_hash = $2 AND claims_epoch = $3";

/// What a successful settlement writes besides the member's row.
pub(crate) struct Success<'a> {
    pub(crate) member_id: i64,
    pub(crate) verified_hash: &'a str,
    pub(crate) epoch: i64,
    /// The audit event: when, its kind (its kiosk: the session's).
    pub(crate) at: i64,
    pub(crate) kind: &'a str,
    /// The session to open (`restricted` is ignored: a verified password
    /// opens a full session), or none (a password change's current password).
    pub(crate) session: Option<&'a super::sessions::NewRow<'a>>,
}

/// A success, in **one round trip** to the database: resets the count,
/// gives the claim back, opens the session and appends the audit event, all
/// or nothing and only on a [`SETTLEABLE`] row. The member's first and last
/// names, or `None` (stale: nothing written).
///
/// One round trip because this is the log-in's hot path (issue 12,
/// docs/performance.md: each statement costs a hand-off to sqlx's SQLite
/// thread or a PostgreSQL round trip, CPU taken from the cores that hash):
/// on PostgreSQL one statement whose data-modifying CTEs share its snapshot
/// and its atomicity; on SQLite, which has no data-modifying CTEs, one
/// multi-statement call `BEGIN IMMEDIATE; UPDATE … RETURNING; INSERT …
/// SELECT …; COMMIT` on one connection. The inserts select the member's row
/// under the same condition as the `UPDATE` (which does not change the
/// columns it tests), so they write exactly when it did.
pub(crate) async fn settle_success(db: &super::Db, s: &Success<'_>) -> anyhow::Result<Option<(String, String)>> {
    let audit = format!("{} SELECT $4, $5, id, NULL, $6", super::audit::INSERT);
    let session = format!("{} SELECT $7, id, $8, $9, 0, 0, $10, $6", super::sessions::INSERT);
    let update = format!("UPDATE members SET failed_attempts = 0, {GIVE_BACK} WHERE {SETTLEABLE}");
    let sql = if db.is_postgres() {
        let opened = if s.session.is_some() { format!(", opened AS ({session} FROM settled)") } else { String::new() };
        format!(
            "WITH settled AS ({update} RETURNING id, first_name, last_name),
                  audited AS ({audit} FROM settled){opened}
             SELECT first_name, last_name FROM settled"
        )
    } else {
        let opened = if s.session.is_some() { format!("{session} FROM members WHERE {SETTLEABLE};") } else { String::new() };
        format!(
            "BEGIN IMMEDIATE;
             {update} RETURNING first_name, last_name;
             {audit} FROM members WHERE {SETTLEABLE};
             {opened}
             COMMIT;"
        )
    };
    let mut query = sqlx::query_as::<_, (String, String)>(&sql)
        .bind(s.member_id)
        .bind(s.verified_hash)
        .bind(s.epoch)
        .bind(s.at)
        .bind(s.kind)
        .bind(s.session.and_then(|row| row.device_id));
    if let Some(row) = s.session {
        query = query.bind(row.token_hash).bind(row.created_at).bind(row.expires_at).bind(row.public_id);
    }
    if db.is_postgres() {
        return query.fetch_optional(&db.pool).await.context("success: settle");
    }
    // SQLite: the transaction is opened by the SQL itself, so sqlx cannot roll
    // it back; a connection whose call did not run to its end (an error, or
    // this future dropped half-way) is closed instead of going back to the
    // pool, which rolls the transaction back.
    let mut connection = Unfinished(Some(db.pool.acquire().await.context("success: connection")?));
    let rows = query.fetch_all(connection.get()).await.context("success: settle")?;
    connection.finished();
    Ok(rows.into_iter().next())
}

/// A pooled connection whose call has not run to its end: dropped as such,
/// it is closed instead of going back to the pool (see [`settle_success`]).
struct Unfinished(Option<sqlx::pool::PoolConnection<Any>>);

impl Unfinished {
    fn get(&mut self) -> &mut sqlx::AnyConnection {
        self.0.as_deref_mut().expect("set until `finished` consumes it")
    }

    /// The call ran to its end: the connection goes back to the pool.
    fn finished(mut self) {
        drop(self.0.take());
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(connection) = self.0.take() {
            drop(connection.detach());
        }
    }
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
