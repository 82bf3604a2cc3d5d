//! MGEN "Débloquer votre compte", 2nd case: the e-mail (used automatically
//! when it is the only usable channel), its code at a kiosk or its link at
//! home, then the new password and the personal space.

use crate::common::*;
use borne_app::ErrorCode;
use borne_api::Channel;
use borne_core::procedures::RESEND_COOLDOWN_SECS;
use std::time::Duration;

#[tokio::test]
async fn the_only_usable_channel_is_used_then_the_code_then_the_new_password() {
    let h = start().await;
    h.block(MARC_NIR).await;
    let view = h.app.unlock(MARC_NIR, MARC_BIRTH).await.unwrap();
    let sent = view.sent.expect("used automatically");
    assert_eq!(sent.channel, Channel::Email);
    assert_eq!(pos(&view.stepper), ("unlock", 4, 5));
    assert_eq!(view.stepper.unwrap().screens, ["unlock-sent"], "no log-in on the e-mail path");
    let code = six_digits(&h.message_to(MARC_EMAIL, 0).await);
    assert_eq!(h.app.verify_code(wrong(&code)).await.unwrap_err().attempts_left, Some(4));
    let accepted = h.app.verify_code(&code).await.unwrap();
    assert_eq!(pos(&accepted.stepper), ("unlock", 5, 5));
    assert_eq!(accepted.stepper.unwrap().screen, "change-password");
    // The change without a session logs the member in.
    let member = h.app.change_password(None, secret(NEW), secret(NEW)).await.unwrap();
    assert_eq!(member.first_name, "Marc");
    assert_eq!(h.app.current_member().await.unwrap().last_name, "Petit");
}

#[tokio::test]
async fn the_e_mail_is_resent_after_the_cooldown() {
    let h = start().await;
    h.block(JEANNE_NIR).await;
    h.app.unlock(JEANNE_NIR, JEANNE_BIRTH).await.unwrap();
    let sent = h.app.unlock_send(Channel::Email).await.unwrap();
    assert_eq!(pos(&sent.stepper), ("unlock", 4, 5));
    h.message_to(JEANNE_EMAIL, 0).await;
    assert_eq!(h.app.resend().await.unwrap_err().code, ErrorCode::TooManyRequests);
    h.clock.advance(Duration::from_secs(RESEND_COOLDOWN_SECS));
    let again = h.app.resend().await.unwrap();
    assert!(again.message.contains("j•••@exemple.fr"), "{}", again.message);
    assert_eq!(pos(&again.stepper), ("unlock", 4, 5));
    let code = six_digits(&h.message_to(JEANNE_EMAIL, 1).await);
    h.app.verify_code(&code).await.unwrap();
    h.app.change_password(None, secret(NEW), secret(NEW)).await.unwrap();
}

/// The bug members met: the unlock e-mail's link opened the app as « Mot de
/// passe oublié » instead of the unlock's step 5.
#[tokio::test]
async fn the_unlock_e_mail_link_opens_the_unlock_procedure_not_the_forgotten_password() {
    let h = start().await;
    h.block(MARC_NIR).await;
    h.app.unlock(MARC_NIR, MARC_BIRTH).await.unwrap();
    let link = link_in(&h.message_to(MARC_EMAIL, 0).await).await;
    let opened = h.app.open_link(&[link.as_str()]).await.unwrap();
    let stepper = opened.stepper.clone().unwrap();
    assert_eq!(stepper.procedure, borne_content::Procedure::Unlock);
    assert_ne!(stepper.procedure, borne_content::Procedure::Forgot);
    assert_eq!((stepper.step, stepper.total), (5, 5));
    assert_eq!(opened.screen, "change-password");
    assert_eq!(h.app.take_link().await, Some(opened));
    // The unlock ends as the guide says: in the personal space.
    let member = h.app.change_password(None, secret(NEW), secret(NEW)).await.unwrap();
    assert_eq!(member.first_name, "Marc");
    assert!(h.app.current_member().await.is_some());
}

/// The member asked for the unlock e-mail, then the app was restarted (or
/// the link is opened on another PC): the link still says it is an unlock's,
/// so it is not presented as a forgotten password; without the NIR the app
/// cannot log the member in afterwards, so the form ends with « Se connecter ».
#[tokio::test]
async fn an_unlock_link_opened_after_a_restart_is_not_a_forgotten_password() {
    let h = start().await;
    h.block(MARC_NIR).await;
    h.app.unlock(MARC_NIR, MARC_BIRTH).await.unwrap();
    let link = link_in(&h.message_to(MARC_EMAIL, 0).await).await;
    assert!(link.ends_with("&procedure=unlock"), "{link}");

    let restarted = borne_app::App::with_clock(h.client.clone(), borne_content::profile("mgen").unwrap(), h.clock.clone());
    let opened = restarted.open_link(&[link.as_str()]).await.unwrap();
    assert_eq!(opened.screen, "reset");
    assert!(opened.stepper.is_none(), "not the forgotten password's steps: {:?}", opened.stepper);
    let done = restarted.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    assert!(done.member.is_none(), "the app does not know who to log in");
    // The account is unblocked: the member logs in with the new password.
    restarted.login(MARC_NIR, secret(NEW)).await.unwrap();
}
