//! How a kiosk signs its requests, and how the server checks them: one
//! definition for both sides.
//!
//! ```text
//! X-Borne-Device:    <device id>
//! X-Borne-Timestamp: <unix seconds>
//! X-Borne-Signature: hex(HMAC-SHA256(key, METHOD "\n" TARGET "\n" TIMESTAMP "\n" hex(SHA-256(body))))
//! ```
//!
//! `key` is the 32 bytes the base64url device key decodes to; `TARGET` is
//! the request's path, with `?query` when there is one; hex is lower-case.
//! The server refuses a timestamp more than [`MAX_CLOCK_SKEW_SECS`] away
//! from its clock and a signature it has already seen within that window.
//! HMAC through the `hmac` crate, with `verify_slice` (constant time).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_core::Secret;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub const DEVICE_HEADER: &str = "x-borne-device";
pub const TIMESTAMP_HEADER: &str = "x-borne-timestamp";
pub const SIGNATURE_HEADER: &str = "x-borne-signature";
/// How far a request's timestamp may be from the server's clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;

type HmacSha256 = Hmac<Sha256>;

/// A device key, decoded: 32 bytes, wiped when dropped.
pub struct DeviceKey(Zeroizing<[u8; 32]>);

impl DeviceKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DeviceKey {
        DeviceKey(Zeroizing::new(bytes))
    }

    /// The key as handed to a kiosk: base64url of 32 bytes, no padding.
    /// None for anything else.
    pub fn from_base64url(encoded: &Secret) -> Option<DeviceKey> {
        let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(encoded.expose().trim()).ok()?);
        let bytes: [u8; 32] = decoded.as_slice().try_into().ok()?;
        Some(DeviceKey::from_bytes(bytes))
    }

    pub fn to_base64url(&self) -> Secret {
        Secret::new(URL_SAFE_NO_PAD.encode(self.0.as_ref()))
    }

    fn mac(&self, method: &str, target: &str, timestamp: i64, body_hash: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(self.0.as_ref()).expect("HMAC takes keys of any length");
        mac.update(canonical(method, target, timestamp, body_hash).as_bytes());
        mac
    }

    /// The signature header's value (lower-case hex) for a request whose
    /// body hashes to `body_hash` ([`body_hash`]).
    pub fn sign(&self, method: &str, target: &str, timestamp: i64, body_hash: &str) -> String {
        hex::encode(self.mac(method, target, timestamp, body_hash).finalize().into_bytes())
    }

    /// True when `signature` (decoded, [`parse_signature`]) signs this
    /// request with this key; compared in constant time.
    pub fn verify(&self, method: &str, target: &str, timestamp: i64, body: &[u8], signature: &[u8]) -> bool {
        self.mac(method, target, timestamp, &body_hash(body)).verify_slice(signature).is_ok()
    }
}

/// Lower-case hex of SHA-256(body).
pub fn body_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The string a device signs.
fn canonical(method: &str, target: &str, timestamp: i64, body_hash: &str) -> String {
    format!("{method}\n{target}\n{timestamp}\n{body_hash}")
}

/// The signature of one request, as a kiosk computes it (lower-case hex).
/// None when `device_key` is not the base64url of 32 bytes.
pub fn sign(device_key: &Secret, method: &str, target: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    Some(DeviceKey::from_base64url(device_key)?.sign(method, target, timestamp, &body_hash(body)))
}

/// The signature header decoded: 64 hex characters (either case).
pub fn parse_signature(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Device ids are 32 lower-case hex characters.
pub fn is_device_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Secret {
        Secret::new(URL_SAFE_NO_PAD.encode([7u8; 32]))
    }

    #[test]
    fn signature_is_hmac_sha256_of_the_canonical_string() {
        let base = sign(&key(), "POST", "/v1/devices/heartbeat", 1_700_000_000, b"{}").unwrap();
        // Computed independently: SHA-256 of "{}", then HMAC over the canonical string.
        let body_hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        let mut mac = HmacSha256::new_from_slice(&[7u8; 32]).unwrap();
        mac.update(format!("POST\n/v1/devices/heartbeat\n1700000000\n{body_hash}").as_bytes());
        assert_eq!(base, hex::encode(mac.finalize().into_bytes()));
        for other in [
            sign(&key(), "GET", "/v1/devices/heartbeat", 1_700_000_000, b"{}"),
            sign(&key(), "POST", "/v1/devices/heartbeat?x=1", 1_700_000_000, b"{}"),
            sign(&key(), "POST", "/v1/devices/heartbeat", 1_700_000_001, b"{}"),
            sign(&key(), "POST", "/v1/devices/heartbeat", 1_700_000_000, b"{ }"),
        ] {
            assert_ne!(other.unwrap(), base);
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac.finalize().into_bytes()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn what_one_side_signs_the_other_verifies() {
        let k = DeviceKey::from_base64url(&key()).unwrap();
        let sig = parse_signature(&k.sign("POST", "/v1/x", 5, &body_hash(b"corps"))).unwrap();
        assert!(k.verify("POST", "/v1/x", 5, b"corps", &sig));
        assert!(!k.verify("POST", "/v1/x", 5, b"corps!", &sig));
        assert!(!k.verify("POST", "/v1/x", 5, b"corps", &sig[..31]));
        assert_eq!(DeviceKey::from_base64url(&k.to_base64url()).unwrap().sign("GET", "/", 1, "h"), k.sign("GET", "/", 1, "h"));
    }

    #[test]
    fn keys_signatures_and_ids_parse_only_when_well_formed() {
        assert!(DeviceKey::from_base64url(&Secret::new("pas-une-clé")).is_none());
        assert!(DeviceKey::from_base64url(&Secret::new(URL_SAFE_NO_PAD.encode([7u8; 16]))).is_none());
        let h = "ab".repeat(32);
        assert_eq!(parse_signature(&h), Some([0xab; 32]));
        assert_eq!(parse_signature(&"AB".repeat(32)), Some([0xab; 32]));
        assert_eq!(parse_signature(&h[..62]), None);
        assert_eq!(parse_signature(&"zz".repeat(32)), None);
        assert_eq!(parse_signature(&"é".repeat(32)), None);
        assert!(is_device_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_device_id("0123456789ABCDEF0123456789ABCDEF"));
        assert!(!is_device_id("abc"));
    }
}
