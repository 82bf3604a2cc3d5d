//! Every SQL statement of the server, and nothing else: the pool and the
//! migrations ([`db`]), then one module per table or aggregate, each a set of
//! plain functions that take an executor (`&db.pool`, or `&mut *tx` inside
//! the caller's transaction) and typed arguments, run one statement and
//! return what it read or how many rows it changed.
//!
//! The rules stay in the modules that own them (`lockout.rs`, `proofs.rs`,
//! `outbox.rs`, …): what to check, in which order, inside which transaction.
//! A store function never decides, and opens no transaction of its own,
//! except one: a log-in's successful settlement (`lockout::settle_success`),
//! sent as one call for speed — one statement with data-modifying CTEs on
//! PostgreSQL, a `BEGIN IMMEDIATE … COMMIT` batch on SQLite. The
//! single-statement atomic updates the rules rely on (a log-in claim, an
//! attempt counter's upsert, a code's try, an outbox lease) are each one
//! function here, so they stay one statement.
//!
//! No file outside this directory holds SQL: `tests::no_sql_outside_the_store`.

pub(crate) mod db;

pub(crate) mod account;
pub(crate) mod audit;
pub(crate) mod budget;
pub(crate) mod counters;
pub(crate) mod devices;
pub(crate) mod lockout;
pub(crate) mod maintenance;
pub(crate) mod members;
pub(crate) mod outbox;
pub(crate) mod proofs;
pub(crate) mod sessions;
pub(crate) mod temporary_passwords;
pub(crate) mod unlock_requests;

#[cfg(test)]
pub(crate) mod inspect;

pub use db::Db;
pub(crate) use db::{now, random_id};

/// A transaction on the pool: `db.pool.begin()`, then `&mut *tx` as the executor
/// of each statement, then `tx.commit()`.
pub(crate) type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[cfg(test)]
mod tests;
