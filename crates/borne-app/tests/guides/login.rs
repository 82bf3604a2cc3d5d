//! MPN "CONNEXION": right password, wrong password with the attempts left,
//! blocked after three.

use crate::common::*;
use borne_app::ErrorCode;

#[tokio::test]
async fn log_in_with_the_right_password_opens_the_space_at_the_guides_last_step() {
    let h = start().await;
    let started = h.app.start_procedure("login", None).await.unwrap();
    assert_eq!(pos(&started.stepper), ("login", 1, 2));
    assert_eq!(started.stepper.unwrap().screen, "login");
    let logged = h.app.login(JEANNE_NIR, secret(JEANNE_PASSWORD)).await.unwrap();
    assert_eq!(logged.member.first_name, "Jeanne");
    assert!(!logged.must_change_password);
    assert_eq!(pos(&logged.stepper), ("login", 2, 2));
    assert_eq!(h.app.current_member().await.unwrap().last_name, "Martin");
    // By e-mail too.
    h.app.logout().await;
    assert!(h.app.current_member().await.is_none());
    h.app.login(JEANNE_EMAIL, secret(JEANNE_PASSWORD)).await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_says_how_many_attempts_are_left_then_the_account_is_blocked() {
    let h = start().await;
    let first = h.app.login(JEANNE_NIR, secret("Mauvais1Passe")).await.unwrap_err();
    assert_eq!((first.code, first.attempts_left), (ErrorCode::WrongPassword, Some(2)));
    let second = h.app.login(JEANNE_NIR, secret("Mauvais2Passe")).await.unwrap_err();
    assert_eq!(second.attempts_left, Some(1));
    let third = h.app.login(JEANNE_NIR, secret("Mauvais3Passe")).await.unwrap_err();
    assert_eq!(third.code, ErrorCode::AccountBlocked);
    // Even the right password is refused now.
    let right = h.app.login(JEANNE_NIR, secret(JEANNE_PASSWORD)).await.unwrap_err();
    assert_eq!(right.code, ErrorCode::AccountBlocked);
    assert!(h.app.current_member().await.is_none());
}

#[tokio::test]
async fn field_a_is_checked_before_any_call() {
    let h = start().await;
    let bad_key = h.app.login("2 78 03 69 123 045 35", secret(JEANNE_PASSWORD)).await.unwrap_err();
    assert_eq!(bad_key.code, ErrorCode::NirKey);
    assert!(h.app.check_identifier(JEANNE_NIR).is_ok());
    assert_eq!(h.app.login(JEANNE_NIR, secret("")).await.unwrap_err().code, ErrorCode::PasswordMissing);
}
