//! The server's log output over a full scenario never holds a NIR, an e-mail
//! address, a password, a token or a birth date, on each database backend.
//! Its own test binary, since it installs the process-wide tracing subscriber
//! (at TRACE, for every crate, sqlx's drivers included).

#[macro_use]
mod common;

use common::{capture_logs, nir_with_key, Answer, Backend, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;

on_each_backend! {
    a_full_scenario_logs_no_secret(flavor = "multi_thread", worker_threads = 2),
}

async fn a_full_scenario_logs_no_secret(backend: Backend) {
    let (captured, _alone) = capture_logs("trace").await;

    let t = TestServer::start_on(&backend).await;
    let unknown_nir = nir_with_key("1850775123456");
    let typo_nir = format!("{}{:02}", &PAUL.nir[..13], 71);

    // Success, session, logout.
    let ok = t.login(JEANNE.nir, JEANNE.password).await;
    assert_eq!(ok.status, StatusCode::OK);
    let token = ok.token();
    assert_eq!(t.session(&token).await.status, StatusCode::OK);
    assert_eq!(t.logout(&token).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.session(&token).await.status, StatusCode::UNAUTHORIZED);
    // Wrong passwords up to the block, then the right one.
    for wrong in ["Mauvais2024", "Mauvais2025", "Mauvais2026", PAUL.password] {
        assert_ne!(t.login(PAUL.email, wrong).await.status, StatusCode::OK);
    }
    // Unknown profiles, a NIR with a wrong key, a malformed body quoting a NIR.
    assert_eq!(t.login(&unknown_nir, "Inconnu2024").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.login("personne.inconnue@exemple.fr", "Inconnu2024").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.login(&typo_nir, "Inconnu2024").await.status, StatusCode::BAD_REQUEST);
    let body = format!(r#"{{"identifier":{},"password":"Corps2024"}}"#, JEANNE.nir);
    let bad = t.http.post(t.url("/v1/login")).header("content-type", "application/json").body(body).send().await.unwrap();
    assert_eq!(Answer::read(bad).await.code(), "bad_request");
    // A refused member creation (duplicate e-mail).
    let dup = t
        .db
        .add_member(&borne_server::NewMember {
            nir: nir_with_key("2991299123456"),
            email: JEANNE.email.to_uppercase(),
            phone: Some("06 99 88 77 66".into()),
            birthdate: "24/12/1999".into(),
            member_number: "MPN-999".into(),
            first_name: "Double".into(),
            last_name: "Compte".into(),
            password: borne_core::Secret::new("Doublon2024"),
        })
        .await
        .unwrap_err();
    assert!(dup.downcast_ref::<borne_server::InvalidMember>().is_some(), "{dup:#}");
    t.server.shutdown().await;

    let log = captured.text();
    assert!(log.contains("outcome=\"wrong_password\"") && log.contains("outcome=\"unknown_profile\""), "log not captured:\n{log}");
    assert!(log.contains("member_id="), "{log}");
    let lower = log.to_lowercase();
    let secrets = [
        JEANNE.nir, JEANNE.nir_typed, &JEANNE.nir[..13], JEANNE.email, JEANNE.password,
        PAUL.nir, PAUL.nir_typed, &PAUL.nir[..13], PAUL.email, PAUL.password,
        &unknown_nir, &unknown_nir[..13], &typo_nir[..13], "personne.inconnue",
        "Mauvais2024", "Mauvais2025", "Mauvais2026", "Inconnu2024", "Corps2024", "Doublon2024", "2991299123456",
        &token, "1978-03-15", "15/03/1978", "1965-11-02", "02/11/1965", "24/12/1999", "06 12 34 56 78", "06 99 88 77 66",
    ];
    for s in secrets {
        assert!(!lower.contains(&s.to_lowercase()), "the log holds {s:?}:\n{log}");
    }
}
