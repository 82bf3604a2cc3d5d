//! The real reference server for the client's tests (and borne-device's,
//! which include this file): SQLite in a temp dir, the demo members, the
//! demo outbox, an enrolment secret and an admin token for kiosk devices.
#![allow(dead_code)]

use borne_client::Client;
use borne_api::DeviceStatus;
use borne_core::Secret;
use borne_server::devices::DeviceConfig;

pub const ENROLMENT_SECRET: &str = "inscription-des-bornes-2024";
pub const ADMIN_TOKEN: &str = "jeton-admin-des-bornes";

pub struct Server {
    pub running: borne_server::RunningServer,
    /// Unsigned until a test gives it a device.
    pub client: Client,
    _dir: tempfile::TempDir,
}

pub async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = borne_server::demo::config();
    config.devices = DeviceConfig {
        enrolment_secret: Some(Secret::new(ENROLMENT_SECRET)),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        ..DeviceConfig::default()
    };
    let running = borne_server::demo::serve(dir.path(), config).await.unwrap();
    let client = Client::new(&format!("http://{}", running.addr)).unwrap();
    Server { running, client, _dir: dir }
}

impl Server {
    /// `GET /v1/admin/devices` with the admin token: the devices the tests
    /// enrolled, without the demo database's own kiosk (the one of its
    /// members' log-in history, `borne_server::demo`).
    pub async fn devices(&self) -> Vec<DeviceStatus> {
        let resp = reqwest::Client::new()
            .get(format!("http://{}/v1/admin/devices", self.running.addr))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        let all: Vec<DeviceStatus> = resp.json().await.unwrap();
        all.into_iter().filter(|d| d.device_id != DEMO_KIOSK_ID).collect()
    }
}

/// The id of the demo database's kiosk (« Agence de Nancy, borne 1 »).
const DEMO_KIOSK_ID: &str = "0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e";
