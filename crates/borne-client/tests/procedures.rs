//! The client against the real reference server (SQLite in a temp dir, demo
//! members, demo outbox): every procedure's call and its errors map to the
//! member-facing errors of borne-core.

use borne_api::{ChangePasswordRequest, Channel, ForgotPasswordRequest, Purpose, RegisterRequest};
use borne_core::{BorneError, Identifier, Secret};
mod common;

use common::{server, Server};

/// The newest text sent to `to`, read from the demo outbox.
async fn last_message(s: &Server, to: &str, previous: usize) -> String {
    let url = format!("http://{}/dev/outbox", s.running.addr);
    for _ in 0..200 {
        let entries: Vec<serde_json::Value> = reqwest::get(&url).await.unwrap().json().await.unwrap();
        let mine: Vec<_> = entries.iter().filter(|e| e["to"] == to).collect();
        if mine.len() > previous {
            return mine.last().unwrap()["text"].as_str().unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("nothing sent to {to}");
}

fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a code").to_owned()
}

/// The temporary password in the SMS: the word after "temporaire".
fn temporary_password_in(sms: &str) -> String {
    let after = sms.split("temporaire").nth(1).expect("the SMS names the temporary password");
    after.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| !w.is_empty()).unwrap().to_owned()
}

const JEANNE_NIR: &str = "2 78 03 69 123 045 34";
const NEW: &str = "Colibri-Vert-42";

#[tokio::test]
async fn forgotten_password_then_reset_through_the_client() {
    let s = server().await;
    let c = &s.client;
    let req = ForgotPasswordRequest { identifier: "278036912304534".into(), member_number: "MPN-000123".into(), email: "jeanne.martin@exemple.fr".into() };
    let accepted = c.forgot_password(&req).await.unwrap();
    assert!(accepted.message.contains("Réinitialisation de mot de passe"));
    let code = six_digits(&last_message(&s, "jeanne.martin@exemple.fr", 0).await);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(c.verify_code(Purpose::Reset, JEANNE_NIR, &Secret::new(wrong)).await.unwrap_err(), BorneError::CodeInvalid { attempts_left: 4 });
    let token = c.verify_code(Purpose::Reset, JEANNE_NIR, &Secret::new(code)).await.unwrap().token;
    let weak = c.reset_password(&token, &Secret::new("Password1"), &Secret::new("Password1")).await.unwrap_err();
    assert!(matches!(weak, BorneError::PasswordPolicy { ref broken } if !broken.is_empty()), "{weak:?}");
    assert_eq!(c.reset_password(&token, &Secret::new(NEW), &Secret::new("autre")).await.unwrap_err(), BorneError::PasswordsDiffer);
    c.reset_password(&token, &Secret::new(NEW), &Secret::new(NEW)).await.unwrap();
    assert_eq!(c.reset_password(&token, &Secret::new(NEW), &Secret::new(NEW)).await.unwrap_err(), BorneError::CodeExpired);
    c.login(&Identifier::parse(JEANNE_NIR).unwrap(), &Secret::new(NEW)).await.unwrap();
}

#[tokio::test]
async fn unlock_by_sms_and_change_through_the_client() {
    let s = server().await;
    let c = &s.client;
    let who = Identifier::parse(JEANNE_NIR).unwrap();
    assert_eq!(c.unlock(JEANNE_NIR, "15/03/1978").await.unwrap_err(), BorneError::NotBlocked);
    for _ in 0..3 {
        let _ = c.login(&who, &Secret::new("Mauvais1Passe")).await;
    }
    assert_eq!(c.unlock(JEANNE_NIR, "15/04/1978").await.unwrap_err(), BorneError::BirthDateNirMismatch);
    let started = c.unlock(JEANNE_NIR, "15/03/1978").await.unwrap();
    assert_eq!(started.channels.len(), 2);
    let sent = c.unlock_send(&started.unlock_id, Channel::Sms).await.unwrap();
    assert_eq!(sent.masked, "06 •• •• •• 78");
    let sms = last_message(&s, "+33612345678", 0).await;
    let temporary = temporary_password_in(&sms);
    let login = c.login(&who, &Secret::new(temporary)).await.unwrap();
    assert!(login.must_change_password);
    assert_eq!(c.session(&login.token).await.unwrap_err(), BorneError::PasswordChangeRequired);
    let req = ChangePasswordRequest { current_password: None, new_password: Secret::new(NEW), new_password_confirmation: Secret::new(NEW) };
    let full = c.change_password(&login.token, &req).await.unwrap();
    assert!(!full.must_change_password);
    assert_eq!(c.session(&full.token).await.unwrap().first_name, "Jeanne");
}

#[tokio::test]
async fn registration_answer_is_the_same_for_everyone() {
    let s = server().await;
    let c = &s.client;
    let lucie = borne_server::demo::unregistered_members().remove(0);
    let ok = RegisterRequest { nir: lucie.nir.clone(), member_number: lucie.member_number.clone(), birthdate: lucie.birthdate.clone(), email: lucie.email.clone() };
    let wrong = RegisterRequest { member_number: "MPN-000000".into(), ..ok.clone() };
    assert_eq!(c.register(&ok).await.unwrap(), c.register(&wrong).await.unwrap());
    let bad_date = RegisterRequest { birthdate: "12/08/1991".into(), ..ok.clone() };
    assert_eq!(c.register(&bad_date).await.unwrap_err(), BorneError::BirthDateNirMismatch);
}
