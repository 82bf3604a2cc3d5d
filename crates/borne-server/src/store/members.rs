//! `members`: a member's row (identity, contacts, password hash, lockout
//! columns). The lockout's claims on the same row are in `lockout.rs`.

use anyhow::Context;
use sqlx::{Any, Executor};

/// A new row, its values already validated (`crate::members`).
pub(crate) struct NewRow<'a> {
    pub(crate) nir: &'a str,
    pub(crate) email: &'a str,
    pub(crate) phone: Option<&'a str>,
    /// ISO yyyy-mm-dd.
    pub(crate) birthdate: &'a str,
    pub(crate) member_number: &'a str,
    pub(crate) first_name: &'a str,
    pub(crate) last_name: &'a str,
    pub(crate) password_hash: &'a str,
    pub(crate) created_at: i64,
    pub(crate) registered: bool,
}

/// Inserts a member; `None` when a unique column (NIR, e-mail, member
/// number) is taken. ON CONFLICT DO NOTHING rather than a unique violation:
/// PostgreSQL writes the conflicting value (the NIR, the e-mail) into its own
/// log with every such error.
pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, m: &NewRow<'_>) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO members (nir, email, phone, birthdate, member_number, first_name, last_name, password_hash, failed_attempts, blocked, created_at, registered)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(m.nir)
    .bind(m.email)
    .bind(m.phone)
    .bind(m.birthdate)
    .bind(m.member_number)
    .bind(m.first_name)
    .bind(m.last_name)
    .bind(m.password_hash)
    .bind(m.created_at)
    .bind(i64::from(m.registered))
    .fetch_optional(ex)
    .await
    .context("cannot create the member")
}

/// Which unique column a refused [`insert`] collided with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Taken {
    Nir,
    Email,
    MemberNumber,
}

/// The column of an existing member that holds `nir`, `email` or
/// `member_number` (the NIR first, then the e-mail); `None` when none does.
pub(crate) async fn taken(
    ex: impl Executor<'_, Database = Any>,
    nir: &str,
    email: &str,
    member_number: &str,
) -> anyhow::Result<Option<Taken>> {
    let taken = sqlx::query_scalar::<_, i64>(
        "SELECT CASE WHEN nir = $1 THEN 1 WHEN email = $2 THEN 2 ELSE 3 END
         FROM members WHERE nir = $1 OR email = $2 OR member_number = $3
         ORDER BY 1 LIMIT 1",
    )
    .bind(nir)
    .bind(email)
    .bind(member_number)
    .fetch_optional(ex)
    .await
    .context("cannot create the member")?;
    Ok(taken.map(|column| match column {
        1 => Taken::Nir,
        2 => Taken::Email,
        _ => Taken::MemberNumber,
    }))
}

/// The id of the member with this (canonical) NIR.
pub(crate) async fn id_by_nir(ex: impl Executor<'_, Database = Any>, nir: &str) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar::<_, i64>("SELECT id FROM members WHERE nir = $1")
        .bind(nir)
        .fetch_optional(ex)
        .await
        .context("member look-up failed")
}

/// A member's row as the account procedures read it (`crate::account::MemberRecord`).
#[derive(Clone)]
pub(crate) struct Row {
    pub(crate) id: i64,
    pub(crate) nir: String,
    pub(crate) email: String,
    pub(crate) phone: Option<String>,
    /// ISO yyyy-mm-dd.
    pub(crate) birthdate: String,
    pub(crate) member_number: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) blocked: bool,
    /// False for a member known from the insurer's records who has not yet
    /// created an account ("Pas encore inscrit ?").
    pub(crate) registered: bool,
}

type Columns = (i64, String, String, Option<String>, String, String, String, String, i64, i64);

const COLUMNS: &str = "id, nir, email, phone, birthdate, member_number, first_name, last_name, blocked, registered";

fn row((id, nir, email, phone, birthdate, member_number, first_name, last_name, blocked, registered): Columns) -> Row {
    Row { id, nir, email, phone, birthdate, member_number, first_name, last_name, blocked: blocked != 0, registered: registered != 0 }
}

/// How a member is looked up.
#[derive(Clone, Copy, Debug)]
pub(crate) enum By<'a> {
    Id(i64),
    /// Canonical NIR.
    Nir(&'a str),
    /// Canonical e-mail.
    Email(&'a str),
}

/// The member found `by`.
pub(crate) async fn find(ex: impl Executor<'_, Database = Any>, by: By<'_>) -> anyhow::Result<Option<Row>> {
    let (sql, context) = match by {
        By::Id(_) => (format!("SELECT {COLUMNS} FROM members WHERE id = $1"), "member by id"),
        By::Nir(_) => (format!("SELECT {COLUMNS} FROM members WHERE nir = $1"), "member by NIR"),
        By::Email(_) => (format!("SELECT {COLUMNS} FROM members WHERE email = $1"), "member by e-mail"),
    };
    let query = sqlx::query_as::<_, Columns>(&sql);
    let query = match by {
        By::Id(id) => query.bind(id),
        By::Nir(text) | By::Email(text) => query.bind(text),
    };
    Ok(query.fetch_optional(ex).await.context(context)?.map(row))
}

/// Starts a transaction's work on a member by writing their row: on SQLite
/// this takes the database's write lock at once (what `BEGIN IMMEDIATE` would
/// do; sqlx's `begin()` is deferred), on PostgreSQL the row lock. Every
/// transaction that reads then changes a member's security state begins here,
/// so none of them can act on a stale read. Returns false when no such member.
pub(crate) async fn lock(ex: impl Executor<'_, Database = Any>, member_id: i64) -> anyhow::Result<bool> {
    let touched = sqlx::query("UPDATE members SET failed_attempts = failed_attempts WHERE id = $1")
        .bind(member_id)
        .execute(ex)
        .await
        .context("lock the member's row")?
        .rows_affected();
    Ok(touched == 1)
}

/// Sets the password hash, clears the lockout, marks the account registered
/// and starts a new claims generation (every verification in flight is
/// void: `crate::lockout`).
pub(crate) async fn set_password_hash(ex: impl Executor<'_, Database = Any>, member_id: i64, password_hash: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE members SET password_hash = $1, failed_attempts = 0, blocked = 0, registered = 1,
             live_claims = 0, claims_epoch = claims_epoch + 1
         WHERE id = $2",
    )
    .bind(password_hash)
    .bind(member_id)
    .execute(ex)
    .await
    .context("set password: update")?;
    Ok(())
}
