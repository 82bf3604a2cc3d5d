//! The security rules under attack: requests fired at the same moment (a
//! barrier, not a loop), requests already in flight when the state changes,
//! and two server instances over one database (two replicas behind a load
//! balancer), on SQLite and PostgreSQL (issue 12).

#[macro_use]
mod common;

use borne_core::Secret;
use borne_server::devices;
use common::{at_once, Answer, Backend, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

on_each_backend! {
    a_reset_wins_over_every_log_in_in_flight_on_two_replicas(flavor = "multi_thread", worker_threads = 4),
    twenty_wrong_passwords_at_once_on_two_replicas_get_at_most_three_checked(flavor = "multi_thread", worker_threads = 4),
    right_passwords_at_once_on_two_replicas_each_open_one_session(flavor = "multi_thread", worker_threads = 4),
    twenty_concurrent_forgotten_password_requests_on_two_replicas_send_at_most_the_email_budget(flavor = "multi_thread", worker_threads = 4),
    unlock_messages_count_against_the_members_budget,
    a_burst_of_birth_dates_on_two_replicas_gets_at_most_the_client_limit_evaluated(flavor = "multi_thread", worker_threads = 4),
    known_and_unknown_nirs_answer_alike_and_a_stranger_cannot_lock_a_member_out,
    the_code_answer_does_not_tell_whether_a_request_matched,
    concurrent_wrong_current_passwords_block_the_account_and_revoke_its_sessions(flavor = "multi_thread", worker_threads = 4),
    a_signed_request_replayed_to_another_replica_is_refused,
    one_signed_request_fired_twenty_times_at_once_on_two_replicas_is_accepted_once(flavor = "multi_thread", worker_threads = 4),
}

const BIRTH_PAUL: &str = "02/11/1965";
const JEANNE_NUMBER: &str = "MPN-000123";

async fn post(http: &reqwest::Client, url: String, body: Value) -> Answer {
    Answer::read(http.post(url).json(&body).send().await.unwrap()).await
}

async fn post_bearer(http: &reqwest::Client, url: String, token: &str, body: Value) -> Answer {
    Answer::read(http.post(url).bearer_auth(token).json(&body).send().await.unwrap()).await
}

fn counts(answers: &[Answer]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for a in answers {
        let key = if a.status.is_success() { a.status.as_u16().to_string() } else { a.code().to_owned() };
        *m.entry(key).or_insert(0) += 1;
    }
    m
}

/// The messages to `to` in an outbox.
async fn outbox_to(http: &reqwest::Client, outbox_url: String, to: &str) -> Vec<Value> {
    let entries: Vec<Value> = http.get(outbox_url).send().await.unwrap().json().await.unwrap();
    entries.into_iter().filter(|e| e["to"] == to).collect()
}

/// Waits until the audit trail holds `n` events of these kinds (the
/// background part of the public forms has then ended).
async fn audited(s: &TestServer, kinds: &[&str], n: usize) {
    for _ in 0..500 {
        let trail = s.db.audit_trail(10_000).await.unwrap();
        if trail.iter().filter(|e| kinds.contains(&e.kind.as_str())).count() >= n {
            // The delivery itself runs in the background too (the outbox).
            drained(s).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {n} audit events of {kinds:?}");
}

/// How many messages were queued for the member with this NIR on `channel`.
async fn queued(s: &TestServer, nir: &str, channel: &str) -> i64 {
    s.count(&format!(
        "SELECT COUNT(*) FROM outbox o JOIN members m ON m.id = o.member_id WHERE m.nir = '{nir}' AND o.channel = '{channel}'"
    ))
    .await
}

/// Waits until every form was looked up and every queued message sent.
async fn drained(s: &TestServer) {
    for _ in 0..500 {
        let left = s.count("SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending') + (SELECT COUNT(*) FROM pending_requests)").await;
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the outbox never drained");
}

fn code_in(msg: &Value) -> String {
    msg["text"].as_str().unwrap().split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a 6-digit code").to_owned()
}

fn token_in(msg: &Value) -> String {
    let text = msg["text"].as_str().unwrap();
    text.split("token=").nth(1).expect("a link").split(|c: char| c.is_whitespace() || c == '&').next().unwrap().to_owned()
}

/// A wrong code: any 6 digits but the right one.
fn other_than(code: &str) -> String {
    if code == "123456" { "654321".into() } else { "123456".into() }
}

/// Point 1. Log-ins with the old password, half of them on a second
/// replica, race a reset: whatever the interleaving, no session opened with
/// the old password survives it.
async fn a_reset_wins_over_every_log_in_in_flight_on_two_replicas(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let r = s.replica().await;
    let http = s.http.clone();
    let login_urls = [s.url("/v1/login"), r.url("/v1/login")];
    let forgot = json!({ "identifier": JEANNE.nir, "member_number": JEANNE_NUMBER, "email": JEANNE.email });
    assert_eq!(post(&http, s.url("/v1/password/forgot"), forgot).await.status, StatusCode::ACCEPTED);
    audited(&s, &["reset_requested"], 1).await;
    let token = token_in(outbox_to(&http, s.url("/dev/outbox"), JEANNE.email).await.last().unwrap());

    // 24 log-ins with the old password and the reset, released together: the
    // log-ins queue on the verification slots, so several are verifying the
    // old password while the reset commits.
    let new_password = "Colibri-Vert-42";
    let answers = at_once(25, |i| {
        let (http, login_url, reset_url, token) = (http.clone(), login_urls[i % 2].clone(), s.url("/v1/password/reset"), token.clone());
        async move {
            if i == 12 {
                tokio::time::sleep(Duration::from_millis(40)).await;
                let body = json!({ "token": token, "new_password": new_password, "new_password_confirmation": new_password });
                (true, post(&http, reset_url, body).await)
            } else {
                (false, post(&http, login_url, json!({ "identifier": JEANNE.nir, "password": JEANNE.password })).await)
            }
        }
    })
    .await;
    let (reset, logins): (Vec<_>, Vec<_>) = answers.into_iter().partition(|(is_reset, _)| *is_reset);
    assert_eq!(reset[0].1.status, StatusCode::NO_CONTENT, "{}", reset[0].1.body);
    for (_, a) in &logins {
        if a.status == StatusCode::OK {
            let session = s.session(&a.token()).await;
            assert_eq!(session.status, StatusCode::UNAUTHORIZED, "a session opened with the old password survived the reset");
        } else {
            assert!(["wrong_password", "account_blocked", "too_many_requests"].contains(&a.code()), "{}", a.body);
        }
    }
    // No claim is left behind.
    assert_eq!(s.count("SELECT live_claims FROM members WHERE nir = '278036912304534'").await, 0);
}

/// Jeanne's audit events (the fixture's history has other members' too).
const JEANNES_EVENTS: &str = "SELECT COUNT(*) FROM audit_events WHERE member_id = (SELECT id FROM members WHERE nir = '278036912304534')";
const JEANNES_LIVE_SESSIONS: &str =
    "SELECT COUNT(*) FROM sessions WHERE revoked = 0 AND member_id = (SELECT id FROM members WHERE nir = '278036912304534')";

/// Point 1, the lockout across replicas. Twenty wrong passwords for one
/// member, ten to each of two replicas, at once: exactly three are checked
/// (two answered `wrong_password`, the third blocks), every other one is
/// refused unchecked, and the account is blocked.
async fn twenty_wrong_passwords_at_once_on_two_replicas_get_at_most_three_checked(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let r = s.replica().await;
    let urls = [s.url("/v1/login"), r.url("/v1/login")];
    let failed_before = s.count(&format!("{JEANNES_EVENTS} AND kind = 'login_failed'")).await;
    let answers = at_once(20, |i| {
        let (http, url) = (s.http.clone(), urls[i % 2].clone());
        async move { post(&http, url, json!({ "identifier": JEANNE.nir, "password": format!("Mauvais{i:02}x") })).await }
    })
    .await;
    let by_code = counts(&answers);
    assert_eq!(by_code.get("wrong_password"), Some(&2), "{by_code:?}");
    assert!(by_code.keys().all(|c| ["wrong_password", "account_blocked", "too_many_requests"].contains(&c.as_str())), "{by_code:?}");
    audited(&s, &["login_failed"], 3).await;
    let failed = s.count(&format!("{JEANNES_EVENTS} AND kind = 'login_failed'")).await - failed_before;
    assert_eq!(failed, 3, "three passwords checked");
    assert_eq!(s.count(&format!("{JEANNES_EVENTS} AND kind = 'account_blocked'")).await, 1);
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.code(), "account_blocked");
    assert_eq!(s.count("SELECT live_claims FROM members WHERE nir = '278036912304534'").await, 0, "no claim left behind");
}

/// The settlement sent as one call (a `BEGIN IMMEDIATE … COMMIT` batch on
/// SQLite, one statement on PostgreSQL) under contention: twelve right
/// passwords at once, half on a second replica (two pools writing the same
/// row): every answer is a session or « retry » — never an error —, each
/// session works, and the audit trail has one success per session.
async fn right_passwords_at_once_on_two_replicas_each_open_one_session(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let r = s.replica().await;
    let urls = [s.url("/v1/login"), r.url("/v1/login")];
    let sessions_before = s.count(JEANNES_LIVE_SESSIONS).await;
    let successes_before = s.count(&format!("{JEANNES_EVENTS} AND kind = 'login_succeeded'")).await;
    let answers = at_once(12, |i| {
        let (http, url) = (s.http.clone(), urls[i % 2].clone());
        async move { post(&http, url, json!({ "identifier": JEANNE.nir, "password": JEANNE.password })).await }
    })
    .await;
    let opened: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::OK).collect();
    assert!(answers.iter().all(|a| a.status == StatusCode::OK || a.code() == "too_many_requests"), "{:?}", counts(&answers));
    assert!(opened.len() >= 3, "{:?}", counts(&answers));
    for a in &opened {
        assert_eq!(s.session(&a.token()).await.status, StatusCode::OK);
    }
    let n = i64::try_from(opened.len()).unwrap();
    assert_eq!(s.count(JEANNES_LIVE_SESSIONS).await - sessions_before, n);
    assert_eq!(s.count(&format!("{JEANNES_EVENTS} AND kind = 'login_succeeded'")).await - successes_before, n);
    assert_eq!(s.count("SELECT failed_attempts + live_claims FROM members WHERE nir = '278036912304534'").await, 0);
}

/// Point 2. Twenty forgotten-password requests for one member, ten to each
/// of two replicas, at once: at most 5 e-mails, and every answer the same.
async fn twenty_concurrent_forgotten_password_requests_on_two_replicas_send_at_most_the_email_budget(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let r = s.replica().await;
    let http = s.http.clone();
    let urls = [s.url("/v1/password/forgot"), r.url("/v1/password/forgot")];
    let answers = at_once(20, |i| {
        let (http, url) = (http.clone(), urls[i % 2].clone());
        async move {
            let body = json!({ "identifier": JEANNE.nir, "member_number": JEANNE_NUMBER, "email": JEANNE.email });
            let resp = http.post(url).json(&body).send().await.unwrap();
            (resp.status(), resp.text().await.unwrap())
        }
    })
    .await;
    assert!(answers.iter().all(|a| *a == answers[0]), "every answer is the same, budget or not");
    assert_eq!(answers[0].0, StatusCode::ACCEPTED);
    audited(&s, &["reset_requested", "message_budget_spent"], 20).await;
    // Five e-mails were queued; each new code replaces the one before, so
    // those not sent yet when replaced are dropped, never sent late.
    assert_eq!(queued(&s, JEANNE.nir, "email").await, 5, "the e-mail budget is 5 an hour per member");
    let sent = outbox_to(&http, s.url("/dev/outbox"), JEANNE.email).await.len() + outbox_to(&http, r.url("/dev/outbox"), JEANNE.email).await.len();
    assert!((1..=5).contains(&sent), "{sent}");
    let trail = s.db.audit_trail(10_000).await.unwrap();
    assert_eq!(trail.iter().filter(|e| e.kind == "message_budget_spent").count(), 15);
}

/// Point 2. Eight unlock rounds by SMS send at most 3 SMS; the e-mail
/// budget is shared by every procedure (reset, then unlock by e-mail).
async fn unlock_messages_count_against_the_members_budget(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let http = s.http.clone();
    for _ in 0..3 {
        s.login(PAUL.nir, "Mauvais1Passe").await;
    }
    let phone_messages = |entries: Vec<Value>| entries.into_iter().filter(|e| e["channel"] == "sms").count();
    for round in 0..8 {
        let start = post(&http, s.url("/v1/unlock"), json!({ "nir": PAUL.nir, "birthdate": BIRTH_PAUL })).await;
        assert_eq!(start.status, StatusCode::OK, "round {round}: {}", start.body);
        let id = start.body["unlock_id"].as_str().unwrap().to_owned();
        let sent = post(&http, s.url("/v1/unlock/send"), json!({ "unlock_id": id, "channel": "sms" })).await;
        assert_eq!(sent.status, StatusCode::OK, "round {round}: the answer stays the same: {}", sent.body);
    }
    drained(&s).await;
    assert_eq!(queued(&s, PAUL.nir, "sms").await, 3, "the SMS budget is 3 an hour per member");
    let all: Vec<Value> = http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
    assert!((1..=3).contains(&phone_messages(all)));

    // Five reset e-mails spend the e-mail budget; an unlock e-mail then sends nothing.
    for _ in 0..5 {
        post(&http, s.url("/v1/password/forgot"), json!({ "identifier": PAUL.nir, "member_number": "MPN-000456", "email": PAUL.email })).await;
    }
    audited(&s, &["reset_requested"], 5).await;
    let start = post(&http, s.url("/v1/unlock"), json!({ "nir": PAUL.nir, "birthdate": BIRTH_PAUL })).await;
    let id = start.body["unlock_id"].as_str().unwrap().to_owned();
    let sent = post(&http, s.url("/v1/unlock/send"), json!({ "unlock_id": id, "channel": "email" })).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    drained(&s).await;
    assert_eq!(queued(&s, PAUL.nir, "email").await, 5, "no sixth e-mail");
}

/// Point 3. 21 dates for one NIR at once, the right one among them, split
/// over two replicas: at most 5 wrong ones are compared (the client's limit).
async fn a_burst_of_birth_dates_on_two_replicas_gets_at_most_the_client_limit_evaluated(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let r = s.replica().await;
    for _ in 0..3 {
        s.login(PAUL.nir, "Mauvais1Passe").await;
    }
    let http = s.http.clone();
    let urls = [s.url("/v1/unlock"), r.url("/v1/unlock")];
    let answers = at_once(21, |i| {
        let (http, url) = (http.clone(), urls[i % 2].clone());
        // Days 1 to 21 of Paul's birth month; the 2nd is his.
        let date = format!("{:02}/11/1965", i + 1);
        async move { post(&http, url, json!({ "nir": PAUL.nir, "birthdate": date })).await }
    })
    .await;
    let c = counts(&answers);
    // A verified identity gives its attempt back, so one more may be compared then.
    let (failed, verified) = (c.get("identity_not_verified").copied().unwrap_or(0), c.get("200").copied().unwrap_or(0));
    assert!(failed <= 5 && verified <= 1, "{c:?}");
    assert_eq!(failed + verified + c.get("too_many_requests").copied().unwrap_or(0), 21, "{c:?}");
}

/// Point 3. From many clients, wrong dates for a member's NIR and for a NIR
/// of nobody get the same answers in the same order; one client's wrong
/// dates do not stop the member at another client.
async fn known_and_unknown_nirs_answer_alike_and_a_stranger_cannot_lock_a_member_out(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    for _ in 0..3 {
        s.login(PAUL.nir, "Mauvais1Passe").await;
    }
    let client = |last: u8| reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, last])).build().unwrap();
    // A stranger at one client: 5 wrong dates, then refused there…
    let stranger = client(2);
    for _ in 0..5 {
        let a = post(&stranger, s.url("/v1/unlock"), json!({ "nir": PAUL.nir, "birthdate": "01/11/1965" })).await;
        assert_eq!(a.code(), "identity_not_verified");
    }
    let a = post(&stranger, s.url("/v1/unlock"), json!({ "nir": PAUL.nir, "birthdate": BIRTH_PAUL })).await;
    assert_eq!(a.code(), "too_many_requests", "the client's limit holds even for the right date");
    // …while Paul, at another kiosk, unlocks.
    let a = post(&client(3), s.url("/v1/unlock"), json!({ "nir": PAUL.nir, "birthdate": BIRTH_PAUL })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // 12 clients, one wrong date each, for Paul's NIR and for a NIR of nobody.
    let nobody = common::nir_with_key("1651175999123");
    let mut seen = Vec::new();
    for nir in [PAUL.nir.to_owned(), nobody] {
        let mut answers = Vec::new();
        for last in 10..22u8 {
            let a = post(&client(last + if seen.is_empty() { 0 } else { 20 }), s.url("/v1/unlock"), json!({ "nir": nir, "birthdate": "03/11/1965" })).await;
            answers.push((a.status, a.body["code"].clone()));
        }
        seen.push(answers);
    }
    assert_eq!(seen[0], seen[1], "a known and an unknown NIR answer alike");
    let refused = seen[0].iter().filter(|(status, _)| *status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(refused, 2, "10 failures per NIR and per hour, from all clients: {:?}", seen[0]);
}

/// Point 4. A wrong code answers the same whether the request matched an
/// account (a live code exists), matched nothing, or named nobody; the
/// same for registration codes.
async fn the_code_answer_does_not_tell_whether_a_request_matched(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let http = s.http.clone();
    post(&http, s.url("/v1/password/forgot"), json!({ "identifier": JEANNE.nir, "member_number": JEANNE_NUMBER, "email": JEANNE.email })).await;
    post(&http, s.url("/v1/password/forgot"), json!({ "identifier": PAUL.nir, "member_number": "MPN-999999", "email": PAUL.email })).await;
    audited(&s, &["reset_requested"], 1).await;
    let real = code_in(outbox_to(&http, s.url("/dev/outbox"), JEANNE.email).await.last().unwrap());
    let wrong = other_than(&real);
    let nobody = common::nir_with_key("1651175999123");
    for attempt in 0..6 {
        let mut answers = Vec::new();
        for who in [JEANNE.nir, PAUL.nir, nobody.as_str()] {
            let resp = http
                .post(s.url("/v1/codes/verify"))
                .json(&json!({ "purpose": "reset", "identifier": who, "code": wrong }))
                .send()
                .await
                .unwrap();
            answers.push((resp.status(), resp.text().await.unwrap()));
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "attempt {attempt}: {answers:?}");
        let expected = if attempt < 5 { StatusCode::UNAUTHORIZED } else { StatusCode::GONE };
        assert_eq!(answers[0].0, expected, "attempt {attempt}");
    }

    // Registration: Lucie's request matches, a NIR of nobody does not.
    let lucie = "291077505612367";
    let register = json!({ "nir": lucie, "member_number": "MPN-000789", "birthdate": "12/07/1991", "email": "lucie.bernard@exemple.fr" });
    post(&http, s.url("/v1/register"), register).await;
    audited(&s, &["registration_requested"], 1).await;
    let real = code_in(outbox_to(&http, s.url("/dev/outbox"), "lucie.bernard@exemple.fr").await.last().unwrap());
    let wrong = other_than(&real);
    let mut answers = Vec::new();
    for who in [lucie, nobody.as_str()] {
        let resp = http
            .post(s.url("/v1/codes/verify"))
            .json(&json!({ "purpose": "registration", "identifier": who, "code": wrong }))
            .send()
            .await
            .unwrap();
        answers.push((resp.status(), resp.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    // The right code still works after a wrong one.
    let ok = post(&http, s.url("/v1/codes/verify"), json!({ "purpose": "registration", "identifier": lucie, "code": real })).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

/// Point 5. Ten wrong current passwords at once from a stolen session:
/// at most 3 are checked, the account is blocked, every session revoked.
async fn concurrent_wrong_current_passwords_block_the_account_and_revoke_its_sessions(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let stolen = s.login(JEANNE.nir, JEANNE.password).await.token();
    let other = s.login(JEANNE.email, JEANNE.password).await.token();
    let http = s.http.clone();
    let answers = at_once(10, |i| {
        let (http, url, token) = (http.clone(), s.url("/v1/password/change"), stolen.clone());
        let body = json!({ "current_password": format!("Devinette{i}x"), "new_password": "Colibri-Vert-42", "new_password_confirmation": "Colibri-Vert-42" });
        async move { post_bearer(&http, url, &token, body).await }
    })
    .await;
    let c = counts(&answers);
    assert!(c.get("current_password_wrong").copied().unwrap_or(0) <= 2, "{c:?}");
    assert_eq!(c.get("200"), None, "{c:?}");
    // Later guesses are refused without being checked.
    for _ in 0..3 {
        let body = json!({ "current_password": "Encore1Essai", "new_password": "Colibri-Vert-42", "new_password_confirmation": "Colibri-Vert-42" });
        let a = post_bearer(&http, s.url("/v1/password/change"), &stolen, body).await;
        assert!(["session_expired", "account_blocked"].contains(&a.code()), "{}", a.body);
    }
    assert_eq!(s.session(&stolen).await.code(), "session_expired");
    assert_eq!(s.session(&other).await.code(), "session_expired");
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.code(), "account_blocked");
    let trail = s.db.audit_trail(10_000).await.unwrap();
    assert_eq!(trail.iter().filter(|e| e.kind == "current_password_rejected").count(), 3);
    // Jeanne's (the demo history blocked Paul once, in the past).
    let jeanne = s.count(&format!("SELECT id FROM members WHERE nir = '{}'", JEANNE.nir)).await;
    assert_eq!(trail.iter().filter(|e| e.kind == "account_blocked" && e.member_id == Some(jeanne)).count(), 1);
}

/// Point 6. A signed kiosk request accepted by one replica is refused when
/// replayed to the other.
async fn a_signed_request_replayed_to_another_replica_is_refused(backend: Backend) {
    let mut config = common::local_config();
    config.devices.enrolment_secret = Some(Secret::new("inscription-des-bornes-2024"));
    let s = TestServer::start_with(&backend, config).await;
    let r = s.replica().await;
    let http = s.http.clone();
    let enrolled = post(&http, s.url("/v1/devices"), json!({ "enrolment_secret": "inscription-des-bornes-2024", "name": "Agence de Colmar, borne 1" })).await;
    assert_eq!(enrolled.status, StatusCode::CREATED, "{}", enrolled.body);
    let id = enrolled.body["device_id"].as_str().unwrap().to_owned();
    let key = Secret::new(enrolled.body["device_key"].as_str().unwrap());
    let body = serde_json::to_vec(&json!({ "version": "1.0.0", "healthy": true, "detail": null })).unwrap();
    let ts = time::OffsetDateTime::now_utc().unix_timestamp();
    let signature = devices::sign(&key, "POST", "/v1/devices/heartbeat", ts, &body).unwrap();
    let send = |url: String| {
        http.post(url)
            .header("content-type", "application/json")
            .header(devices::DEVICE_HEADER, &id)
            .header(devices::TIMESTAMP_HEADER, ts.to_string())
            .header(devices::SIGNATURE_HEADER, &signature)
            .body(body.clone())
            .send()
    };
    let first = Answer::read(send(s.url("/v1/devices/heartbeat")).await.unwrap()).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT, "{}", first.body);
    let replayed = Answer::read(send(r.url("/v1/devices/heartbeat")).await.unwrap()).await;
    assert_eq!(replayed.code(), "device_unauthorized", "replayed to the other replica");
    let again = Answer::read(send(s.url("/v1/devices/heartbeat")).await.unwrap()).await;
    assert_eq!(again.code(), "device_unauthorized", "replayed to the same one");
}

/// Point 7. A forwarding header is believed only from a trusted proxy, and
/// loopback is throttled by default.
#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let tight = borne_server::throttle::Budget { per_minute: 1, burst: 2 };
    let login = |http: reqwest::Client, url: String, forwarded: &'static str| async move {
        let body = json!({ "identifier": "personne@exemple.fr", "password": "Inconnu2024" });
        Answer::read(http.post(url).header("x-forwarded-for", forwarded).json(&body).send().await.unwrap()).await
    };

    // No trusted proxy (the default): the header is ignored, loopback counts.
    let mut config = borne_server::ServerConfig::default();
    config.throttle.per_address_sensitive = tight;
    let s = TestServer::start_with(&Backend::Sqlite, config).await;
    assert_eq!(login(s.http.clone(), s.url("/v1/login"), "203.0.113.1").await.code(), "unknown_profile");
    assert_eq!(login(s.http.clone(), s.url("/v1/login"), "203.0.113.2").await.code(), "unknown_profile");
    assert_eq!(login(s.http.clone(), s.url("/v1/login"), "203.0.113.3").await.code(), "too_many_requests", "forged headers do not make new clients");

    // 127.0.0.1 as the trusted proxy: each forwarded client has its own budget.
    let mut config = borne_server::ServerConfig::default();
    config.throttle.per_address_sensitive = tight;
    config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    let s = TestServer::start_with(&Backend::Sqlite, config).await;
    for _ in 0..2 {
        assert_eq!(login(s.http.clone(), s.url("/v1/login"), "203.0.113.1").await.code(), "unknown_profile");
    }
    assert_eq!(login(s.http.clone(), s.url("/v1/login"), "203.0.113.1").await.code(), "too_many_requests");
    assert_eq!(login(s.http.clone(), s.url("/v1/login"), "203.0.113.2").await.code(), "unknown_profile");
    // A client that forges a left-most entry is still counted by the proxy's last hop.
    assert_eq!(login(s.http.clone(), s.url("/v1/login"), "198.51.100.9, 203.0.113.1").await.code(), "too_many_requests");
}

/// Point 7. When signatures are required, an unsigned request is refused
/// and a signed one from an enrolled kiosk passes.
#[tokio::test]
async fn every_request_must_be_signed_when_signatures_are_required() {
    let mut config = common::local_config();
    config.devices.enrolment_secret = Some(Secret::new("inscription-des-bornes-2024"));
    config.devices.require_signature = true;
    let s = TestServer::start_with(&Backend::Sqlite, config).await;
    let unsigned = s.login(JEANNE.nir, JEANNE.password).await;
    assert_eq!((unsigned.status, unsigned.code()), (StatusCode::UNAUTHORIZED, "device_unauthorized"));
    assert_eq!(s.http.get(s.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    let enrolled = post(&s.http, s.url("/v1/devices"), json!({ "enrolment_secret": "inscription-des-bornes-2024", "name": "Agence de Colmar, borne 2" })).await;
    assert_eq!(enrolled.status, StatusCode::CREATED, "enrolment stays open: {}", enrolled.body);
    let id = enrolled.body["device_id"].as_str().unwrap().to_owned();
    let key = Secret::new(enrolled.body["device_key"].as_str().unwrap());
    let body = serde_json::to_vec(&json!({ "identifier": JEANNE.nir, "password": JEANNE.password })).unwrap();
    let ts = time::OffsetDateTime::now_utc().unix_timestamp();
    let signature = devices::sign(&key, "POST", "/v1/login", ts, &body).unwrap();
    let signed = s
        .http
        .post(s.url("/v1/login"))
        .header("content-type", "application/json")
        .header(devices::DEVICE_HEADER, &id)
        .header(devices::TIMESTAMP_HEADER, ts.to_string())
        .header(devices::SIGNATURE_HEADER, &signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK);
}

/// Point 6. The same signed request sent 20 times at once, 10 to each
/// replica: exactly one is accepted.
async fn one_signed_request_fired_twenty_times_at_once_on_two_replicas_is_accepted_once(backend: Backend) {
    let mut config = common::local_config();
    config.devices.enrolment_secret = Some(Secret::new("inscription-des-bornes-2024"));
    let s = TestServer::start_with(&backend, config).await;
    let r = s.replica().await;
    let enrolled = post(&s.http, s.url("/v1/devices"), json!({ "enrolment_secret": "inscription-des-bornes-2024", "name": "Agence de Colmar, borne 3" })).await;
    let id = enrolled.body["device_id"].as_str().unwrap().to_owned();
    let key = Secret::new(enrolled.body["device_key"].as_str().unwrap());
    let body = serde_json::to_vec(&json!({ "version": "1.0.0", "healthy": true, "detail": null })).unwrap();
    let ts = time::OffsetDateTime::now_utc().unix_timestamp();
    let signature = devices::sign(&key, "POST", "/v1/devices/heartbeat", ts, &body).unwrap();
    let urls = [s.url("/v1/devices/heartbeat"), r.url("/v1/devices/heartbeat")];
    let http = s.http.clone();
    let answers = at_once(20, |i| {
        let (http, url, id, signature, body) = (http.clone(), urls[i % 2].clone(), id.clone(), signature.clone(), body.clone());
        async move {
            let resp = http
                .post(url)
                .header("content-type", "application/json")
                .header(devices::DEVICE_HEADER, id)
                .header(devices::TIMESTAMP_HEADER, ts.to_string())
                .header(devices::SIGNATURE_HEADER, signature)
                .body(body)
                .send()
                .await
                .unwrap();
            resp.status()
        }
    })
    .await;
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::NO_CONTENT).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count(), 19, "{answers:?}");
}
