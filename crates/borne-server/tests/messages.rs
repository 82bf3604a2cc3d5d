//! The e-mails and SMS are written from the configured insurer profile's
//! templates (content/messages/<profile>.<lang>.toml): an MGEN server's
//! reset e-mail speaks of the « Espace personnel », an MPN one of the
//! « Espace adhérent », in French or English. Real server over SQLite and
//! PostgreSQL, messages read from the demo outbox.

#[macro_use]
mod common;

use borne_content::{messages, profile, Lang};
use borne_server::delivery::{default_templates, Message, PASSWORD_CHANGED_SUBJECT, REGISTRATION_SUBJECT, RESET_PASSWORD_SUBJECT, UNLOCK_SUBJECT};
use common::{local_config, Backend, TestServer, JEANNE};
use serde_json::Value;

on_each_backend! {
    an_mgen_server_s_reset_e_mail_says_espace_personnel,
    an_mpn_server_s_reset_e_mail_says_espace_adherent,
    an_mgen_server_in_english_writes_in_english,
}

/// A server of `profile` in `lang` with the demo outbox, after Jeanne's
/// forgotten-password form: the reset e-mail it sent her.
async fn reset_email(backend: &Backend, profile_id: &str, lang: Lang) -> Value {
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("error").try_init();
    let mut config = local_config();
    config.delivery.outbox = true;
    config.profile = profile_id.into();
    config.language = lang;
    config.support = profile(profile_id).unwrap().support;
    let s = TestServer::start_with(backend, config).await;
    s.forgot_jeanne().await;
    for _ in 0..500 {
        let entries: Vec<Value> = s.http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
        if let Some(e) = entries.into_iter().find(|e| e["to"] == JEANNE.email) {
            return e;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no e-mail to Jeanne in the outbox");
}

async fn an_mgen_server_s_reset_e_mail_says_espace_personnel(backend: Backend) {
    let e = reset_email(&backend, "mgen", Lang::Fr).await;
    let text = e["text"].as_str().unwrap();
    assert_eq!(e["subject"], RESET_PASSWORD_SUBJECT);
    assert!(text.contains("votre Espace personnel MGEN"), "{text}");
    assert!(!text.contains("Espace adhérent"), "{text}");
    assert!(text.contains("36 76") && text.contains("la messagerie de votre Espace personnel"), "MGEN's contacts: {text}");
}

async fn an_mpn_server_s_reset_e_mail_says_espace_adherent(backend: Backend) {
    let e = reset_email(&backend, "mpn", Lang::Fr).await;
    let text = e["text"].as_str().unwrap();
    assert_eq!(e["subject"], RESET_PASSWORD_SUBJECT);
    assert!(text.contains("votre Espace adhérent MPN"), "{text}");
    assert!(!text.contains("Espace personnel"), "{text}");
}

async fn an_mgen_server_in_english_writes_in_english(backend: Backend) {
    let e = reset_email(&backend, "mgen", Lang::En).await;
    let text = e["text"].as_str().unwrap();
    assert_eq!(e["subject"], "Password reset");
    assert!(text.starts_with("Hello ") && text.contains("your MGEN Espace personnel"), "{text}");
    assert!(text.contains("valid for 30 minutes"), "{text}");
}

#[test]
fn the_default_server_writes_as_mpn_in_french() {
    let config = borne_server::ServerConfig::default();
    assert_eq!((config.profile.as_str(), config.language), ("mpn", Lang::Fr));
    assert_eq!(default_templates(), &messages("mpn", Lang::Fr).unwrap());
}

fn all_messages() -> Vec<Message> {
    vec![
        Message::ResetPassword { first_name: "Jeanne".into(), link: "https://adherents.example/compte/mot-de-passe?token=t".into(), code: "123456".into() },
        Message::UnlockByEmail { first_name: "Jeanne".into(), link: "https://adherents.example/compte/mot-de-passe?token=t".into(), code: "123456".into() },
        Message::UnlockTemporaryPassword { temporary_password: "Tmp-4242".into() },
        Message::RegistrationCode { first_name: "Jeanne".into(), link: "https://adherents.example/compte/mot-de-passe?token=t".into(), code: "123456".into() },
        Message::PasswordChanged { first_name: "Jeanne".into() },
    ]
}

#[test]
fn english_templates_exist_for_every_message_kind() {
    for id in ["mpn", "mgen"] {
        let support = profile(id).unwrap().support;
        let en = messages(id, Lang::En).unwrap();
        let fr = messages(id, Lang::Fr).unwrap();
        for msg in all_messages() {
            let (e, f) = (msg.render_with(&en, &support), msg.render_with(&fr, &support));
            assert_eq!(e.subject.is_some(), f.subject.is_some(), "{id} {}", msg.kind());
            assert_ne!(e.text, f.text, "{id} {}: the English text is the French one", msg.kind());
            assert!(!e.text.contains('{'), "{id} {}: a placeholder left", msg.kind());
            if e.subject.is_some() {
                assert_ne!(e.subject, f.subject, "{id} {}", msg.kind());
                assert!(e.text.starts_with("Hello Jeanne,") && e.text.contains("Kind regards,"), "{id} {}", msg.kind());
                assert!(e.text.contains("please do not reply"), "{id} {}", msg.kind());
            } else {
                assert!(e.text.contains("Tmp-4242") && e.text.contains("valid 10 min"), "{id}: the SMS");
                assert!(e.text.chars().count() <= 160, "{id}: one SMS");
            }
        }
    }
}

#[test]
fn the_subject_constants_are_mpn_s_french_subjects() {
    let fr = messages("mpn", Lang::Fr).unwrap();
    assert_eq!(fr.reset_password.subject.as_deref(), Some(RESET_PASSWORD_SUBJECT));
    assert_eq!(fr.unlock_by_email.subject.as_deref(), Some(UNLOCK_SUBJECT));
    assert_eq!(fr.registration_code.subject.as_deref(), Some(REGISTRATION_SUBJECT));
    assert_eq!(fr.password_changed.subject.as_deref(), Some(PASSWORD_CHANGED_SUBJECT));
}
