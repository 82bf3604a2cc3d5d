//! MGEN "Débloquer votre compte", 1st case: the SMS temporary password,
//! typed on the log-in form, then the forced change of password.

use crate::common::*;
use borne_app::ErrorCode;
use borne_api::Channel;

#[tokio::test]
async fn sms_temporary_password_then_forced_change_then_the_space() {
    let h = start().await;
    h.block(JEANNE_NIR).await;
    assert_eq!(pos(&h.app.start_procedure("unlock", None).await.unwrap().stepper), ("unlock", 2, 5));
    // The date must be the NIR's year and month: refused before any call.
    assert_eq!(h.app.unlock(JEANNE_NIR, "15/04/1978").await.unwrap_err().code, ErrorCode::BirthDateNirMismatch);
    let view = h.app.unlock(JEANNE_NIR, JEANNE_BIRTH).await.unwrap();
    assert_eq!(view.channels.len(), 2);
    assert!(view.sent.is_none());
    assert_eq!(pos(&view.stepper), ("unlock", 3, 5));

    let sent = h.app.unlock_send(Channel::Sms).await.unwrap();
    assert_eq!(sent.sent.masked, "06 •• •• •• 78");
    assert_eq!(pos(&sent.stepper), ("unlock", 4, 5));
    let temporary = temporary_password_in(&h.message_to(JEANNE_SMS, 0).await);

    let logged = h.app.login(JEANNE_NIR, secret(&temporary)).await.unwrap();
    assert!(logged.must_change_password);
    assert_eq!(pos(&logged.stepper), ("unlock", 5, 5));
    // Not a full session yet.
    assert!(h.app.current_member().await.is_none());

    // The forced change: no current password, the policy with her NIR and birth date.
    let birth = h.app.change_password(None, secret("Martin15031978"), secret("Martin15031978")).await.unwrap_err();
    assert_eq!(birth.code, ErrorCode::PasswordPolicy);
    let member = h.app.change_password(None, secret(NEW), secret(NEW)).await.unwrap();
    assert_eq!(member.first_name, "Jeanne");
    assert_eq!(h.app.current_member().await.unwrap().first_name, "Jeanne");
    h.app.logout().await;
    assert_eq!(h.app.login(JEANNE_NIR, secret(&temporary)).await.unwrap_err().code, ErrorCode::WrongPassword);
    h.app.login(JEANNE_NIR, secret(NEW)).await.unwrap();
}

/// The bug members met: after the temporary password step the stepper
/// showed "Étape 1 sur 5" again (the log-in screen is the guide's step 1).
#[tokio::test]
async fn the_stepper_never_goes_back_to_step_1_after_the_temporary_password_step() {
    let h = start().await;
    h.block(JEANNE_NIR).await;
    let mut steps = vec![pos(&h.app.start_procedure("unlock", None).await.unwrap().stepper).1];
    steps.push(pos(&h.app.unlock(JEANNE_NIR, JEANNE_BIRTH).await.unwrap().stepper).1);
    let sent = h.app.unlock_send(Channel::Sms).await.unwrap();
    let at_sms = sent.stepper.clone().unwrap();
    steps.push(at_sms.step);
    // The member types the temporary password on the log-in form: that
    // screen is still step 4, not the log-in's step 1.
    assert!(at_sms.screens.iter().any(|s| s == "login"), "{at_sms:?}");
    assert_eq!(at_sms.screen, "unlock-sent");
    let temporary = temporary_password_in(&h.message_to(JEANNE_SMS, 0).await);
    // A mistyped temporary password leaves the stepper where it was.
    let typo = h.app.login(JEANNE_NIR, secret("Faux1Temporaire")).await;
    assert!(typo.is_err());
    // ... and says « mot de passe temporaire », not « code » (issue 14 §3).
    let message = &typo.as_ref().unwrap_err().message;
    assert!(message.contains("mot de passe temporaire") && !message.contains("code"), "{message}");
    let logged = h.app.login(JEANNE_NIR, secret(&temporary)).await.unwrap();
    steps.push(pos(&logged.stepper).1);
    assert_eq!(steps, [2, 3, 4, 5]);
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "the stepper went back: {steps:?}");
    assert_eq!(logged.stepper.unwrap().screen, "change-password");
}

#[tokio::test]
async fn an_account_that_is_not_blocked_is_sent_to_the_forgotten_password() {
    let h = start().await;
    let refused = h.app.unlock(JEANNE_NIR, JEANNE_BIRTH).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotBlocked);
    assert_eq!(pos(&h.app.start_procedure("forgot", None).await.unwrap().stepper), ("forgot", 2, 6));
}

#[tokio::test]
async fn cancel_after_the_temporary_password_ends_that_session() {
    let h = start().await;
    h.block(JEANNE_NIR).await;
    h.app.unlock(JEANNE_NIR, JEANNE_BIRTH).await.unwrap();
    h.app.unlock_send(Channel::Sms).await.unwrap();
    let temporary = temporary_password_in(&h.message_to(JEANNE_SMS, 0).await);
    h.app.login(JEANNE_NIR, secret(&temporary)).await.unwrap();
    let back = h.app.cancel_procedure().await;
    assert_eq!(pos(&back.stepper), ("login", 1, 2));
    // No session any more: the change needs the procedure again.
    assert_eq!(h.app.change_password(None, secret(NEW), secret(NEW)).await.unwrap_err().code, ErrorCode::CodeExpired);
}
