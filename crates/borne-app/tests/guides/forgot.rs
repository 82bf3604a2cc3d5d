//! MPN "MOT DE PASSE OUBLIÉ" at a kiosk (the e-mail's code) and at home (its
//! link), by NIR and by e-mail: the code step, the resend cooldown, the new
//! password under the policy.

use crate::common::*;
use borne_app::ErrorCode;
use borne_core::procedures::RESEND_COOLDOWN_SECS;
use std::time::Duration;

#[tokio::test]
async fn by_nir_with_the_code_then_a_new_password_under_the_policy() {
    let h = start().await;
    assert_eq!(pos(&h.app.start_procedure("forgot", None).await.unwrap().stepper), ("forgot", 2, 6));
    let sent = h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, JEANNE_EMAIL).await.unwrap();
    assert!(sent.message.contains("Réinitialisation de mot de passe"), "{}", sent.message);
    assert_eq!(sent.cooldown_secs, RESEND_COOLDOWN_SECS);
    assert_eq!(pos(&sent.stepper), ("forgot", 3, 6));
    let code = six_digits(&h.message_to(JEANNE_EMAIL, 0).await);

    // The code's format is checked here, before any call.
    assert_eq!(h.app.verify_code("12 34a6").await.unwrap_err().code, ErrorCode::CodeFormat);
    assert_eq!(h.app.verify_code("  ").await.unwrap_err().code, ErrorCode::CodeMissing);
    let refused = h.app.verify_code(wrong(&code)).await.unwrap_err();
    assert_eq!((refused.code, refused.attempts_left), (ErrorCode::CodeInvalid, Some(4)));
    let accepted = h.app.verify_code(&format!(" {} {} ", &code[..3], &code[3..])).await.unwrap();
    assert_eq!(pos(&accepted.stepper), ("forgot", 5, 6));

    // The policy, with what the app knows of the member (her NIR).
    let weak = h.app.reset_password(secret("Password1"), secret("Password1")).await.unwrap_err();
    assert_eq!(weak.code, ErrorCode::PasswordPolicy);
    let nir = h.app.reset_password(secret("Aa278036912304534"), secret("Aa278036912304534")).await.unwrap_err();
    assert_eq!(nir.code, ErrorCode::PasswordPolicy);
    let differ = h.app.reset_password(secret(NEW), secret("Colibri-Vert-43")).await.unwrap_err();
    assert_eq!(differ.code, ErrorCode::PasswordsDiffer);
    let done = h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    assert!(done.member.is_none(), "a forgotten password does not log the member in");
    assert_eq!(pos(&done.stepper), ("forgot", 6, 6));
    assert_eq!(done.stepper.unwrap().screen, "reset-done");

    // Used once; the new password is hers.
    assert_eq!(h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap_err().code, ErrorCode::CodeExpired);
    h.app.login(JEANNE_NIR, secret(NEW)).await.unwrap();
}

#[tokio::test]
async fn by_e_mail_with_the_code() {
    let h = start().await;
    h.app.forgot_password(JEANNE_EMAIL, JEANNE_NUMBER, JEANNE_EMAIL).await.unwrap();
    let code = six_digits(&h.message_to(JEANNE_EMAIL, 0).await);
    h.app.verify_code(&code).await.unwrap();
    h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    h.app.login(JEANNE_EMAIL, secret(NEW)).await.unwrap();
}

#[tokio::test]
async fn the_form_is_checked_field_by_field_and_the_answer_reveals_nothing() {
    let h = start().await;
    assert_eq!(h.app.forgot_password(JEANNE_NIR, "  ", JEANNE_EMAIL).await.unwrap_err().code, ErrorCode::MemberNumberMissing);
    let email = h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, "jeanne@").await.unwrap_err();
    assert_eq!(email.field, Some(borne_api::Field::Email));
    let known = h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, JEANNE_EMAIL).await.unwrap();
    let unknown = h.app.forgot_password(JEANNE_NIR, "MPN-999999", "personne@exemple.fr").await.unwrap();
    assert_eq!(known.message, unknown.message);
}

#[tokio::test]
async fn resend_waits_for_the_cooldown_then_sends_again() {
    let h = start().await;
    h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, JEANNE_EMAIL).await.unwrap();
    h.message_to(JEANNE_EMAIL, 0).await;
    let early = h.app.resend().await.unwrap_err();
    assert_eq!(early.code, ErrorCode::TooManyRequests);
    h.clock.advance(Duration::from_secs(RESEND_COOLDOWN_SECS - 1));
    assert_eq!(h.app.resend().await.unwrap_err().code, ErrorCode::TooManyRequests);
    h.clock.advance(Duration::from_secs(1));
    let again = h.app.resend().await.unwrap();
    assert_eq!(pos(&again.stepper), ("forgot", 3, 6), "a resend keeps the step");
    let code = six_digits(&h.message_to(JEANNE_EMAIL, 1).await);
    // The cooldown starts again.
    assert_eq!(h.app.resend().await.unwrap_err().code, ErrorCode::TooManyRequests);
    h.app.verify_code(&code).await.unwrap();
    h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
}

#[tokio::test]
async fn the_reset_link_opened_at_home_shows_the_reset_step_of_the_forgotten_password() {
    let h = start().await;
    // Asked from elsewhere (the web site): nothing under way in the app.
    let req = borne_api::ForgotPasswordRequest { identifier: JEANNE_NIR.into(), member_number: JEANNE_NUMBER.into(), email: JEANNE_EMAIL.into() };
    h.client.forgot_password(&req).await.unwrap();
    let link = link_in(&h.message_to(JEANNE_EMAIL, 0).await).await;
    assert!(h.app.open_link(&["borne://other"]).await.is_none());
    let opened = h.app.open_link(&[link.as_str()]).await.unwrap();
    assert_eq!(opened.screen, "reset");
    assert_eq!(pos(&opened.stepper), ("forgot", 5, 6));
    assert_eq!(h.app.take_link().await, Some(opened));
    assert_eq!(h.app.take_link().await, None, "taken once");
    let done = h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    assert_eq!(pos(&done.stepper), ("forgot", 6, 6));
    h.app.login(JEANNE_NIR, secret(NEW)).await.unwrap();
}

#[tokio::test]
async fn cancel_forgets_the_procedure_and_goes_back_to_the_log_in() {
    let h = start().await;
    h.app.forgot_password(JEANNE_NIR, JEANNE_NUMBER, JEANNE_EMAIL).await.unwrap();
    let code = six_digits(&h.message_to(JEANNE_EMAIL, 0).await);
    let back = h.app.cancel_procedure().await;
    assert_eq!(pos(&back.stepper), ("login", 1, 2));
    assert_eq!(h.app.verify_code(&code).await.unwrap_err().code, ErrorCode::CodeExpired);
    assert_eq!(h.app.resend().await.unwrap_err().code, ErrorCode::CodeExpired);
}
