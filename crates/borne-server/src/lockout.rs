//! The 3-failure lockout, decided in the database.
//!
//! A password is verified only under a *claim*: a row of `login_claims` taken
//! in a write transaction, granted only while
//! `failed_attempts + live claims < 3` and the account is not blocked. Each
//! claim then ends in one transaction that deletes it and either resets
//! `failed_attempts` (success) or increments it, setting `blocked` at 3.
//! Hence `failed_attempts + live claims <= 3` at all times, and however many
//! concurrent guesses arrive, at most 3 passwords are verified before the
//! account is blocked.
//!
//! Every transaction here begins with a write on the member's row
//! (`UPDATE members SET failed_attempts = failed_attempts WHERE id = $1`): on
//! SQLite that first statement takes the database's write lock (what
//! `BEGIN IMMEDIATE` would do; sqlx's `begin()` is deferred), waiting under
//! the busy timeout, so the read that follows cannot be stale; on PostgreSQL
//! it takes the row lock. Claims of a request that died expire after
//! [`CLAIM_TTL_SECS`].

use crate::db::{now, random_id, Db};
use crate::sessions::{self, NewSession};
use anyhow::Context;
use borne_core::api::MemberSummary;

// The integration tests' databases, so that the claims are tested on SQLite
// and PostgreSQL alike.
#[cfg(test)]
#[macro_use]
#[path = "../tests/common/databases.rs"]
mod test_databases;

/// Consecutive failures that block an account (the insurers' guides).
pub(crate) const MAX_FAILURES: i64 = 3;
/// Lifetime of a claim whose request never settled it.
pub(crate) const CLAIM_TTL_SECS: i64 = 30;

pub(crate) enum Claim {
    /// Verify the password against `password_hash`, then settle `claim_id`.
    Granted { claim_id: String, password_hash: String },
    Blocked,
    /// Every slot is taken by verifications in flight: retry shortly.
    Busy,
    /// The member no longer exists.
    Gone,
}

pub(crate) enum Settled {
    /// Logged in; the session was created in the same transaction.
    LoggedIn(MemberSummary),
    /// A wrong password, `failed_attempts` now this many.
    Failed { failed_attempts: i64 },
    Blocked,
}

impl Db {
    pub(crate) async fn claim_attempt(&self, member_id: i64) -> anyhow::Result<Claim> {
        let now = now();
        let mut tx = self.pool.begin().await.context("claim: begin")?;
        if !crate::db::lock_member(&mut tx, member_id).await? {
            return Ok(Claim::Gone);
        }
        sqlx::query("DELETE FROM login_claims WHERE member_id = $1 AND expires_at <= $2")
            .bind(member_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .context("claim: expire stale claims")?;
        let (failed, blocked, password_hash, live) = sqlx::query_as::<_, (i64, i64, String, i64)>(
            "SELECT failed_attempts, blocked, password_hash,
                    (SELECT COUNT(*) FROM login_claims WHERE member_id = members.id)
             FROM members WHERE id = $1",
        )
        .bind(member_id)
        .fetch_one(&mut *tx)
        .await
        .context("claim: read the member")?;
        let claim = if blocked != 0 {
            Claim::Blocked
        } else if failed + live >= MAX_FAILURES {
            Claim::Busy
        } else {
            let claim_id = random_id();
            sqlx::query("INSERT INTO login_claims (claim_id, member_id, expires_at) VALUES ($1, $2, $3)")
                .bind(&claim_id)
                .bind(member_id)
                .bind(now + CLAIM_TTL_SECS)
                .execute(&mut *tx)
                .await
                .context("claim: insert")?;
            Claim::Granted { claim_id, password_hash }
        };
        tx.commit().await.context("claim: commit")?;
        Ok(claim)
    }

    /// The password was right: reset the count and open the session, unless
    /// the account was blocked meanwhile (possible only if the claim expired).
    pub(crate) async fn settle_success(&self, member_id: i64, claim_id: &str, session: &NewSession) -> anyhow::Result<Settled> {
        let mut tx = self.pool.begin().await.context("success: begin")?;
        let member = sqlx::query_as::<_, (String, String)>(
            "UPDATE members SET failed_attempts = 0 WHERE id = $1 AND blocked = 0 RETURNING first_name, last_name",
        )
        .bind(member_id)
        .fetch_optional(&mut *tx)
        .await
        .context("success: reset the count")?;
        delete_claim(&mut tx, claim_id).await?;
        let settled = match member {
            Some((first_name, last_name)) => {
                sessions::insert(&mut tx, member_id, session).await?;
                Settled::LoggedIn(MemberSummary { first_name, last_name })
            }
            None => Settled::Blocked,
        };
        tx.commit().await.context("success: commit")?;
        Ok(settled)
    }

    /// The password was wrong: count it, block at [`MAX_FAILURES`].
    pub(crate) async fn settle_failure(&self, member_id: i64, claim_id: &str) -> anyhow::Result<Settled> {
        let mut tx = self.pool.begin().await.context("failure: begin")?;
        let counted = sqlx::query_as::<_, (i64, i64)>(
            "UPDATE members
             SET failed_attempts = failed_attempts + 1,
                 blocked = CASE WHEN failed_attempts + 1 >= $1 THEN 1 ELSE blocked END
             WHERE id = $2 RETURNING failed_attempts, blocked",
        )
        .bind(MAX_FAILURES)
        .bind(member_id)
        .fetch_optional(&mut *tx)
        .await
        .context("failure: count")?;
        delete_claim(&mut tx, claim_id).await?;
        tx.commit().await.context("failure: commit")?;
        Ok(match counted {
            Some((_, blocked)) if blocked != 0 => Settled::Blocked,
            Some((failed_attempts, _)) => Settled::Failed { failed_attempts },
            // Deleted meanwhile: nothing left to protect.
            None => Settled::Blocked,
        })
    }

    /// Gives a claim back without counting anything (the verification itself
    /// failed, e.g. an unreadable stored hash).
    pub(crate) async fn release_claim(&self, claim_id: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM login_claims WHERE claim_id = $1")
            .bind(claim_id)
            .execute(&self.pool)
            .await
            .context("release claim")?;
        Ok(())
    }
}

async fn delete_claim(tx: &mut sqlx::Transaction<'_, sqlx::Any>, claim_id: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM login_claims WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut **tx)
        .await
        .context("delete claim")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::test_databases::{Backend, TestDatabase};
    use super::*;
    use crate::members::NewMember;
    use borne_core::Secret;

    on_each_backend! {
        concurrent_claims_never_exceed_three(flavor = "multi_thread", worker_threads = 4),
        a_released_claim_frees_its_slot_and_a_success_resets,
        stale_claims_expire,
    }

    async fn db_with_member(backend: &Backend) -> (TestDatabase, Db, i64) {
        let database = TestDatabase::create(backend).await;
        let db = Db::connect(database.url()).await.unwrap();
        db.migrate().await.unwrap();
        let id = db
            .add_member(&NewMember {
                nir: "2 78 03 69 123 045 34".into(),
                email: "a@exemple.fr".into(),
                phone: None,
                birthdate: "15/03/1978".into(),
                member_number: "X-1".into(),
                first_name: "A".into(),
                last_name: "B".into(),
                password: Secret::new("Mutuelle2024"),
            })
            .await
            .unwrap();
        (database, db, id)
    }

    /// The database alone, without the hashing semaphore, grants 3 claims
    /// out of 20 concurrent requests.
    async fn concurrent_claims_never_exceed_three(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let tasks: Vec<_> = (0..20).map(|_| { let db = db.clone(); tokio::spawn(async move { db.claim_attempt(id).await.unwrap() }) }).collect();
        let mut granted = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Claim::Granted { claim_id, .. } => granted.push(claim_id),
                Claim::Busy => {}
                Claim::Blocked | Claim::Gone => panic!("not blocked yet"),
            }
        }
        assert_eq!(granted.len(), 3);
        assert!(matches!(db.settle_failure(id, &granted[0]).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
        assert!(matches!(db.claim_attempt(id).await.unwrap(), Claim::Busy), "2 claims live + 1 failure");
        assert!(matches!(db.settle_failure(id, &granted[1]).await.unwrap(), Settled::Failed { failed_attempts: 2 }));
        assert!(matches!(db.settle_failure(id, &granted[2]).await.unwrap(), Settled::Blocked));
        assert!(matches!(db.claim_attempt(id).await.unwrap(), Claim::Blocked));
    }

    async fn a_released_claim_frees_its_slot_and_a_success_resets(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let Claim::Granted { claim_id, .. } = db.claim_attempt(id).await.unwrap() else { panic!() };
        db.settle_failure(id, &claim_id).await.unwrap();
        let Claim::Granted { claim_id: a, .. } = db.claim_attempt(id).await.unwrap() else { panic!() };
        let Claim::Granted { claim_id: b, .. } = db.claim_attempt(id).await.unwrap() else { panic!() };
        assert!(matches!(db.claim_attempt(id).await.unwrap(), Claim::Busy));
        db.release_claim(&a).await.unwrap();
        let Claim::Granted { claim_id: c, .. } = db.claim_attempt(id).await.unwrap() else { panic!() };
        let session = NewSession::generate(std::time::Duration::from_secs(60));
        assert!(matches!(db.settle_success(id, &b, &session).await.unwrap(), Settled::LoggedIn(_)));
        assert!(matches!(db.settle_failure(id, &c).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
    }

    async fn stale_claims_expire(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        for _ in 0..3 {
            assert!(matches!(db.claim_attempt(id).await.unwrap(), Claim::Granted { .. }));
        }
        assert!(matches!(db.claim_attempt(id).await.unwrap(), Claim::Busy));
        sqlx::query("UPDATE login_claims SET expires_at = 0").execute(&db.pool).await.unwrap();
        assert!(matches!(db.claim_attempt(id).await.unwrap(), Claim::Granted { .. }));
    }
}
