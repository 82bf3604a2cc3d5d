//! Delivery never loses a message (issue 17): a real SMTP listener and a
//! real HTTP SMS gateway on loopback, the real server (in this process, or
//! as a child process killed with SIGKILL), SQLite and PostgreSQL.

#[macro_use]
mod common;
mod support_delivery;

use borne_server::delivery::SmsGatewayConfig;
use borne_server::ServerConfig;
use common::{Backend, TestDatabase, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};
use support_delivery::{free_port, Rcpt, SmsGateway, SmtpServer};

on_each_backend! {
    relay_down_when_the_request_arrives_and_up_ten_seconds_later_delivers_once,
    kill_9_right_after_the_answer_then_a_restart_delivers_once,
    relay_down_until_the_code_expires_sends_nothing_and_audits_the_drop,
    gateway_500_twice_then_200_sends_one_sms_and_400_is_not_retried,
    two_replicas_send_fifty_queued_messages_once_each(flavor = "multi_thread", worker_threads = 4),
    queued_content_is_sealed_at_rest_and_gone_after_delivery,
    a_shutdown_leaves_the_message_queued_for_the_next_start,
}

const OUTBOX_KEY: &str = common::OUTBOX_KEY;

fn config(smtp_port: u16) -> ServerConfig {
    common::relay_config(smtp_port)
}

async fn forgot(s: &TestServer) {
    s.forgot_jeanne().await
}

async fn until(s: &TestServer, sql: &str, n: i64) {
    s.until(sql, n).await
}

async fn audited(s: &TestServer, kind: &str) -> i64 {
    s.count(&format!("SELECT COUNT(*) FROM audit_events WHERE kind = '{kind}'")).await
}

async fn metrics(s: &TestServer) -> String {
    s.http.get(s.url("/metrics")).send().await.unwrap().text().await.unwrap()
}




async fn relay_down_when_the_request_arrives_and_up_ten_seconds_later_delivers_once(backend: Backend) {
    let port = free_port();
    let s = TestServer::start_with(&backend, config(port)).await;
    let asked = Instant::now();
    forgot(&s).await;
    until(&s, "SELECT COUNT(*) FROM audit_events WHERE kind = 'message_deferred'", 1).await;
    let m = metrics(&s).await;
    assert!(m.contains("borne_outbox_pending{channel=\"email\"} 1"), "{m}");
    assert!(m.contains("borne_outbox_retried_total{channel=\"email\"}"), "{m}");

    tokio::time::sleep(Duration::from_secs(10).saturating_sub(asked.elapsed())).await;
    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    let mail = relay.next().await;
    assert_eq!(mail.rcpt_to, vec![JEANNE.email.to_string()]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(relay.try_next().await.is_none(), "delivered once");
    assert_eq!(s.count("SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND sealed IS NULL").await, 1);
    assert!(metrics(&s).await.contains("borne_outbox_sent_total{channel=\"email\"} 1"));
}

async fn kill_9_right_after_the_answer_then_a_restart_delivers_once(backend: Backend) {
    let database = TestDatabase::create(&backend).await;
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join("borne-server.toml");
    std::fs::write(
        &config_file,
        format!(
            "[server]\noutbox_key = \"{OUTBOX_KEY}\"\npepper = \"poivre des codes, au moins trente-deux caractères\"\n\
             [delivery]\nretry_first_ms = 200\nretry_max_secs = 1\n[delivery.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
             [throttle]\nexempt_loopback = true\n"
        ),
    )
    .unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let start = || {
        Killed(std::process::Command::new(env!("CARGO_BIN_EXE_borne-server"))
            .args(["serve", "--demo", "--listen", &listen, "--database-url", database.url(), "--config"])
            .arg(&config_file)
            .env("BORNE_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap())
    };
    let http = reqwest::Client::new();
    let ready = |http: reqwest::Client, listen: String| async move {
        for _ in 0..300 {
            if http.get(format!("http://{listen}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server never became ready");
    };
    let mut child = start();
    ready(http.clone(), listen.clone()).await;
    let body = json!({ "identifier": JEANNE.nir, "member_number": common::JEANNE_NUMBER, "email": JEANNE.email });
    let answer = http.post(format!("http://{listen}/v1/password/forgot")).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::ACCEPTED);
    child.0.kill().unwrap(); // SIGKILL, right after the answer
    child.0.wait().unwrap();

    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    let child = start();
    ready(http.clone(), listen.clone()).await;
    // A form or a message the killed process had in hand is taken again when
    // its lease ends (10 s for a form): wait longer than `next()` does.
    let mail = relay.next_within(Duration::from_secs(40)).await;
    assert_eq!(mail.rcpt_to, vec![JEANNE.email.to_string()]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(relay.try_next().await.is_none(), "delivered once");
    drop(child);
}

/// A child server, killed (SIGKILL) when dropped, a failed assertion included.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn relay_down_until_the_code_expires_sends_nothing_and_audits_the_drop(backend: Backend) {
    let port = free_port();
    let s = TestServer::start_with(&backend, config(port)).await;
    forgot(&s).await;
    until(&s, "SELECT COUNT(*) FROM audit_events WHERE kind = 'message_deferred'", 1).await;
    // The code's 30 minutes pass while the relay is down.
    s.exec("UPDATE one_time_proofs SET expires_at = 0").await;
    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    until(&s, "SELECT COUNT(*) FROM outbox WHERE state = 'dropped' AND sealed IS NULL", 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(relay.try_next().await.is_none(), "an expired code is never sent late");
    assert_eq!(audited(&s, "message_dropped").await, 1);
    assert!(metrics(&s).await.contains("borne_outbox_dropped_total{channel=\"email\"} 1"));
}

/// Blocks Paul (who has a metropolitan mobile) and asks for his SMS.
async fn ask_for_the_sms(s: &TestServer) {
    for _ in 0..3 {
        s.login(PAUL.nir, "Mauvais1Passe").await;
    }
    let start = common::Answer::read(s.http.post(s.url("/v1/unlock")).json(&json!({ "nir": PAUL.nir, "birthdate": "02/11/1965" })).send().await.unwrap()).await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    let id = start.body["unlock_id"].as_str().unwrap().to_owned();
    let sent = s.http.post(s.url("/v1/unlock/send")).json(&json!({ "unlock_id": id, "channel": "sms" })).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
}

fn with_gateway(gateway: &SmsGateway) -> ServerConfig {
    let mut config = config(free_port());
    config.delivery.sms_gateway = Some(SmsGatewayConfig { url: gateway.url(), bearer_token: None, sender: "MGEN".into() });
    config
}

async fn gateway_500_twice_then_200_sends_one_sms_and_400_is_not_retried(backend: Backend) {
    let flaky = SmsGateway::start_scripted(vec![StatusCode::INTERNAL_SERVER_ERROR, StatusCode::INTERNAL_SERVER_ERROR, StatusCode::OK]).await;
    let s = TestServer::start_with(&backend, with_gateway(&flaky)).await;
    ask_for_the_sms(&s).await;
    let answers: Vec<StatusCode> = vec![flaky.next().await.answered, flaky.next().await.answered, flaky.next().await.answered];
    assert_eq!(answers, [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::INTERNAL_SERVER_ERROR, StatusCode::OK]);
    until(&s, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND state = 'sent'", 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(flaky.try_next().await.is_none(), "one SMS, not sent again once accepted");
    assert_eq!(audited(&s, "message_deferred").await, 2);

    let refusing = SmsGateway::start(StatusCode::BAD_REQUEST).await;
    let s = TestServer::start_with(&backend, with_gateway(&refusing)).await;
    ask_for_the_sms(&s).await;
    assert_eq!(refusing.next().await.answered, StatusCode::BAD_REQUEST);
    until(&s, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND state = 'failed' AND sealed IS NULL", 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(refusing.try_next().await.is_none(), "a 400 is not retried");
    assert_eq!(audited(&s, "message_failed").await, 1);
    assert_eq!(audited(&s, "message_deferred").await, 0);
}

async fn two_replicas_send_fifty_queued_messages_once_each(backend: Backend) {
    let port = free_port();
    let s = TestServer::start_with(&backend, config(port)).await;
    let r = s.replica().await;
    let mut members = Vec::new();
    for i in 0..50 {
        let nir = common::nir_with_key(&format!("1850175{:06}", i + 1));
        let email = format!("adherent{i}@exemple.fr");
        s.add(&nir, &email, "Mutuelle2024").await;
        members.push((nir, email));
    }
    for (i, (nir, email)) in members.iter().enumerate() {
        let base = if i % 2 == 0 { s.base.clone() } else { r.base.clone() };
        let body = json!({ "identifier": nir, "member_number": format!("T-{nir}"), "email": email });
        let resp = s.http.post(format!("{base}/v1/password/forgot")).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::ACCEPTED);
    }
    until(&s, "SELECT COUNT(*) FROM outbox WHERE kind = 'reset_password'", 50).await;
    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    let mut received = std::collections::BTreeSet::new();
    for _ in 0..50 {
        let mail = relay.next().await;
        assert!(received.insert(mail.rcpt_to.join(",")), "sent twice: {:?}", mail.rcpt_to);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(relay.try_next().await.is_none(), "no duplicate");
    assert_eq!(received.len(), 50);
    assert_eq!(s.count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'").await, 50);
}

async fn queued_content_is_sealed_at_rest_and_gone_after_delivery(backend: Backend) {
    let port = free_port();
    let s = TestServer::start_with(&backend, config(port)).await;
    forgot(&s).await;
    until(&s, "SELECT COUNT(*) FROM audit_events WHERE kind = 'message_deferred'", 1).await;
    // What is stored: no link, no subject, no text, no recipient.
    assert_eq!(s.count("SELECT COUNT(*) FROM outbox WHERE sealed IS NOT NULL").await, 1);
    for clear in ["token=", "Réinitialisation", JEANNE.email] {
        let sql = format!("SELECT COUNT(*) FROM outbox WHERE sealed LIKE '%{clear}%'");
        assert_eq!(s.count(&sql).await, 0, "{clear}");
    }
    let files = || -> Vec<u8> {
        let Some(path) = s.database.url().strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap().to_owned()) else { return Vec::new() };
        let mut bytes = std::fs::read(&path).unwrap_or_default();
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        bytes
    };
    let contains = |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!contains(&files(), "token="), "the link is not in the database file in clear");

    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    let mail = relay.next().await;
    let text = String::from_utf8_lossy(&mail.data).into_owned();
    let code = text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned();
    until(&s, "SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND sealed IS NULL", 1).await;
    let bytes = files();
    for clear in ["token=".to_owned(), format!("demande\u{a0}:\n{code}"), "Bonjour Jeanne".to_owned()] {
        assert!(!contains(&bytes, &clear), "{clear:?} is in the database file in clear");
    }
}

async fn a_shutdown_leaves_the_message_queued_for_the_next_start(backend: Backend) {
    let port = free_port();
    let s = TestServer::start_with(&backend, config(port)).await;
    forgot(&s).await;
    until(&s, "SELECT COUNT(*) FROM audit_events WHERE kind = 'message_deferred'", 1).await;
    let TestServer { server, database, db, config, .. } = s;
    server.shutdown().await;
    let pending = |database: &TestDatabase| {
        let url = database.url().to_owned();
        async move {
            use sqlx::Connection;
            let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND sealed IS NOT NULL").fetch_one(&mut conn).await.unwrap();
            n
        }
    };
    assert_eq!(pending(&database).await, 1, "still queued after the shutdown");
    // The next start, relay up: sent.
    let relay = SmtpServer::start_on(port, Rcpt::Accept).await;
    let again = borne_server::spawn(db.clone(), std::net::SocketAddr::from(([127, 0, 0, 1], 0)), config).await.unwrap();
    assert_eq!(relay.next().await.rcpt_to, vec![JEANNE.email.to_string()]);
    again.shutdown().await;
    drop(database);
}

/// `/metrics` moves when a public form matched an account: only the
/// configured addresses may read it (loopback by default).
#[tokio::test]
async fn metrics_are_served_only_to_the_configured_addresses() {
    let mut config = common::local_config();
    config.metrics_from = vec!["127.0.0.2/32".parse().unwrap()];
    let s = TestServer::start_with(&Backend::Sqlite, config).await;
    let from = |last: u8| reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, last])).build().unwrap();
    let refused = from(1).get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let served = from(2).get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert!(served.text().await.unwrap().contains("borne_outbox_pending"));
}
