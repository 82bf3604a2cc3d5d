//! What the unit tests of the rules read or age in the database, by name
//! (their SQL stays in the store like every other statement).

use super::Db;

async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql).execute(&db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The live claims of the only member.
pub(crate) async fn live_claims(db: &Db) -> i64 {
    scalar(db, "SELECT live_claims FROM members").await
}

/// The failed attempts of the only member.
pub(crate) async fn failed_attempts(db: &Db) -> i64 {
    scalar(db, "SELECT failed_attempts FROM members").await
}

/// The audit events of `kind`.
pub(crate) async fn events(db: &Db, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = $1").bind(kind).fetch_one(&db.pool).await.unwrap()
}

/// Every session, live or not.
pub(crate) async fn sessions(db: &Db) -> i64 {
    scalar(db, "SELECT COUNT(*) FROM sessions").await
}

/// Every member's claims are past their time to live.
pub(crate) async fn expire_claims(db: &Db) {
    exec(db, "UPDATE members SET claims_expire_at = 0").await;
}

/// Every attempt counter's window has ended.
pub(crate) async fn end_counter_windows(db: &Db) {
    exec(db, "UPDATE attempt_counters SET window_ends = 0").await;
}
