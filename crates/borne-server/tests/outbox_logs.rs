//! What the outbox logs, in its own test binary: it installs the
//! process-wide tracing subscriber (per-thread subscribers of parallel tests
//! lose events), and its tests take turns (each reads the log from empty).

#[macro_use]
mod common;
mod support_delivery;

use common::{capture_logs, Backend, TestServer, JEANNE};
use std::time::Duration;
use support_delivery::{free_port, Rcpt, SmtpServer};

on_each_backend! {
    the_log_says_queued_then_failed_then_sent_without_the_content,
}

/// The log says queued, failed (will retry at …), then sent, and never the
/// content nor the recipient.
async fn the_log_says_queued_then_failed_then_sent_without_the_content(backend: Backend) {
    let (logs, _turn) = capture_logs("info").await;
    let port = free_port();
    let s = TestServer::start_with(&backend, common::relay_config(port)).await;
    s.forgot_jeanne().await;
    s.until( "SELECT COUNT(*) FROM audit_events WHERE kind = 'message_deferred'", 1).await;
    assert!(!logs.text().contains("message sent"), "never \"sent\" before it was");
    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    let text = String::from_utf8_lossy(&relay.next().await.data).into_owned();
    for _ in 0..100 {
        if logs.text().contains("message sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = logs.text();
    let (queued, failed, sent) = (log.find("message queued"), log.find("message failed (will retry at "), log.find("message sent"));
    assert!(queued.is_some() && failed.is_some() && sent.is_some(), "{log}");
    assert!(queued < failed && failed < sent, "{log}");
    let code = text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned();
    for secret in [JEANNE.email, code.as_str(), "token="] {
        assert!(!log.contains(secret), "the logs hold {secret:?}");
    }
}

