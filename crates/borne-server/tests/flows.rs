//! The account procedures end to end over HTTP, reading the e-mails and SMS
//! from the demo outbox: forgotten password (MPN), unlock (MGEN), change of
//! password, registration. Real database, real server, loopback.

#[macro_use]
mod common;

use common::{Backend, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_each_backend! {
    forgotten_password_by_code_at_a_kiosk,
    forgotten_password_by_link_at_home_clears_the_lockout_and_revokes_sessions,
    code_tries_are_limited_and_a_resend_does_not_reset_them,
    fifty_concurrent_redemptions_of_one_code_let_exactly_one_through(flavor = "multi_thread", worker_threads = 4),
    unlock_by_sms_then_change_password_reaches_the_personal_space,
    unlock_by_email_code,
    changing_a_password_from_a_normal_session_needs_the_current_one,
    registration_by_code_lets_a_known_member_create_an_account,
}

const NEW_PASSWORD: &str = "Colibri-Vert-42";

async fn forgot(s: &TestServer, identifier: &str, member_number: &str, email: &str) -> (StatusCode, String) {
    let resp = s
        .http
        .post(s.url("/v1/password/forgot"))
        .json(&json!({ "identifier": identifier, "member_number": member_number, "email": email }))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

/// The newest outbox entry to `to`, waiting for the background send.
async fn message_to(s: &TestServer, to: &str, previous: usize) -> Value {
    for _ in 0..200 {
        let entries: Vec<Value> = s.http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
        let mine: Vec<&Value> = entries.iter().filter(|e| e["to"] == to).collect();
        if mine.len() > previous {
            return mine.last().unwrap().to_owned().clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no message to {to} in the outbox");
}

async fn count_to(s: &TestServer, to: &str) -> usize {
    let entries: Vec<Value> = s.http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
    entries.iter().filter(|e| e["to"] == to).count()
}

/// The 6-digit code and the link's token in a message's text.
fn code_and_token(msg: &Value) -> (String, String) {
    let text = msg["text"].as_str().unwrap();
    let token = text.split("token=").nth(1).expect("a link").split(|c: char| c.is_whitespace() || c == '&').next().unwrap().to_owned();
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code")
        .to_owned();
    (code, token)
}

async fn post(s: &TestServer, path: &str, body: Value) -> common::Answer {
    common::Answer::read(s.http.post(s.url(path)).json(&body).send().await.unwrap()).await
}

async fn post_bearer(s: &TestServer, path: &str, token: &str, body: Value) -> common::Answer {
    common::Answer::read(s.http.post(s.url(path)).bearer_auth(token).json(&body).send().await.unwrap()).await
}

async fn verify(s: &TestServer, purpose: &str, identifier: &str, code: &str) -> common::Answer {
    post(s, "/v1/codes/verify", json!({ "purpose": purpose, "identifier": identifier, "code": code })).await
}

async fn reset(s: &TestServer, token: &str, password: &str) -> common::Answer {
    post(s, "/v1/password/reset", json!({ "token": token, "new_password": password, "new_password_confirmation": password })).await
}

async fn block(s: &TestServer, nir: &str) {
    for _ in 0..3 {
        s.login(nir, "Mauvais1Passe").await;
    }
    assert_eq!(s.login(nir, "Mauvais1Passe").await.body["code"], "account_blocked");
}

async fn forgotten_password_by_code_at_a_kiosk(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let before = count_to(&s, JEANNE.email).await;
    let (status, known) = forgot(&s, JEANNE.nir_typed, "MPN-000123", JEANNE.email).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let msg = message_to(&s, JEANNE.email, before).await;
    assert_eq!(msg["subject"], "Réinitialisation de mot de passe");
    let (code, _) = code_and_token(&msg);

    // The answer is the same, to the byte, for data that match no account.
    let (status2, unknown) = forgot(&s, "2 80 01 75 999 999 05".replace(' ', "").as_str(), "MPN-999999", "personne@exemple.fr").await;
    let _ = status2;
    let (status3, wrong_number) = forgot(&s, JEANNE.nir, "MPN-000124", JEANNE.email).await;
    assert_eq!(status3, StatusCode::ACCEPTED);
    assert_eq!(known, wrong_number);
    let (status4, other_mail) = forgot(&s, JEANNE.email, "MPN-000123", "autre@exemple.fr").await;
    assert_eq!(status4, StatusCode::ACCEPTED);
    assert_eq!(known, other_mail);
    let _ = unknown;

    let token = verify(&s, "reset", JEANNE.nir_typed, &code).await;
    assert_eq!(token.status, StatusCode::OK, "{:?}", token.body);
    let token = token.body["token"].as_str().unwrap().to_owned();
    // The code is single use: once exchanged it is a wrong code like any other.
    let again = verify(&s, "reset", JEANNE.nir, &code).await;
    assert_eq!((again.status, again.body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("code_invalid")));

    assert_eq!(reset(&s, &token, NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.login(JEANNE.nir, NEW_PASSWORD).await.status, StatusCode::OK);
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.body["code"], "wrong_password");
    // The token is single use too, and the member is told of the change.
    assert_eq!(reset(&s, &token, "Autre-Mot-2-Passe").await.body["code"], "code_expired");
    let notice = message_to(&s, JEANNE.email, before + 1).await;
    assert!(notice["text"].as_str().unwrap().contains("03 88 19 22 56"), "{notice}");
}

async fn forgotten_password_by_link_at_home_clears_the_lockout_and_revokes_sessions(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let session = s.login(JEANNE.email, JEANNE.password).await.body["token"].as_str().unwrap().to_owned();
    block(&s, JEANNE.nir).await;
    let before = count_to(&s, JEANNE.email).await;
    forgot(&s, JEANNE.email, "mpn 000123", JEANNE.email).await;
    let (_, token) = code_and_token(&message_to(&s, JEANNE.email, before).await);

    let mismatch = post(&s, "/v1/password/reset", json!({ "token": token, "new_password": NEW_PASSWORD, "new_password_confirmation": "Colibri-Vert-43" })).await;
    assert_eq!(mismatch.body["code"], "passwords_differ");
    let weak = reset(&s, &token, "Password123").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.body["rules"], json!(["not_common"]));
    let personal = reset(&s, &token, "Martin-2024x").await;
    assert_eq!(personal.body["rules"], json!(["no_personal_info"]));

    assert_eq!(reset(&s, &token, NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.login(JEANNE.nir, NEW_PASSWORD).await.status, StatusCode::OK, "the lockout is cleared");
    let old = s.http.get(s.url("/v1/session")).bearer_auth(&session).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "sessions from before the reset are revoked");
}

async fn code_tries_are_limited_and_a_resend_does_not_reset_them(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let before = count_to(&s, JEANNE.email).await;
    forgot(&s, JEANNE.nir, "MPN-000123", JEANNE.email).await;
    let (code1, _) = code_and_token(&message_to(&s, JEANNE.email, before).await);
    let wrong = if code1 == "000000" { "111111" } else { "000000" };
    let first = verify(&s, "reset", JEANNE.nir, wrong).await;
    assert_eq!(first.body["code"], "code_invalid");
    assert_eq!(first.body["attempts_left"], 4);
    verify(&s, "reset", JEANNE.nir, wrong).await;
    assert_eq!(verify(&s, "reset", JEANNE.nir, wrong).await.body["attempts_left"], 2);

    forgot(&s, JEANNE.nir, "MPN-000123", JEANNE.email).await;
    let (code2, _) = code_and_token(&message_to(&s, JEANNE.email, before + 1).await);
    // The first code was replaced by the resend.
    if code1 != code2 {
        assert_eq!(verify(&s, "reset", JEANNE.nir, &code1).await.body["attempts_left"], 1);
    } else {
        verify(&s, "reset", JEANNE.nir, wrong).await;
    }
    assert_eq!(verify(&s, "reset", JEANNE.nir, wrong).await.body["attempts_left"], 0);
    // Out of tries: even the right code is refused.
    assert_eq!(verify(&s, "reset", JEANNE.nir, &code2).await.body["code"], "code_expired");
}

async fn fifty_concurrent_redemptions_of_one_code_let_exactly_one_through(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let before = count_to(&s, PAUL.email).await;
    forgot(&s, PAUL.nir, "MPN-000456", PAUL.email).await;
    let (code, _) = code_and_token(&message_to(&s, PAUL.email, before).await);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let http = s.http.clone();
        let url = s.url("/v1/codes/verify");
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            http.post(url).json(&json!({ "purpose": "reset", "identifier": PAUL.nir, "code": code })).send().await.unwrap().status()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == StatusCode::OK {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
}

async fn unlock_by_sms_then_change_password_reaches_the_personal_space(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let not_blocked = post(&s, "/v1/unlock", json!({ "nir": JEANNE.nir_typed, "birthdate": "15/03/1978" })).await;
    assert_eq!(not_blocked.status, StatusCode::CONFLICT);
    assert_eq!(not_blocked.body["code"], "not_blocked");
    assert!(not_blocked.body["message"].as_str().unwrap().starts_with("Votre compte n'est pas bloqué."));

    block(&s, JEANNE.nir).await;
    let mismatch = post(&s, "/v1/unlock", json!({ "nir": JEANNE.nir, "birthdate": "15/04/1978" })).await;
    assert_eq!(mismatch.body["code"], "birth_date_nir_mismatch", "checked against the NIR before any look-up");
    let wrong_day = post(&s, "/v1/unlock", json!({ "nir": JEANNE.nir, "birthdate": "16/03/1978" })).await;
    assert_eq!(wrong_day.body["code"], "identity_not_verified");

    let start = post(&s, "/v1/unlock", json!({ "nir": JEANNE.nir, "birthdate": "15/03/1978" })).await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    assert_eq!(start.body["sent"], Value::Null);
    assert_eq!(
        start.body["channels"],
        json!([{ "channel": "sms", "masked": "06 •• •• •• 78" }, { "channel": "email", "masked": "j•••@exemple.fr" }])
    );
    let unlock_id = start.body["unlock_id"].as_str().unwrap().to_owned();
    let sms_before = count_to(&s, "+33612345678").await;
    let sent = post(&s, "/v1/unlock/send", json!({ "unlock_id": unlock_id, "channel": "sms" })).await;
    assert_eq!(sent.body["channel"], "sms");
    let sms = message_to(&s, "+33612345678", sms_before).await;
    let text = sms["text"].as_str().unwrap();
    let after = text.split("temporaire").nth(1).expect("the SMS names the temporary password");
    let temporary = after.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| !w.is_empty()).unwrap().to_owned();
    assert_eq!(temporary.len(), 10, "{text}");

    let login = s.login(JEANNE.nir_typed, &temporary).await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    assert_eq!(login.body["must_change_password"], true);
    let restricted = login.body["token"].as_str().unwrap().to_owned();
    let space = s.http.get(s.url("/v1/session")).bearer_auth(&restricted).send().await.unwrap();
    assert_eq!(space.status(), StatusCode::FORBIDDEN, "a temporary session only allows changing the password");
    // Single use.
    assert_ne!(s.login(JEANNE.nir, &temporary).await.status, StatusCode::OK);

    let changed = post_bearer(&s, "/v1/password/change", &restricted, json!({ "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD })).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["must_change_password"], false);
    let full = changed.body["token"].as_str().unwrap();
    let me: Value = s.http.get(s.url("/v1/session")).bearer_auth(full).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["first_name"], "Jeanne");
    assert_eq!(s.login(JEANNE.nir, NEW_PASSWORD).await.status, StatusCode::OK, "unblocked");

    // The audit trail tells the story, with nothing secret in it.
    let trail = s.db.audit_trail(100).await.unwrap();
    let kinds: Vec<&str> = trail.iter().map(|e| e.kind.as_str()).collect();
    for expected in ["login_failed", "account_blocked", "unlock_identity_failed", "unlock_sent", "temporary_password_login", "password_changed", "login_succeeded"] {
        assert!(kinds.contains(&expected), "{expected} missing from {kinds:?}");
    }
    let everything = format!("{trail:?}");
    for secret in [JEANNE.nir, &temporary, NEW_PASSWORD, JEANNE.email, "15/03/1978", "1978-03-15"] {
        assert!(!everything.contains(secret), "the audit trail holds {secret}");
    }
}

async fn unlock_by_email_code(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    block(&s, PAUL.nir).await;
    let start = post(&s, "/v1/unlock", json!({ "nir": PAUL.nir_typed, "birthdate": "02/11/1965" })).await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    let unlock_id = start.body["unlock_id"].as_str().unwrap().to_owned();
    let before = count_to(&s, PAUL.email).await;
    let sent = post(&s, "/v1/unlock/send", json!({ "unlock_id": unlock_id, "channel": "email" })).await;
    assert_eq!(sent.body["masked"], "p•••@exemple.fr");
    let (code, _) = code_and_token(&message_to(&s, PAUL.email, before).await);
    let token = verify(&s, "unlock", PAUL.nir, &code).await.body["token"].as_str().unwrap().to_owned();
    assert_eq!(reset(&s, &token, NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.login(PAUL.email, NEW_PASSWORD).await.status, StatusCode::OK);
}

async fn changing_a_password_from_a_normal_session_needs_the_current_one(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let token = s.login(JEANNE.nir, JEANNE.password).await.body["token"].as_str().unwrap().to_owned();
    let missing = post_bearer(&s, "/v1/password/change", &token, json!({ "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD })).await;
    assert_eq!(missing.body["code"], "current_password_wrong");
    let wrong = post_bearer(&s, "/v1/password/change", &token, json!({ "current_password": "Faux1Passe", "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD })).await;
    assert_eq!(wrong.body["code"], "current_password_wrong");
    let ok = post_bearer(&s, "/v1/password/change", &token, json!({ "current_password": JEANNE.password, "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD })).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(s.login(JEANNE.nir, NEW_PASSWORD).await.status, StatusCode::OK);
}


async fn registration_by_code_lets_a_known_member_create_an_account(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let lucie = borne_server::demo::unregistered_members().remove(0);
    assert_eq!(s.login(&lucie.nir, NEW_PASSWORD).await.body["code"], "unknown_profile", "no account yet");

    let register = |nir: String, number: &'static str, birthdate: &'static str, email: &'static str| {
        let s = &s;
        async move {
            let resp = s
                .http
                .post(s.url("/v1/register"))
                .json(&json!({ "nir": nir, "member_number": number, "birthdate": birthdate, "email": email }))
                .send()
                .await
                .unwrap();
            (resp.status(), resp.text().await.unwrap())
        }
    };
    let before = count_to(&s, &lucie.email).await;
    let (status, matched) = register(lucie.nir.clone(), "MPN-000789", "12/07/1991", "lucie.bernard@exemple.fr").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, wrong_date) = register(lucie.nir.clone(), "MPN-000789", "13/07/1991", "lucie.bernard@exemple.fr").await;
    let (_, already) = register(JEANNE.nir.to_owned(), "MPN-000123", "15/03/1978", JEANNE.email).await;
    assert_eq!(matched, wrong_date, "the answer says nothing about the match");
    assert_eq!(matched, already, "nor about an existing account");
    let inconsistent = post(&s, "/v1/register", json!({ "nir": lucie.nir, "member_number": "MPN-000789", "birthdate": "12/08/1991", "email": lucie.email })).await;
    assert_eq!(inconsistent.body["code"], "birth_date_nir_mismatch");

    let msg = message_to(&s, &lucie.email, before).await;
    let code = msg["text"].as_str().unwrap().split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned();
    let token = verify(&s, "registration", &lucie.nir, &code).await;
    assert_eq!(token.status, StatusCode::OK, "{:?}", token.body);
    assert_eq!(reset(&s, token.body["token"].as_str().unwrap(), NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
    let login = s.login(&lucie.email, NEW_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.body["member"]["first_name"], "Lucie");
    assert_eq!(count_to(&s, &lucie.email).await, before + 2, "only the matching request sent a code, then the notice");
}
