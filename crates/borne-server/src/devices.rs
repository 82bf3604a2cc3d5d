//! Kiosk devices: enrolment, request signatures, heartbeats.
//!
//! A kiosk enrols once with the enrolment secret of the server's
//! configuration and receives a random device id and a 256-bit device key.
//! From then on it signs its requests:
//!
//! ```text
//! X-Borne-Device:    <device id>
//! X-Borne-Timestamp: <unix seconds>
//! X-Borne-Signature: hex(HMAC-SHA256(key, METHOD "\n" TARGET "\n" TIMESTAMP "\n" hex(SHA-256(body))))
//! ```
//!
//! `key` is the 32 bytes the base64url device key decodes to; `TARGET` is
//! the request's path, with its query string when there is one
//! (`/v1/devices/heartbeat`); hex is lower-case. A request is refused when
//! its timestamp is more than 5 minutes away from the server's clock, or
//! when its signature was already seen within that window, by any replica:
//! the signatures seen are rows of `device_nonces` in the database, inserted
//! atomically (`ON CONFLICT`), purged once their window has passed
//! ([`crate::maintenance`]). Consequence for kiosks: two identical requests
//! (same method, target and body) within the same second are one request
//! sent twice; the second is refused.
//!
//! When [`DeviceConfig::require_signature`] is set (a backend that serves
//! kiosks only), every API request must be signed by an enrolled device,
//! except the probes, the OpenAPI document, enrolment and the admin list.
//!
//! # Where the device key lives
//!
//! Nowhere on the server: the key is *derived*,
//! `HMAC-SHA256(DeviceConfig::key_secret, "borne-device-key" 0x00 device_id)`,
//! and recomputed on every signed request. The `devices` table holds ids,
//! names and heartbeats only, so a copy of the database (a backup, a leak)
//! does not let anyone sign as a kiosk, and every instance sharing the
//! secret verifies alike. Deleting a device's row revokes it (its id is
//! then unknown). The price: `key_secret` must be kept like the pepper.
//! Random per process by default, it makes every key invalid at a restart
//! (kiosks must enrol again); set it in production. Changing it revokes
//! every device at once.

use crate::db::{now, random_id, Db};
use crate::hashing::{hmac_sha256, hmac_sha256_verify, same};
use crate::http::ApiFailure;
use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_core::api::DeviceStatus;
use borne_core::support::Support;
use borne_core::{BorneError, Secret};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use zeroize::Zeroizing;

pub const DEVICE_HEADER: &str = "x-borne-device";
pub const TIMESTAMP_HEADER: &str = "x-borne-timestamp";
pub const SIGNATURE_HEADER: &str = "x-borne-signature";

/// Largest accepted distance between a request's timestamp and the server's clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;
/// Largest body of a signed request (it is read whole to be hashed).
pub const MAX_SIGNED_BODY: usize = 256 * 1024;

pub(crate) const NAME_MAX_CHARS: usize = 64;
pub(crate) const VERSION_MAX_CHARS: usize = 64;
pub(crate) const DETAIL_MAX_CHARS: usize = 1_000;

/// What an operator configures for kiosks.
#[derive(Clone, Debug)]
pub struct DeviceConfig {
    /// The secret a kiosk presents to enrol. None (or empty): enrolment is refused.
    pub enrolment_secret: Option<Secret>,
    /// Bearer token of `GET /v1/admin/devices`. None (or empty): the list is refused.
    pub admin_token: Option<Secret>,
    /// Key from which every device key is derived (module docs). Random per
    /// process by default: set it so that kiosks survive a restart.
    pub key_secret: Secret,
    /// Refuse every unsigned API request (module docs). False by default: a
    /// backend that also serves members' own PCs cannot require it.
    pub require_signature: bool,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        DeviceConfig {
            enrolment_secret: None,
            admin_token: None,
            key_secret: crate::proofs::random_token(),
            require_signature: false,
        }
    }
}

/// The paths an unsigned request may reach when signatures are required.
fn open_without_signature(path: &str) -> bool {
    matches!(path.trim_end_matches('/'), "/healthz" | "/readyz" | "/metrics" | "/openapi.json" | "/v1/devices" | "/v1/admin/devices")
}

/// A request whose device signature was verified (a request extension set by
/// [`verify_signature`]; also an extractor: 401 when absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SignedDevice {
    pub(crate) device_id: String,
}

/// What the device handlers and [`verify_signature`] share: the database and
/// the configuration. Cheap to clone.
#[derive(Clone)]
pub struct DeviceAuth {
    pub(crate) db: Db,
    inner: Arc<Inner>,
}

struct Inner {
    config: DeviceConfig,
    support: Support,
}

impl DeviceAuth {
    pub fn new(db: Db, config: DeviceConfig, support: Support) -> DeviceAuth {
        DeviceAuth { db, inner: Arc::new(Inner { config, support }) }
    }

    pub(crate) fn support(&self) -> &Support {
        &self.inner.support
    }

    pub(crate) fn refusal(&self) -> ApiFailure {
        ApiFailure::new(BorneError::DeviceUnauthorized, &self.inner.support)
    }

    /// True when `presented` is the configured enrolment secret.
    pub(crate) fn enrolment_allowed(&self, presented: &Secret) -> bool {
        secret_matches(self.inner.config.enrolment_secret.as_ref(), presented)
    }

    /// True when `presented` is the configured admin token.
    pub(crate) fn admin_allowed(&self, presented: &Secret) -> bool {
        secret_matches(self.inner.config.admin_token.as_ref(), presented)
    }

    /// The key handed to a device at enrolment (base64url of 32 bytes).
    pub(crate) fn device_key(&self, device_id: &str) -> Secret {
        let key = Zeroizing::new(self.derive_key(device_id));
        Secret::new(URL_SAFE_NO_PAD.encode(key.as_ref()))
    }

    fn derive_key(&self, device_id: &str) -> [u8; 32] {
        hmac_sha256(self.inner.config.key_secret.expose().as_bytes(), &[b"borne-device-key\0", device_id.as_bytes()])
    }

    /// Checks a signed request's headers and body against the device's key.
    async fn verify(&self, parts: &Parts, body: &[u8]) -> Result<SignedDevice, ApiFailure> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let device_id = header(DEVICE_HEADER).filter(|id| is_device_id(id));
        let timestamp = header(TIMESTAMP_HEADER).and_then(|t| t.parse::<i64>().ok());
        let signature = header(SIGNATURE_HEADER).and_then(parse_hex_32);
        let (Some(device_id), Some(timestamp), Some(signature)) = (device_id, timestamp, signature) else {
            tracing::info!(outcome = "device_refused", reason = "malformed_headers", "signed request refused");
            return Err(self.refusal());
        };
        let now = now();
        if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
            tracing::info!(device_id, outcome = "device_refused", reason = "timestamp_out_of_window", "signed request refused");
            return Err(self.refusal());
        }
        match self.db.device_exists(device_id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(device_id, outcome = "device_refused", reason = "unknown_device", "signed request refused");
                return Err(self.refusal());
            }
            Err(e) => return Err(ApiFailure::from_failure(e.into(), &self.inner.support)),
        }
        let key = Zeroizing::new(self.derive_key(device_id));
        let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or_else(|| parts.uri.path());
        if !hmac_sha256_verify(key.as_ref(), &[canonical(parts.method.as_str(), target, timestamp, body).as_bytes()], &signature) {
            tracing::info!(device_id, outcome = "device_refused", reason = "bad_signature", "signed request refused");
            return Err(self.refusal());
        }
        match self.db.remember_signature(&hex::encode(signature), timestamp + MAX_CLOCK_SKEW_SECS, now).await {
            Ok(true) => Ok(SignedDevice { device_id: device_id.to_owned() }),
            Ok(false) => {
                tracing::info!(device_id, outcome = "device_refused", reason = "replayed", "signed request refused");
                Err(self.refusal())
            }
            Err(e) => Err(ApiFailure::from_failure(e.into(), &self.inner.support)),
        }
    }
}

/// Middleware: a request carrying `X-Borne-Device` must be correctly signed
/// (else 401 `device_unauthorized`); the verified device becomes a request
/// extension (for the handlers and the per-device throttle). Requests
/// without the header pass untouched. Layer it on the outermost router
/// (the signature covers the full path), e.g.
/// `.layer(axum::middleware::from_fn_with_state(auth, verify_signature))`.
/// A request already verified (the layer applied twice) is not checked again.
pub async fn verify_signature(State(auth): State<DeviceAuth>, req: Request, next: Next) -> Response {
    if req.extensions().get::<SignedDevice>().is_some() {
        return next.run(req).await;
    }
    if !req.headers().contains_key(DEVICE_HEADER) {
        if auth.inner.config.require_signature && !open_without_signature(req.uri().path()) {
            tracing::info!(outcome = "device_refused", reason = "unsigned", "unsigned request refused");
            return auth.refusal().into_response();
        }
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_SIGNED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            tracing::info!(outcome = "bad_request", reason = "body_too_large", "signed request refused");
            return ApiFailure::new(BorneError::BadRequest, auth.support())
                .with_status(StatusCode::PAYLOAD_TOO_LARGE)
                .into_response();
        }
    };
    match auth.verify(&parts, &bytes).await {
        Ok(device) => {
            parts.extensions.insert(device);
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        Err(failure) => failure.into_response(),
    }
}

/// The signature of a request, as a kiosk computes it (module docs):
/// lower-case hex. None when `device_key` is not the base64url of 32 bytes.
pub fn sign(device_key: &Secret, method: &str, target: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(device_key.expose()).ok()?);
    if decoded.len() != 32 {
        return None;
    }
    Some(hex::encode(signature_bytes(&decoded, method, target, timestamp, body)))
}

/// The string a device signs (module docs).
fn canonical(method: &str, target: &str, timestamp: i64, body: &[u8]) -> String {
    format!("{method}\n{target}\n{timestamp}\n{}", hex::encode(Sha256::digest(body)))
}

fn signature_bytes(key: &[u8], method: &str, target: &str, timestamp: i64, body: &[u8]) -> [u8; 32] {
    hmac_sha256(key, &[canonical(method, target, timestamp, body).as_bytes()])
}

/// Device ids are 32 lower-case hex characters (`db::random_id`).
fn is_device_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Constant-time comparison of a presented secret with the configured one
/// (their SHA-256 digests, so that not even the length leaks). Nothing
/// configured, or an empty value: no match.
fn secret_matches(configured: Option<&Secret>, presented: &Secret) -> bool {
    match configured {
        Some(c) if !c.is_empty() && !presented.is_empty() => {
            same(&Sha256::digest(c.expose().as_bytes()), &Sha256::digest(presented.expose().as_bytes()))
        }
        _ => false,
    }
}

fn parse_hex_32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

impl Db {
    /// Records a verified signature until `expires_at`; false when it was
    /// already recorded and is still within its window (a replay), by this
    /// replica or any other.
    pub(crate) async fn remember_signature(&self, signature: &str, expires_at: i64, now: i64) -> anyhow::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO device_nonces (signature, expires_at) VALUES ($1, $2)
             ON CONFLICT (signature) DO UPDATE SET expires_at = $2 WHERE device_nonces.expires_at < $3",
        )
        .bind(signature)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .context("device signature: replay check")?
        .rows_affected();
        Ok(inserted == 1)
    }

    pub(crate) async fn add_device(&self, id: &str, name: &str, enrolled_at: i64) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO devices (id, name, enrolled_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(enrolled_at)
            .execute(&self.pool)
            .await
            .context("device enrolment")?;
        Ok(())
    }

    pub(crate) async fn device_exists(&self, id: &str) -> anyhow::Result<bool> {
        let row = sqlx::query_as::<_, (String,)>("SELECT id FROM devices WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .context("device look-up")?;
        Ok(row.is_some())
    }

    /// Records a heartbeat; false when the device is unknown (deleted).
    pub(crate) async fn record_heartbeat(
        &self,
        id: &str,
        version: &str,
        healthy: bool,
        detail: Option<&str>,
        at: i64,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE devices SET version = $1, healthy = $2, detail = $3, last_seen = $4 WHERE id = $5")
            .bind(version)
            .bind(i64::from(healthy))
            .bind(detail)
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await
            .context("device heartbeat")?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn list_devices(&self) -> anyhow::Result<Vec<DeviceStatus>> {
        type Row = (String, String, Option<String>, Option<i64>, Option<String>, i64, Option<i64>);
        let rows = sqlx::query_as::<_, Row>(
            "SELECT id, name, version, healthy, detail, enrolled_at, last_seen FROM devices ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await
        .context("device list")?;
        Ok(rows
            .into_iter()
            .map(|(device_id, name, version, healthy, detail, enrolled_at, last_seen)| DeviceStatus {
                device_id,
                name,
                version,
                healthy: healthy.map(|h| h != 0),
                detail,
                enrolled_at,
                last_seen,
            })
            .collect())
    }
}

/// A new device: its random id, enrolled now.
pub(crate) async fn enrol(auth: &DeviceAuth, name: &str) -> anyhow::Result<(String, Secret)> {
    let id = random_id();
    auth.db.add_device(&id, name, now()).await?;
    Ok((id.clone(), auth.device_key(&id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_covers_method_target_timestamp_and_body() {
        let key = Secret::new(URL_SAFE_NO_PAD.encode([7u8; 32]));
        let base = sign(&key, "POST", "/v1/devices/heartbeat", 1_700_000_000, b"{}").unwrap();
        assert_eq!(base.len(), 64);
        // The canonical string, computed independently of `signature_bytes`.
        let body_hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"; // SHA-256 of "{}"
        let canonical = format!("POST\n/v1/devices/heartbeat\n1700000000\n{body_hash}");
        assert_eq!(base, hex::encode(hmac_sha256(&[7u8; 32], &[canonical.as_bytes()])));
        for other in [
            sign(&key, "GET", "/v1/devices/heartbeat", 1_700_000_000, b"{}"),
            sign(&key, "POST", "/v1/devices/heartbeat?x=1", 1_700_000_000, b"{}"),
            sign(&key, "POST", "/v1/devices/heartbeat", 1_700_000_001, b"{}"),
            sign(&key, "POST", "/v1/devices/heartbeat", 1_700_000_000, b"{ }"),
        ] {
            assert_ne!(other.unwrap(), base);
        }
        assert!(sign(&Secret::new("pas-une-clé"), "POST", "/", 0, b"").is_none());
        assert!(sign(&Secret::new(URL_SAFE_NO_PAD.encode([7u8; 16])), "POST", "/", 0, b"").is_none());
    }

    #[test]
    fn hex_signatures_parse_only_when_well_formed() {
        let h = "ab".repeat(32);
        assert_eq!(parse_hex_32(&h), Some([0xab; 32]));
        assert_eq!(parse_hex_32(&"AB".repeat(32)), Some([0xab; 32]));
        assert_eq!(parse_hex_32(&h[..62]), None);
        assert_eq!(parse_hex_32(&"zz".repeat(32)), None);
        assert_eq!(parse_hex_32(&"é".repeat(32)), None);
    }

    #[test]
    fn secrets_match_only_when_configured_and_equal() {
        let s = Secret::new("inscription-borne");
        assert!(secret_matches(Some(&s), &Secret::new("inscription-borne")));
        assert!(!secret_matches(Some(&s), &Secret::new("inscription-born")));
        assert!(!secret_matches(None, &Secret::new("inscription-borne")));
        assert!(!secret_matches(Some(&Secret::new("")), &Secret::new("")));
    }
}
