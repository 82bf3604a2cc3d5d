//! `attempt_counters`: one row per (scope, subject), attempts over a window
//! (the rule: `crate::counters`).

use anyhow::Context;
use sqlx::{Any, Executor};

/// Takes one attempt, in one statement (`INSERT … ON CONFLICT DO UPDATE …
/// WHERE … RETURNING`): a window that ended at `now` starts again at 1 and
/// ends at `now + window_secs`; otherwise the count goes up only while it is
/// below `limit`. The attempt's number, or `None` when the window's are spent.
pub(crate) async fn take(
    ex: impl Executor<'_, Database = Any>,
    scope: &str,
    subject: &str,
    now: i64,
    window_secs: i64,
    limit: i64,
) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO attempt_counters (scope, subject, attempts, window_ends) VALUES ($1, $2, 1, $3 + $4)
         ON CONFLICT (scope, subject) DO UPDATE SET
             attempts = CASE WHEN attempt_counters.window_ends <= $3 THEN 1 ELSE attempt_counters.attempts + 1 END,
             window_ends = CASE WHEN attempt_counters.window_ends <= $3 THEN $3 + $4 ELSE attempt_counters.window_ends END
         WHERE attempt_counters.window_ends <= $3 OR attempt_counters.attempts < $5
         RETURNING attempts",
    )
    .bind(scope)
    .bind(subject)
    .bind(now)
    .bind(window_secs)
    .bind(limit)
    .fetch_optional(ex)
    .await
    .context("attempt counter: take")
}

/// When the counter's window ends.
pub(crate) async fn window_end(ex: impl Executor<'_, Database = Any>, scope: &str, subject: &str) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar("SELECT window_ends FROM attempt_counters WHERE scope = $1 AND subject = $2")
        .bind(scope)
        .bind(subject)
        .fetch_optional(ex)
        .await
        .context("attempt counter: window end")
}

/// One attempt back (never below zero).
pub(crate) async fn give_back(ex: impl Executor<'_, Database = Any>, scope: &str, subject: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE attempt_counters SET attempts = attempts - 1 WHERE scope = $1 AND subject = $2 AND attempts > 0")
        .bind(scope)
        .bind(subject)
        .execute(ex)
        .await
        .context("attempt counter: give back")?;
    Ok(())
}

pub(crate) async fn delete(ex: impl Executor<'_, Database = Any>, scope: &str, subject: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM attempt_counters WHERE scope = $1 AND subject = $2")
        .bind(scope)
        .bind(subject)
        .execute(ex)
        .await
        .context("attempt counter: clear")?;
    Ok(())
}
