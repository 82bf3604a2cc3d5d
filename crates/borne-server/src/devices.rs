//! Kiosk devices: enrolment, request signatures, heartbeats.
//!
//! A kiosk enrols once with the enrolment secret of the server's
//! configuration and receives a random device id and a 256-bit device key.
//! From then on it signs its requests as `borne_api::signing` defines (the
//! protocol, shared with the client). A request is refused when
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

use crate::store::{self, now, random_id, Db};
use crate::hashing::{hmac_sha256, same};
use crate::error::Failure;
use axum::http::request::Parts;
pub use borne_api::signing::{sign, DEVICE_HEADER, MAX_CLOCK_SKEW_SECS, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use borne_api::signing::{is_device_id, parse_signature, DeviceKey};
use borne_api::DeviceStatus;
use borne_core::support::Support;
use borne_core::{BorneError, Secret};
use sha2::{Digest, Sha256};
use std::sync::Arc;

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
    // The web pages of the e-mails' links are opened by members' browsers,
    // which never sign.
    matches!(path.trim_end_matches('/'), "/healthz" | "/readyz" | "/metrics" | "/openapi.json" | "/v1/devices" | "/v1/admin/devices")
        || path.starts_with("/compte/")
}

/// A request whose device signature was verified (a request extension set by
/// the signature middleware, `http/middleware/signature.rs`; also an
/// extractor: 401 when absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SignedDevice {
    pub(crate) device_id: String,
}

/// What the device handlers and the signature middleware share: the
/// database and the configuration. Cheap to clone.
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

    /// True when an unsigned request for `path` must be refused
    /// ([`DeviceConfig::require_signature`]).
    pub(crate) fn requires_signature(&self, path: &str) -> bool {
        self.inner.config.require_signature && !open_without_signature(path)
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
        self.derive_key(device_id).to_base64url()
    }

    fn derive_key(&self, device_id: &str) -> DeviceKey {
        DeviceKey::from_bytes(hmac_sha256(self.inner.config.key_secret.expose().as_bytes(), &[b"borne-device-key\0", device_id.as_bytes()]))
    }

    /// Checks a signed request's headers and body against the device's key:
    /// the device, or `device_unauthorized` (the reason is logged here).
    pub(crate) async fn verify(&self, parts: &Parts, body: &[u8]) -> Result<SignedDevice, Failure> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let device_id = header(DEVICE_HEADER).filter(|id| is_device_id(id));
        let timestamp = header(TIMESTAMP_HEADER).and_then(|t| t.parse::<i64>().ok());
        let signature = header(SIGNATURE_HEADER).and_then(parse_signature);
        let (Some(device_id), Some(timestamp), Some(signature)) = (device_id, timestamp, signature) else {
            tracing::info!(outcome = "device_refused", reason = "malformed_headers", "signed request refused");
            return Err(refused());
        };
        let now = now();
        if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
            tracing::info!(device_id, outcome = "device_refused", reason = "timestamp_out_of_window", "signed request refused");
            return Err(refused());
        }
        match store::devices::exists(&self.db.pool, device_id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(device_id, outcome = "device_refused", reason = "unknown_device", "signed request refused");
                return Err(refused());
            }
            Err(e) => return Err(Failure::Internal(e)),
        }
        let key = self.derive_key(device_id);
        let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or_else(|| parts.uri.path());
        if !key.verify(parts.method.as_str(), target, timestamp, body, &signature) {
            tracing::info!(device_id, outcome = "device_refused", reason = "bad_signature", "signed request refused");
            return Err(refused());
        }
        // Recorded until its window ends; a second sight within it, by this
        // replica or any other, is a replay.
        match store::devices::remember_signature(&self.db.pool, &hex::encode(signature), timestamp + MAX_CLOCK_SKEW_SECS, now).await {
            Ok(true) => Ok(SignedDevice { device_id: device_id.to_owned() }),
            Ok(false) => {
                tracing::info!(device_id, outcome = "device_refused", reason = "replayed", "signed request refused");
                Err(refused())
            }
            Err(e) => Err(Failure::Internal(e)),
        }
    }
}

fn refused() -> Failure {
    Failure::Member(BorneError::DeviceUnauthorized)
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

impl Db {
    pub(crate) async fn list_devices(&self) -> anyhow::Result<Vec<DeviceStatus>> {
        let rows = store::devices::all(&self.pool).await?;
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
    store::devices::insert(&auth.db.pool, &id, name, now()).await?;
    Ok((id.clone(), auth.device_key(&id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_match_only_when_configured_and_equal() {
        let s = Secret::new("inscription-borne");
        assert!(secret_matches(Some(&s), &Secret::new("inscription-borne")));
        assert!(!secret_matches(Some(&s), &Secret::new("inscription-born")));
        assert!(!secret_matches(None, &Secret::new("inscription-borne")));
        assert!(!secret_matches(Some(&Secret::new("")), &Secret::new("")));
    }
}
