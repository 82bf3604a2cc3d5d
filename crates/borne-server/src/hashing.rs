//! The server's digests and keyed hashes, through maintained crates:
//! HMAC-SHA256 (`hmac`), constant-time comparison (`subtle`), hex (`hex`).
//! Nothing here is hand-written crypto; this module only fixes how the
//! parts of a hashed value are framed (each part prefixed with its length,
//! so that `("ab", "c")` and `("a", "bc")` never hash alike).

use borne_core::Secret;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of the concatenation of `parts` (no framing: the device
/// signature's canonical string is framed by its own newlines).
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Lower-case hex of HMAC-SHA256(key, length-framed parts): the stored form
/// of codes, temporary passwords and attempt-counter subjects.
pub(crate) fn keyed_hex(key: &Secret, parts: &[&[u8]]) -> String {
    let mut mac = HmacSha256::new_from_slice(key.expose().as_bytes()).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Lower-case hex of SHA-256(length-framed parts): the stored form of
/// 256-bit random tokens, which need no key.
pub(crate) fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// Constant-time equality of two byte strings (`subtle`); different
/// lengths are unequal.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2, the message given in two parts.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"])),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn parts_are_framed_and_keys_matter() {
        let k = Secret::new("k");
        assert_ne!(keyed_hex(&k, &[b"ab", b"c"]), keyed_hex(&k, &[b"a", b"bc"]));
        assert_ne!(keyed_hex(&k, &[b"ab"]), keyed_hex(&Secret::new("k2"), &[b"ab"]));
        assert_ne!(sha256_hex(&[b"ab", b"c"]), sha256_hex(&[b"a", b"bc"]));
        assert_eq!(keyed_hex(&k, &[b"x"]).len(), 64);
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
