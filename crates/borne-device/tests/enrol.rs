//! `enrol_or_load` with a `MemoryStore` against the real reference server
//! (SQLite in a temp dir, an enrolment secret and an admin token configured).

use borne_client::Client;
use borne_core::{Identifier, Secret};
use borne_device::{enrol, enrol_or_load, DeviceStore, EnrolError, MemoryStore, StoreError};
use std::sync::Arc;

// The same server as borne-client's tests.
#[path = "../../borne-client/tests/common/mod.rs"]
mod common;

use common::{server, ENROLMENT_SECRET};

fn secret() -> Secret {
    Secret::new(ENROLMENT_SECRET)
}

#[tokio::test]
async fn enrols_once_then_loads_from_the_store() {
    let s = server().await;
    let memory = Arc::new(MemoryStore::new());
    let store: Arc<dyn DeviceStore> = memory.clone();

    let creds = enrol_or_load(&store, &s.client, Some(&secret()), "Agence de Lille, borne 1", "1.2.3").await.unwrap();
    assert_eq!(memory.load_device().unwrap(), Some(creds.clone()));
    // The first heartbeat tells staff the version at once.
    let listed = s.devices().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].device_id, creds.device_id);
    assert_eq!((listed[0].name.as_str(), listed[0].version.as_deref()), ("Agence de Lille, borne 1", Some("1.2.3")));
    assert!(listed[0].last_seen.is_some());

    // A second start: the same identity, no new enrolment, no secret needed.
    let again = enrol_or_load(&store, &s.client, None, "Agence de Lille, borne 1", "1.2.3").await.unwrap();
    assert_eq!(again, creds);
    assert_eq!(s.devices().await.len(), 1);

    // The identity signs requests the server accepts, log-ins included.
    s.client.set_device(Some(&again)).unwrap();
    let jeanne = Identifier::parse("jeanne.martin@exemple.fr").unwrap();
    s.client.login(&jeanne, &Secret::new("Mutuelle2024")).await.unwrap();
}

#[tokio::test]
async fn without_a_secret_or_with_a_wrong_one_nothing_is_stored() {
    let s = server().await;
    let memory = Arc::new(MemoryStore::new());
    let store: Arc<dyn DeviceStore> = memory.clone();
    for missing in [None, Some(Secret::new("  "))] {
        let e = enrol_or_load(&store, &s.client, missing.as_ref(), "Borne", "1.0.0").await.unwrap_err();
        assert_eq!(e, EnrolError::NoEnrolmentSecret);
    }
    let e = enrol_or_load(&store, &s.client, Some(&Secret::new("pas-le-bon")), "Borne", "1.0.0").await.unwrap_err();
    assert_eq!(e, EnrolError::Refused);
    assert!(e.to_string().contains("secret d'inscription"), "{e}");
    assert_eq!(memory.load_device().unwrap(), None);
    assert!(s.devices().await.is_empty());
}

#[tokio::test]
async fn a_keyring_that_cannot_be_used_enrols_nothing() {
    let s = server().await;
    for failure in [StoreError::Locked, StoreError::Unavailable("no bus".into())] {
        let store: Arc<dyn DeviceStore> = Arc::new(MemoryStore::failing(failure.clone()));
        let e = enrol_or_load(&store, &s.client, Some(&secret()), "Borne", "1.0.0").await.unwrap_err();
        assert_eq!(e, EnrolError::Store(failure.clone()));
        assert_eq!(e.to_string(), failure.to_string());
    }
    // No orphan device on the server: the store was checked first.
    assert!(s.devices().await.is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_reported_and_damaged_credentials_are_refused() {
    let s = server().await;
    let addr = s.running.addr;
    drop(s);
    let down = Client::new(&format!("http://{addr}")).unwrap();
    let store: Arc<dyn DeviceStore> = Arc::new(MemoryStore::new());
    let e = enrol_or_load(&store, &down, Some(&secret()), "Borne", "1.0.0").await.unwrap_err();
    assert_eq!(e, EnrolError::BackendUnavailable);

    let damaged = borne_client::DeviceCredentials { device_id: "pas-un-id".into(), key: Secret::new("x") };
    store.save_device(&damaged).unwrap();
    let e = enrol_or_load(&store, &down, Some(&secret()), "Borne", "1.0.0").await.unwrap_err();
    assert!(matches!(e, EnrolError::BadCredentials(_)), "{e:?}");
}

#[tokio::test]
async fn enrol_replaces_an_identity_the_server_no_longer_knows() {
    let s = server().await;
    let memory = Arc::new(MemoryStore::new());
    let store: Arc<dyn DeviceStore> = memory.clone();
    let stale = borne_client::DeviceCredentials { device_id: "0123456789abcdef0123456789abcdef".into(), key: Secret::new("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") };
    memory.save_device(&stale).unwrap();
    let fresh = enrol(&store, &s.client, Some(&secret()), "Borne", "1.0.0").await.unwrap();
    assert_ne!(fresh.device_id, stale.device_id);
    assert_eq!(memory.load_device().unwrap(), Some(fresh));
}
