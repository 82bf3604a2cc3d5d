//! Kiosk devices through the client, against the real reference server
//! (SQLite in a temp dir, an enrolment secret and an admin token in its
//! configuration): enrolment, signed requests the server accepts, the
//! heartbeat in the admin list, refused keys.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_client::{Client, DeviceCredentials};
use borne_core::api::{DeviceStatus, EnrolDeviceRequest, HeartbeatRequest};
use borne_core::{BorneError, Identifier, Secret};
use borne_server::devices::DeviceConfig;
use std::net::SocketAddr;

const ENROLMENT_SECRET: &str = "inscription-des-bornes-2024";
const ADMIN_TOKEN: &str = "jeton-admin-des-bornes";

struct Server {
    running: borne_server::RunningServer,
    client: Client,
    _dir: tempfile::TempDir,
}

async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = borne_server::Db::connect(&format!("sqlite://{}", dir.path().join("d.db").display())).await.unwrap();
    db.migrate().await.unwrap();
    borne_server::demo::seed(&db).await.unwrap();
    let mut config = borne_server::ServerConfig::default();
    config.devices = DeviceConfig {
        enrolment_secret: Some(Secret::new(ENROLMENT_SECRET)),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        ..DeviceConfig::default()
    };
    let running = borne_server::spawn(db, SocketAddr::from(([127, 0, 0, 1], 0)), config).await.unwrap();
    let client = Client::new(&format!("http://{}", running.addr)).unwrap();
    Server { running, client, _dir: dir }
}

impl Server {
    async fn enrol(&self, name: &str) -> DeviceCredentials {
        let req = EnrolDeviceRequest { enrolment_secret: Secret::new(ENROLMENT_SECRET), name: name.into() };
        self.client.enrol_device(&req).await.unwrap().into()
    }

    async fn devices(&self) -> Vec<DeviceStatus> {
        let resp = reqwest::Client::new()
            .get(format!("http://{}/v1/admin/devices", self.running.addr))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.json().await.unwrap()
    }
}

fn jeanne() -> Identifier {
    Identifier::parse("2 78 03 69 123 045 34").unwrap()
}

fn beat(version: &str, healthy: bool) -> HeartbeatRequest {
    HeartbeatRequest { version: version.into(), healthy, detail: None }
}

#[tokio::test]
async fn enrolment_gives_credentials_only_for_the_configured_secret() {
    let s = server().await;
    let creds = s.enrol("Agence de Strasbourg, borne 1").await;
    creds.validate().unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(creds.key.expose()).unwrap().len(), 32);
    assert!(!format!("{creds:?}").contains(creds.key.expose()));

    for wrong in ["inscription-des-bornes-2023", ""] {
        let req = EnrolDeviceRequest { enrolment_secret: Secret::new(wrong), name: "Borne pirate".into() };
        assert_eq!(s.client.enrol_device(&req).await.unwrap_err(), BorneError::DeviceUnauthorized);
    }
    let req = EnrolDeviceRequest { enrolment_secret: Secret::new(ENROLMENT_SECRET), name: "  ".into() };
    assert_eq!(s.client.enrol_device(&req).await.unwrap_err(), BorneError::BadRequest);

    let listed = s.devices().await;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].device_id.as_str(), listed[0].name.as_str()), (creds.device_id.as_str(), "Agence de Strasbourg, borne 1"));
    assert_eq!(listed[0].last_seen, None);
}

#[tokio::test]
async fn a_signed_client_logs_in_and_its_heartbeat_is_listed() {
    let s = server().await;
    let creds = s.enrol("Agence de Metz, borne 1").await;
    let kiosk = s.client.with_device(creds.clone()).unwrap();
    assert_eq!(kiosk.device_id().as_deref(), Some(creds.device_id.as_str()));
    // The unsigned client it was made from is untouched.
    assert_eq!(s.client.device_id(), None);

    let login = kiosk.login(&jeanne(), &Secret::new("Mutuelle2024")).await.unwrap();
    assert_eq!(login.member.first_name, "Jeanne");
    assert_eq!(kiosk.session(&login.token).await.unwrap().first_name, "Jeanne");
    assert!(kiosk.is_ready().await);

    let before = borne_server_now();
    kiosk.heartbeat(&HeartbeatRequest { version: "1.2.3".into(), healthy: true, detail: Some("imprimante OK".into()) }).await.unwrap();
    let status = s.devices().await.into_iter().find(|d| d.device_id == creds.device_id).unwrap();
    assert_eq!(status.version.as_deref(), Some("1.2.3"));
    assert_eq!(status.healthy, Some(true));
    assert_eq!(status.detail.as_deref(), Some("imprimante OK"));
    assert!(status.last_seen.unwrap() >= before);
    kiosk.logout(&login.token).await.unwrap();
}

#[tokio::test]
async fn identical_signed_requests_in_the_same_second_are_not_taken_for_replays() {
    let s = server().await;
    let creds = s.enrol("Agence de Nancy, borne 1").await;
    let kiosk = s.client.with_device(creds.clone()).unwrap();
    // Another client signing for the same device (the enrolment's first
    // heartbeat, then the app's): it must not reuse a signature either.
    let twin = s.client.with_device(creds).unwrap();
    // Same method, target and body, five times in a row: the server refuses a
    // repeated signature, so each must be stamped differently.
    for _ in 0..5 {
        kiosk.heartbeat(&beat("1.0.0", true)).await.unwrap();
        twin.heartbeat(&beat("1.0.0", true)).await.unwrap();
        assert!(kiosk.is_ready().await);
    }
    let login = kiosk.login(&jeanne(), &Secret::new("Mutuelle2024")).await.unwrap();
    for _ in 0..5 {
        kiosk.session(&login.token).await.unwrap();
    }
}

#[tokio::test]
async fn a_wrong_key_or_an_unknown_device_is_refused_everywhere() {
    let s = server().await;
    let creds = s.enrol("Agence de Colmar, borne 1").await;
    let other_key = DeviceCredentials { key: Secret::new(URL_SAFE_NO_PAD.encode([9u8; 32])), ..creds.clone() };
    let unknown = DeviceCredentials { device_id: "0123456789abcdef0123456789abcdef".into(), ..creds.clone() };
    for bad in [other_key, unknown] {
        let kiosk = s.client.with_device(bad).unwrap();
        assert_eq!(kiosk.heartbeat(&beat("1.0.0", true)).await.unwrap_err(), BorneError::DeviceUnauthorized);
        // Member requests of a kiosk the server does not recognise are refused too.
        assert_eq!(kiosk.login(&jeanne(), &Secret::new("Mutuelle2024")).await.unwrap_err(), BorneError::DeviceUnauthorized);
    }
    // The refused log-ins did not count as wrong passwords: the right kiosk logs in.
    let good = s.client.with_device(creds.clone()).unwrap();
    good.login(&jeanne(), &Secret::new("Mutuelle2024")).await.unwrap();
    let status = s.devices().await.into_iter().find(|d| d.device_id == creds.device_id).unwrap();
    assert_eq!(status.last_seen, None, "no refused heartbeat may be recorded");

    // Malformed credentials are refused before any request.
    assert!(s.client.with_device(DeviceCredentials { key: Secret::new("pas une clé"), ..creds.clone() }).is_err());
    // No credentials: no heartbeat.
    assert_eq!(s.client.heartbeat(&beat("1.0.0", true)).await.unwrap_err(), BorneError::DeviceUnauthorized);
}

#[tokio::test]
async fn set_device_signs_the_requests_of_every_clone_and_can_stop() {
    let s = server().await;
    let creds = s.enrol("Agence de Mulhouse, borne 1").await;
    let shared = s.client.clone();
    s.client.set_device(Some(&creds)).unwrap();
    assert_eq!(shared.device_id().as_deref(), Some(creds.device_id.as_str()));
    shared.heartbeat(&beat("2.0.0", false)).await.unwrap();
    let status = s.devices().await.into_iter().find(|d| d.device_id == creds.device_id).unwrap();
    assert_eq!((status.version.as_deref(), status.healthy), (Some("2.0.0"), Some(false)));

    // A wrong key set later makes the same clone refused; None stops signing.
    let wrong = DeviceCredentials { key: Secret::new(URL_SAFE_NO_PAD.encode([1u8; 32])), ..creds.clone() };
    s.client.set_device(Some(&wrong)).unwrap();
    assert_eq!(shared.login(&jeanne(), &Secret::new("Mutuelle2024")).await.unwrap_err(), BorneError::DeviceUnauthorized);
    s.client.set_device(None).unwrap();
    shared.login(&jeanne(), &Secret::new("Mutuelle2024")).await.unwrap();
}

fn borne_server_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}
