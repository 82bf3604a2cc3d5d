//! "Pas encore inscrit ?": the form, the activation code, the password.

use crate::common::*;
use borne_app::ErrorCode;

const LUCIE_NIR: &str = "2 91 07 75 056 123 67";
const LUCIE_EMAIL: &str = "lucie.bernard@exemple.fr";

#[tokio::test]
async fn registration_with_the_code_then_the_password_then_log_in() {
    let h = start().await;
    assert_eq!(pos(&h.app.start_procedure("register", None).await.unwrap().stepper), ("register", 2, 5));
    assert_eq!(h.app.register(LUCIE_NIR, "MPN-000789", "12/08/1991", LUCIE_EMAIL).await.unwrap_err().code, ErrorCode::BirthDateNirMismatch);
    let sent = h.app.register(LUCIE_NIR, "MPN-000789", "12/07/1991", LUCIE_EMAIL).await.unwrap();
    assert_eq!(pos(&sent.stepper), ("register", 3, 5));
    let code = six_digits(&h.message_to(LUCIE_EMAIL, 0).await);
    assert_eq!(pos(&h.app.verify_code(&code).await.unwrap().stepper), ("register", 4, 5));
    let done = h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    assert!(done.member.is_none());
    assert_eq!(pos(&done.stepper), ("register", 5, 5));
    h.app.login(LUCIE_NIR, secret(NEW)).await.unwrap();
}

/// The activation e-mail's link, opened in an app where no registration is
/// under way (asked on the web site, or before a restart): the page offers
/// « Ouvrir dans l'application » with `&procedure=registration`, which opens
/// the registration's password step, not the forgotten password's.
#[tokio::test]
async fn the_registration_e_mail_link_opens_the_registrations_password_step() {
    let h = start().await;
    let req = borne_api::RegisterRequest {
        nir: LUCIE_NIR.into(),
        member_number: "MPN-000789".into(),
        birthdate: "12/07/1991".into(),
        email: LUCIE_EMAIL.into(),
    };
    h.client.register(&req).await.unwrap();
    let link = link_in(&h.message_to(LUCIE_EMAIL, 0).await).await;
    assert!(link.ends_with("&procedure=registration"), "{link}");
    let opened = h.app.open_link(&[link.as_str()]).await.unwrap();
    assert_eq!(pos(&opened.stepper), ("register", 4, 5));
    let done = h.app.reset_password(secret(NEW), secret(NEW)).await.unwrap();
    assert_eq!(pos(&done.stepper), ("register", 5, 5));
    h.app.login(LUCIE_NIR, secret(NEW)).await.unwrap();
}
