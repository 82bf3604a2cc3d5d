//! The account and security centre of the personal space (issue 16), on the
//! real window against a real reference server: a new mobile then the
//! unlock SMS goes there; a new e-mail then the forgotten-password e-mail
//! goes there; « Déconnecter les autres appareils » ends a second session;
//! « Ce n'est pas moi » blocks the account and leads to the forgotten
//! password. The new screens' states are checked by axe as they are reached.

use crate::harness::{assert_no_secrets, six_digit_code, temporary_password, App, Backend, TestMember};
use crate::procedures::{assert_resend_waits, block_through_the_ui, send_forgot, wrong_code};
use crate::scenario;
use anyhow::{ensure, Result};

const HOME: &str = "screen-home";
const LOGIN: &str = "screen-login";
const SPACE: &str = "screen-space";
const CONTACTS: &str = "screen-contacts";
const CHANGE: &str = "screen-contact-change";
const CODE: &str = "screen-contact-code";
const SECURITY: &str = "screen-security";
const BLOCK: &str = "screen-block";
const FORGOT: &str = "screen-forgot";
const FORGOT_SENT: &str = "screen-forgot-sent";
const UNLOCK: &str = "screen-unlock";
const UNLOCK_CHANNEL: &str = "screen-unlock-channel";
const UNLOCK_SENT: &str = "screen-unlock-sent";

const NEW_MOBILE: &str = "07 81 23 45 67";
const NEW_MOBILE_E164: &str = "+33781234567";

async fn logged_in(app: &App, m: &TestMember) -> Result<()> {
    app.log_in(&m.nir_typed, &m.password).await?;
    app.screen(SPACE).await
}

/// « Mes coordonnées » → « Changer … » → `value` → its code (read from the
/// outbox at `to`) → back to the contacts with the success status.
async fn change_contact(app: &App, backend: &Backend, which: &str, value: &str, to: &str, shots: bool) -> Result<String> {
    app.click_in(SPACE, "space-contacts").await?;
    app.screen(CONTACTS).await?;
    app.click_in(CONTACTS, which).await?;
    app.screen(CHANGE).await?;
    ensure!(app.focused_testid().await? == "contact-change-title", "the focus is not on the title");
    app.type_in(CHANGE, "contact-new-value", value).await?;
    if shots {
        app.screenshot(&format!("contact-change-{}", if which.ends_with("mobile") { "mobile" } else { "email" })).await?;
    }
    let before = backend.messages_to(to).await?.len();
    app.click_in(CHANGE, "contact-change-submit").await?;
    app.screen(CODE).await?;
    assert_resend_waits(app, CODE).await?;
    let code = six_digit_code(&backend.last_message(to, before).await?);
    // A wrong code first: the attempts left, tied to the field.
    app.type_in(CODE, "contact-code", wrong_code(&code)).await?;
    app.click_in(CODE, "contact-code-submit").await?;
    app.wait_text_in(CODE, "contact-code-error", "incorrect").await?;
    ensure!(app.focused_testid().await? == "contact-code", "the focus is not on the code field");
    if shots {
        app.screenshot("contact-code-wrong").await?;
    }
    app.type_in(CODE, "contact-code", &code).await?;
    app.click_in(CODE, "contact-code-submit").await?;
    app.screen(CONTACTS).await?;
    app.wait_text_in(CONTACTS, "contacts-status", "enregistr").await?;
    Ok(code)
}

#[test]
fn account_new_mobile_then_the_unlock_sms_goes_to_it() {
    scenario(|| async {
        let m = TestMember::new(611);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "account-mobile").await?;
        logged_in(&app, &m).await?;
        app.click_in(SPACE, "space-contacts").await?;
        app.screen(CONTACTS).await?;
        app.wait_text_in(CONTACTS, "contacts-mobile", "06 •• •• •• 78").await?;
        app.wait_text_in(CONTACTS, "contacts-mobile-use", "France métropolitaine").await?;
        ensure!(!app.is_visible_in(CONTACTS, "contacts-sms-warning").await?, "the SMS warning shows for a metropolitan mobile");
        app.screenshot("contacts").await?;
        app.click_in(CONTACTS, "back-space").await?;
        app.screen(SPACE).await?;

        // A landline is refused on the spot, next to the field.
        app.click_in(SPACE, "space-contacts").await?;
        app.screen(CONTACTS).await?;
        app.click_in(CONTACTS, "contacts-change-mobile").await?;
        app.screen(CHANGE).await?;
        app.type_in(CHANGE, "contact-new-value", "01 23 45 67 89").await?;
        app.click_in(CHANGE, "contact-change-submit").await?;
        app.wait_text_in(CHANGE, "contact-new-value-error", "n'est pas valide").await?;
        ensure!(app.focused_testid().await? == "contact-new-value");
        app.screenshot("contact-change-mobile-invalid").await?;
        app.click_in(CHANGE, "contact-change-cancel").await?;
        app.screen(CONTACTS).await?;
        app.click_in(CONTACTS, "back-space").await?;
        app.screen(SPACE).await?;

        let code = change_contact(&app, &backend, "contacts-change-mobile", NEW_MOBILE, NEW_MOBILE_E164, true).await?;
        app.wait_text_in(CONTACTS, "contacts-mobile", "07 •• •• •• 67").await?;
        app.screenshot("contacts-saved").await?;
        app.click_in(CONTACTS, "back-space").await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        // Blocked, then « Débloquez votre compte »: the SMS goes to the new mobile.
        block_through_the_ui(&app, &m, &["Mauvais1Passe", "Mauvais2Passe", "Mauvais3Passe"]).await?;
        app.click_in(LOGIN, "link-unlock").await?;
        app.screen(UNLOCK).await?;
        app.type_in(UNLOCK, "unlock-nir", &m.nir_typed).await?;
        app.type_in(UNLOCK, "unlock-birthdate", "12061985").await?;
        app.click_in(UNLOCK, "unlock-submit").await?;
        app.screen(UNLOCK_CHANNEL).await?;
        app.wait_text(UNLOCK_CHANNEL, "07 •• •• •• 67").await?;
        app.click_in(UNLOCK_CHANNEL, "channel-sms").await?;
        app.click_in(UNLOCK_CHANNEL, "channel-submit").await?;
        app.screen(UNLOCK_SENT).await?;
        let sms = backend.last_message(NEW_MOBILE_E164, 1).await?;
        let temporary = temporary_password(&sms);
        ensure!(backend.outbox().await?.iter().all(|e| e["to"] != "+33612345678" || !e["text"].as_str().unwrap_or_default().contains("temporaire")),
            "the temporary password went to the old mobile");
        app.click_in(UNLOCK_SENT, "unlock-sent-login").await?;
        app.screen(LOGIN).await?;
        app.type_in(LOGIN, "login-password", &temporary).await?;
        app.click_in(LOGIN, "login-submit").await?;
        app.screen("screen-change-password").await?;

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&m.nir, &m.password, &temporary, &code, NEW_MOBILE_E164, NEW_MOBILE, &m.email]);
        Ok(())
    });
}

#[test]
fn account_new_email_then_the_forgotten_password_email_goes_to_it() {
    scenario(|| async {
        let m = TestMember::new(612);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "account-email").await?;
        logged_in(&app, &m).await?;
        let new_email = "elise.nouvelle@exemple.fr";
        let code = change_contact(&app, &backend, "contacts-change-email", new_email, new_email, true).await?;
        app.wait_text_in(CONTACTS, "contacts-email", "e•••@exemple.fr").await?;
        // The old address was told, with « Ce n'est pas moi ».
        let notice = backend.last_message(&m.email, 0).await?;
        ensure!(notice.contains("pas moi"), "{notice}");
        app.click_in(CONTACTS, "back-space").await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        app.click("home-login").await?;
        app.screen(LOGIN).await?;
        app.click_in(LOGIN, "link-forgot-password").await?;
        app.screen(FORGOT).await?;
        send_forgot(&app, &m.nir_typed, &m.member_number, new_email).await?;
        app.screen(FORGOT_SENT).await?;
        let mail = backend.last_message(new_email, 1).await?;
        let reset_code = six_digit_code(&mail);

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&m.nir, &m.password, &code, &reset_code, new_email, &m.email]);
        Ok(())
    });
}

#[test]
fn account_security_ends_the_other_sessions() {
    scenario(|| async {
        let m = TestMember::new(613);
        let backend = Backend::start(&[&m]).await?;
        // The member elsewhere, on another device.
        let client = borne_client::Client::new(&backend.url())?;
        let identifier = borne_core::Identifier::parse(&m.nir)?;
        let other = client.login(&identifier, &borne_core::Secret::new(m.password.clone())).await?.token;
        let app = App::launch(Some(&backend.url()), "account-sessions").await?;
        logged_in(&app, &m).await?;
        app.click_in(SPACE, "space-security").await?;
        app.screen(SECURITY).await?;
        app.wait_text_in(SECURITY, "security-logins", "ordinateur").await?;
        app.wait_text_in(SECURITY, "security-sessions", "Cet appareil").await?;
        let sessions = app.count_visible(&format!("[data-testid='{SECURITY}'] [data-testid='security-session']")).await?;
        ensure!(sessions == 2, "{sessions} sessions listed");
        app.screenshot("security").await?;
        app.click_in(SECURITY, "security-end-others").await?;
        app.wait_text_in(SECURITY, "security-status", "1 autre appareil a été déconnecté").await?;
        ensure!(app.focused_testid().await? == "security-status", "the status does not have the focus");
        app.screenshot("security-ended").await?;
        let left = app.count_visible(&format!("[data-testid='{SECURITY}'] [data-testid='security-session']")).await?;
        ensure!(left == 1, "{left} sessions left");
        ensure!(client.account_sessions(&other).await.is_err(), "the other session still works");
        // This one still does.
        app.click_in(SECURITY, "back-space").await?;
        app.screen(SPACE).await?;
        app.close().await;
        Ok(())
    });
}

#[test]
fn account_not_me_blocks_the_account_and_leads_to_the_forgotten_password() {
    scenario(|| async {
        let m = TestMember::new(614);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "account-not-me").await?;
        logged_in(&app, &m).await?;
        // An event to disown: the e-mail changed.
        change_contact(&app, &backend, "contacts-change-email", "elise.autre@exemple.fr", "elise.autre@exemple.fr", false).await?;
        app.click_in(CONTACTS, "back-space").await?;
        app.click_in(SPACE, "space-security").await?;
        app.screen(SECURITY).await?;
        app.wait_text_in(SECURITY, "security-events", "adresse e-mail a été changée").await?;
        app.click_in(SECURITY, "security-disown").await?;
        app.screen(BLOCK).await?;
        app.wait_text_in(BLOCK, "block-event", "adresse e-mail a été changée").await?;
        app.screenshot("block").await?;
        // « Annuler » goes back; then for real.
        app.click_in(BLOCK, "block-cancel").await?;
        app.screen(SECURITY).await?;
        app.wait_text_in(SECURITY, "security-events", "adresse e-mail a été changée").await?;
        app.click_in(SECURITY, "security-disown").await?;
        app.screen(BLOCK).await?;
        app.click_in(BLOCK, "block-confirm").await?;
        app.screen(FORGOT).await?;
        app.wait_text_in(FORGOT, "forgot-blocked-notice", "Votre compte est bloqué").await?;
        app.wait_text("walkthrough-step", "Étape").await?;
        app.screenshot("forgot-after-block").await?;
        let name = app.js("return document.querySelector(\"[data-testid='member-name']\").textContent;").await?;
        ensure!(name.as_str() == Some(""), "the member's name stayed: {name}");

        // The log-in answers « bloqué » now, even with the right password.
        app.click_in(FORGOT, "cancel").await?;
        app.screen(LOGIN).await?;
        ensure!(!app.is_visible_in(FORGOT, "forgot-blocked-notice").await?);
        app.log_in(&m.nir_typed, &m.password).await?;
        app.wait_text("error-message", "votre compte est bloqué").await?;
        app.close().await;
        Ok(())
    });
}
