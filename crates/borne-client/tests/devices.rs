//! Kiosk devices through the client, against the real reference server
//! (SQLite in a temp dir, an enrolment secret and an admin token in its
//! configuration): enrolment, signed requests the server accepts, the
//! heartbeat in the admin list, refused keys.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_client::DeviceCredentials;
use borne_api::{EnrolDeviceRequest, HeartbeatRequest};
use borne_core::{BorneError, Identifier, Secret};

mod common;

use common::{server, Server, ENROLMENT_SECRET};

async fn enrol(s: &Server, name: &str) -> DeviceCredentials {
    let req = EnrolDeviceRequest { enrolment_secret: Secret::new(ENROLMENT_SECRET), name: name.into() };
    s.client.enrol_device(&req).await.unwrap().into()
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
    let creds = enrol(&s, "Agence de Strasbourg, borne 1").await;
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
    let creds = enrol(&s, "Agence de Metz, borne 1").await;
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
    let creds = enrol(&s, "Agence de Nancy, borne 1").await;
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
    let creds = enrol(&s, "Agence de Colmar, borne 1").await;
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
    let creds = enrol(&s, "Agence de Mulhouse, borne 1").await;
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
