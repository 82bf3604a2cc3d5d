//! The 3-failure lockout, decided in the database.
//!
//! A password (at log-in, or the current one when changing it) is verified
//! only under a *claim*: a row of `login_claims` taken in a write
//! transaction, granted only while `failed_attempts + live claims < 3` and
//! the account is not blocked. Each claim then ends in one transaction that
//! deletes it and either resets `failed_attempts` (success) or increments
//! it, setting `blocked` at 3 and revoking every session. Hence
//! `failed_attempts + live claims <= 3` at all times, and however many
//! concurrent guesses arrive, on however many replicas, at most 3 passwords
//! are verified before the account is blocked.
//!
//! A claim is settled only if it still exists *and* the member's password
//! hash is still the one that was verified, checked in the settling
//! transaction: a reset or a change (which deletes every claim of the
//! member in its own transaction, [`Db::set_password`]) wins over every
//! verification in flight. Such a settlement writes nothing and answers
//! [`Settled::Stale`]; the log-in then starts again against the new state.
//!
//! A log-in's database work is two short transactions: the claim (an
//! `UPDATE … RETURNING` that locks the member's row and reads it, the count
//! of live claims, the claim's `INSERT`), and the settlement (the member's
//! row, the claim, the session and the audit event together).
//! Every transaction here begins with a write on the member's row: on
//! SQLite that first statement takes the database's write lock (what
//! `BEGIN IMMEDIATE` would do; sqlx's `begin()` is deferred), on PostgreSQL
//! the row lock, always before any claim row, so that the two never
//! deadlock. Claims of a request that died expire after [`CLAIM_TTL_SECS`]
//! (and are purged by [`crate::maintenance`]).

use crate::audit::{self, Event};
use crate::db::{now, random_id, Db};
use crate::sessions::{self, NewSession};
use anyhow::Context;
use borne_core::api::MemberSummary;
use borne_core::Identifier;

/// Consecutive failures that block an account (the insurers' guides).
pub(crate) const MAX_FAILURES: i64 = 3;
/// Lifetime of a claim whose request never settled it.
pub(crate) const CLAIM_TTL_SECS: i64 = 30;

/// Whose password is about to be verified.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    /// A log-in: the registered member with this NIR or e-mail.
    Identifier(&'a Identifier),
    /// A password change: the session's member.
    Member(i64),
}

pub(crate) enum Claim {
    /// Verify the password against `password_hash`, then settle `claim_id`.
    Granted { member_id: i64, claim_id: String, password_hash: String },
    Blocked { member_id: i64 },
    /// Every slot is taken by verifications in flight: retry shortly.
    Busy { member_id: i64 },
    /// No such (registered) member.
    Unknown,
}

pub(crate) enum Settled {
    /// The password was right; the count is reset, the session (if one was
    /// asked for) created and the success audited, in one transaction.
    Verified(MemberSummary),
    /// A wrong password, `failed_attempts` now this many.
    Failed { failed_attempts: i64 },
    /// This failure blocked the account; every session of the member was revoked.
    Blocked,
    /// The claim was voided or the password changed meanwhile: nothing was
    /// written; verify again against the member's current state.
    Stale,
}

impl Db {
    /// Takes an attempt slot for `who` (module docs).
    pub(crate) async fn claim_attempt(&self, who: Who<'_>) -> anyhow::Result<Claim> {
        let now = now();
        let (condition, key): (&str, Result<&str, i64>) = match who {
            Who::Identifier(identifier @ Identifier::Nir(_)) => ("nir = $1 AND registered = 1", Ok(identifier.canonical())),
            Who::Identifier(identifier @ Identifier::Email(_)) => ("email = $1 AND registered = 1", Ok(identifier.canonical())),
            Who::Member(id) => ("id = $1", Err(id)),
        };
        let sql = format!(
            "UPDATE members SET failed_attempts = failed_attempts WHERE {condition}
             RETURNING id, blocked, failed_attempts, password_hash"
        );
        let mut tx = self.pool.begin().await.context("claim: begin")?;
        let query = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql);
        let query = match key {
            Ok(text) => query.bind(text),
            Err(id) => query.bind(id),
        };
        let row = query.fetch_optional(&mut *tx).await.context("claim: lock and read the member")?;
        let Some((member_id, blocked, failed, password_hash)) = row else {
            return Ok(Claim::Unknown);
        };
        // A statement of its own, after the lock: on PostgreSQL it reads with
        // a snapshot taken once the lock is held, so it sees the claims that
        // the transactions it waited for committed (a subquery of the UPDATE
        // would read the snapshot taken before the wait).
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_claims WHERE member_id = $1 AND expires_at > $2")
            .bind(member_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .context("claim: live claims")?;
        let claim = if blocked != 0 {
            Claim::Blocked { member_id }
        } else if failed + live >= MAX_FAILURES {
            Claim::Busy { member_id }
        } else {
            let claim_id = random_id();
            sqlx::query("INSERT INTO login_claims (claim_id, member_id, expires_at) VALUES ($1, $2, $3)")
                .bind(&claim_id)
                .bind(member_id)
                .bind(now + CLAIM_TTL_SECS)
                .execute(&mut *tx)
                .await
                .context("claim: insert")?;
            Claim::Granted { member_id, claim_id, password_hash }
        };
        tx.commit().await.context("claim: commit")?;
        Ok(claim)
    }

    /// The password was right: reset the count, open `session` (if given)
    /// and audit `event`, in one transaction, only if the claim still exists
    /// and `verified_hash` is still the member's password.
    pub(crate) async fn settle_success(
        &self,
        member_id: i64,
        claim_id: &str,
        verified_hash: &str,
        session: Option<&NewSession>,
        event: Event,
    ) -> anyhow::Result<Settled> {
        let mut tx = self.pool.begin().await.context("success: begin")?;
        let member = sqlx::query_as::<_, (String, String)>(
            "UPDATE members SET failed_attempts = 0 WHERE id = $1 AND blocked = 0 AND password_hash = $2 RETURNING first_name, last_name",
        )
        .bind(member_id)
        .bind(verified_hash)
        .fetch_optional(&mut *tx)
        .await
        .context("success: reset the count")?;
        let Some((first_name, last_name)) = member else { return Ok(Settled::Stale) };
        if !delete_claim(&mut tx, claim_id).await? {
            return Ok(Settled::Stale);
        }
        if let Some(session) = session {
            sessions::insert(&mut tx, member_id, session).await?;
        }
        audit::record(&mut tx, event, Some(member_id), None).await?;
        tx.commit().await.context("success: commit")?;
        Ok(Settled::Verified(MemberSummary { first_name, last_name }))
    }

    /// The password was wrong: count it (audited as `event`), block at
    /// [`MAX_FAILURES`] (audited `account_blocked`, every session revoked),
    /// in one transaction, only if the claim still exists and
    /// `verified_hash` is still the member's password.
    pub(crate) async fn settle_failure(&self, member_id: i64, claim_id: &str, verified_hash: &str, event: Event) -> anyhow::Result<Settled> {
        let mut tx = self.pool.begin().await.context("failure: begin")?;
        let counted = sqlx::query_as::<_, (i64, i64)>(
            "UPDATE members
             SET failed_attempts = failed_attempts + 1,
                 blocked = CASE WHEN failed_attempts + 1 >= $1 THEN 1 ELSE blocked END
             WHERE id = $2 AND password_hash = $3 RETURNING failed_attempts, blocked",
        )
        .bind(MAX_FAILURES)
        .bind(member_id)
        .bind(verified_hash)
        .fetch_optional(&mut *tx)
        .await
        .context("failure: count")?;
        let Some((failed_attempts, blocked)) = counted else { return Ok(Settled::Stale) };
        if !delete_claim(&mut tx, claim_id).await? {
            return Ok(Settled::Stale);
        }
        audit::record(&mut tx, event, Some(member_id), None).await?;
        let settled = if blocked != 0 {
            sqlx::query("UPDATE sessions SET revoked = 1 WHERE member_id = $1 AND revoked = 0")
                .bind(member_id)
                .execute(&mut *tx)
                .await
                .context("failure: revoke the sessions")?;
            audit::record(&mut tx, Event::AccountBlocked, Some(member_id), None).await?;
            Settled::Blocked
        } else {
            Settled::Failed { failed_attempts }
        };
        tx.commit().await.context("failure: commit")?;
        Ok(settled)
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

/// False when the claim no longer exists (voided by a password change).
async fn delete_claim(tx: &mut sqlx::Transaction<'_, sqlx::Any>, claim_id: &str) -> anyhow::Result<bool> {
    let deleted = sqlx::query("DELETE FROM login_claims WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut **tx)
        .await
        .context("delete claim")?
        .rows_affected();
    Ok(deleted == 1)
}

#[cfg(test)]
mod tests {
    use crate::test_databases::{Backend, TestDatabase};
    use super::*;
    use crate::members::NewMember;
    use borne_core::Secret;

    on_each_backend! {
        concurrent_claims_never_exceed_three(flavor = "multi_thread", worker_threads = 4),
        a_released_claim_frees_its_slot_and_a_success_resets,
        stale_claims_expire,
        a_password_change_voids_the_claims_in_flight,
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

    fn granted(c: Claim) -> (String, String) {
        match c {
            Claim::Granted { claim_id, password_hash, .. } => (claim_id, password_hash),
            _ => panic!("a claim was expected"),
        }
    }

    /// The database alone, without the hashing semaphore, grants 3 claims
    /// out of 20 concurrent requests.
    async fn concurrent_claims_never_exceed_three(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(20));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (db, barrier) = (db.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    db.claim_attempt(Who::Member(id)).await.unwrap()
                })
            })
            .collect();
        let mut granted = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Claim::Granted { claim_id, password_hash, .. } => granted.push((claim_id, password_hash)),
                Claim::Busy { .. } => {}
                Claim::Blocked { .. } | Claim::Unknown => panic!("not blocked yet"),
            }
        }
        assert_eq!(granted.len(), 3);
        let wrong = Event::LoginFailed;
        assert!(matches!(db.settle_failure(id, &granted[0].0, &granted[0].1, wrong).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Busy { .. }), "2 claims live + 1 failure");
        assert!(matches!(db.settle_failure(id, &granted[1].0, &granted[1].1, wrong).await.unwrap(), Settled::Failed { failed_attempts: 2 }));
        assert!(matches!(db.settle_failure(id, &granted[2].0, &granted[2].1, wrong).await.unwrap(), Settled::Blocked));
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Blocked { .. }));
    }

    async fn a_released_claim_frees_its_slot_and_a_success_resets(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let (claim_id, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        db.settle_failure(id, &claim_id, &hash, Event::LoginFailed).await.unwrap();
        let (a, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let (b, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Busy { .. }));
        db.release_claim(&a).await.unwrap();
        let (c, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let session = NewSession::generate(std::time::Duration::from_secs(60));
        assert!(matches!(db.settle_success(id, &b, &hash, Some(&session), Event::LoginSucceeded).await.unwrap(), Settled::Verified(_)));
        assert!(matches!(db.settle_failure(id, &c, &hash, Event::LoginFailed).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
    }

    async fn stale_claims_expire(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        for _ in 0..3 {
            assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Granted { .. }));
        }
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Busy { .. }));
        sqlx::query("UPDATE login_claims SET expires_at = 0").execute(&db.pool).await.unwrap();
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Granted { .. }));
    }

    /// A password change between the claim and its settlement: the right old
    /// password opens no session, a wrong one counts nothing.
    async fn a_password_change_voids_the_claims_in_flight(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let (ok_claim, old_hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let (bad_claim, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let new_hash = crate::passwords::hash(Secret::new("Nouveau2025")).await.unwrap();
        db.set_password(id, &new_hash, None, None, None).await.unwrap().unwrap();
        let session = NewSession::generate(std::time::Duration::from_secs(60));
        assert!(matches!(db.settle_success(id, &ok_claim, &old_hash, Some(&session), Event::LoginSucceeded).await.unwrap(), Settled::Stale));
        assert!(matches!(db.settle_failure(id, &bad_claim, &old_hash, Event::LoginFailed).await.unwrap(), Settled::Stale));
        let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions").fetch_one(&db.pool).await.unwrap();
        assert_eq!(sessions, 0);
        let (failed,): (i64,) = sqlx::query_as("SELECT failed_attempts FROM members").fetch_one(&db.pool).await.unwrap();
        assert_eq!(failed, 0);
        // A claim whose hash is still current but which was voided (deleted) is stale too.
        let (claim, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        sqlx::query("DELETE FROM login_claims").execute(&db.pool).await.unwrap();
        assert!(matches!(db.settle_success(id, &claim, &hash, Some(&session), Event::LoginSucceeded).await.unwrap(), Settled::Stale));
    }
}
