//! What Borne Adhérent keeps on the machine between two starts, and only in
//! the OS keyring, never in a file:
//!
//! - at a kiosk, its identity with the backend ([`DeviceCredentials`]: the
//!   device id and the HMAC key it signs requests with), obtained once by
//!   enrolment ([`enrol_or_load`]);
//! - on a member's PC, the NIR or e-mail the member asked the app to
//!   remember (« Se souvenir de mon identifiant »), never a password.
//!
//! One trait, [`DeviceStore`], with the keyring implementation
//! ([`KeyringStore`]) and an in-memory one for tests ([`MemoryStore`]).
//! A keyring that is missing, locked or broken is a [`StoreError`] whose
//! `Display` is a French message for staff; nothing ever falls back to a file.
//!
//! The store's calls block (D-Bus round trips): call them from a blocking
//! thread (`tokio::task::spawn_blocking`), as [`enrol_or_load`] does.

mod keyring_store;
mod memory;

pub use borne_client::DeviceCredentials;
pub use keyring_store::{KeyringStore, SERVICE};
pub use memory::MemoryStore;

use borne_api::Coded;
use borne_client::{BadDeviceCredentials, Client};
use borne_api::{EnrolDeviceRequest, HeartbeatRequest};
use borne_core::{BorneError, Secret};
use std::sync::Arc;

/// Where the device's identity and the remembered identifier live.
pub trait DeviceStore: Send + Sync {
    /// The kiosk's credentials, if it has enrolled.
    fn load_device(&self) -> Result<Option<DeviceCredentials>, StoreError>;
    /// Keeps (or replaces) the kiosk's credentials.
    fn save_device(&self, creds: &DeviceCredentials) -> Result<(), StoreError>;
    /// Forgets the kiosk's credentials (none kept is not an error).
    fn forget_device(&self) -> Result<(), StoreError>;
    /// Ok when the store can be written now. A locked keyring answers a
    /// read of a missing entry with "nothing there", so only this tells
    /// before an enrolment whether its key could be kept.
    fn check_access(&self) -> Result<(), StoreError>;
    /// The NIR or e-mail the member chose to remember, if any.
    fn remembered_identifier(&self) -> Result<Option<String>, StoreError>;
    /// `Some`: remembers this identifier (replacing any other); `None`:
    /// forgets it (none kept is not an error).
    fn remember_identifier(&self, identifier: Option<&str>) -> Result<(), StoreError>;
}

/// Why the keyring could not be used. `Display` is the staff-facing text
/// (French); no variant carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No D-Bus session, or no Secret Service on it (no gnome-keyring or
    /// KWallet running).
    #[error("Trousseau du système introuvable : aucun service de secrets (gnome-keyring, KWallet) ne répond sur la session D-Bus. L'identité de la borne et l'identifiant mémorisé ne peuvent pas être conservés, et ils ne sont jamais enregistrés dans un fichier à la place. Ouvrez une session graphique ou démarrez gnome-keyring, puis relancez l'application. (Détail technique : {0})")]
    Unavailable(String),
    /// The Secret Service answers but refuses access: the keyring is locked
    /// (no session unlocked it) or has no default collection yet.
    #[error("Trousseau du système verrouillé ou pas encore créé : ouvrez la session de l'utilisateur de la borne (ou lancez « gnome-keyring-daemon --unlock » à son démarrage), puis relancez l'application. Rien n'est enregistré dans un fichier à la place.")]
    Locked,
    /// Anything else: an unreadable entry, a refused write…
    #[error("Trousseau du système inutilisable : {0}. Rien n'est enregistré dans un fichier à la place.")]
    Other(String),
}

/// Why the kiosk has no usable identity yet. `Display` is for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolError {
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Not enrolled, and no enrolment secret in the configuration.
    #[error("Borne non inscrite auprès du serveur : indiquez le secret d'inscription (enrolment_secret dans le fichier de configuration, ou BORNE_ENROLMENT_SECRET) puis relancez l'application.")]
    NoEnrolmentSecret,
    /// The server refused the enrolment secret.
    #[error("Inscription de la borne refusée par le serveur : le secret d'inscription configuré n'est pas le bon (ou le serveur n'accepte pas d'inscription).")]
    Refused,
    /// The server could not be reached; the next attempt may succeed.
    #[error("Serveur injoignable : la borne s'inscrira dès qu'il répondra.")]
    BackendUnavailable,
    /// Another answer of the server (a bad name, a throttled request…).
    #[error("Inscription de la borne impossible (réponse du serveur : {0}).")]
    Backend(String),
    /// The credentials in the keyring are damaged.
    #[error("Identité de la borne illisible dans le trousseau ({0}) : supprimez l'entrée « {service} / device » (par exemple « secret-tool clear service {service} username device ») pour que la borne s'inscrive à nouveau.", service = SERVICE)]
    BadCredentials(String),
}

impl From<BorneError> for EnrolError {
    fn from(e: BorneError) -> Self {
        match e {
            BorneError::DeviceUnauthorized => EnrolError::Refused,
            BorneError::BackendUnavailable => EnrolError::BackendUnavailable,
            other => EnrolError::Backend(format!("{:?}", other.code())),
        }
    }
}

impl From<BadDeviceCredentials> for EnrolError {
    fn from(e: BadDeviceCredentials) -> Self {
        EnrolError::BadCredentials(e.0)
    }
}

/// Runs a blocking store call off the async executor.
async fn blocking<T: Send + 'static>(
    store: &Arc<dyn DeviceStore>,
    call: impl FnOnce(&dyn DeviceStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .unwrap_or_else(|e| Err(StoreError::Other(format!("appel du trousseau interrompu ({e})"))))
}

/// The kiosk's identity: from the store when it has one, else a new
/// enrolment with the backend (`secret`, `name`), saved in the store, then
/// a first heartbeat with `version` so that staff see the kiosk at once.
///
/// The store is read and checked first: when it cannot be used, nothing is
/// enrolled (an enrolment whose key cannot be kept would leave an orphan on
/// the server). `client` itself is left as it was; give it the answer with
/// [`Client::set_device`].
pub async fn enrol_or_load(
    store: &Arc<dyn DeviceStore>,
    client: &Client,
    secret: Option<&Secret>,
    name: &str,
    version: &str,
) -> Result<DeviceCredentials, EnrolError> {
    if let Some(creds) = blocking(store, |s| s.load_device()).await? {
        creds.validate()?;
        tracing::info!(device_id = %creds.device_id, "kiosk identity loaded from the keyring");
        return Ok(creds);
    }
    enrol(store, client, secret, name, version).await
}

/// A new enrolment, whatever the store holds: enrols, saves (replacing any
/// previous identity), sends a first heartbeat. For a kiosk the server no
/// longer recognises (its key secret changed, its row was deleted).
pub async fn enrol(
    store: &Arc<dyn DeviceStore>,
    client: &Client,
    secret: Option<&Secret>,
    name: &str,
    version: &str,
) -> Result<DeviceCredentials, EnrolError> {
    let secret = secret.filter(|s| !s.expose().trim().is_empty()).ok_or(EnrolError::NoEnrolmentSecret)?;
    // Enrol only when the key can be kept: else every attempt would leave
    // an orphan device on the server.
    blocking(store, |s| s.check_access()).await?;
    let request = EnrolDeviceRequest { enrolment_secret: secret.clone(), name: name.trim().to_owned() };
    let creds = DeviceCredentials::from(client.enrol_device(&request).await?);
    creds.validate()?;
    let saved = creds.clone();
    blocking(store, move |s| s.save_device(&saved)).await?;
    tracing::info!(device_id = %creds.device_id, outcome = "device_enrolled", "kiosk enrolled with the backend");
    let beat = HeartbeatRequest { version: version.to_owned(), healthy: true, detail: None };
    if let Err(e) = client.with_device(creds.clone())?.heartbeat(&beat).await {
        tracing::warn!(code = ?e.code(), "first heartbeat after enrolment failed");
    }
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_messages_are_french_and_name_the_remedy() {
        let unavailable = StoreError::Unavailable("org.freedesktop.DBus.Error.ServiceUnknown".into()).to_string();
        assert!(unavailable.contains("gnome-keyring") && unavailable.contains("jamais enregistrés dans un fichier"), "{unavailable}");
        assert!(StoreError::Locked.to_string().contains("verrouillé"));
        assert!(EnrolError::NoEnrolmentSecret.to_string().contains("BORNE_ENROLMENT_SECRET"));
        assert!(EnrolError::BadCredentials("clé".into()).to_string().contains("secret-tool clear service fr.borneadherent.app"));
        assert_eq!(EnrolError::from(BorneError::DeviceUnauthorized), EnrolError::Refused);
        assert_eq!(EnrolError::from(BorneError::BackendUnavailable), EnrolError::BackendUnavailable);
    }
}
