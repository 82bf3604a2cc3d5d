//! Which backend the app talks to: `BORNE_BACKEND_URL` when set; otherwise,
//! in builds with the `demo` feature, the reference server started in-process
//! on loopback over a fresh demo database.

use borne_client::Client;
use borne_core::support::Support;
use borne_core::Secret;

pub struct Backend {
    pub client: Client,
    pub demo: bool,
    /// The embedded demo server's kiosk enrolment secret (the configured
    /// one, or a random one), so that a kiosk in demo mode can enrol.
    pub demo_enrolment_secret: Option<Secret>,
    /// Keeps the embedded server (and its temporary database) alive.
    #[allow(dead_code)]
    embedded: Option<Embedded>,
}

pub const BACKEND_URL_VAR: &str = "BORNE_BACKEND_URL";

pub async fn resolve(support: &Support, enrolment_secret: Option<&Secret>) -> Result<Backend, String> {
    match std::env::var(BACKEND_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => {
            let client = Client::new(url.trim()).map_err(|e| e.to_string())?;
            Ok(Backend { client, demo: false, demo_enrolment_secret: None, embedded: None })
        }
        _ => embedded(support, enrolment_secret).await,
    }
}

#[cfg(feature = "demo")]
struct Embedded {
    _server: borne_server::RunningServer,
    _dir: tempfile::TempDir,
}

#[cfg(not(feature = "demo"))]
struct Embedded;

#[cfg(feature = "demo")]
async fn embedded(support: &Support, enrolment_secret: Option<&Secret>) -> Result<Backend, String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("serveur de démonstration : {what} ({e})");
    let dir = tempfile::Builder::new().prefix("borne-demo-").tempdir().map_err(|e| fail("dossier temporaire", &e))?;
    // The e-mails and SMS kept in the server's outbox (loopback only) instead
    // of being delivered; this app, its only client, exempt from the
    // per-address budgets (borne_server::demo::config).
    let mut config = borne_server::demo::config();
    config.support = support.clone();
    let enrolment_secret = enrolment_secret.cloned().unwrap_or_else(borne_server::config::random_pepper);
    config.devices.enrolment_secret = Some(enrolment_secret.clone());
    let server = borne_server::demo::serve(dir.path(), config).await.map_err(|e| fail("démarrage", &format!("{e:#}")))?;
    let client = Client::new(&format!("http://{}", server.addr)).map_err(|e| e.to_string())?;
    tracing::info!(addr = %server.addr, "embedded demo server started");
    Ok(Backend { client, demo: true, demo_enrolment_secret: Some(enrolment_secret), embedded: Some(Embedded { _server: server, _dir: dir }) })
}

#[cfg(not(feature = "demo"))]
async fn embedded(_support: &Support, _enrolment_secret: Option<&Secret>) -> Result<Backend, String> {
    Err(format!(
        "aucun serveur configuré. Indiquez l'adresse du serveur de la mutuelle dans la variable {BACKEND_URL_VAR} (par exemple https://adherents.mutuelle.fr/api)."
    ))
}
