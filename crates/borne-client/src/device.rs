//! Kiosk device credentials and the request signature the reference server
//! verifies (`borne-server/src/devices.rs`):
//!
//! ```text
//! X-Borne-Device:    <device id>
//! X-Borne-Timestamp: <unix seconds>
//! X-Borne-Signature: hex(HMAC-SHA256(key, METHOD "\n" TARGET "\n" TIMESTAMP "\n" hex(SHA-256(body))))
//! ```
//!
//! `key` is the 32 bytes the base64url device key decodes to; TARGET is the
//! path of the URL as sent, with `?query` when there is one.
//!
//! The server refuses a signature it has already seen within its 5-minute
//! window, so two identical requests (same method, target and body) in the
//! same second would be one refused replay. The signers of a process
//! therefore never reuse a timestamp for the same device and request: the
//! second one is stamped one second later (the server accepts up to 5
//! minutes of skew). This holds across every `Client` signing for the device.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_core::Secret;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

pub const DEVICE_HEADER: &str = "x-borne-device";
pub const TIMESTAMP_HEADER: &str = "x-borne-timestamp";
pub const SIGNATURE_HEADER: &str = "x-borne-signature";

/// What a kiosk receives at enrolment and keeps in its OS keyring.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCredentials {
    pub device_id: String,
    /// base64url (no padding) of the 32-byte HMAC key.
    pub key: Secret,
}

impl std::fmt::Debug for DeviceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCredentials").field("device_id", &self.device_id).field("key", &"••••").finish()
    }
}

impl From<borne_core::api::EnrolDeviceResponse> for DeviceCredentials {
    fn from(r: borne_core::api::EnrolDeviceResponse) -> Self {
        DeviceCredentials { device_id: r.device_id.clone(), key: r.device_key.clone() }
    }
}

/// Why device credentials cannot sign (a damaged keyring entry, a wrong
/// copy): a staff-facing message without the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDeviceCredentials(pub String);

impl std::fmt::Display for BadDeviceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BadDeviceCredentials {}

impl DeviceCredentials {
    /// Checks the shape the server hands out: an id of 32 lower-case hex
    /// characters and a key that is the base64url of 32 bytes.
    pub fn validate(&self) -> Result<(), BadDeviceCredentials> {
        decode_key(self).map(|_| ())
    }
}

fn decode_key(creds: &DeviceCredentials) -> Result<Zeroizing<Vec<u8>>, BadDeviceCredentials> {
    let id_ok = creds.device_id.len() == 32 && creds.device_id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !id_ok {
        return Err(BadDeviceCredentials("identifiant de borne invalide (32 caractères hexadécimaux attendus)".into()));
    }
    let key = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(creds.key.expose().trim())
            .map_err(|_| BadDeviceCredentials("clé de borne invalide (base64url attendu)".into()))?,
    );
    if key.len() != 32 {
        return Err(BadDeviceCredentials("clé de borne invalide (32 octets attendus)".into()));
    }
    Ok(key)
}

/// Last timestamp used per (device, method, target, body) in this process,
/// for the requests signed within the current second or later (module docs).
static LAST_USED: LazyLock<Mutex<HashMap<[u8; 32], i64>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Signs requests for one device. Shared by the clones of a `Client`.
pub(crate) struct Signer {
    device_id: String,
    key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("device_id", &self.device_id).finish_non_exhaustive()
    }
}

impl Signer {
    pub(crate) fn new(creds: &DeviceCredentials) -> Result<Signer, BadDeviceCredentials> {
        let key = decode_key(creds)?;
        Ok(Signer { device_id: creds.device_id.clone(), key })
    }

    pub(crate) fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Adds the three headers to `req`.
    pub(crate) fn sign(&self, req: &mut reqwest::Request) {
        let target = match req.url().query() {
            Some(q) => format!("{}?{q}", req.url().path()),
            None => req.url().path().to_owned(),
        };
        let body: &[u8] = req.body().and_then(|b| b.as_bytes()).unwrap_or_default();
        let body_hash = hex::encode(Sha256::digest(body));
        let method = req.method().as_str().to_owned();
        let timestamp = self.timestamp_for(&method, &target, &body_hash, unix_now());
        let signature = signature(&self.key, &method, &target, timestamp, &body_hash);
        let headers = req.headers_mut();
        // The id is validated hex and the other two are digits/hex: always valid header values.
        headers.insert(DEVICE_HEADER, self.device_id.parse().expect("hex header value"));
        headers.insert(TIMESTAMP_HEADER, timestamp.to_string().parse().expect("digits header value"));
        headers.insert(SIGNATURE_HEADER, signature.parse().expect("hex header value"));
    }

    /// `now`, or one second after the last timestamp used for the same
    /// device and request when that one is `now` or later.
    fn timestamp_for(&self, method: &str, target: &str, body_hash: &str, now: i64) -> i64 {
        let request: [u8; 32] = Sha256::digest(format!("{}\n{method}\n{target}\n{body_hash}", self.device_id).as_bytes()).into();
        let mut last_used = LAST_USED.lock().unwrap_or_else(|p| p.into_inner());
        last_used.retain(|_, last| *last >= now);
        let timestamp = match last_used.get(&request) {
            Some(last) => (*last + 1).max(now),
            None => now,
        };
        last_used.insert(request, timestamp);
        timestamp
    }
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn signature(key: &[u8], method: &str, target: &str, timestamp: i64, body_hash: &str) -> String {
    let canonical = format!("{method}\n{target}\n{timestamp}\n{body_hash}");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(canonical.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The signature of one request (lower-case hex), as the server computes it.
/// None when the key is not the base64url of 32 bytes.
pub fn sign(device_key: &Secret, method: &str, target: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = Zeroizing::new(URL_SAFE_NO_PAD.decode(device_key.expose()).ok()?);
    if key.len() != 32 {
        return None;
    }
    Some(signature(&key, method, target, timestamp, &hex::encode(Sha256::digest(body))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> DeviceCredentials {
        DeviceCredentials { device_id: "0123456789abcdef0123456789abcdef".into(), key: Secret::new(URL_SAFE_NO_PAD.encode([7u8; 32])) }
    }

    #[test]
    fn signature_is_the_servers_canonical_hmac() {
        // The server's own test vector (borne-server devices.rs): key [7; 32],
        // POST /v1/devices/heartbeat at 1700000000 with body "{}". Recomputed
        // here independently: HMAC-SHA256 over the canonical string.
        let key = Secret::new(URL_SAFE_NO_PAD.encode([7u8; 32]));
        let got = sign(&key, "POST", "/v1/devices/heartbeat", 1_700_000_000, b"{}").unwrap();
        let body_hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        let canonical = format!("POST\n/v1/devices/heartbeat\n1700000000\n{body_hash}");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[7u8; 32]).unwrap();
        mac.update(canonical.as_bytes());
        assert_eq!(got, hex::encode(mac.finalize().into_bytes()));
        assert_eq!(got.len(), 64);
        assert!(sign(&Secret::new("pas-une-clé"), "POST", "/", 0, b"").is_none());
        assert!(sign(&Secret::new(URL_SAFE_NO_PAD.encode([7u8; 16])), "POST", "/", 0, b"").is_none());
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac.finalize().into_bytes()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn credentials_are_validated_and_their_debug_hides_the_key() {
        let c = creds();
        assert!(c.validate().is_ok());
        let shown = format!("{c:?}");
        assert!(shown.contains(&c.device_id) && !shown.contains(c.key.expose()), "{shown}");
        for bad in [
            DeviceCredentials { device_id: "ABC".into(), ..creds() },
            DeviceCredentials { device_id: "0123456789ABCDEF0123456789ABCDEF".into(), ..creds() },
            DeviceCredentials { key: Secret::new("court"), ..creds() },
            DeviceCredentials { key: Secret::new(URL_SAFE_NO_PAD.encode([1u8; 31])), ..creds() },
        ] {
            let e = bad.validate().unwrap_err();
            assert!(!e.0.contains(bad.key.expose()) || bad.key.expose() == "court", "{e}");
        }
    }

    #[test]
    fn the_same_request_never_gets_the_same_timestamp_twice() {
        // In the future, so that other tests signing now do not forget these.
        let t = unix_now() + 100_000;
        let s = Signer::new(&DeviceCredentials { device_id: "ffffffffffffffffffffffffffffff01".into(), ..creds() }).unwrap();
        assert_eq!(s.timestamp_for("GET", "/v1/session", "h", t), t);
        assert_eq!(s.timestamp_for("GET", "/v1/session", "h", t), t + 1);
        // Another signer for the same device (another Client) follows on.
        let other = Signer::new(&DeviceCredentials { device_id: "ffffffffffffffffffffffffffffff01".into(), ..creds() }).unwrap();
        assert_eq!(other.timestamp_for("GET", "/v1/session", "h", t), t + 2);
        // Another request, or another device, is not delayed.
        assert_eq!(s.timestamp_for("POST", "/v1/session", "h", t), t);
        let third = Signer::new(&DeviceCredentials { device_id: "ffffffffffffffffffffffffffffff02".into(), ..creds() }).unwrap();
        assert_eq!(third.timestamp_for("GET", "/v1/session", "h", t), t);
        // Once the clock has passed the last one, the clock wins again.
        assert_eq!(s.timestamp_for("GET", "/v1/session", "h", t + 100), t + 100);
    }

    #[test]
    fn signing_sets_the_three_headers_over_path_and_query() {
        let s = Signer::new(&creds()).unwrap();
        let http = reqwest::Client::new();
        let mut req = http.post("http://127.0.0.1:1/api/v1/x?a=1&b=%C3%A9").body("corps").build().unwrap();
        s.sign(&mut req);
        let h = |n: &str| req.headers().get(n).unwrap().to_str().unwrap().to_owned();
        assert_eq!(h(DEVICE_HEADER), creds().device_id);
        let ts: i64 = h(TIMESTAMP_HEADER).parse().unwrap();
        assert_eq!(Some(h(SIGNATURE_HEADER)), sign(&creds().key, "POST", "/api/v1/x?a=1&b=%C3%A9", ts, b"corps"));
    }
}
