//! The SMS temporary password of the MGEN unlock: random, 10 minutes, single
//! use, at most 5 tries; it logs in with the NIR to a session that only allows
//! choosing a new password. Stored as a keyed hash, never as itself.

use crate::store::{self, now, random_id, Db};
use crate::budget::{self, SendChannel};
use crate::delivery::Sealer;
use crate::outbox::Outgoing;
use crate::proofs::Issued;
use crate::hashing::{keyed_hex, same};
use crate::proofs::CODE_TRIES;
use anyhow::Context;
use borne_core::Secret;
use rand::Rng;

pub(crate) const TEMPORARY_PASSWORD_TTL_SECS: i64 = 10 * 60;
/// No 0/O, 1/l/I: easy to read on a phone and to type at a kiosk.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
const LENGTH: usize = 10;

pub(crate) fn generate() -> Secret {
    let mut rng = rand::rngs::OsRng;
    Secret::new((0..LENGTH).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect::<String>())
}

fn hash(pepper: &Secret, id: &str, password: &str) -> String {
    keyed_hex(pepper, &[b"temporary-password", id.as_bytes(), password.as_bytes()])
}

pub(crate) enum TemporaryOutcome {
    /// No live temporary password for this member.
    None,
    Accepted,
    Rejected { attempts_left: u32 },
}

impl Db {
    /// Replaces any live temporary password (tries carry over) with a new
    /// one and queues the SMS `compose` writes with it (`None`: no
    /// recipient, nothing changes), in one transaction, if the member's SMS
    /// budget allows one more message.
    pub(crate) async fn issue_temporary_password(
        &self,
        member_id: i64,
        pepper: &Secret,
        sealer: &Sealer,
        compose: impl FnOnce(&str, &Secret) -> Option<Outgoing>,
    ) -> anyhow::Result<Issued> {
        let now = now();
        let id = random_id();
        let password = generate();
        let Some(outgoing) = compose(&id, &password) else { return Ok(Issued::Nothing) };
        let mut tx = self.pool.begin().await.context("temporary password: begin")?;
        store::members::lock(&mut *tx, member_id).await?;
        if !budget::consume(&mut tx, member_id, SendChannel::Sms, now).await? {
            return Ok(Issued::BudgetSpent);
        }
        let carried = store::temporary_passwords::tries_so_far(&mut *tx, member_id, now).await?;
        store::temporary_passwords::end_unused(&mut *tx, member_id, now, "temporary password: replace").await?;
        let row = store::temporary_passwords::NewRow {
            id: &id,
            member_id,
            secret_hash: &hash(pepper, &id, password.expose()),
            attempts: carried,
            created_at: now,
            expires_at: now + TEMPORARY_PASSWORD_TTL_SECS,
        };
        store::temporary_passwords::insert(&mut *tx, &row).await?;
        let queued = crate::outbox::enqueue(&mut tx, sealer, outgoing, now).await?;
        tx.commit().await.context("temporary password: commit")?;
        Ok(Issued::Queued(queued))
    }

    /// Checks a password typed by a blocked member against their live
    /// temporary password; on success it is used up and a restricted
    /// session (`session_token`) is opened in the same transaction.
    pub(crate) async fn try_temporary_password(
        &self,
        member_id: i64,
        typed: &Secret,
        pepper: &Secret,
        (session_token, device_id): (&Secret, Option<&str>),
        session_ttl_secs: i64,
    ) -> anyhow::Result<TemporaryOutcome> {
        let now = now();
        let row = store::temporary_passwords::count_try(&self.pool, member_id, now, CODE_TRIES).await?;
        let Some((id, stored, attempts)) = row else { return Ok(TemporaryOutcome::None) };
        if !same(stored.as_bytes(), hash(pepper, &id, typed.expose()).as_bytes()) {
            let left = u32::try_from((CODE_TRIES - attempts).max(0)).unwrap_or(0);
            return Ok(TemporaryOutcome::Rejected { attempts_left: left });
        }
        let mut tx = self.pool.begin().await.context("temporary password: begin")?;
        if !store::temporary_passwords::use_up(&mut *tx, &id, now).await? {
            return Ok(TemporaryOutcome::None);
        }
        let session = store::sessions::NewRow {
            token_hash: &crate::sessions::token_hash(session_token),
            member_id,
            created_at: now,
            expires_at: now + session_ttl_secs,
            restricted: true,
            public_id: &crate::sessions::public_id(),
            device_id,
        };
        store::sessions::insert(&mut *tx, &session).await?;
        tx.commit().await.context("temporary password: commit")?;
        Ok(TemporaryOutcome::Accepted)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ten_unambiguous_characters() {
        let p = super::generate();
        assert_eq!(p.expose().len(), 10);
        assert!(p.expose().bytes().all(|b| super::ALPHABET.contains(&b)));
        assert_ne!(super::generate(), super::generate());
    }
}
