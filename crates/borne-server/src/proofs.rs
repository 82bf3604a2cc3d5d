//! One-time proofs sent by e-mail: a link token (256 bits) for a member at
//! home and a 6-digit code for a member at a kiosk, for one purpose (reset,
//! unlock, registration). Stored only as hashes; valid 30 minutes; single use;
//! at most [`CODE_TRIES`] code submissions, and a new proof (a resend) carries
//! the tries of the one it replaces over, so resending never resets them.
//! The submissions are also counted per member and purpose by
//! `flows::codes` ([`crate::counters`]), whether or not a proof exists, so
//! that the answer never tells whether a request matched an account.
//! Issuing a proof consumes the member's e-mail budget ([`crate::budget`]).

use crate::store::{self, now, random_id, Db};
use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_api::Purpose;
use borne_core::Secret;
use crate::budget::{self, SendChannel};
use crate::delivery::Sealer;
use crate::outbox::{Outgoing, Queued};
use crate::hashing::{keyed_hex, same, sha256_hex};
use rand::{Rng, RngCore};
use zeroize::Zeroizing;

pub(crate) const CODE_TRIES: i64 = 5;
pub(crate) const PROOF_TTL_SECS: i64 = 30 * 60;

pub(crate) fn purpose_name(p: Purpose) -> &'static str {
    match p {
        Purpose::Reset => "reset",
        Purpose::Unlock => "unlock",
        Purpose::Registration => "registration",
    }
}

/// 256 random bits, base64url.
pub(crate) fn random_token() -> Secret {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    Secret::new(URL_SAFE_NO_PAD.encode(bytes.as_ref()))
}

/// Six random digits.
pub(crate) fn random_code() -> Secret {
    Secret::new(format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32)))
}

/// A code has only a million values: its hash is an HMAC keyed with the
/// server's pepper (not in the database), over the proof's id and the code.
pub(crate) fn code_hash(pepper: &Secret, proof_id: &str, code: &str) -> String {
    keyed_hex(pepper, &[b"proof-code", proof_id.as_bytes(), code.trim().as_bytes()])
}

pub(crate) fn token_hash(token: &Secret) -> String {
    sha256_hex(&[b"proof-token", token.expose().as_bytes()])
}

pub(crate) struct IssuedProof {
    pub(crate) id: String,
    pub(crate) token: Secret,
    pub(crate) code: Secret,
}

/// What issuing a proof (or a temporary password) with its message did.
pub(crate) enum Issued {
    /// Issued, and its message queued in the same transaction.
    Queued(Queued),
    /// The member's budget for the channel is spent: nothing changed.
    BudgetSpent,
    /// The form it answers was looked up already (by another worker), or
    /// there is no recipient: nothing changed.
    Nothing,
}

pub(crate) enum CodeOutcome {
    /// The code was right: the token to set the password with.
    Token(Secret),
    /// A wrong code, or no live proof (expired, used, replaced, out of
    /// tries): `flows::codes` answers both alike.
    Refused,
}

pub(crate) struct LiveProof {
    pub(crate) id: String,
    pub(crate) member_id: i64,
    pub(crate) purpose: String,
}

impl Db {
    /// Issues a new proof, replacing any live one of the same purpose (whose
    /// code tries carry over), and queues the message `compose` writes with
    /// it, in one transaction — if the member's e-mail budget allows one
    /// more message, and, when `request` names the form it answers, if that
    /// form was not looked up already (it is deleted in the same transaction).
    pub(crate) async fn issue_proof(
        &self,
        member_id: i64,
        purpose: Purpose,
        pepper: &Secret,
        sealer: &Sealer,
        request: Option<&str>,
        compose: impl FnOnce(&IssuedProof) -> Outgoing,
    ) -> anyhow::Result<Issued> {
        let now = now();
        let id = random_id();
        let token = random_token();
        let code = random_code();
        let mut tx = self.pool.begin().await.context("proof: begin")?;
        store::members::lock(&mut *tx, member_id).await?;
        if let Some(request) = request {
            if !crate::outbox::consume_request(&mut tx, request).await? {
                return Ok(Issued::Nothing);
            }
        }
        if !budget::consume(&mut tx, member_id, SendChannel::Email, now).await? {
            return Ok(Issued::BudgetSpent);
        }
        let purpose = purpose_name(purpose);
        let carried = store::proofs::tries_so_far(&mut *tx, member_id, purpose, now).await?;
        store::proofs::end_unused(&mut *tx, member_id, purpose, now).await?;
        let row = store::proofs::NewRow {
            id: &id,
            member_id,
            purpose,
            token_hash: &token_hash(&token),
            code_hash: &code_hash(pepper, &id, code.expose()),
            code_attempts: carried,
            created_at: now,
            expires_at: now + PROOF_TTL_SECS,
        };
        store::proofs::insert(&mut *tx, &row).await?;
        let proof = IssuedProof { id, token, code };
        let queued = crate::outbox::enqueue(&mut tx, sealer, compose(&proof), now).await?;
        tx.commit().await.context("proof: commit")?;
        Ok(Issued::Queued(queued))
    }

    /// Checks a typed code. Each call counts as a try, atomically; a right
    /// code is exchanged once for a fresh token.
    pub(crate) async fn redeem_code(&self, member_id: i64, purpose: Purpose, code: &Secret, pepper: &Secret) -> anyhow::Result<CodeOutcome> {
        let now = now();
        let row = store::proofs::count_code_try(&self.pool, member_id, purpose_name(purpose), now, CODE_TRIES).await?;
        // Without a live proof, the same hash is computed against a
        // stand-in, so that both paths do the same work.
        let (id, stored) = row.unwrap_or_else(|| (String::new(), String::new()));
        if !same(stored.as_bytes(), code_hash(pepper, &id, code.expose()).as_bytes()) {
            return Ok(CodeOutcome::Refused);
        }
        let token = random_token();
        let won = store::proofs::redeem_code(&self.pool, &id, &token_hash(&token)).await?;
        Ok(if won { CodeOutcome::Token(token) } else { CodeOutcome::Refused })
    }

    pub(crate) async fn live_proof(&self, token: &Secret) -> anyhow::Result<Option<LiveProof>> {
        let row = store::proofs::live_by_token(&self.pool, &token_hash(token), now()).await?;
        Ok(row.map(|(id, member_id, purpose)| LiveProof { id, member_id, purpose }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_tokens_256_bits() {
        for _ in 0..200 {
            let c = random_code();
            // What the app and the server accept (borne-core's one definition).
            assert_eq!(c.expose().len(), borne_core::code::LENGTH);
            assert_eq!(borne_core::code::parse(c.expose()).unwrap(), c);
        }
        assert_eq!(URL_SAFE_NO_PAD.decode(random_token().expose()).unwrap().len(), 32);
    }

    #[test]
    fn code_hash_depends_on_pepper_and_proof() {
        let p1 = Secret::new("pepper-1");
        let p2 = Secret::new("pepper-2");
        assert_ne!(code_hash(&p1, "a", "123456"), code_hash(&p2, "a", "123456"));
        assert_ne!(code_hash(&p1, "a", "123456"), code_hash(&p1, "b", "123456"));
        assert_eq!(code_hash(&p1, "a", " 123456 "), code_hash(&p1, "a", "123456"));
    }
}
