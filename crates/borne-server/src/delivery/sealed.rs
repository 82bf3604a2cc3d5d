//! The content of a queued message at rest: sealed with XChaCha20-Poly1305
//! (the maintained `chacha20poly1305` crate), under a key derived from the
//! server's outbox secret, with the message's id as associated data (a
//! sealed content moved to another row does not open). A random 192-bit
//! nonce per message; stored as base64url(nonce ‖ ciphertext).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_core::Secret;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const NONCE_LEN: usize = 24;

/// Seals and opens queued contents. Cheap to clone.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(••••)")
    }
}

impl Sealer {
    /// The key is HMAC-SHA256(secret, "borne-outbox-key"): any secret string
    /// of the configuration gives a 256-bit key.
    pub fn new(secret: &Secret) -> Sealer {
        let key = Zeroizing::new(crate::hashing::hmac_sha256(secret.expose().as_bytes(), &[b"borne-outbox-key"]));
        Sealer { cipher: XChaCha20Poly1305::new(key.as_ref().into()) }
    }

    pub fn seal(&self, id: &str, plain: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self.cipher.encrypt(&nonce, Payload { msg: plain, aad: id.as_bytes() }).expect("XChaCha20-Poly1305 seals any length");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// None when the content was sealed under another key (the secret
    /// changed, or was random per process and the server restarted), or was
    /// altered.
    pub fn open(&self, id: &str, sealed: &str) -> Option<Zeroizing<Vec<u8>>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: id.as_bytes() }).ok().map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_with_the_same_key_and_id() {
        let a = Sealer::new(&Secret::new("une clé de file d'attente assez longue"));
        let sealed = a.seal("m1", b"code 123456");
        assert!(!sealed.contains("123456"));
        assert_eq!(a.open("m1", &sealed).unwrap().as_slice(), b"code 123456");
        assert_ne!(a.seal("m1", b"code 123456"), sealed, "a fresh nonce each time");
        assert!(a.open("m2", &sealed).is_none(), "bound to its message id");
        assert!(Sealer::new(&Secret::new("une autre clé")).open("m1", &sealed).is_none());
        let mut altered = sealed.clone();
        altered.replace_range(40..41, if &sealed[40..41] == "A" { "B" } else { "A" });
        assert!(a.open("m1", &altered).is_none());
        assert!(a.open("m1", "court").is_none());
    }
}
