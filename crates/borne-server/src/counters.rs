//! Attempt counters shared by every replica: a row of `attempt_counters`
//! per (scope, subject), counting attempts over a fixed window.
//!
//! An attempt is *taken before* it is evaluated, in one atomic statement
//! (`INSERT … ON CONFLICT DO UPDATE … WHERE attempts < limit RETURNING`):
//! PostgreSQL locks the row for the upsert, SQLite has one writer. So
//! however many requests arrive at once, on however many replicas, at most
//! `limit` of them are evaluated in a window; the others are refused before
//! any comparison. A success may give its attempt back ([`Db::give_back`])
//! or clear the counter ([`Db::clear_attempts`]).
//!
//! Subjects are keyed hashes ([`subject`]) of what is counted (a NIR, an
//! identifier, a client), so the table holds no NIR, e-mail or address.

use crate::store::{self, now, Db};
use borne_core::Secret;

/// What a counter counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Failed unlock identity checks (NIR + date of birth) of one client.
    UnlockClient,
    /// Failed unlock identity checks for one NIR, known or not.
    UnlockNir,
    /// Code submissions for one member and purpose (or one unknown identifier).
    CodeTries,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::UnlockClient => "unlock_client",
            Scope::UnlockNir => "unlock_nir",
            Scope::CodeTries => "code_tries",
        }
    }
}

/// A counter's limit and window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limit {
    pub(crate) attempts: i64,
    pub(crate) window_secs: i64,
}

/// The result of [`Db::take_attempt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Taken {
    /// Granted: this is attempt number `n` (1-based) of the window.
    Granted { n: i64 },
    /// The window's attempts are spent; the next window opens in `retry_after_secs`.
    Spent { retry_after_secs: u64 },
}

/// The stored subject of a counter: HMAC(pepper, scope, parts), hex.
pub(crate) fn subject(pepper: &Secret, scope: Scope, parts: &[&[u8]]) -> String {
    let mut all: Vec<&[u8]> = vec![b"attempt-counter", scope.name().as_bytes()];
    all.extend_from_slice(parts);
    crate::hashing::keyed_hex(pepper, &all)
}

impl Db {
    /// Takes one attempt of `subject`'s counter, atomically (module docs).
    pub(crate) async fn take_attempt(&self, scope: Scope, subject: &str, limit: Limit) -> anyhow::Result<Taken> {
        let now = now();
        if let Some(n) = store::counters::take(&self.pool, scope.name(), subject, now, limit.window_secs, limit.attempts).await? {
            return Ok(Taken::Granted { n });
        }
        let ends = store::counters::window_end(&self.pool, scope.name(), subject).await?;
        let retry_after_secs = u64::try_from(ends.unwrap_or(now) - now).unwrap_or(0).max(1);
        Ok(Taken::Spent { retry_after_secs })
    }

    /// Gives one attempt back (the attempt it stood for succeeded).
    pub(crate) async fn give_back(&self, scope: Scope, subject: &str) -> anyhow::Result<()> {
        store::counters::give_back(&self.pool, scope.name(), subject).await
    }

    /// Forgets the counter (the member proved who they are).
    pub(crate) async fn clear_attempts(&self, scope: Scope, subject: &str) -> anyhow::Result<()> {
        store::counters::delete(&self.pool, scope.name(), subject).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_databases::{Backend, TestDatabase};

    on_each_backend! {
        concurrent_takes_never_exceed_the_limit(flavor = "multi_thread", worker_threads = 4),
        a_window_ends_and_gives_back_and_clear_work,
    }

    async fn db(backend: &Backend) -> (TestDatabase, Db) {
        let database = TestDatabase::create(backend).await;
        let db = Db::connect(database.url()).await.unwrap();
        db.migrate().await.unwrap();
        (database, db)
    }

    const FIVE_A_MINUTE: Limit = Limit { attempts: 5, window_secs: 60 };

    async fn concurrent_takes_never_exceed_the_limit(backend: Backend) {
        let (_database, db) = db(&backend).await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(30));
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let (db, barrier) = (db.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    db.take_attempt(Scope::UnlockNir, "s", FIVE_A_MINUTE).await.unwrap()
                })
            })
            .collect();
        let mut granted = Vec::new();
        for t in tasks {
            if let Taken::Granted { n } = t.await.unwrap() {
                granted.push(n);
            }
        }
        granted.sort();
        assert_eq!(granted, vec![1, 2, 3, 4, 5]);
        // Another subject, another scope: their own counters.
        assert_eq!(db.take_attempt(Scope::UnlockNir, "t", FIVE_A_MINUTE).await.unwrap(), Taken::Granted { n: 1 });
        assert_eq!(db.take_attempt(Scope::CodeTries, "s", FIVE_A_MINUTE).await.unwrap(), Taken::Granted { n: 1 });
    }

    async fn a_window_ends_and_gives_back_and_clear_work(backend: Backend) {
        let (_database, db) = db(&backend).await;
        for _ in 0..5 {
            db.take_attempt(Scope::UnlockClient, "c", FIVE_A_MINUTE).await.unwrap();
        }
        let Taken::Spent { retry_after_secs } = db.take_attempt(Scope::UnlockClient, "c", FIVE_A_MINUTE).await.unwrap() else {
            panic!("spent")
        };
        assert!((1..=60).contains(&retry_after_secs));
        db.give_back(Scope::UnlockClient, "c").await.unwrap();
        assert_eq!(db.take_attempt(Scope::UnlockClient, "c", FIVE_A_MINUTE).await.unwrap(), Taken::Granted { n: 5 });
        store::inspect::end_counter_windows(&db).await;
        assert_eq!(db.take_attempt(Scope::UnlockClient, "c", FIVE_A_MINUTE).await.unwrap(), Taken::Granted { n: 1 });
        db.clear_attempts(Scope::UnlockClient, "c").await.unwrap();
        assert_eq!(db.take_attempt(Scope::UnlockClient, "c", FIVE_A_MINUTE).await.unwrap(), Taken::Granted { n: 1 });
        assert_ne!(subject(&Secret::new("p"), Scope::UnlockNir, &[b"x"]), subject(&Secret::new("p"), Scope::CodeTries, &[b"x"]));
    }
}
