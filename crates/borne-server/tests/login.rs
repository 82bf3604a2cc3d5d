//! Log-in, sessions and the lockout, on each database backend (`sqlite::*`
//! and `postgres::*` tests): through the router without a socket
//! (`TestRouter`), but for the shutdown, which needs a served socket.

#[macro_use]
mod common;

use common::{nir_with_key, Backend, TestRouter, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;

on_each_backend! {
    success_gives_a_token_for_the_session_and_logout_revokes_it,
    bad_or_missing_tokens_are_session_expired,
    canonical_nir_and_email_in_any_case_are_accepted,
    three_wrong_passwords_block_the_account_even_for_the_right_one,
    a_success_resets_the_count,
    unknown_profile_invalid_identifiers_and_passwords,
    malformed_requests_are_json_bad_request,
    health_and_readiness,
    twenty_concurrent_guesses_get_at_most_three_passwords_checked(flavor = "multi_thread", worker_threads = 4),
    shutdown_stops_serving,
}

async fn success_gives_a_token_for_the_session_and_logout_revokes_it(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    let ok = t.login(JEANNE.nir, JEANNE.password).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["expires_in_secs"], 1800);
    assert_eq!(ok.body["member"]["first_name"], JEANNE.first_name);
    let token = ok.token();
    assert_eq!(token.len(), 43, "32 bytes in base64url without padding");

    let me = t.session(&token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["first_name"], JEANNE.first_name);
    assert_eq!(me.body["last_name"], JEANNE.last_name);

    let out = t.logout(&token).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let again = t.logout(&token).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT, "logout is idempotent");

    let gone = t.session(&token).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    assert_eq!(gone.code(), "session_expired");
}

async fn bad_or_missing_tokens_are_session_expired(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    for headers in [
        &[("authorization", "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")][..],
        &[],
        &[("authorization", "Basic YTpi")],
    ] {
        let answer = t.oneshot("GET", "/v1/session", headers).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::UNAUTHORIZED, "session_expired"), "{headers:?}");
    }
}

async fn canonical_nir_and_email_in_any_case_are_accepted(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    assert_eq!(t.login(PAUL.nir, PAUL.password).await.status, StatusCode::OK, "Corsican NIR, canonical");
    assert_eq!(t.login("165112a00411870", PAUL.password).await.status, StatusCode::OK, "2a in lower case");
    assert_eq!(t.login("Jeanne.MARTIN@Exemple.fr", JEANNE.password).await.status, StatusCode::OK);
    assert_eq!(t.login(JEANNE.email, JEANNE.password).await.status, StatusCode::OK);
    // Spaces are the client's job, but the same borne-core parser tolerates them.
    assert_eq!(t.login(JEANNE.nir_typed, JEANNE.password).await.status, StatusCode::OK);
}

async fn three_wrong_passwords_block_the_account_even_for_the_right_one(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    let first = t.login(JEANNE.nir, "Mauvais2024").await;
    assert_eq!((first.status, first.code()), (StatusCode::UNAUTHORIZED, "wrong_password"));
    assert_eq!(first.body["attempts_left"], 2);
    assert!(first.body["message"].as_str().unwrap().starts_with("Mot de passe incorrect"));

    let second = t.login(JEANNE.email, "Mauvais2024").await;
    assert_eq!((second.status, second.code()), (StatusCode::UNAUTHORIZED, "wrong_password"));
    assert_eq!(second.body["attempts_left"], 1);

    let third = t.login(JEANNE.nir, "Mauvais2024").await;
    assert_eq!((third.status, third.code()), (StatusCode::LOCKED, "account_blocked"), "blocked at the 3rd failure");
    assert!(third.body["message"].as_str().unwrap().contains("Débloquez votre compte"));

    let checks = t.metrics.password_checks();
    let right = t.login(JEANNE.nir, JEANNE.password).await;
    assert_eq!((right.status, right.code()), (StatusCode::LOCKED, "account_blocked"));
    assert_eq!(t.metrics.password_checks(), checks, "a blocked account's password is not even checked");

    // The other member is untouched.
    assert_eq!(t.login(PAUL.email, PAUL.password).await.status, StatusCode::OK);
}

async fn a_success_resets_the_count(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    for failures in [1, 2] {
        for _ in 0..failures {
            assert_eq!(t.login(JEANNE.nir, "Mauvais2024").await.status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(t.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::OK);
    }
    // Two more failures after the reset: still 2, then 1 attempts left.
    assert_eq!(t.login(JEANNE.nir, "Mauvais2024").await.body["attempts_left"], 2);
    assert_eq!(t.login(JEANNE.nir, "Mauvais2024").await.body["attempts_left"], 1);
    assert_eq!(t.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::OK);
}

async fn unknown_profile_invalid_identifiers_and_passwords(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    let unknown = t.login(&nir_with_key("1850775123456"), "Nimporte2024").await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::NOT_FOUND, "unknown_profile"));
    assert!(unknown.body["message"].as_str().unwrap().starts_with("Ce profil est inconnu"));
    let unknown_mail = t.login("personne@exemple.fr", "Nimporte2024").await;
    assert_eq!((unknown_mail.status, unknown_mail.code()), (StatusCode::NOT_FOUND, "unknown_profile"));

    let wrong_key = format!("{}35", &JEANNE.nir[..13]); // the right key is 34
    let key = t.login(&wrong_key, JEANNE.password).await;
    assert_eq!((key.status, key.code()), (StatusCode::BAD_REQUEST, "nir_key"));
    let short = t.login("12345", JEANNE.password).await;
    assert_eq!((short.status, short.code()), (StatusCode::BAD_REQUEST, "nir_length"));
    let mail = t.login("jeanne@", JEANNE.password).await;
    assert_eq!((mail.status, mail.code()), (StatusCode::BAD_REQUEST, "email_invalid"));
    let empty_id = t.login("  ", JEANNE.password).await;
    assert_eq!((empty_id.status, empty_id.code()), (StatusCode::BAD_REQUEST, "identifier_missing"));

    let empty = t.login(JEANNE.nir, "").await;
    assert_eq!((empty.status, empty.code()), (StatusCode::BAD_REQUEST, "password_missing"));
    let long = t.login(JEANNE.nir, &"Aa1".repeat(43)).await;
    assert_eq!((long.status, long.code()), (StatusCode::BAD_REQUEST, "bad_request"));

    assert_eq!(t.metrics.password_checks(), 0, "none of these reached a password check");
    // None of them counted as a failure either.
    assert_eq!(t.login(JEANNE.nir, "Mauvais2024").await.body["attempts_left"], 2);
}

async fn malformed_requests_are_json_bad_request(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    let t = &t;
    let send = |body: &'static str, content_type: &'static str| async move { t.send("POST", "/v1/login", &[("content-type", content_type)], body).await };
    for (body, ct) in [
        ("{not json", "application/json"),
        (r#"{"identifier":"a@b.fr","password":"x","extra":1}"#, "application/json"),
        (r#"{"identifier":"a@b.fr"}"#, "application/json"),
        (r#"{"identifier":1,"password":"x"}"#, "application/json"),
        (r#"{"identifier":"a@b.fr","password":"x"}"#, "text/plain"),
        ("", "application/json"),
    ] {
        let a = send(body, ct).await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, "bad_request"), "{body} as {ct}");
        assert!(!a.body["message"].as_str().unwrap().is_empty());
    }
    let missing_ct = t.send("POST", "/v1/login", &[], "{}").await;
    assert_eq!((missing_ct.status, missing_ct.code()), (StatusCode::BAD_REQUEST, "bad_request"));

    let nowhere = t.oneshot("GET", "/v2/nothing", &[]).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(nowhere.code(), "bad_request", "unknown routes answer JSON too");
    let wrong_method = t.oneshot("GET", "/v1/login", &[]).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.code(), "bad_request");
}

async fn health_and_readiness(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    let h = t.oneshot("GET", "/healthz", &[]).await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, Some("ok")));
    assert_eq!(t.oneshot("GET", "/readyz", &[]).await.status, StatusCode::OK);
    t.db.close().await;
    let down = t.oneshot("GET", "/readyz", &[]).await;
    assert_eq!((down.status, down.code()), (StatusCode::SERVICE_UNAVAILABLE, "backend_unavailable"));
}

async fn twenty_concurrent_guesses_get_at_most_three_passwords_checked(backend: Backend) {
    let t = TestRouter::on(&backend).await;
    let victim = nir_with_key("2850675123001");
    t.add(&victim, "victime@exemple.fr", "Victime2024").await;

    // Twenty tasks at once on the runtime's 4 threads, each with its own
    // clone of the router: concurrent requests, without the sockets.
    let guesses = (0..20).map(|i| {
        let router = t.router.clone();
        let body = serde_json::json!({ "identifier": victim, "password": format!("Essai{i:02}Faux") }).to_string();
        tokio::spawn(async move {
            let request = axum::http::Request::post("/v1/login").header("content-type", "application/json").body(body.into()).unwrap();
            common::answer_of(router, request).await
        })
    });
    let mut answers = Vec::new();
    for g in guesses.collect::<Vec<_>>() {
        answers.push(g.await.unwrap());
    }
    let checks = t.metrics.password_checks();
    assert!((1..=3).contains(&checks), "{checks} passwords checked for 20 concurrent guesses");
    for a in &answers {
        match a.code() {
            "wrong_password" => assert_eq!(a.status, StatusCode::UNAUTHORIZED),
            "account_blocked" => assert_eq!(a.status, StatusCode::LOCKED),
            "too_many_requests" => {
                assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
                assert!(a.retry_after.is_some());
            }
            other => panic!("unexpected answer {other}: {}", a.body),
        }
    }
    let wrong: Vec<u64> = answers.iter().filter(|a| a.code() == "wrong_password").map(|a| a.body["attempts_left"].as_u64().unwrap()).collect();
    assert!(wrong.len() <= 2, "at most 2 'wrong password' answers before the block: {wrong:?}");
    assert!(answers.iter().any(|a| a.code() == "account_blocked"), "the account got blocked");

    // Blocked for good: even the right password is refused, unchecked.
    let right = t.login(&victim, "Victime2024").await;
    assert_eq!((right.status, right.code()), (StatusCode::LOCKED, "account_blocked"));
    assert_eq!(t.metrics.password_checks(), checks);
}

async fn shutdown_stops_serving(backend: Backend) {
    let t = TestServer::start_on(&backend).await;
    let url = t.url("/healthz");
    assert!(t.http.get(&url).send().await.is_ok());
    t.server.shutdown().await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}
