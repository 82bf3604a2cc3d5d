//! The 3-failure lockout, decided in the database.
//!
//! A password (at log-in, or the current one when changing it) is verified
//! only under a *claim* on the member's row: one atomic `UPDATE` that
//! succeeds only while `failed_attempts + live_claims < 3` and the account is
//! not blocked, and then counts one more claim in flight. Each claim ends in
//! one transaction that gives it back and either resets `failed_attempts`
//! (success) or increments it, setting `blocked` at 3 and revoking every
//! session. Hence `failed_attempts + live_claims <= 3` at all times, and
//! however many concurrent guesses arrive, on however many replicas, at most
//! 3 passwords are verified before the account is blocked. (PostgreSQL
//! locks the row for the `UPDATE` and re-checks its condition on the row as
//! the transaction it waited for left it; SQLite has a single writer.)
//!
//! Claims belong to a generation, `claims_epoch`. A password change or reset
//! ([`Db::set_password`]) starts a new one and zeroes `live_claims`; so does
//! the first claim taken after `claims_expire_at` ([`CLAIM_TTL_SECS`] after
//! the last claim: the claims of a request that died stop counting then).
//! A claim is settled only if its generation is still current *and* the
//! member's password hash is still the one that was verified, checked in the
//! settling transaction: a reset or a change wins over every verification
//! in flight. Such a settlement writes nothing and answers
//! [`Settled::Stale`]; the log-in then starts again against the new state.
//!
//! A log-in's database work is two round trips: one statement (the claim)
//! and one short transaction sent at once (the member's row, the session and
//! the audit event together; `store::lockout::settle_success`).

use crate::audit::{self, Event};
use crate::store::lockout::Whose;
use crate::store::{self, now, Db};
use crate::sessions::NewSession;
use anyhow::Context;
use borne_api::MemberSummary;
use borne_core::Identifier;

/// Consecutive failures that block an account (the insurers' guides).
pub(crate) const MAX_FAILURES: i64 = 3;
/// How long claims count after the last one was taken, if never settled.
pub(crate) const CLAIM_TTL_SECS: i64 = 30;

/// Whose password is about to be verified.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    /// A log-in: the registered member with this NIR or e-mail.
    Identifier(&'a Identifier),
    /// A password change: the session's member.
    Member(i64),
}

impl Who<'_> {
    /// Whose row in `members`.
    fn row(&self) -> Whose<'_> {
        match self {
            Who::Identifier(identifier @ Identifier::Nir(_)) => Whose::RegisteredNir(identifier.canonical()),
            Who::Identifier(identifier @ Identifier::Email(_)) => Whose::RegisteredEmail(identifier.canonical()),
            Who::Member(id) => Whose::Id(*id),
        }
    }
}

/// A claim taken: settle it with [`Db::settle_success`] or [`Db::settle_failure`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClaimRef {
    pub(crate) member_id: i64,
    epoch: i64,
}

pub(crate) enum Claim {
    /// Verify the password against `password_hash`, then settle `claim`.
    Granted { claim: ClaimRef, password_hash: String },
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
    /// The claim's generation ended or the password changed meanwhile:
    /// nothing was written; verify again against the member's current state.
    Stale,
}

impl Db {
    /// Takes an attempt slot for `who`, in one statement (module docs).
    pub(crate) async fn claim_attempt(&self, who: Who<'_>) -> anyhow::Result<Claim> {
        let now = now();
        let whose = who.row();
        if let Some(granted) = store::lockout::claim(&self.pool, whose, now, now + CLAIM_TTL_SECS, MAX_FAILURES).await? {
            let claim = ClaimRef { member_id: granted.member_id, epoch: granted.epoch };
            return Ok(Claim::Granted { claim, password_hash: granted.password_hash });
        }
        // Refused: say why (a second look, only on this rarer path).
        Ok(match store::lockout::state(&self.pool, whose).await? {
            None => Claim::Unknown,
            Some((member_id, true)) => Claim::Blocked { member_id },
            Some((member_id, false)) => Claim::Busy { member_id },
        })
    }

    /// The password was right: reset the count, open `session` (if given)
    /// and audit `event`, in one transaction, only if the claim's generation
    /// is current and `verified_hash` is still the member's password.
    pub(crate) async fn settle_success(
        &self,
        claim: ClaimRef,
        verified_hash: &str,
        session: Option<&NewSession>,
        event: Event,
    ) -> anyhow::Result<Settled> {
        let opened = session.map(|s| s.row(claim.member_id));
        let success = store::lockout::Success {
            member_id: claim.member_id,
            verified_hash,
            epoch: claim.epoch,
            at: now(),
            kind: event.name(),
            session: opened.as_ref(),
        };
        let Some((first_name, last_name)) = store::lockout::settle_success(self, &success).await? else {
            return Ok(Settled::Stale);
        };
        Ok(Settled::Verified(MemberSummary { first_name, last_name }))
    }

    /// The password was wrong: count it (audited as `event`), block at
    /// [`MAX_FAILURES`] (audited `account_blocked`, every session revoked),
    /// in one transaction, only if the claim's generation is current and
    /// `verified_hash` is still the member's password.
    pub(crate) async fn settle_failure(&self, claim: ClaimRef, verified_hash: &str, event: Event) -> anyhow::Result<Settled> {
        let mut tx = self.pool.begin().await.context("failure: begin")?;
        let counted = store::lockout::settle_failure(&mut *tx, claim.member_id, verified_hash, claim.epoch, MAX_FAILURES).await?;
        let Some((failed_attempts, blocked)) = counted else { return Ok(Settled::Stale) };
        audit::record(&mut tx, event, Some(claim.member_id), None).await?;
        let settled = if blocked {
            store::sessions::revoke_all(&mut *tx, claim.member_id, "failure: revoke the sessions").await?;
            audit::record(&mut tx, Event::AccountBlocked, Some(claim.member_id), None).await?;
            Settled::Blocked
        } else {
            Settled::Failed { failed_attempts }
        };
        tx.commit().await.context("failure: commit")?;
        Ok(settled)
    }

    /// Gives a claim back without counting anything (the verification itself
    /// failed, e.g. an unreadable stored hash).
    pub(crate) async fn release_claim(&self, claim: ClaimRef) -> anyhow::Result<()> {
        store::lockout::release(&self.pool, claim.member_id, claim.epoch).await
    }
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
        a_settlement_that_fails_half_way_writes_nothing_and_keeps_the_pool_usable,
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

    fn granted(c: Claim) -> (ClaimRef, String) {
        match c {
            Claim::Granted { claim, password_hash } => (claim, password_hash),
            _ => panic!("a claim was expected"),
        }
    }

    async fn live_claims(db: &Db) -> i64 {
        store::inspect::live_claims(db).await
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
                Claim::Granted { claim, password_hash } => granted.push((claim, password_hash)),
                Claim::Busy { .. } => {}
                Claim::Blocked { .. } | Claim::Unknown => panic!("not blocked yet"),
            }
        }
        assert_eq!(granted.len(), 3);
        assert_eq!(live_claims(&db).await, 3);
        let wrong = Event::LoginFailed;
        assert!(matches!(db.settle_failure(granted[0].0, &granted[0].1, wrong).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Busy { .. }), "2 claims live + 1 failure");
        assert!(matches!(db.settle_failure(granted[1].0, &granted[1].1, wrong).await.unwrap(), Settled::Failed { failed_attempts: 2 }));
        assert!(matches!(db.settle_failure(granted[2].0, &granted[2].1, wrong).await.unwrap(), Settled::Blocked));
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Blocked { .. }));
        assert_eq!(live_claims(&db).await, 0);
    }

    async fn a_released_claim_frees_its_slot_and_a_success_resets(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let (claim, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        db.settle_failure(claim, &hash, Event::LoginFailed).await.unwrap();
        let (a, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let (b, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Busy { .. }));
        db.release_claim(a).await.unwrap();
        let (c, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let session = NewSession::generate(std::time::Duration::from_secs(60));
        assert!(matches!(db.settle_success(b, &hash, Some(&session), Event::LoginSucceeded).await.unwrap(), Settled::Verified(_)));
        assert!(matches!(db.settle_failure(c, &hash, Event::LoginFailed).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
        assert_eq!(live_claims(&db).await, 0);
    }

    /// Claims whose requests died stop counting after the TTL; a late
    /// settlement of one of them then counts nothing.
    async fn stale_claims_expire(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let mut old = Vec::new();
        for _ in 0..3 {
            old.push(granted(db.claim_attempt(Who::Member(id)).await.unwrap()));
        }
        assert!(matches!(db.claim_attempt(Who::Member(id)).await.unwrap(), Claim::Busy { .. }));
        store::inspect::expire_claims(&db).await;
        let (fresh, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        assert_eq!(live_claims(&db).await, 1);
        assert!(matches!(db.settle_failure(old[0].0, &old[0].1, Event::LoginFailed).await.unwrap(), Settled::Stale));
        assert!(matches!(db.settle_failure(fresh, &hash, Event::LoginFailed).await.unwrap(), Settled::Failed { failed_attempts: 1 }));
    }

    /// A password change between the claim and its settlement: the right old
    /// password opens no session, a wrong one counts nothing.
    async fn a_password_change_voids_the_claims_in_flight(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let (ok_claim, old_hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let (bad_claim, _) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        let new_hash = crate::passwords::hash(Secret::new("Nouveau2025")).await.unwrap();
        db.set_password(id, &new_hash, None, None, None, None).await.unwrap().unwrap();
        assert_eq!(live_claims(&db).await, 0);
        let session = NewSession::generate(std::time::Duration::from_secs(60));
        assert!(matches!(db.settle_success(ok_claim, &old_hash, Some(&session), Event::LoginSucceeded).await.unwrap(), Settled::Stale));
        assert!(matches!(db.settle_failure(bad_claim, &old_hash, Event::LoginFailed).await.unwrap(), Settled::Stale));
        assert_eq!(store::inspect::sessions(&db).await, 0);
        assert_eq!(store::inspect::failed_attempts(&db).await, 0);
        // A claim of the new password's generation settles normally.
        let (claim, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        assert_eq!(hash, new_hash);
        assert!(matches!(db.settle_success(claim, &hash, Some(&session), Event::LoginSucceeded).await.unwrap(), Settled::Verified(_)));
    }

    /// The success settlement is one call (on SQLite a `BEGIN … COMMIT` sent
    /// at once): when its last insert fails, the member's row and the audit
    /// written before it are rolled back, and the connection that held the
    /// transaction does not go back to the pool with it (the next writes
    /// would then wait for its lock, or land in it).
    async fn a_settlement_that_fails_half_way_writes_nothing_and_keeps_the_pool_usable(backend: Backend) {
        let (_database, db, id) = db_with_member(&backend).await;
        let (first, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        db.settle_failure(first, &hash, Event::LoginFailed).await.unwrap();
        let (claim, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
        // A session with the same token is already there: the settlement's
        // session insert, its last statement, breaks the primary key.
        let session = NewSession::generate(std::time::Duration::from_secs(60));
        let mut tx = db.pool.begin().await.unwrap();
        session.insert(&mut tx, id).await.unwrap();
        tx.commit().await.unwrap();
        assert!(db.settle_success(claim, &hash, Some(&session), Event::LoginSucceeded).await.is_err());
        assert_eq!(store::inspect::failed_attempts(&db).await, 1, "the count is not reset");
        assert_eq!(live_claims(&db).await, 1, "the claim is not given back");
        assert_eq!(store::inspect::sessions(&db).await, 1);
        assert_eq!(store::inspect::events(&db, "login_succeeded").await, 0, "no success audited");
        // The pool's connections all write again (a connection left in the
        // transaction would refuse BEGIN, the others would time out on its lock).
        assert!(matches!(db.settle_failure(claim, &hash, Event::LoginFailed).await.unwrap(), Settled::Failed { failed_attempts: 2 }));
        for _ in 0..4 {
            let (again, hash) = granted(db.claim_attempt(Who::Member(id)).await.unwrap());
            assert!(matches!(db.settle_success(again, &hash, None, Event::CurrentPasswordAccepted).await.unwrap(), Settled::Verified(_)));
        }
        assert_eq!(store::inspect::failed_attempts(&db).await, 0);
        assert_eq!(store::inspect::events(&db, "current_password_accepted").await, 4);
    }
}
