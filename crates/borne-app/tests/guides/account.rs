//! The account and security centre of the personal space (issue 16):
//! « Mes coordonnées », « Sécurité du compte », the sessions, « Ce n'est
//! pas moi ».

use crate::common::*;
use borne_app::ErrorCode;
use borne_api::Channel;

const NEW_MOBILE: &str = "07 81 23 45 67";
const NEW_MOBILE_E164: &str = "+33781234567";
const NEW_EMAIL: &str = "jeanne.nouvelle@exemple.fr";

async fn logged_in_jeanne() -> Harness {
    let h = start().await;
    h.app.login(JEANNE_NIR, secret(JEANNE_PASSWORD)).await.unwrap();
    h
}

#[tokio::test]
async fn nothing_without_a_full_session() {
    let h = start().await;
    assert_eq!(h.app.contacts().await.unwrap_err().code, ErrorCode::SessionExpired);
    assert_eq!(h.app.activity().await.unwrap_err().code, ErrorCode::SessionExpired);
    assert_eq!(h.app.block_account(None).await.unwrap_err().code, ErrorCode::SessionExpired);
}

#[tokio::test]
async fn a_new_mobile_confirmed_by_its_code_then_the_unlock_sms_goes_there() {
    let h = logged_in_jeanne().await;
    let contacts = h.app.contacts().await.unwrap();
    assert_eq!(contacts.mobile.as_deref(), Some("06 •• •• •• 78"));
    assert!(contacts.sms_unlock_possible);

    // Checked here before any call: a landline, nonsense.
    for wrong in ["01 23 45 67 89", "pas un numéro", ""] {
        let e = h.app.change_contact(Channel::Sms, wrong).await.unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::PhoneInvalid, Some(borne_api::Field::Contact)), "{wrong}");
    }
    let sent = h.app.change_contact(Channel::Sms, NEW_MOBILE).await.unwrap();
    assert_eq!(sent.masked, "07 •• •• •• 67");
    assert!(sent.message.contains("07 •• •• •• 67"), "{}", sent.message);
    // « Recevoir un nouveau code » waits for the cooldown.
    assert_eq!(h.app.resend_contact_code().await.unwrap_err().code, ErrorCode::TooManyRequests);
    let code = six_digits(&h.message_to(NEW_MOBILE_E164, 0).await);
    assert_eq!(h.app.confirm_contact("12").await.unwrap_err().code, ErrorCode::CodeFormat);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = h.app.confirm_contact(wrong).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::CodeInvalid);
    assert!(e.attempts_left.is_some());
    let saved = h.app.confirm_contact(&code).await.unwrap();
    assert_eq!(saved.mobile.as_deref(), Some("07 •• •• •• 67"));
    assert!(saved.message.is_some());
    h.app.logout().await;

    h.block(JEANNE_NIR).await;
    h.app.start_procedure("unlock", None).await.unwrap();
    h.app.unlock(JEANNE_NIR, JEANNE_BIRTH).await.unwrap();
    let sent = h.app.unlock_send(Channel::Sms).await.unwrap();
    assert_eq!(sent.sent.masked, "07 •• •• •• 67");
    let temporary = temporary_password_in(&h.message_to(NEW_MOBILE_E164, 1).await);
    assert!(h.app.login(JEANNE_NIR, secret(&temporary)).await.unwrap().must_change_password);
    // A temporary-password session cannot use the account centre.
    assert_eq!(h.app.contacts().await.unwrap_err().code, ErrorCode::PasswordChangeRequired);
}

#[tokio::test]
async fn an_overseas_mobile_is_accepted_but_the_screen_warns_that_sms_unlock_is_impossible() {
    let h = logged_in_jeanne().await;
    h.app.change_contact(Channel::Sms, "06 90 12 34 56").await.unwrap();
    let code = six_digits(&h.message_to("+590690123456", 0).await);
    let saved = h.app.confirm_contact(&code).await.unwrap();
    assert!(!saved.sms_unlock_possible);
}

#[tokio::test]
async fn a_new_email_then_the_forgotten_password_email_goes_there() {
    let h = logged_in_jeanne().await;
    assert_eq!(h.app.change_contact(Channel::Email, "jeanne@").await.unwrap_err().field, Some(borne_api::Field::Contact));
    let unchanged = h.app.change_contact(Channel::Email, JEANNE_EMAIL).await;
    if let Err(e) = &unchanged {
        assert_eq!(e.code, ErrorCode::ContactUnchanged);
    }
    h.app.change_contact(Channel::Email, NEW_EMAIL).await.unwrap();
    let code = six_digits(&h.message_to(NEW_EMAIL, 0).await);
    let saved = h.app.confirm_contact(&code).await.unwrap();
    assert_eq!(saved.email.as_deref(), Some("j•••@exemple.fr"));
    h.app.logout().await;

    h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, NEW_EMAIL).await.unwrap();
    let mail = h.message_to(NEW_EMAIL, 1).await;
    h.app.verify_code(&six_digits(&mail)).await.unwrap();
}

#[tokio::test]
async fn activity_and_sessions_are_written_in_words_and_the_others_can_be_ended() {
    let h = logged_in_jeanne().await;
    let activity = h.app.activity().await.unwrap();
    assert!(!activity.logins.is_empty());
    assert!(activity.logins.iter().all(|l| l.when.starts_with("le ")), "{:?}", activity.logins);
    assert!(activity.logins.iter().any(|l| l.place.contains("Agence de Nancy, borne 1")), "{:?}", activity.logins);
    assert!(activity.events.iter().any(|e| e.what.contains("mot de passe a été changé")), "{:?}", activity.events);

    // Jeanne elsewhere, on a computer.
    let identifier = borne_core::Identifier::parse(JEANNE_NIR).unwrap();
    let other = h.client.login(&identifier, &secret(JEANNE_PASSWORD)).await.unwrap().token;
    let sessions = h.app.sessions().await.unwrap().sessions;
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    assert!(sessions.len() >= 2);
    let ended = h.app.end_other_sessions().await.unwrap();
    assert_eq!(ended.ended as usize, sessions.len() - 1);
    assert!(ended.message.contains(&ended.ended.to_string()));
    assert_eq!(h.client.account_sessions(&other).await.unwrap_err(), borne_core::BorneError::SessionExpired);
    assert_eq!(h.app.sessions().await.unwrap().sessions.len(), 1);
}

#[tokio::test]
async fn not_me_blocks_the_account_ends_the_session_and_starts_the_forgotten_password() {
    let h = logged_in_jeanne().await;
    let event = h.app.activity().await.unwrap().events.into_iter().find(|e| e.disownable).expect("a disownable event");
    let blocked = h.app.block_account(Some(event.id)).await.unwrap();
    assert!(blocked.message.contains("Mot de passe oublié") || blocked.message.contains("nouveau mot de passe"), "{}", blocked.message);
    assert_eq!(pos(&blocked.stepper).0, "forgot");
    assert!(h.app.current_member().await.is_none());
    assert_eq!(h.app.login(JEANNE_NIR, secret(JEANNE_PASSWORD)).await.unwrap_err().code, ErrorCode::AccountBlocked);
    // The forgotten-password procedure unblocks it.
    h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, JEANNE_EMAIL).await.unwrap();
    let code = six_digits(&h.message_to(JEANNE_EMAIL, 0).await);
    h.app.verify_code(&code).await.unwrap();
    h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    h.app.login(JEANNE_NIR, secret(NEW)).await.unwrap();
}
