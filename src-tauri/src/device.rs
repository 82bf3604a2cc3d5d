//! The device's side of issue 5: at a kiosk, its identity with the backend
//! (enrolled once, kept in the OS keyring through `borne-device`) and a
//! heartbeat every `heartbeat_secs`; on a member's PC, the identifier the
//! member chose to remember. Both modes follow whether the backend answers,
//! so the UI can tell members (and, at a kiosk, staff) when it does not.
//!
//! The status lives in [`DeviceState`], is answered by `device_status` and
//! emitted as the event `device-status` when a check changes it. Keyring failures
//! are never fatal: they become the staff-facing `problem` text (and a log
//! line), never a crash and never a file.

use borne_api::Coded;
use crate::config::AppConfig;
use crate::state::AppState;
use borne_client::{Client, DeviceCredentials};
use borne_api::HeartbeatRequest;
use borne_core::{BorneError, Secret};
use borne_device::{DeviceStore, StoreError};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tauri::{Emitter, Manager, State};

pub const STATUS_EVENT: &str = "device-status";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The shortest period accepted, whatever the configuration says.
const MIN_PERIOD_SECS: u64 = 5;
/// The first check waits for the main window's page to load, so that its
/// request (and, in demo, the embedded server's answer) does not compete
/// with the first screen for the processor; at the latest this long after
/// the start.
const FIRST_CHECK_AT_THE_LATEST: Duration = Duration::from_secs(5);
const UNREACHABLE: &str = "Serveur injoignable : les démarches en ligne sont indisponibles. La borne réessaie toute seule.";

/// The answer of `device_status` and the payload of `device-status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceStatus {
    pub backend_reachable: bool,
    pub enrolled: bool,
    /// RFC 3339 (UTC) of the last heartbeat the backend accepted.
    pub last_heartbeat: Option<String>,
    /// A staff-facing French text: the keyring's error, "serveur injoignable"…
    pub problem: Option<String>,
}

impl Default for DeviceStatus {
    fn default() -> Self {
        // Not checked yet: nothing to report, no banner.
        DeviceStatus { backend_reachable: true, enrolled: false, last_heartbeat: None, problem: None }
    }
}

/// Managed Tauri state: the store, the mode, the last status.
pub struct DeviceState {
    store: Arc<dyn DeviceStore>,
    kiosk: bool,
    status: Mutex<DeviceStatus>,
    /// A keyring failure of the member's PC (remembering the identifier),
    /// shown in the status until a keyring call succeeds again.
    keyring_problem: Mutex<Option<String>>,
    /// Told when the main window's page has loaded ([`page_loaded`]).
    page_loaded: Arc<tokio::sync::Notify>,
}

impl DeviceState {
    pub fn new(store: Arc<dyn DeviceStore>, kiosk: bool) -> DeviceState {
        DeviceState {
            store,
            kiosk,
            status: Mutex::new(DeviceStatus::default()),
            keyring_problem: Mutex::new(None),
            page_loaded: Arc::new(tokio::sync::Notify::new()),
        }
    }

    pub fn status(&self) -> DeviceStatus {
        let mut status = lock(&self.status).clone();
        if status.problem.is_none() {
            status.problem = lock(&self.keyring_problem).clone();
        }
        status
    }

    fn set_status(&self, status: DeviceStatus) {
        *lock(&self.status) = status;
    }

    /// A store call on a blocking thread (D-Bus round trips).
    async fn store_call<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn DeviceStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.store);
        let result = tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .unwrap_or_else(|e| Err(StoreError::Other(format!("appel du trousseau interrompu ({e})"))));
        match &result {
            Ok(_) => *lock(&self.keyring_problem) = None,
            Err(e) => {
                tracing::warn!(problem = %e, "OS keyring unusable");
                *lock(&self.keyring_problem) = Some(e.to_string());
            }
        }
        result
    }

    /// PC mode: the remembered identifier; `None` at a kiosk, when nothing
    /// is remembered, or when the keyring cannot be read (logged, in the status).
    pub async fn remembered_identifier(&self) -> Option<String> {
        if self.kiosk {
            return None;
        }
        self.store_call(|s| s.remembered_identifier()).await.ok().flatten().filter(|s| !s.trim().is_empty())
    }

    /// After a successful log-in on a member's PC: `Some(true)` remembers
    /// `identifier` (never the password), `Some(false)` forgets it, `None`
    /// leaves the keyring alone. Nothing at a kiosk. A keyring failure does
    /// not undo the log-in: it is logged and shown in the status.
    pub async fn after_login(&self, remember: Option<bool>, identifier: &str) {
        if self.kiosk {
            return;
        }
        let Some(remember) = remember else { return };
        let kept = remember.then(|| identifier.trim().to_owned());
        if self.store_call(move |s| s.remember_identifier(kept.as_deref())).await.is_ok() {
            tracing::info!(remember, "remembered identifier updated");
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Manages [`DeviceState`] and starts the periodic check: at a kiosk,
/// enrolment (or the identity from the keyring) and a heartbeat every
/// `heartbeat_secs`; on a member's PC, a readiness check at the same pace.
/// Call from `tauri::Builder::setup`, after `AppState` is managed.
pub fn setup(app: &tauri::App, config: &AppConfig, store: Arc<dyn DeviceStore>) {
    let kiosk = config.is_kiosk();
    app.manage(DeviceState::new(Arc::clone(&store), kiosk));
    // Clones of the client share its device credentials: once set here,
    // every command's request is signed.
    let client = app.state::<AppState>().backend.client.clone();
    let mut monitor = Monitor {
        store,
        client,
        kiosk,
        enrolment_secret: config.enrolment_secret.clone(),
        device_name: config.device_name.clone(),
        creds: None,
        last_heartbeat: None,
    };
    let period = Duration::from_secs(config.heartbeat_secs.max(MIN_PERIOD_SECS));
    let handle = app.handle().clone();
    let page_loaded = Arc::clone(&app.state::<DeviceState>().page_loaded);
    tauri::async_runtime::spawn(async move {
        let _ = tokio::time::timeout(FIRST_CHECK_AT_THE_LATEST, page_loaded.notified()).await;
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The UI reads the status when it starts (`device_status`: the
        // default until a check) and hears of changes only: an unchanged
        // status costs the webview no script every minute.
        let mut told = DeviceStatus::default();
        loop {
            ticks.tick().await;
            let status = monitor.check().await;
            let device = handle.state::<DeviceState>();
            device.set_status(status);
            let now = device.status();
            if now != told {
                match handle.emit(STATUS_EVENT, &now) {
                    Ok(()) => told = now,
                    Err(e) => tracing::warn!(error = %e, "device-status not emitted"),
                }
            }
        }
    });
}

/// The main window's page has loaded (`on_page_load`, lib.rs): the first
/// check may run. Later loads change nothing.
pub fn page_loaded(app: &tauri::AppHandle) {
    if let Some(device) = app.try_state::<DeviceState>() {
        device.page_loaded.notify_one();
    }
}

/// What the periodic check carries from one tick to the next.
struct Monitor {
    store: Arc<dyn DeviceStore>,
    client: Client,
    kiosk: bool,
    enrolment_secret: Option<Secret>,
    device_name: String,
    creds: Option<DeviceCredentials>,
    last_heartbeat: Option<String>,
}

impl Monitor {
    /// One tick: the status after it.
    async fn check(&mut self) -> DeviceStatus {
        let mut problem = None;
        if self.kiosk && self.creds.is_none() {
            let loaded = borne_device::enrol_or_load(&self.store, &self.client, self.enrolment_secret.as_ref(), &self.device_name, VERSION).await;
            problem = self.adopt(loaded);
        }
        let mut reachable = self.client.is_ready().await;
        if self.kiosk && self.creds.is_some() {
            let beat = HeartbeatRequest { version: VERSION.into(), healthy: reachable, detail: None };
            match self.client.heartbeat(&beat).await {
                Ok(()) => {
                    self.last_heartbeat = Some(rfc3339(SystemTime::now()));
                    tracing::debug!(healthy = reachable, "heartbeat sent");
                }
                Err(BorneError::DeviceUnauthorized) => {
                    problem = self.not_recognised().await;
                    // The readiness check was signed with the refused identity.
                    reachable = self.client.is_ready().await;
                }
                Err(BorneError::BackendUnavailable) => {}
                Err(e) => {
                    tracing::warn!(code = ?e.code(), "heartbeat refused");
                    problem = Some(format!("Signal de vie refusé par le serveur ({:?}).", e.code()));
                }
            }
        }
        if !reachable && problem.is_none() {
            problem = Some(UNREACHABLE.to_owned());
        }
        DeviceStatus { backend_reachable: reachable, enrolled: self.creds.is_some(), last_heartbeat: self.last_heartbeat.clone(), problem }
    }

    /// Takes an identity (signing every request from now on), or returns the problem.
    fn adopt(&mut self, outcome: Result<DeviceCredentials, borne_device::EnrolError>) -> Option<String> {
        match outcome {
            Ok(creds) => match self.client.set_device(Some(&creds)) {
                Ok(()) => {
                    self.creds = Some(creds);
                    None
                }
                Err(e) => Some(borne_device::EnrolError::from(e).to_string()),
            },
            Err(borne_device::EnrolError::BackendUnavailable) => None, // the readiness check reports it
            Err(e) => {
                tracing::warn!(problem = %e, "kiosk not enrolled");
                Some(e.to_string())
            }
        }
    }

    /// The backend no longer knows this kiosk (its key secret changed, its
    /// row was deleted): stop signing, and enrol again when an enrolment
    /// secret is configured.
    async fn not_recognised(&mut self) -> Option<String> {
        tracing::warn!("the backend does not recognise this kiosk any more");
        let _ = self.client.set_device(None);
        self.creds = None;
        self.last_heartbeat = None;
        if self.enrolment_secret.is_none() {
            return Some(
                "Borne non reconnue par le serveur : indiquez le secret d'inscription (BORNE_ENROLMENT_SECRET) pour l'inscrire à nouveau."
                    .to_owned(),
            );
        }
        let enrolled = borne_device::enrol(&self.store, &self.client, self.enrolment_secret.as_ref(), &self.device_name, VERSION).await;
        let problem = self.adopt(enrolled);
        if problem.is_none() {
            self.last_heartbeat = Some(rfc3339(SystemTime::now()));
        }
        problem
    }
}

#[tauri::command]
pub fn device_status(device: State<'_, DeviceState>) -> DeviceStatus {
    device.status()
}

/// PC mode: the identifier kept in the OS keyring; always null at a kiosk.
#[tauri::command]
pub async fn remembered_identifier(device: State<'_, DeviceState>) -> Result<Option<String>, app_core::UiError> {
    Ok(device.remembered_identifier().await)
}

/// `2025-01-31T10:23:45Z` (UTC, whole seconds; the `time` crate's calendar).
fn rfc3339(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t.max(UNIX_EPOCH));
    let (d, (h, m, s)) = (t.date(), t.to_hms());
    format!("{d}T{h:02}:{m:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use borne_device::MemoryStore;
    use borne_server::devices::DeviceConfig;

    const SECRET: &str = "inscription-des-bornes";

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(1_738_319_025)), "2025-01-31T10:23:45Z");
    }

    async fn server(enrolment: Option<&str>) -> (borne_server::RunningServer, Client, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let devices = DeviceConfig { enrolment_secret: enrolment.map(Secret::new), ..DeviceConfig::default() };
        let config = borne_server::ServerConfig { devices, ..borne_server::ServerConfig::default() };
        let running = borne_server::demo::serve(dir.path(), config).await.unwrap();
        let client = Client::new(&format!("http://{}", running.addr)).unwrap();
        (running, client, dir)
    }

    fn monitor(store: Arc<dyn DeviceStore>, client: Client, kiosk: bool, secret: Option<&str>) -> Monitor {
        Monitor { store, client, kiosk, enrolment_secret: secret.map(Secret::new), device_name: "Borne de test".into(), creds: None, last_heartbeat: None }
    }

    #[tokio::test]
    async fn a_kiosk_enrols_beats_and_signs_every_request() {
        let (_server, client, _dir) = server(Some(SECRET)).await;
        let memory = Arc::new(MemoryStore::new());
        let mut m = monitor(memory.clone(), client.clone(), true, Some(SECRET));
        let status = m.check().await;
        assert!(status.backend_reachable && status.enrolled && status.problem.is_none(), "{status:?}");
        assert!(status.last_heartbeat.as_deref().is_some_and(|t| t.ends_with('Z')));
        let saved = memory.load_device().unwrap().unwrap();
        // The app's client (a clone) now signs with the saved identity.
        assert_eq!(client.device_id(), Some(saved.device_id.clone()));
        let again = m.check().await;
        assert!(again.enrolled && again.problem.is_none(), "{again:?}");
        assert_eq!(memory.load_device().unwrap().unwrap(), saved, "no second enrolment");
    }

    #[tokio::test]
    async fn a_kiosk_the_server_forgot_enrols_again() {
        let (_server, client, _dir) = server(Some(SECRET)).await;
        let memory = Arc::new(MemoryStore::new());
        let stale = DeviceCredentials { device_id: "0123456789abcdef0123456789abcdef".into(), key: Secret::new("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") };
        memory.save_device(&stale).unwrap();
        let mut m = monitor(memory.clone(), client.clone(), true, Some(SECRET));
        let status = m.check().await;
        assert!(status.enrolled && status.problem.is_none(), "{status:?}");
        let fresh = memory.load_device().unwrap().unwrap();
        assert_ne!(fresh.device_id, stale.device_id);
        assert_eq!(client.device_id(), Some(fresh.device_id));

        // Without a secret the kiosk says so, and stops signing.
        memory.save_device(&stale).unwrap();
        let mut m = monitor(memory.clone(), client.clone(), true, None);
        let status = m.check().await;
        assert!(!status.enrolled && status.problem.as_deref().is_some_and(|p| p.contains("non reconnue")), "{status:?}");
        assert_eq!(client.device_id(), None);
    }

    #[tokio::test]
    async fn keyring_and_backend_problems_are_staff_facing_text() {
        let (server, client, _dir) = server(Some(SECRET)).await;
        let locked: Arc<dyn DeviceStore> = Arc::new(MemoryStore::failing(StoreError::Locked));
        let status = monitor(locked, client.clone(), true, Some(SECRET)).check().await;
        assert_eq!(status.problem, Some(StoreError::Locked.to_string()));
        assert!(status.backend_reachable && !status.enrolled);

        let no_secret = monitor(Arc::new(MemoryStore::new()), client.clone(), true, None).check().await;
        assert!(no_secret.problem.as_deref().is_some_and(|p| p.contains("BORNE_ENROLMENT_SECRET")), "{no_secret:?}");

        let addr = server.addr;
        drop(server);
        let down = Client::new(&format!("http://{addr}")).unwrap();
        let status = monitor(Arc::new(MemoryStore::new()), down.clone(), true, Some(SECRET)).check().await;
        assert!(!status.backend_reachable && !status.enrolled, "{status:?}");
        assert_eq!(status.problem.as_deref(), Some(UNREACHABLE));
        // A member's PC: no enrolment, only the readiness.
        let pc = monitor(Arc::new(MemoryStore::new()), down, false, None).check().await;
        assert_eq!(pc, DeviceStatus { backend_reachable: false, enrolled: false, last_heartbeat: None, problem: Some(UNREACHABLE.into()) });
    }

    #[tokio::test]
    async fn the_identifier_is_remembered_only_on_a_pc_and_only_when_asked() {
        let memory = Arc::new(MemoryStore::new());
        let pc = DeviceState::new(memory.clone(), false);
        pc.after_login(Some(true), " 2 78 03 69 123 045 34 ").await;
        assert_eq!(pc.remembered_identifier().await.as_deref(), Some("2 78 03 69 123 045 34"));
        pc.after_login(None, "jeanne.martin@exemple.fr").await;
        assert_eq!(pc.remembered_identifier().await.as_deref(), Some("2 78 03 69 123 045 34"));
        pc.after_login(Some(false), "jeanne.martin@exemple.fr").await;
        assert_eq!(pc.remembered_identifier().await, None);

        let kiosk = DeviceState::new(memory.clone(), true);
        kiosk.after_login(Some(true), "jeanne.martin@exemple.fr").await;
        assert_eq!(memory.remembered_identifier().unwrap(), None, "a kiosk never stores anything");
        memory.remember_identifier(Some("x@exemple.fr")).unwrap();
        assert_eq!(kiosk.remembered_identifier().await, None);

        // A broken keyring: no crash, no identifier, a problem for staff.
        let broken = DeviceState::new(Arc::new(MemoryStore::failing(StoreError::Unavailable("no bus".into()))), false);
        broken.after_login(Some(true), "jeanne.martin@exemple.fr").await;
        assert_eq!(broken.remembered_identifier().await, None);
        assert!(broken.status().problem.is_some_and(|p| p.contains("Trousseau")));
    }
}
