//! Changing the password from the personal space (the current one is
//! asked), and the guides' steps opened from the "Guides" screen.

use crate::common::*;
use borne_app::ErrorCode;

#[tokio::test]
async fn from_the_space_the_current_password_is_asked() {
    let h = start().await;
    h.app.login(JEANNE_NIR, secret(JEANNE_PASSWORD)).await.unwrap();
    assert_eq!(h.app.change_password(None, secret(NEW), secret(NEW)).await.unwrap_err().code, ErrorCode::CurrentPasswordWrong);
    let wrong = h.app.change_password(Some(secret("Mauvais1Passe")), secret(NEW), secret(NEW)).await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::CurrentPasswordWrong);
    // Her own names are refused by the live checklist and by the change.
    let check = h.app.check_password(secret("JeanneMartin1"), secret("JeanneMartin1")).await;
    assert!(check.confirmation_matches);
    assert!(check.rules.iter().any(|r| !r.met));
    assert_eq!(h.app.change_password(Some(secret(JEANNE_PASSWORD)), secret("JeanneMartin1"), secret("JeanneMartin1")).await.unwrap_err().code, ErrorCode::PasswordPolicy);
    let member = h.app.change_password(Some(secret(JEANNE_PASSWORD)), secret(NEW), secret(NEW)).await.unwrap();
    assert_eq!(member.first_name, "Jeanne");
    h.app.logout().await;
    h.app.login(JEANNE_NIR, secret(NEW)).await.unwrap();
}

#[tokio::test]
async fn a_guide_step_opens_at_its_number_and_unknown_procedures_are_refused() {
    let h = start_with("mgen").await;
    for n in 1..=5 {
        let stepper = h.app.start_procedure("unlock", Some(n)).await.unwrap().stepper.unwrap();
        assert_eq!((stepper.step, stepper.total), (n, 5));
    }
    assert_eq!(h.app.start_procedure("unlock", Some(6)).await.unwrap_err().code, ErrorCode::BadRequest);
    assert_eq!(h.app.start_procedure("pirate", None).await.unwrap_err().code, ErrorCode::BadRequest);
    // English: the same positions.
    h.app.set_lang("en").unwrap();
    assert_eq!(pos(&h.app.start_procedure("unlock", None).await.unwrap().stepper), ("unlock", 2, 5));
}
