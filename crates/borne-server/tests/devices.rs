//! Kiosk devices and throttling, through the device routes and their
//! layers without a socket (each request with its client's address), over a
//! real database (SQLite and PostgreSQL): enrolment, signed heartbeats, the admin list, refused signatures
//! (bad, old, replayed, revoked), and the per-address and per-device limits.

#[macro_use]
mod device_harness;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use borne_core::Secret;
use borne_server::devices::{self, DeviceConfig};
use borne_server::throttle::{Budget, ThrottleConfig};
use device_harness::*;

on_each_backend! {
    enrolment_needs_the_configured_secret,
    without_a_configured_secret_no_device_can_enrol_and_no_admin_can_list,
    a_signed_heartbeat_is_recorded_and_listed_with_last_seen,
    the_database_holds_no_device_key_and_the_key_survives_a_restart_with_the_same_secret,
    bad_old_replayed_unsigned_and_revoked_requests_are_refused,
    the_admin_list_needs_the_admin_token,
    each_address_has_its_own_budgets_sensitive_and_general,
    each_device_has_its_own_budget_whatever_the_address,
    loopback_clients_are_throttled_unless_the_operator_exempts_them,
}
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn enrolment_needs_the_configured_secret(backend: Backend) {
    let h = Harness::start(&backend, device_config(), loopback_exempt()).await;

    let ok = h.enrol_with(&h.http, ENROLMENT_SECRET, "Agence de Strasbourg, borne 2").await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let id = ok.body["device_id"].as_str().unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let key = URL_SAFE_NO_PAD.decode(ok.body["device_key"].as_str().unwrap()).unwrap();
    assert_eq!(key.len(), 32);
    // Another enrolment: another id, another key.
    let other = h.enrol_with(&h.http, ENROLMENT_SECRET, "Agence de Strasbourg, borne 3").await;
    assert_ne!(other.body["device_id"], ok.body["device_id"]);
    assert_ne!(other.body["device_key"], ok.body["device_key"]);

    for wrong in ["inscription-des-bornes-2023", "", "INSCRIPTION-DES-BORNES-2024"] {
        let refused = h.enrol_with(&h.http, wrong, "Borne pirate").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refused.code(), "device_unauthorized");
        assert!(refused.body["message"].as_str().unwrap().contains("borne n'est pas reconnue"));
    }
    // No secret at all, a name missing, empty or with control characters.
    let no_secret = h.http.post("/v1/devices").json(&json!({ "name": "Borne" })).send().await;
    assert_eq!(no_secret.code(), "bad_request");
    for name in ["", "   ", "Borne\u{7}", &"x".repeat(65)] {
        assert_eq!(h.enrol_with(&h.http, ENROLMENT_SECRET, name).await.code(), "bad_request", "{name:?}");
    }

    let list = h.admin_list(Some(ADMIN_TOKEN)).await;
    let names: Vec<&str> = list.body.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Agence de Strasbourg, borne 2", "Agence de Strasbourg, borne 3"]);
}

async fn without_a_configured_secret_no_device_can_enrol_and_no_admin_can_list(backend: Backend) {
    let config = DeviceConfig { enrolment_secret: None, admin_token: Some(Secret::new("")), ..device_config() };
    let h = Harness::start(&backend, config, loopback_exempt()).await;
    for guess in [ENROLMENT_SECRET, ""] {
        assert_eq!(h.enrol_with(&h.http, guess, "Borne").await.code(), "device_unauthorized");
    }
    for token in [Some(ADMIN_TOKEN), Some(""), None] {
        assert_eq!(h.admin_list(token).await.code(), "device_unauthorized");
    }
}

async fn a_signed_heartbeat_is_recorded_and_listed_with_last_seen(backend: Backend) {
    let h = Harness::start(&backend, device_config(), loopback_exempt()).await;
    let (id, key) = h.enrol("Agence de Metz, borne 1").await;

    let before = h.status_of(&id).await;
    assert_eq!(before["name"], "Agence de Metz, borne 1");
    assert_eq!(before["version"], Value::Null);
    assert_eq!(before["healthy"], Value::Null);
    assert_eq!(before["last_seen"], Value::Null);
    let enrolled_at = before["enrolled_at"].as_i64().unwrap();

    let sent_after = now();
    let beat = h.heartbeat(&id, &key, "1.4.2", "imprimante : papier bas").await;
    assert_eq!(beat.status, StatusCode::NO_CONTENT, "{}", beat.body);
    let received_before = now();

    let after = h.status_of(&id).await;
    assert_eq!(after["version"], "1.4.2");
    assert_eq!(after["healthy"], true);
    assert_eq!(after["detail"], "imprimante : papier bas");
    assert_eq!(after["enrolled_at"].as_i64().unwrap(), enrolled_at);
    let last_seen = after["last_seen"].as_i64().unwrap();
    assert!(sent_after <= last_seen && last_seen <= received_before, "{last_seen} not in [{sent_after}, {received_before}]");

    // An unhealthy kiosk without detail.
    let body = serde_json::to_vec(&json!({ "version": "1.4.3", "healthy": false })).unwrap();
    assert_eq!(h.signed_post("/v1/devices/heartbeat", &id, &key, now(), &body).await.status, StatusCode::NO_CONTENT);
    let after = h.status_of(&id).await;
    assert_eq!((after["version"].clone(), after["healthy"].clone(), after["detail"].clone()), (json!("1.4.3"), json!(false), Value::Null));

    // A signed request with a body the API refuses is still a 400.
    let body = heartbeat_body("", true, "");
    assert_eq!(h.signed_post("/v1/devices/heartbeat", &id, &key, now(), &body).await.code(), "bad_request");
}

async fn the_database_holds_no_device_key_and_the_key_survives_a_restart_with_the_same_secret(backend: Backend) {
    let h = Harness::start(&backend, device_config(), loopback_exempt()).await;
    let (id, key) = h.enrol("Agence de Nancy, borne 1").await;
    let raw_key = URL_SAFE_NO_PAD.decode(key.expose()).unwrap();
    let rows = h.pairs("SELECT id, name FROM devices").await;
    assert_eq!(rows, [(id.clone(), "Agence de Nancy, borne 1".to_owned())]);
    let dump = h.everything_stored().await;
    // The dump does hold what is stored (the device's name), not its key.
    assert!(dump.windows("Agence de Nancy".len()).any(|w| w == "Agence de Nancy".as_bytes()));
    assert!(!dump.windows(key.expose().len()).any(|w| w == key.expose().as_bytes()));
    assert!(!dump.windows(32).any(|w| w == raw_key.as_slice()));

    // Same key secret (a restart, another instance): the kiosk carries on.
    let same = h.another_instance(device_config()).await;
    assert_eq!(same.heartbeat(&id, &key, "2.0.0", "redémarrage").await.status, StatusCode::NO_CONTENT);
    // Another key secret: every key changed, the kiosk must enrol again.
    let changed = h.another_instance(DeviceConfig { key_secret: Secret::new("une autre clé"), ..device_config() }).await;
    assert_eq!(changed.heartbeat(&id, &key, "2.0.1", "après changement").await.code(), "device_unauthorized");
    assert_eq!(h.status_of(&id).await["version"], "2.0.0");
}

async fn bad_old_replayed_unsigned_and_revoked_requests_are_refused(backend: Backend) {
    let h = Harness::start(&backend, device_config(), loopback_exempt()).await;
    let (id, key) = h.enrol("Agence de Colmar, borne 1").await;
    let (other_id, other_key) = h.enrol("Agence de Colmar, borne 2").await;
    let path = "/v1/devices/heartbeat";
    let body = heartbeat_body("3.0.0", true, "signature valable");
    let refused = |a: Answer| {
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        assert_eq!(a.code(), "device_unauthorized");
    };

    // Tampered body, another device's key, another path, malformed signature.
    let t = now();
    let signature = devices::sign(&key, "POST", path, t, &body).unwrap();
    refused(h.post_with_signature(path, &id, t, &signature, &heartbeat_body("6.6.6", true, "signature valable")).await);
    refused(h.signed_post(path, &id, &other_key, t, &body).await);
    refused(h.post_with_signature(path, &other_id, t, &signature, &body).await);
    let elsewhere = devices::sign(&key, "POST", "/v1/devices", t, &body).unwrap();
    refused(h.post_with_signature(path, &id, t, &elsewhere, &body).await);
    refused(h.post_with_signature(path, &id, t, "pas-une-signature", &body).await);
    // A well-formed but unknown device id.
    refused(h.signed_post(path, &"0".repeat(32), &key, t, &body).await);

    // Timestamps more than 5 minutes away, in the past or the future.
    refused(h.signed_post(path, &id, &key, now() - 301, &body).await);
    refused(h.signed_post(path, &id, &key, now() + 301, &body).await);

    // Not signed at all, or a device header without the rest.
    refused(h.http.post(path).json(&json!({ "version": "3.0.0", "healthy": true })).send().await);
    refused(h.http.post(path).header("X-Borne-Device", &id).body(body.clone()).send().await);

    // None of them was recorded.
    assert_eq!(h.status_of(&id).await["version"], Value::Null);

    // A signature 4 minutes old is accepted once; sent again, refused.
    let t = now() - 240;
    let signature = devices::sign(&key, "POST", path, t, &body).unwrap();
    assert_eq!(h.post_with_signature(path, &id, t, &signature, &body).await.status, StatusCode::NO_CONTENT);
    refused(h.post_with_signature(path, &id, t, &signature, &body).await);
    assert_eq!(h.status_of(&id).await["version"], "3.0.0");

    // Deleting the device's row revokes it.
    h.exec("DELETE FROM devices WHERE id = $1", &[&id]).await;
    refused(h.heartbeat(&id, &key, "3.0.1", "après révocation").await);
    assert_eq!(h.heartbeat(&other_id, &other_key, "3.0.1", "toujours là").await.status, StatusCode::NO_CONTENT);
}

async fn the_admin_list_needs_the_admin_token(backend: Backend) {
    let h = Harness::start(&backend, device_config(), loopback_exempt()).await;
    h.enrol("Agence de Mulhouse, borne 1").await;
    for token in [None, Some("jeton-administrateur-de-tes"), Some(ENROLMENT_SECRET)] {
        let a = h.admin_list(token).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(a.code(), "device_unauthorized");
    }
    let basic = h.http.get("/v1/admin/devices").basic_auth("admin", Some(ADMIN_TOKEN)).send().await;
    assert_eq!(basic.code(), "device_unauthorized");
    let a = h.admin_list(Some(ADMIN_TOKEN)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body.as_array().unwrap().len(), 1);
}

async fn each_address_has_its_own_budgets_sensitive_and_general(backend: Backend) {
    let config = loopback_counts(ThrottleConfig {
        per_address_sensitive: Budget { per_minute: 1, burst: 3 },
        per_address: Budget { per_minute: 1, burst: 5 },
        ..ThrottleConfig::default()
    });
    let h = Harness::start(&backend, device_config(), config).await;
    let first = h.client_from([127, 0, 0, 1]);
    let second = h.client_from([127, 0, 0, 2]);

    // Enrolment is sensitive: 3 guesses, then 429, right secret or not.
    for _ in 0..3 {
        assert_eq!(h.enrol_with(&first, "devinette", "Borne").await.code(), "device_unauthorized");
    }
    h.enrol_with(&first, "devinette", "Borne").await.assert_throttled();
    h.enrol_with(&first, ENROLMENT_SECRET, "Borne").await.assert_throttled();
    // The admin list is sensitive too, in the same budget.
    first.get("/v1/admin/devices").bearer_auth(ADMIN_TOKEN).send().await.assert_throttled();

    // Another address is not affected.
    let other = h.enrol_with(&second, ENROLMENT_SECRET, "Borne de la deuxième adresse").await;
    assert_eq!(other.status, StatusCode::CREATED);

    // The general budget of the first address is separate: 5 requests (an
    // unknown path is throttled like any endpoint), then 429.
    for _ in 0..5 {
        let a = first.get("/v1/inconnu").send().await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
    }
    first.get("/v1/inconnu").send().await.assert_throttled();
    assert_eq!(second.get("/v1/inconnu").send().await.status, StatusCode::NOT_FOUND);
}

async fn each_device_has_its_own_budget_whatever_the_address(backend: Backend) {
    let config = loopback_counts(ThrottleConfig { per_device: Budget { per_minute: 1, burst: 3 }, ..ThrottleConfig::default() });
    let h = Harness::start(&backend, device_config(), config).await;
    let (a, key_a) = h.enrol("Agence de Belfort, borne 1").await;
    let (b, key_b) = h.enrol("Agence de Belfort, borne 2").await;

    for i in 0..3 {
        let beat = h.heartbeat(&a, &key_a, "1.0.0", &format!("battement {i}")).await;
        assert_eq!(beat.status, StatusCode::NO_CONTENT, "{}", beat.body);
    }
    h.heartbeat(&a, &key_a, "1.0.0", "battement de trop").await.assert_throttled();
    assert_eq!(h.status_of(&a).await["detail"], "battement 2");

    // The other kiosk, same address: its own budget.
    assert_eq!(h.heartbeat(&b, &key_b, "1.0.0", "borne 2").await.status, StatusCode::NO_CONTENT);
    // The address itself is not throttled: requests without a device pass.
    assert_eq!(h.admin_list(Some(ADMIN_TOKEN)).await.status, StatusCode::OK);
}

async fn loopback_clients_are_throttled_unless_the_operator_exempts_them(backend: Backend) {
    // By default a loopback client is a client like any other (a reverse
    // proxy on the same host makes every client look local): 10 guesses, then 429.
    let h = Harness::start(&backend, device_config(), ThrottleConfig::default()).await;
    for _ in 0..10 {
        assert_eq!(h.enrol_with(&h.http, "devinette", "Borne").await.code(), "device_unauthorized");
    }
    h.enrol_with(&h.http, "devinette", "Borne").await.assert_throttled();
    // Exempt when the operator says so.
    let h = Harness::start(&backend, device_config(), loopback_exempt()).await;
    for _ in 0..40 {
        assert_eq!(h.enrol_with(&h.http, "devinette", "Borne").await.code(), "device_unauthorized");
    }
    // Devices keep their budget on an exempt loopback too.
    let h = Harness::start(&backend, device_config(), ThrottleConfig { per_device: Budget { per_minute: 1, burst: 1 }, ..loopback_exempt() }).await;
    let (id, key) = h.enrol("Borne de démonstration").await;
    assert_eq!(h.heartbeat(&id, &key, "1.0.0", "un").await.status, StatusCode::NO_CONTENT);
    h.heartbeat(&id, &key, "1.0.0", "deux").await.assert_throttled();
    // And a disabled throttle lets everything through.
    let off = ThrottleConfig { enabled: false, ..loopback_counts(ThrottleConfig { per_address_sensitive: Budget { per_minute: 1, burst: 1 }, ..ThrottleConfig::default() }) };
    let h = Harness::start(&backend, device_config(), off).await;
    for _ in 0..5 {
        assert_eq!(h.enrol_with(&h.http, "devinette", "Borne").await.code(), "device_unauthorized");
    }
}
