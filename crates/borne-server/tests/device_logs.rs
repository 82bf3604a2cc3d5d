//! The device and throttling log lines hold no enrolment secret, device
//! key, signature, heartbeat detail or client address. Its own test binary:
//! it installs the process-wide tracing subscriber (at TRACE).

#[macro_use]
mod device_harness;

use borne_server::devices;
use borne_server::throttle::{Budget, ThrottleConfig};
use device_harness::*;
use reqwest::StatusCode;

on_each_backend! {
    logs_hold_no_secret_key_signature_detail_or_address(flavor = "multi_thread", worker_threads = 2),
}

async fn logs_hold_no_secret_key_signature_detail_or_address(backend: Backend) {
    let (captured, _turn) = capture_logs("trace").await;

    let config = loopback_counts(ThrottleConfig {
        per_address_sensitive: Budget { per_minute: 1, burst: 2 },
        per_device: Budget { per_minute: 1, burst: 1 },
        ..ThrottleConfig::default()
    });
    let h = Harness::start(&backend, device_config(), config).await;
    let (id, key) = h.enrol("Agence d'Épinal, borne 1").await;
    let body = heartbeat_body("1.0.0", true, "détail confidentiel de la borne");
    let t = now();
    let signature = devices::sign(&key, "POST", "/v1/devices/heartbeat", t, &body).unwrap();
    assert_eq!(h.post_with_signature("/v1/devices/heartbeat", &id, t, &signature, &body).await.status, StatusCode::NO_CONTENT);
    assert_eq!(h.post_with_signature("/v1/devices/heartbeat", &id, t, &signature, &body).await.code(), "device_unauthorized");
    h.heartbeat(&id, &key, "1.0.0", "encore").await.assert_throttled();
    assert_eq!(h.enrol_with(&h.http, "devinette-secrète", "Borne").await.code(), "device_unauthorized");
    h.enrol_with(&h.http, "devinette-secrète", "Borne").await.assert_throttled();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("device enrolled") && logs.contains("request throttled") && logs.contains("replayed"), "{logs}");
    assert!(logs.contains("limit=\"device\"") && logs.contains("limit=\"address_sensitive\""), "{logs}");
    for secret in [ENROLMENT_SECRET, "devinette-secrète", key.expose(), &signature, "détail confidentiel", "clé-de-dérivation"] {
        assert!(!logs.contains(secret), "{secret} logged");
    }
    for line in logs.lines().filter(|l| l.contains("request throttled")) {
        assert!(!line.contains("127.0.0.1"), "address logged: {line}");
    }
}
