//! The web pages of the e-mails' links log no token, no password, no
//! anti-CSRF value: the whole path through them (link opened, checklist,
//! refusals, success, dead link) at TRACE for every crate (hyper, axum,
//! sqlx included: no access log, no request line holds the query). Its own
//! test binary: it installs the process-wide tracing subscriber.

#[macro_use]
mod common;

use common::{capture_logs, Backend, TestServer, JEANNE};
use reqwest::StatusCode;
use serde_json::Value;

on_each_backend! {
    the_pages_log_no_token_and_no_password(flavor = "multi_thread", worker_threads = 2),
}

async fn the_pages_log_no_token_and_no_password(backend: Backend) {
    let (captured, _alone) = capture_logs("trace").await;
    let mut config = common::local_config();
    config.delivery.outbox = true;
    let s = TestServer::start_with(&backend, config).await;
    s.forgot_jeanne().await;
    let mut text = String::new();
    for _ in 0..250 {
        let entries: Vec<Value> = s.http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
        if let Some(t) = entries.iter().find_map(|e| e["text"].as_str().filter(|t| t.contains("token="))) {
            text = t.to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let link = text.split_whitespace().find(|w| w.contains("/compte/mot-de-passe?token=")).expect("the page's link").to_owned();
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let page = s.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = cookie.split_once('=').unwrap().1.to_owned();
    let post = |path: &'static str, fields: Vec<(&'static str, String)>, cookie: Option<String>| {
        let s = &s;
        async move {
            let mut req = s.http.post(s.url(path)).form(&fields);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            req.send().await.unwrap().status()
        }
    };
    let form = |new: &str, confirmation: &str| {
        vec![("token", token.clone()), ("csrf", csrf.clone()), ("new_password", new.to_owned()), ("new_password_confirmation", confirmation.to_owned())]
    };
    let checklist = vec![("token", token.clone()), ("csrf", csrf.clone()), ("password", "Verifie-Tape-9".to_owned()), ("confirmation", "Verifie-Tape".to_owned())];
    assert_eq!(post("/compte/regles", checklist, Some(cookie.clone())).await, StatusCode::OK);
    assert_eq!(post("/compte/mot-de-passe", form("Refuse-Sans-Cookie-5", "Refuse-Sans-Cookie-5"), None).await, StatusCode::FORBIDDEN);
    assert_eq!(post("/compte/mot-de-passe", form("court", "court"), Some(cookie.clone())).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post("/compte/mot-de-passe", form("Colibri-Vert-42", "Colibri-Vert-42"), Some(cookie.clone())).await, StatusCode::OK);
    assert_eq!(s.http.get(&link).send().await.unwrap().status(), StatusCode::GONE);
    assert_eq!(post("/compte/mot-de-passe", form("Encore-Une-Fois-3", "Encore-Une-Fois-3"), Some(cookie.clone())).await, StatusCode::GONE);
    assert_eq!(s.login(JEANNE.nir, "Colibri-Vert-42").await.status, StatusCode::OK);
    s.server.shutdown().await;

    let log = captured.text();
    assert!(log.contains("password page") && log.contains("outcome=\"csrf_refused\"") && log.contains("outcome=\"password_set\""), "log not captured:\n{log}");
    for secret in [token.as_str(), &token[..16], csrf.as_str(), &csrf[..16], "Verifie-Tape", "Refuse-Sans-Cookie-5", "Colibri-Vert-42", "Encore-Une-Fois-3", JEANNE.nir, JEANNE.email] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    assert!(!log.contains("token="), "no query string in the log:\n{log}");
}
