//! Bearer sessions. A token is 32 random bytes (OsRng), base64url without
//! padding; only its SHA-256 (lower-case hex) is stored.

use crate::store::{self, now, Db};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_api::MemberSummary;
use borne_core::Secret;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;
use zeroize::Zeroizing;

/// A session about to be created: the token for the member, its hash for the database.
pub(crate) struct NewSession {
    pub(crate) token: Secret,
    token_hash: String,
    created_at: i64,
    expires_at: i64,
    /// Shown in « Mes sessions » (never the token nor its hash).
    public_id: String,
    /// The enrolled kiosk that signed the request, if one did.
    pub(crate) device_id: Option<String>,
}

impl NewSession {
    pub(crate) fn generate(ttl: Duration) -> NewSession {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        let token = Secret::new(URL_SAFE_NO_PAD.encode(bytes.as_ref()));
        let created_at = now();
        let ttl_secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
        NewSession {
            token_hash: token_hash(&token),
            token,
            created_at,
            expires_at: created_at.saturating_add(ttl_secs),
            public_id: public_id(),
            device_id: None,
        }
    }

    /// The same session, opened at the kiosk `device_id` (a signed request).
    pub(crate) fn at_device(mut self, device_id: Option<String>) -> NewSession {
        self.device_id = device_id;
        self
    }
}

/// A session's public id: 128 random bits, hex.
pub(crate) fn public_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub(crate) fn token_hash(token: &Secret) -> String {
    hex::encode(Sha256::digest(token.expose().as_bytes()))
}

impl NewSession {
    /// Its row in `sessions`, for `member_id` (a full session).
    pub(crate) fn row(&self, member_id: i64) -> store::sessions::NewRow<'_> {
        store::sessions::NewRow {
            token_hash: &self.token_hash,
            member_id,
            created_at: self.created_at,
            expires_at: self.expires_at,
            restricted: false,
            public_id: &self.public_id,
            device_id: self.device_id.as_deref(),
        }
    }

    /// Opens it for `member_id`, in the caller's transaction.
    pub(crate) async fn insert(&self, tx: &mut crate::store::Tx, member_id: i64) -> anyhow::Result<()> {
        store::sessions::insert(&mut **tx, &self.row(member_id)).await
    }
}

impl Db {
    /// The member of a live (unexpired, unrevoked) session, with the member id for logs.
    pub(crate) async fn session_member(&self, token: &Secret) -> anyhow::Result<Option<(i64, MemberSummary)>> {
        let row = store::sessions::live_member(&self.pool, &token_hash(token), now()).await?;
        Ok(row.map(|(id, first_name, last_name)| (id, MemberSummary { first_name, last_name })))
    }

    /// Revokes a session; the member id when a live one was revoked.
    pub(crate) async fn revoke_session(&self, token: &Secret) -> anyhow::Result<Option<i64>> {
        store::sessions::revoke(&self.pool, &token_hash(token)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_random_bytes_in_base64url_and_hashed() {
        let a = NewSession::generate(Duration::from_secs(60));
        let b = NewSession::generate(Duration::from_secs(60));
        assert_eq!(a.token.expose().len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(a.token.expose()).unwrap().len(), 32);
        assert_ne!(a.token, b.token);
        assert_eq!(a.token_hash.len(), 64);
        assert_ne!(a.token_hash, a.token.expose());
        assert_eq!(a.expires_at - a.created_at, 60);
    }
}
