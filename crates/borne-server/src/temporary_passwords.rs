//! The SMS temporary password of the MGEN unlock: random, 10 minutes, single
//! use, at most 5 tries; it logs in with the NIR to a session that only allows
//! choosing a new password. Stored as a keyed hash, never as itself.

use crate::db::{now, random_id, Db};
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
        crate::db::lock_member(&mut tx, member_id).await?;
        if !budget::consume(&mut tx, member_id, SendChannel::Sms, now).await? {
            return Ok(Issued::BudgetSpent);
        }
        let carried: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(attempts), 0) FROM temporary_passwords WHERE member_id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(member_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .context("temporary password: tries so far")?;
        sqlx::query("UPDATE temporary_passwords SET used_at = $1 WHERE member_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(member_id)
            .execute(&mut *tx)
            .await
            .context("temporary password: replace")?;
        sqlx::query(
            "INSERT INTO temporary_passwords (id, member_id, secret_hash, attempts, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(member_id)
        .bind(hash(pepper, &id, password.expose()))
        .bind(carried)
        .bind(now)
        .bind(now + TEMPORARY_PASSWORD_TTL_SECS)
        .execute(&mut *tx)
        .await
        .context("temporary password: insert")?;
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
        session_token: &Secret,
        session_ttl_secs: i64,
    ) -> anyhow::Result<TemporaryOutcome> {
        let now = now();
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "UPDATE temporary_passwords SET attempts = attempts + 1
             WHERE member_id = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3
             RETURNING id, secret_hash, attempts",
        )
        .bind(member_id)
        .bind(now)
        .bind(CODE_TRIES)
        .fetch_optional(&self.pool)
        .await
        .context("temporary password: count the try")?;
        let Some((id, stored, attempts)) = row else { return Ok(TemporaryOutcome::None) };
        if !same(stored.as_bytes(), hash(pepper, &id, typed.expose()).as_bytes()) {
            let left = u32::try_from((CODE_TRIES - attempts).max(0)).unwrap_or(0);
            return Ok(TemporaryOutcome::Rejected { attempts_left: left });
        }
        let mut tx = self.pool.begin().await.context("temporary password: begin")?;
        let used = sqlx::query("UPDATE temporary_passwords SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .context("temporary password: use")?
            .rows_affected();
        if used != 1 {
            return Ok(TemporaryOutcome::None);
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, member_id, created_at, expires_at, revoked, restricted) VALUES ($1, $2, $3, $4, 0, 1)",
        )
        .bind(crate::sessions::token_hash(session_token))
        .bind(member_id)
        .bind(now)
        .bind(now + session_ttl_secs)
        .execute(&mut *tx)
        .await
        .context("temporary password: restricted session")?;
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
