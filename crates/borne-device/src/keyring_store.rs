//! The OS keyring (`keyring` 3.x; on Linux the Secret Service of
//! gnome-keyring or KWallet over D-Bus). Two entries under the service
//! [`SERVICE`]: `device` (the kiosk's id and key, one JSON value so that
//! both change together) and `remembered-identifier`.

use crate::{DeviceCredentials, DeviceStore, StoreError};
use borne_core::Secret;
use keyring::Entry;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The keyring service name of the app's entries.
pub const SERVICE: &str = "fr.borneadherent.app";

const DEVICE_USER: &str = "device";
const IDENTIFIER_USER: &str = "remembered-identifier";
const PROBE_USER: &str = "probe";

/// The OS keyring. Every call opens its own connection: no state here.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new()
    }
}

impl KeyringStore {
    /// The app's entries ([`SERVICE`]).
    pub fn new() -> KeyringStore {
        KeyringStore::with_service(SERVICE)
    }

    /// Entries under another service name (tests, so as not to touch the
    /// app's own entries on a developer's machine).
    pub fn with_service(service: &str) -> KeyringStore {
        KeyringStore { service: service.to_owned() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, user: &str) -> Result<Entry, StoreError> {
        if let Some(missing) = no_session_bus() {
            return Err(StoreError::Unavailable(missing));
        }
        Entry::new(&self.service, user).map_err(store_error)
    }

    fn get(&self, user: &str) -> Result<Option<Zeroizing<String>>, StoreError> {
        match self.entry(user)?.get_password() {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn set(&self, user: &str, value: &str) -> Result<(), StoreError> {
        self.entry(user)?.set_password(value).map_err(store_error)
    }

    fn delete(&self, user: &str) -> Result<(), StoreError> {
        match self.entry(user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

/// The `device` entry's value.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDevice {
    device_id: String,
    device_key: Secret,
}

impl DeviceStore for KeyringStore {
    fn load_device(&self) -> Result<Option<DeviceCredentials>, StoreError> {
        let Some(json) = self.get(DEVICE_USER)? else { return Ok(None) };
        // The parser's message may quote the value: not shown.
        let stored: StoredDevice = serde_json::from_str(&json).map_err(|_| {
            StoreError::Other(format!("l'entrée « {} / {DEVICE_USER} » est illisible", self.service))
        })?;
        Ok(Some(DeviceCredentials { device_id: stored.device_id, key: stored.device_key }))
    }

    fn save_device(&self, creds: &DeviceCredentials) -> Result<(), StoreError> {
        let stored = StoredDevice { device_id: creds.device_id.clone(), device_key: creds.key.clone() };
        let json = Zeroizing::new(serde_json::to_string(&stored).map_err(|e| StoreError::Other(e.to_string()))?);
        self.set(DEVICE_USER, &json)
    }

    fn forget_device(&self) -> Result<(), StoreError> {
        self.delete(DEVICE_USER)
    }

    /// Writes and deletes a `probe` entry: a locked keyring answers "no
    /// entry" to a read, only a write tells.
    fn check_access(&self) -> Result<(), StoreError> {
        self.set(PROBE_USER, "ok")?;
        self.delete(PROBE_USER)
    }

    fn remembered_identifier(&self) -> Result<Option<String>, StoreError> {
        Ok(self.get(IDENTIFIER_USER)?.map(|v| v.as_str().to_owned()))
    }

    fn remember_identifier(&self, identifier: Option<&str>) -> Result<(), StoreError> {
        match identifier {
            Some(id) => self.set(IDENTIFIER_USER, id),
            None => self.delete(IDENTIFIER_USER),
        }
    }
}

/// A keyring error as the staff-facing [`StoreError`]. The keyring's own
/// messages name D-Bus and Secret Service failures, never the secret; a
/// `BadEncoding` carries the stored bytes, which are not shown.
fn store_error(e: keyring::Error) -> StoreError {
    match e {
        // The Secret Service answered but refused access: a locked
        // collection, a dismissed prompt, or no default collection yet.
        keyring::Error::NoStorageAccess(_) => StoreError::Locked,
        keyring::Error::PlatformFailure(inner) => classify_platform(&inner.to_string()),
        keyring::Error::BadEncoding(_) => StoreError::Other("une entrée du trousseau n'est pas du texte".into()),
        keyring::Error::NoEntry => StoreError::Other("entrée absente".into()),
        keyring::Error::Ambiguous(found) => {
            StoreError::Other(format!("{} entrées du trousseau portent le même nom : supprimez les doublons", found.len()))
        }
        other => StoreError::Other(other.to_string()),
    }
}

/// On Linux the Secret Service is reached over the D-Bus session bus: with
/// no bus address and no `$XDG_RUNTIME_DIR/bus`, there is none, and libdbus
/// would try to start one with `dbus-launch` (X11 autolaunch), which costs a
/// process and a few hundred milliseconds for the same failure. Said at once.
#[cfg(target_os = "linux")]
fn no_session_bus() -> Option<String> {
    let address = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").filter(|a| !a.is_empty());
    let user_bus = std::env::var_os("XDG_RUNTIME_DIR").map(|d| std::path::Path::new(&d).join("bus")).filter(|p| p.exists());
    match (address, user_bus) {
        (None, None) => Some("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus)".into()),
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
fn no_session_bus() -> Option<String> {
    None
}

fn looks_locked(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    d.contains("locked") || d.contains("prompt")
}

/// Tells a missing D-Bus session or Secret Service from other failures, by
/// the messages of `dbus-secret-service` and libdbus.
fn classify_platform(detail: &str) -> StoreError {
    let d = detail.to_ascii_lowercase();
    let missing = [
        "no dbus session",
        "secret service provider",
        "serviceunknown",
        "service unknown",
        "org.freedesktop.secrets",
        "autolaunch",
        "failed to connect to socket",
        "dbus_session_bus_address",
        "noserver",
        "no such file or directory",
        "connection refused",
        "disconnected",
    ];
    if looks_locked(detail) {
        StoreError::Locked
    } else if missing.iter().any(|m| d.contains(m)) {
        StoreError::Unavailable(detail.to_owned())
    } else {
        StoreError::Other(detail.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbus_failures_are_told_apart() {
        assert!(matches!(
            classify_platform("No DBus session or Secret Service provider found"),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            classify_platform("DBus error: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11"),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            classify_platform("DBus error: The name org.freedesktop.secrets was not provided by any .service files"),
            StoreError::Unavailable(_)
        ));
        assert_eq!(classify_platform("Secret Service: object locked"), StoreError::Locked);
        assert!(matches!(classify_platform("Crypto error: bad padding"), StoreError::Other(_)));
        assert_eq!(store_error(keyring::Error::NoStorageAccess("Secret Service: object locked".into())), StoreError::Locked);
        assert!(matches!(store_error(keyring::Error::BadEncoding(b"secret-bytes".to_vec())), StoreError::Other(m) if !m.contains("secret-bytes")));
    }
}
