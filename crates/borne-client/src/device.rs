//! Kiosk device credentials, and the signing of a kiosk's requests with
//! them (the protocol, shared with the server: `borne_api::signing`).
//!
//! The server refuses a signature it has already seen within its 5-minute
//! window, so two identical requests (same method, target and body) in the
//! same second would be one refused replay. The signers of a process
//! therefore never reuse a timestamp for the same device and request: the
//! second one is stamped one second later (the server accepts up to 5
//! minutes of skew). This holds across every `Client` signing for the device.

pub use borne_api::signing::{sign, DEVICE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use borne_api::signing::{body_hash, is_device_id, DeviceKey};
use borne_core::Secret;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

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

impl From<borne_api::EnrolDeviceResponse> for DeviceCredentials {
    fn from(r: borne_api::EnrolDeviceResponse) -> Self {
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

fn decode_key(creds: &DeviceCredentials) -> Result<DeviceKey, BadDeviceCredentials> {
    if !is_device_id(&creds.device_id) {
        return Err(BadDeviceCredentials("identifiant de borne invalide (32 caractères hexadécimaux attendus)".into()));
    }
    DeviceKey::from_base64url(&creds.key).ok_or_else(|| BadDeviceCredentials("clé de borne invalide (base64url de 32 octets attendu)".into()))
}

/// Last timestamp used per (device, method, target, body) in this process,
/// for the requests signed within the current second or later (module docs).
static LAST_USED: LazyLock<Mutex<HashMap<[u8; 32], i64>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Signs requests for one device. Shared by the clones of a `Client`.
pub(crate) struct Signer {
    device_id: String,
    key: DeviceKey,
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
        let body_hash = body_hash(body);
        let method = req.method().as_str().to_owned();
        let timestamp = self.timestamp_for(&method, &target, &body_hash, unix_now());
        let signature = self.key.sign(&method, &target, timestamp, &body_hash);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> DeviceCredentials {
        DeviceCredentials { device_id: "0123456789abcdef0123456789abcdef".into(), key: DeviceKey::from_bytes([7u8; 32]).to_base64url() }
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
            DeviceCredentials { key: Secret::new("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"), ..creds() },
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
