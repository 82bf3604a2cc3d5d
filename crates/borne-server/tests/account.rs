//! The account and security centre (`/v1/account/…`, issue 16) over HTTP,
//! on SQLite and PostgreSQL: authorisation, the contact change confirmed by
//! a code to the new address, the notice to the old one and its « Ce n'est
//! pas moi » page, sessions, the block, and the message budget under
//! concurrency. Messages read from the demo outbox.

#[macro_use]
mod common;

use common::{at_once, Answer, Backend, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_each_backend! {
    every_route_needs_a_full_session_of_its_own_member,
    an_email_change_is_confirmed_by_a_code_and_the_old_address_can_disown_it,
    a_mobile_change_moves_the_unlock_sms_to_the_new_mobile,
    codes_take_five_tries_and_serve_once,
    contact_answers_say_what_is_wrong,
    ending_the_other_sessions_keeps_this_one_and_the_activity_tells,
    a_block_by_the_member_ends_every_session_until_a_reset,
    concurrent_changes_on_two_replicas_never_send_more_than_the_budget(flavor = "multi_thread", worker_threads = 4),
    a_burst_of_wrong_codes_on_two_replicas_gets_five_tries_then_none(flavor = "multi_thread", worker_threads = 4),
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Answer {
    let mut req = s.http.get(s.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Answer::read(req.send().await.unwrap()).await
}

async fn post(s: &TestServer, path: &str, token: Option<&str>, body: Value) -> Answer {
    let mut req = s.http.post(s.url(path)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Answer::read(req.send().await.unwrap()).await
}

async fn login(s: &TestServer, who: &common::Member) -> String {
    let a = s.login(who.email, who.password).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    a.token()
}

/// The newest outbox entry to `to` once there are more than `previous`.
async fn message_to(s: &TestServer, to: &str, previous: usize) -> Value {
    for _ in 0..300 {
        let entries: Vec<Value> = s.http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
        let mine: Vec<&Value> = entries.iter().filter(|e| e["to"] == to).collect();
        if mine.len() > previous {
            return mine.last().unwrap().to_owned().clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no message in the outbox");
}

fn code_in(msg: &Value) -> String {
    let text = msg["text"].as_str().unwrap();
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a 6-digit code").to_owned()
}

/// Asks for a change of `channel` to `value` (accepted), then reads the
/// code from the message that follows the `previous` ones sent to `to`.
async fn ask_change(s: &TestServer, token: &str, (channel, value): (&str, &str), to: &str, previous: usize) -> String {
    let asked = post(s, "/v1/account/contacts/change", Some(token), json!({ "channel": channel, "value": value })).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{:?}", asked.body);
    code_in(&message_to(s, to, previous).await)
}

/// A 6-digit code that is not `code`.
fn wrong_for(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

fn disown_token_in(msg: &Value) -> String {
    let text = msg["text"].as_str().unwrap();
    assert!(text.contains("/compte/ce-n-est-pas-moi?token="), "{text}");
    text.split("token=").nth(1).unwrap().split(|c: char| c.is_whitespace()).next().unwrap().to_owned()
}

const ROUTES: [(&str, &str); 7] = [
    ("GET", "/v1/account/contacts"),
    ("POST", "/v1/account/contacts/change"),
    ("POST", "/v1/account/contacts/confirm"),
    ("GET", "/v1/account/activity"),
    ("GET", "/v1/account/sessions"),
    ("POST", "/v1/account/sessions/end-others"),
    ("POST", "/v1/account/block"),
];

fn body_of(path: &str) -> Value {
    match path {
        "/v1/account/contacts/change" => json!({ "channel": "sms", "value": "06 11 22 33 44" }),
        "/v1/account/contacts/confirm" => json!({ "channel": "sms", "code": "123456" }),
        "/v1/account/block" => json!({}),
        _ => json!({}),
    }
}

async fn call(s: &TestServer, method: &str, path: &str, token: Option<&str>) -> Answer {
    if method == "GET" {
        get(s, path, token).await
    } else {
        post(s, path, token, body_of(path)).await
    }
}

async fn every_route_needs_a_full_session_of_its_own_member(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    for (method, path) in ROUTES {
        let none = call(&s, method, path, None).await;
        assert_eq!((none.status, none.code()), (StatusCode::UNAUTHORIZED, "session_expired"), "{method} {path} without a token");
        let unknown = call(&s, method, path, Some("inconnu-inconnu-inconnu")).await;
        assert_eq!(unknown.code(), "session_expired", "{method} {path} unknown token");
    }
    // A session opened with an SMS temporary password (restricted).
    let jeanne_id = s.count(&format!("SELECT id FROM members WHERE nir = '{}'", JEANNE.nir)).await;
    let token = "restreinte-restreinte-restreinte";
    let hash = hex_sha256(token);
    s.exec(&format!(
        "INSERT INTO sessions (token_hash, member_id, created_at, expires_at, revoked, restricted, public_id) VALUES ('{hash}', {jeanne_id}, 1, 99999999999, 0, 1, 'restreinte')"
    ))
    .await;
    for (method, path) in ROUTES {
        let a = call(&s, method, path, Some(token)).await;
        assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, "password_change_required"), "{method} {path}");
    }
    assert_eq!(s.count("SELECT COUNT(*) FROM members WHERE blocked = 1").await, 0, "the restricted session blocked nothing");
    // Each member sees only their own sessions and events.
    let jeanne = login(&s, &JEANNE).await;
    let paul = login(&s, &PAUL).await;
    let _paul_again = login(&s, &PAUL).await;
    let mine = get(&s, "/v1/account/sessions", Some(&jeanne)).await;
    let sessions = mine.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3, "Jeanne's full session, the restricted one and her demo kiosk session, never Paul's: {sessions:?}");
    assert!(sessions.iter().any(|x| x["place"] == "kiosk" && x["device_name"] == "Agence de Nancy, borne 1"), "{sessions:?}");
    assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
    assert!(!mine.body.to_string().contains(&hash), "never a token hash");
    let pauls = get(&s, "/v1/account/sessions", Some(&paul)).await;
    assert_eq!(pauls.body["sessions"].as_array().unwrap().len(), 2);
    let activity = get(&s, "/v1/account/activity", Some(&paul)).await;
    assert_eq!(activity.body["logins"].as_array().unwrap().len(), 2 + 3, "Paul's two log-ins and his 3 of the demo history only");
    let kinds: Vec<&str> = activity.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["password_changed", "unlock_requested", "account_blocked"], "Paul's demo history, newest first");
    let contacts = get(&s, "/v1/account/contacts", Some(&jeanne)).await;
    assert_eq!(contacts.body["email"], "j•••@exemple.fr");
    assert_eq!(contacts.body["mobile"], "06 •• •• •• 78");
    assert_eq!(contacts.body["sms_unlock_possible"], true);
}

fn hex_sha256(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

async fn an_email_change_is_confirmed_by_a_code_and_the_old_address_can_disown_it(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = login(&s, &JEANNE).await;
    let asked = post(&s, "/v1/account/contacts/change", Some(&token), json!({ "channel": "email", "value": " Jeanne.Nouvelle@Exemple.ORG " })).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{:?}", asked.body);
    assert_eq!(asked.body["masked"], "j•••@exemple.org");
    let pending = get(&s, "/v1/account/contacts", Some(&token)).await;
    assert_eq!(pending.body["pending"]["channel"], "email");
    let code = code_in(&message_to(&s, "jeanne.nouvelle@exemple.org", 0).await);
    let done = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "email", "code": code })).await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!(done.body["email"], "j•••@exemple.org");
    assert_eq!(done.body["pending"], Value::Null);
    assert_eq!(s.count("SELECT COUNT(*) FROM members WHERE email = 'jeanne.nouvelle@exemple.org'").await, 1);
    // The old address is told, with the « Ce n'est pas moi » link.
    let notice = message_to(&s, JEANNE.email, 0).await;
    assert_eq!(notice["kind"], "contact_changed");
    let disown = disown_token_in(&notice);
    // The audit says what happened, never the addresses.
    let events = get(&s, "/v1/account/activity", Some(&token)).await;
    assert_eq!(events.body["events"][0]["kind"], "email_changed");
    assert_eq!(events.body["events"][0]["disownable"], true);
    assert_eq!(s.count("SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%@%'").await, 0);
    // The page: GET changes nothing, POST (with the page's CSRF pair) blocks.
    let page = s.http.get(s.url(&format!("/compte/ce-n-est-pas-moi?token={disown}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("Bloquer mon compte"), "{html}");
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(s.count("SELECT COUNT(*) FROM members WHERE blocked = 1").await, 0, "a GET blocks nothing");
    let no_csrf = s.http.post(s.url("/compte/ce-n-est-pas-moi")).form(&[("token", disown.as_str()), ("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN, "no cookie: refused");
    let posted = s
        .http
        .post(s.url("/compte/ce-n-est-pas-moi"))
        .header("cookie", &cookie)
        .form(&[("token", disown.as_str()), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    assert!(posted.text().await.unwrap().contains("Mot de passe oublié"));
    assert_eq!(get(&s, "/v1/account/contacts", Some(&token)).await.code(), "session_expired", "every session revoked");
    assert_eq!(s.login("jeanne.nouvelle@exemple.org", JEANNE.password).await.code(), "account_blocked");
    assert_eq!(s.count("SELECT COUNT(*) FROM audit_events WHERE kind = 'account_blocked' AND detail = 'member_report:email_changed'").await, 1);
    // Used: the same neutral page as an unknown link.
    let again = s.http.get(s.url(&format!("/compte/ce-n-est-pas-moi?token={disown}"))).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    let unknown = s.http.get(s.url(&format!("/compte/ce-n-est-pas-moi?token={}", "B".repeat(43)))).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::GONE);
    assert_eq!(again.text().await.unwrap(), unknown.text().await.unwrap());
}

async fn a_mobile_change_moves_the_unlock_sms_to_the_new_mobile(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = login(&s, &JEANNE).await;
    let code = ask_change(&s, &token, ("sms", "07 81 99 88 77"), "+33781998877", 0).await;
    let done = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "sms", "code": code })).await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!((done.body["mobile"].as_str(), done.body["sms_unlock_possible"].as_bool()), (Some("07 •• •• •• 77"), Some(true)));
    // Both old channels are told: the e-mail on file and the old mobile.
    assert_eq!(message_to(&s, JEANNE.email, 0).await["kind"], "contact_changed");
    assert_eq!(message_to(&s, "+33612345678", 0).await["kind"], "contact_changed_sms");
    // Blocked, the unlock's SMS goes to the new mobile.
    for _ in 0..3 {
        s.login(JEANNE.email, "Mauvais-Mot-2024").await;
    }
    let unlock = post(&s, "/v1/unlock", None, json!({ "nir": JEANNE.nir, "birthdate": "15/03/1978" })).await;
    assert_eq!(unlock.status, StatusCode::OK, "{:?}", unlock.body);
    let id = unlock.body["unlock_id"].as_str().unwrap().to_owned();
    let sent = post(&s, "/v1/unlock/send", None, json!({ "unlock_id": id, "channel": "sms" })).await;
    assert_eq!(sent.body["masked"], "07 •• •• •• 77");
    assert_eq!(message_to(&s, "+33781998877", 1).await["kind"], "unlock_temporary_password");
    // An overseas mobile is accepted, but cannot receive the unlock SMS.
    let token = login(&s, &PAUL).await;
    let code = ask_change(&s, &token, ("sms", "06 90 12 34 99"), "+590690123499", 0).await;
    let done = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "sms", "code": code })).await;
    assert_eq!(done.body["sms_unlock_possible"], false);
}

async fn codes_take_five_tries_and_serve_once(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = login(&s, &JEANNE).await;
    let code = ask_change(&s, &token, ("email", "j.m@exemple.net"), "j.m@exemple.net", 0).await;
    let wrong = wrong_for(&code);
    for left in [4, 3] {
        let a = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "email", "code": wrong })).await;
        assert_eq!((a.code(), a.body["attempts_left"].as_i64()), ("code_invalid", Some(left)));
    }
    // A new request replaces the code but keeps the tries.
    let code = ask_change(&s, &token, ("email", "j.m@exemple.net"), "j.m@exemple.net", 1).await;
    let wrong = wrong_for(&code);
    for left in [2, 1, 0] {
        let a = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "email", "code": wrong })).await;
        assert_eq!(a.body["attempts_left"].as_i64(), Some(left));
    }
    let refused = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "email", "code": code })).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::GONE, "code_expired"), "the right code after 5 tries");
    assert_eq!(s.count("SELECT COUNT(*) FROM members WHERE email = 'j.m@exemple.net'").await, 0);
    // Single use.
    let paul = login(&s, &PAUL).await;
    let code = ask_change(&s, &paul, ("email", "p.d@exemple.net"), "p.d@exemple.net", 0).await;
    assert_eq!(post(&s, "/v1/account/contacts/confirm", Some(&paul), json!({ "channel": "email", "code": code })).await.status, StatusCode::OK);
    assert_eq!(post(&s, "/v1/account/contacts/confirm", Some(&paul), json!({ "channel": "email", "code": code })).await.code(), "code_expired");
}

async fn contact_answers_say_what_is_wrong(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = login(&s, &JEANNE).await;
    let change = |channel: &'static str, value: &'static str| {
        let (s, token) = (&s, token.clone());
        async move { post(s, "/v1/account/contacts/change", Some(&token), json!({ "channel": channel, "value": value })).await }
    };
    let landline = change("sms", "01 23 45 67 89").await;
    assert_eq!((landline.status, landline.code()), (StatusCode::BAD_REQUEST, "phone_invalid"));
    assert!(landline.body["message"].as_str().unwrap().starts_with("Ce numéro de mobile n'est pas valide"));
    assert_eq!(change("email", "pas-une-adresse").await.code(), "email_invalid");
    assert_eq!(change("email", "JEANNE.MARTIN@exemple.fr").await.code(), "contact_unchanged");
    assert_eq!(change("sms", "+33 6 12 34 56 78").await.code(), "contact_unchanged");
    // Paul's address: nothing said at change time (no enumeration)…
    let taken = change("email", PAUL.email).await;
    assert_eq!(taken.status, StatusCode::ACCEPTED);
    // …but once the code proves the mailbox, contact_in_use.
    let code = code_in(&message_to(&s, PAUL.email, 0).await);
    let refused = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "email", "code": code })).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "contact_in_use"));
    assert_eq!(s.count(&format!("SELECT COUNT(*) FROM members WHERE email = '{}'", JEANNE.email)).await, 1, "unchanged");
}

async fn ending_the_other_sessions_keeps_this_one_and_the_activity_tells(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let here = login(&s, &JEANNE).await;
    let there = login(&s, &JEANNE).await;
    let elsewhere = login(&s, &JEANNE).await;
    let paul = login(&s, &PAUL).await;
    let ended = post(&s, "/v1/account/sessions/end-others", Some(&here), json!({})).await;
    assert_eq!(ended.body["ended"], 3, "two log-ins and the demo's kiosk session");
    assert_eq!(get(&s, "/v1/account/contacts", Some(&here)).await.status, StatusCode::OK);
    for gone in [&there, &elsewhere] {
        assert_eq!(get(&s, "/v1/account/contacts", Some(gone)).await.code(), "session_expired");
    }
    assert_eq!(get(&s, "/v1/account/contacts", Some(&paul)).await.status, StatusCode::OK, "another member's session stays");
    let activity = get(&s, "/v1/account/activity", Some(&here)).await;
    assert_eq!(activity.body["events"][0]["kind"], "other_sessions_ended");
    let logins = activity.body["logins"].as_array().unwrap();
    assert_eq!(logins.len(), 3 + 4, "these 3 and the demo's 4");
    assert_eq!((logins[0]["place"].as_str(), &logins[0]["device_name"]), (Some("computer"), &Value::Null));
    assert!(logins.iter().any(|l| l["place"] == "kiosk" && l["device_name"] == "Agence de Nancy, borne 1"));
    assert_eq!(get(&s, "/v1/account/sessions", Some(&here)).await.body["sessions"].as_array().unwrap().len(), 1);
}

async fn a_block_by_the_member_ends_every_session_until_a_reset(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = login(&s, &JEANNE).await;
    let other = login(&s, &JEANNE).await;
    let blocked = post(&s, "/v1/account/block", Some(&token), json!({ "event_id": 999999 })).await;
    assert_eq!(blocked.status, StatusCode::NO_CONTENT);
    for t in [&token, &other] {
        assert_eq!(get(&s, "/v1/account/sessions", Some(t)).await.code(), "session_expired");
    }
    assert_eq!(s.login(JEANNE.email, JEANNE.password).await.code(), "account_blocked");
    assert_eq!(s.count("SELECT COUNT(*) FROM audit_events WHERE kind = 'account_blocked' AND detail = 'member_report'").await, 1, "another's event is not cited");
    // The forgotten-password procedure unblocks.
    s.forgot_jeanne().await;
    let mail = message_to(&s, JEANNE.email, 0).await;
    let text = mail["text"].as_str().unwrap();
    let reset_token = text.split("token=").nth(1).unwrap().split(|c: char| c.is_whitespace() || c == '&').next().unwrap();
    let reset = post(&s, "/v1/password/reset", None, json!({ "token": reset_token, "new_password": "Colibri-Vert-42", "new_password_confirmation": "Colibri-Vert-42" })).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{:?}", reset.body);
    let again = s.login(JEANNE.email, "Colibri-Vert-42").await;
    assert_eq!(again.status, StatusCode::OK);
    let events = get(&s, "/v1/account/activity", Some(&again.token())).await;
    let kinds: Vec<&str> = events.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[..2], ["password_reset", "account_blocked_by_member"]);
}

/// Twelve changes of mobile at once, six to each of two replicas over one
/// database: 3 SMS (the member's hourly budget), every answer the same.
async fn concurrent_changes_on_two_replicas_never_send_more_than_the_budget(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let r = s.replica().await;
    let token = login(&s, &JEANNE).await;
    let urls = [s.url("/v1/account/contacts/change"), r.url("/v1/account/contacts/change")];
    let answers = at_once(12, |i| {
        let (http, url, token) = (s.http.clone(), urls[i % 2].clone(), token.clone());
        async move {
            let value = format!("06 11 22 33 {:02}", 10 + i);
            http.post(url).bearer_auth(token).json(&json!({ "channel": "sms", "value": value })).send().await.unwrap().status()
        }
    })
    .await;
    assert!(answers.iter().all(|a| *a == StatusCode::ACCEPTED), "the same answer, budget or not: {answers:?}");
    assert_eq!(s.count("SELECT COUNT(*) FROM outbox WHERE kind = 'contact_code_sms'").await, 3, "3 SMS an hour");
    assert_eq!(s.count("SELECT COUNT(*) FROM audit_events WHERE kind = 'message_budget_spent'").await, 9);
    assert_eq!(s.count("SELECT COUNT(*) FROM contact_changes WHERE used_at IS NULL").await, 1, "one live change");
}

/// Twenty wrong codes at once, ten to each of two replicas: exactly five
/// are compared (the code's tries), the others find no live code, and the
/// right code is refused after them.
async fn a_burst_of_wrong_codes_on_two_replicas_gets_five_tries_then_none(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = login(&s, &JEANNE).await;
    // Read on this replica before the other one starts (each keeps its own demo outbox).
    let code = ask_change(&s, &token, ("sms", "07 81 23 45 67"), "+33781234567", 0).await;
    let wrong = wrong_for(&code);
    let r = s.replica().await;
    let urls = [s.url("/v1/account/contacts/confirm"), r.url("/v1/account/contacts/confirm")];
    let answers = at_once(20, |i| {
        let (http, url, token) = (s.http.clone(), urls[i % 2].clone(), token.clone());
        async move {
            let resp = http.post(url).bearer_auth(token).json(&json!({ "channel": "sms", "code": wrong })).send().await.unwrap();
            Answer::read(resp).await
        }
    })
    .await;
    let compared = answers.iter().filter(|a| a.code() == "code_invalid").count();
    let no_live = answers.iter().filter(|a| a.code() == "code_expired").count();
    assert_eq!((compared, no_live), (5, 15), "{:?}", answers.iter().map(|a| a.code().to_owned()).collect::<Vec<_>>());
    assert_eq!(s.count("SELECT COUNT(*) FROM audit_events WHERE kind = 'contact_code_rejected'").await, 5);
    let right = post(&s, "/v1/account/contacts/confirm", Some(&token), json!({ "channel": "sms", "code": code })).await;
    assert_eq!(right.code(), "code_expired", "the right code after the tries were spent");
    let contacts = get(&s, "/v1/account/contacts", Some(&token)).await;
    assert_eq!(contacts.body["mobile"], "06 •• •• •• 78", "the mobile changed");
}
