//! End-to-end tests of the account procedures, each walked from the home
//! screen to its end through the app's window only, reading the e-mails and
//! SMS in the reference server's demo outbox, and trying the errors the
//! guides document:
//!
//! - MPN « ESPACE ADHÉRENT ~ MOT DE PASSE OUBLIÉ ~ », steps 4 to 10 (at a
//!   kiosk with the code, at home with the link);
//! - MGEN « débloquer votre compte », steps 1 to 5 (by SMS, by e-mail when
//!   only the e-mail is usable, and « Votre compte n'est pas bloqué. »);
//! - MPN « Pas encore inscrit ? » (registration);
//! - the guides, the help panels, the language and the insurer's profile.
//!
//! Every screen is photographed once into docs/screens/ (see its README).

use crate::harness::{
    assert_no_code, assert_no_secrets, reset_link, server_log_count, server_log_path, six_digit_code, temporary_password, App,
    Backend, Phone, TestMember,
};
use crate::scenario;
use anyhow::{bail, ensure, Result};
use std::time::Duration;

/// A new password that follows every rule and holds nothing personal.
const NEW: &str = "Colibri-Vert-42";

const HOME: &str = "screen-home";
const LOGIN: &str = "screen-login";
const SPACE: &str = "screen-space";
const FORGOT: &str = "screen-forgot";
const FORGOT_SENT: &str = "screen-forgot-sent";
const RESET: &str = "screen-reset";
const RESET_DONE: &str = "screen-reset-done";
const UNLOCK: &str = "screen-unlock";
const UNLOCK_CHANNEL: &str = "screen-unlock-channel";
const UNLOCK_SENT: &str = "screen-unlock-sent";
const CHANGE: &str = "screen-change-password";
const REGISTER: &str = "screen-register";
const REGISTER_SENT: &str = "screen-register-sent";
const GUIDES: &str = "screen-guides";

/// The password rules of borne-core, as the reset screen lists them.
const RULES: [&str; 7] = ["min_length", "uppercase", "lowercase", "digit", "not_common", "no_personal_info", "max_length"];

/// A code that is not `code`.
pub(crate) fn wrong_code(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// The cooldown a disabled « Renvoyer » button shows: the number before "s"
/// (« possible dans 59 s »).
fn cooldown_in(text: &str) -> Option<u32> {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}').collect();
    words.windows(2).find_map(|w| if w[1].starts_with('s') && w[1].len() <= 2 { w[0].parse().ok() } else { None })
}

/// Checks the « Renvoyer » button of `screen`: disabled, its cooldown in its text.
pub(crate) async fn assert_resend_waits(app: &App, screen: &str) -> Result<()> {
    let text = app.text_in(screen, "resend").await?;
    ensure!(!app.is_enabled_in(screen, "resend").await?, "{screen}: resend is enabled right after sending: {text:?}");
    match cooldown_in(&text) {
        Some(secs) if (1..=60).contains(&secs) => Ok(()),
        _ => bail!("{screen}: resend does not show its cooldown in seconds: {text:?}"),
    }
}

/// Types the three fields of the forgotten-password form (A, B, C) and sends it.
pub(crate) async fn send_forgot(app: &App, identifier: &str, member_number: &str, email: &str) -> Result<()> {
    app.type_in(FORGOT, "forgot-identifier", identifier).await?;
    app.type_in(FORGOT, "forgot-member-number", member_number).await?;
    app.type_in(FORGOT, "forgot-email", email).await?;
    app.click_in(FORGOT, "forgot-submit").await
}

/// Chooses a new password on a screen with new-password, new-password-confirm and `submit`.
/// After a refused submit the UI empties both password fields: wait for it,
/// so that what the test types next is not emptied too.
async fn wait_passwords_emptied(app: &App, screen: &str) -> Result<()> {
    for _ in 0..100 {
        if app.value_in(screen, "new-password").await?.is_empty() && app.value_in(screen, "new-password-confirm").await?.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    anyhow::bail!("the password fields of {screen} were not emptied after a refused submit")
}

pub(crate) async fn choose_password(app: &App, screen: &str, submit: &str, password: &str) -> Result<()> {
    app.type_in(screen, "new-password", password).await?;
    app.type_in(screen, "new-password-confirm", password).await?;
    app.click_in(screen, submit).await
}

/// Three wrong passwords through the log-in form: the account is blocked.
pub(crate) async fn block_through_the_ui(app: &App, m: &TestMember, wrong: &[&str; 3]) -> Result<()> {
    // Each answer is awaited before the next try.
    let answers = ["Il vous reste 2 tentatives", "Il vous reste 1 tentative", "votre compte est bloqué"];
    for (w, answer) in wrong.iter().zip(answers) {
        app.log_in(&m.nir_typed, w).await?;
        app.wait_text("error-message", answer).await?;
    }
    assert_eq!(app.focused_testid().await?, "link-unlock");
    app.in_screen(LOGIN, "link-unlock").await?;
    Ok(())
}

/// Back to the home screen with the visible "cancel" / "back-home" / "guides-back" buttons.
async fn back_home(app: &App) -> Result<()> {
    for _ in 0..4 {
        let screen = app.current_screen().await?;
        if screen == HOME {
            return Ok(());
        }
        let mut left = false;
        for button in ["cancel", "back-home", "guides-back", "logout"] {
            if app.is_visible_in(&screen, button).await? {
                app.click_in(&screen, button).await?;
                left = true;
                break;
            }
        }
        ensure!(left, "no way back home from {screen}");
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while app.current_screen().await? == screen && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    bail!("still not home: {}", app.current_screen().await?)
}

/// Home → « Guides » → the guide of `procedure` → « go » of its step `n`.
async fn open_guide_step(app: &App, procedure: &str, n: usize) -> Result<()> {
    back_home(app).await?;
    app.click_in(HOME, "home-guides").await?;
    app.screen(GUIDES).await?;
    let go = format!("guide-go-{procedure}-{n}");
    if !app.is_visible_in(GUIDES, &go).await? {
        app.click_in(GUIDES, &format!("guide-{procedure}")).await?;
    }
    app.click_in(GUIDES, &go).await
}

/// The app log and the server log hold none of `secrets` and none of `codes`.
fn assert_logs_clean(app_log: &str, secrets: &[&str], codes: &[&str]) {
    let server_log = std::fs::read_to_string(server_log_path()).unwrap_or_default();
    assert_no_secrets("app log", app_log, secrets);
    assert_no_secrets("server log", &server_log, secrets);
    // The test members' birth dates (harness, demo), in every usual form.
    let birth_dates = ["12/06/1985", "12061985", "1985-06-12", "12/07/1991", "12071991", "1991-07-12"];
    assert_no_secrets("app log", app_log, &birth_dates);
    assert_no_secrets("server log", &server_log, &birth_dates);
    for code in codes {
        assert_no_code("app log", app_log, code);
        assert_no_code("server log", &server_log, code);
    }
}

/// The NIR as stored: without spaces or dots.
fn compact(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

#[test]
fn forgotten_password_at_a_kiosk_mpn_steps_4_to_10() {
    scenario(|| async {
        let m = TestMember::new(201);
        let stranger = TestMember::new(202);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "forgot-kiosk").await?;
        app.screen(HOME).await?;
        app.wait_text("insurer-name", "MPN — Espace adhérent").await?;
        app.screenshot("home").await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        app.screenshot("login").await?;

        // Step 4: « Mot de passe oublié ? » under the log-in form.
        app.click_in(LOGIN, "link-forgot-password").await?;
        app.screen(FORGOT).await?;
        app.wait_text("walkthrough-step", "Étape").await?;
        // The fields carry the guide's letters (A), (B), (C), as its figure does.
        for (label, letter) in [("forgot-identifier", "(A)"), ("forgot-member-number", "(B)"), ("forgot-email", "(C)")] {
            let text = app.js(&format!("return document.querySelector('label[for=\"{label}\"]').textContent;")).await?;
            assert!(text.as_str().unwrap_or_default().starts_with(letter), "{label}: {text}");
        }
        app.screenshot("forgot").await?;

        // Step 5, (A) with a wrong key: refused on the spot, next to (A), focus on (A).
        let refused_before = server_log_count("NirKey");
        send_forgot(&app, &m.nir_with_wrong_key(), &m.member_number, &m.email).await?;
        app.wait_text_in(FORGOT, "forgot-identifier-error", "La clé").await?;
        assert_eq!(app.focused_testid().await?, "forgot-identifier");
        assert_eq!(server_log_count("NirKey"), refused_before, "the NIR with a wrong key was sent to the server");
        assert!(app.is_visible(FORGOT).await?);

        // (B) missing: the member number is asked for.
        send_forgot(&app, &m.nir_typed, "", &m.email).await?;
        app.wait_text_in(FORGOT, "forgot-member-number-error", "numéro interne").await?;
        assert_eq!(app.focused_testid().await?, "forgot-member-number");
        assert!(!app.is_visible_in(FORGOT, "forgot-identifier-error").await?, "the corrected (A) still shows its error");

        // (C) not an e-mail address.
        send_forgot(&app, &m.nir_typed, &m.member_number, "adherente201.exemple.fr").await?;
        app.wait_text_in(FORGOT, "forgot-email-error", "n'est pas valide").await?;
        assert_eq!(app.focused_testid().await?, "forgot-email");
        assert!(app.is_visible(FORGOT).await?);
        assert!(backend.messages_to(&m.email).await?.is_empty(), "an e-mail was sent for a refused form");

        // « Envoyer »: step 6, the e-mail « Réinitialisation de mot de passe ».
        send_forgot(&app, &m.nir_typed, &m.member_number, &m.email).await?;
        app.screen(FORGOT_SENT).await?;
        let sent = app.wait_text_in(FORGOT_SENT, "forgot-sent-message", "« Réinitialisation de mot de passe »").await?;
        assert!(sent.contains("spams"), "{sent}");
        // The mailbox and the code are one screen: steps 3 and 4, both marked.
        app.wait_text("walkthrough-step", "Étapes 3 et 4 sur 6").await?;
        assert_eq!(app.count_visible("[data-testid='walkthrough-item'][aria-current='step']").await?, 2);
        // Nothing after a few minutes: what to do, without telling whether the data matched.
        let nothing = app.wait_text_in(FORGOT_SENT, "forgot-sent-nothing", "Rien reçu après quelques minutes").await?;
        for needed in ["spams", "(B)", "(C)", "03 88 19 22 56", "refaites la demande"] {
            assert!(nothing.contains(needed), "{needed}: {nothing}");
        }
        assert!(app.is_visible_in(FORGOT_SENT, "forgot-sent-again").await?);
        assert_resend_waits(&app, FORGOT_SENT).await?;
        app.screenshot("forgot-sent").await?;

        let mail = backend.last_message_entry(&m.email, 0).await?;
        assert_eq!(mail["kind"], "reset_password");
        assert_eq!(mail["subject"], "Réinitialisation de mot de passe");
        let text = mail["text"].as_str().unwrap_or_default();
        let code = six_digit_code(text);
        let link = reset_link(text).await;

        // At a kiosk the code replaces the link (step 7). A wrong one first.
        app.type_in(FORGOT_SENT, "reset-code", wrong_code(&code)).await?;
        app.click_in(FORGOT_SENT, "reset-code-submit").await?;
        app.wait_text_in(FORGOT_SENT, "reset-code-error", "il vous reste 4 essais").await?;
        assert_eq!(app.focused_testid().await?, "reset-code");
        assert!(app.is_visible(FORGOT_SENT).await?);
        app.type_in(FORGOT_SENT, "reset-code", &code).await?;
        app.click_in(FORGOT_SENT, "reset-code-submit").await?;

        // Step 8: the new password, its rules checked while it is typed.
        app.screen(RESET).await?;
        app.in_screen(RESET, "password-rules").await?;
        let rules_css = "[data-testid='screen-reset'] [data-testid='password-rules'] [data-testid^='rule-']";
        assert_eq!(app.count_visible(rules_css).await?, RULES.len(), "one item per rule of the policy");
        // Nothing typed yet: no rule is ticked (even those an empty password does not break).
        for rule in RULES {
            app.wait_attr_in(RESET, &format!("rule-{rule}"), "data-met", "empty").await?;
        }
        let ticks = app.js("return [...document.querySelectorAll(\"[data-testid='screen-reset'] .rule-mark\")].filter((m) => m.textContent === '✓').length;").await?;
        assert_eq!(ticks, 0, "a green tick on an empty field");
        app.type_in(RESET, "new-password", "abc").await?;
        app.wait_attr_in(RESET, "rule-min_length", "data-met", "false").await?;
        app.wait_attr_in(RESET, "rule-lowercase", "data-met", "true").await?;
        app.wait_attr_in(RESET, "rule-uppercase", "data-met", "false").await?;
        app.wait_attr_in(RESET, "rule-digit", "data-met", "false").await?;
        app.type_in(RESET, "new-password", NEW).await?;
        for rule in RULES {
            app.wait_attr_in(RESET, &format!("rule-{rule}"), "data-met", "true").await?;
        }
        app.screenshot("reset").await?;

        // Two different passwords.
        app.type_in(RESET, "new-password-confirm", "Colibri-Vert-43").await?;
        app.click_in(RESET, "reset-submit").await?;
        app.wait_text_in(RESET, "new-password-confirm-error", "Les deux mots de passe saisis ne sont pas identiques").await?;
        assert_eq!(app.focused_testid().await?, "new-password-confirm");
        assert!(app.is_visible(RESET).await?);

        // Both password fields are emptied after a refused submit: typed again.
        wait_passwords_emptied(&app, RESET).await?;
        // Step 9: « Modifier le mot de passe »; step 10: active.
        app.type_in(RESET, "new-password", NEW).await?;
        app.type_in(RESET, "new-password-confirm", NEW).await?;
        app.wait_text_in(RESET, "reset-submit", "Modifier le mot de passe").await?;
        app.click_in(RESET, "reset-submit").await?;
        app.screen(RESET_DONE).await?;
        app.wait_text(RESET_DONE, "Votre nouveau mot de passe est désormais actif !").await?;
        app.screenshot("reset-done").await?;
        app.click_in(RESET_DONE, "reset-done-login").await?;
        app.screen(LOGIN).await?;
        app.log_in(&m.nir_typed, NEW).await?;
        app.screen(SPACE).await?;
        assert_eq!(app.text_in(SPACE, "member-name").await?, format!("{} {}", m.first_name, m.last_name));
        app.screenshot("space").await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        // The answer is the same when no account matches, and nothing is sent.
        app.click_in(HOME, "home-login").await?;
        app.click_in(LOGIN, "link-forgot-password").await?;
        app.screen(FORGOT).await?;
        send_forgot(&app, &stranger.nir_typed, &stranger.member_number, &stranger.email).await?;
        app.screen(FORGOT_SENT).await?;
        let unknown = app.wait_text_in(FORGOT_SENT, "forgot-sent-message", "Réinitialisation").await?;
        assert_eq!(unknown, sent, "the answer tells an unknown account apart");
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(backend.messages_to(&stranger.email).await?.is_empty());
        let trail = backend.db.audit_trail(100).await?;
        assert!(trail.iter().any(|e| e.kind == "reset_ignored"), "{trail:?}");

        let log = app.app_log();
        app.close().await;
        assert_logs_clean(
            &log,
            &[&m.nir, &m.nir_typed, &m.password, NEW, &m.email, &link, &link["borne://reset?token=".len()..], &stranger.nir, &stranger.email],
            &[&code],
        );
        Ok(())
    });
}

#[test]
fn reset_link_opened_at_home_shows_the_reset_screen() {
    scenario(|| async {
        let m = TestMember::new(203);
        let backend = Backend::start(&[&m]).await?;
        // The member asked from elsewhere (another kiosk, the web site).
        let client = borne_client::Client::new(&backend.url()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let req = borne_api::ForgotPasswordRequest {
            identifier: m.nir_typed.clone(),
            member_number: m.member_number.clone(),
            email: m.email.clone(),
        };
        client.forgot_password(&req).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mail = backend.last_message(&m.email, 0).await?;
        let link = reset_link(&mail).await;
        let code = six_digit_code(&mail);

        // Step 7 at home: the link opens the app on the reset step.
        let app = App::launch_with(Some(&backend.url()), "reset-link", &[], &[link.clone()]).await?;
        app.screen(RESET).await?;
        assert!(!app.is_visible(HOME).await?);
        app.type_in(RESET, "new-password", "abc").await?;
        app.wait_attr_in(RESET, "rule-min_length", "data-met", "false").await?;
        choose_password(&app, RESET, "reset-submit", NEW).await?;
        app.screen(RESET_DONE).await?;
        app.wait_text(RESET_DONE, "Votre nouveau mot de passe est désormais actif !").await?;
        app.click_in(RESET_DONE, "reset-done-login").await?;
        app.log_in(&m.nir_typed, NEW).await?;
        app.screen(SPACE).await?;
        app.wait_text_in(SPACE, "member-name", &m.last_name).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        let mut log = app.app_log();
        app.close().await;

        // The link serves once: opened again, the reset is refused and the
        // member is sent back to the form.
        let again = App::launch_with(Some(&backend.url()), "reset-link-again", &[], &[link.clone()]).await?;
        again.screen(RESET).await?;
        choose_password(&again, RESET, "reset-submit", "Autre-Colibri-7").await?;
        again.wait_text_in(RESET, "alert-reset", "n'est plus valable").await?;
        again.in_screen(RESET, "start-form").await?;
        assert!(!again.is_visible(RESET_DONE).await?);
        log.push_str(&again.app_log());
        again.close().await;
        let client = borne_client::Client::new(&backend.url()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = borne_core::Identifier::parse(&m.nir).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        client.login(&id, &borne_core::Secret::new(NEW)).await.map_err(|e| anyhow::anyhow!("the password was changed again: {e:?}"))?;

        assert_logs_clean(
            &log,
            &[&m.nir, &m.password, NEW, "Autre-Colibri-7", &m.email, &link, &link["borne://reset?token=".len()..]],
            &[&code],
        );
        Ok(())
    });
}

#[test]
fn unlock_by_sms_mgen_steps_1_to_5() {
    scenario(|| async {
        let m = TestMember::new(204);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "unlock-sms").await?;

        // Step 1: three wrong passwords, the message, « Débloquez votre compte ».
        let wrong = ["Mauvais1Passe", "Mauvais2Passe", "Mauvais3Passe"];
        block_through_the_ui(&app, &m, &wrong).await?;
        app.screenshot("login-error").await?;
        app.click_in(LOGIN, "link-unlock").await?;

        // Step 2: NIR and birth date « jj/mm/aaaa ».
        app.screen(UNLOCK).await?;
        app.wait_text("walkthrough-step", "Étape 2 sur 5").await?;
        app.type_in(UNLOCK, "unlock-nir", &m.nir_typed).await?;
        app.type_in(UNLOCK, "unlock-birthdate", "12071985").await?;
        assert_eq!(app.value_in(UNLOCK, "unlock-birthdate").await?, "12/07/1985", "the slashes are not inserted");
        app.screenshot("unlock").await?;
        // July is not the month the NIR carries (06): refused without a call.
        let refused_before = server_log_count("BirthDateNirMismatch");
        app.click_in(UNLOCK, "unlock-submit").await?;
        app.wait_text_in(UNLOCK, "unlock-birthdate-error", "ne correspond pas à l'année et au mois").await?;
        assert_eq!(app.focused_testid().await?, "unlock-birthdate");
        assert_eq!(server_log_count("BirthDateNirMismatch"), refused_before, "the mismatching date was sent to the server");
        assert!(app.is_visible(UNLOCK).await?);
        app.type_in(UNLOCK, "unlock-birthdate", "12061985").await?;
        assert_eq!(app.value_in(UNLOCK, "unlock-birthdate").await?, "12/06/1985");
        app.click_in(UNLOCK, "unlock-submit").await?;

        // Step 3: the channel; both are known, the phone is a metropolitan mobile.
        app.screen(UNLOCK_CHANNEL).await?;
        app.wait_text(UNLOCK_CHANNEL, "06 •• •• •• 78").await?;
        app.wait_text(UNLOCK_CHANNEL, "a•••@exemple.fr").await?;
        app.wait_text_in(UNLOCK_CHANNEL, "channel-sms-note", "métropolitaine").await?;
        app.in_screen(UNLOCK_CHANNEL, "channel-email").await?;
        app.screenshot("unlock-channel").await?;
        // The button says what it does.
        app.click_in(UNLOCK_CHANNEL, "channel-email").await?;
        app.wait_text_in(UNLOCK_CHANNEL, "channel-submit", "Recevoir l'e-mail").await?;
        app.click_in(UNLOCK_CHANNEL, "channel-sms").await?;
        app.wait_text_in(UNLOCK_CHANNEL, "channel-submit", "Recevoir le SMS").await?;
        app.click_in(UNLOCK_CHANNEL, "channel-submit").await?;

        // Step 4, 1st case: the SMS with a temporary password.
        app.screen(UNLOCK_SENT).await?;
        let sent = app.wait_text_in(UNLOCK_SENT, "unlock-sent-message", "06 •• •• •• 78").await?;
        assert!(sent.contains("SMS"), "{sent}");
        app.screenshot("unlock-sent").await?;
        let sms = backend.last_message(Phone::Metropolitan.sms_to().unwrap(), 0).await?;
        let temporary = temporary_password(&sms);
        app.click_in(UNLOCK_SENT, "unlock-sent-login").await?;
        app.screen(LOGIN).await?;
        assert_eq!(compact(&app.value_in(LOGIN, "login-identifier").await?), m.nir, "the NIR is not prefilled");
        // Still step 4 on the log-in form; a mistyped temporary password is named so.
        app.wait_text("walkthrough-step", "Étape 4 sur 5").await?;
        app.type_in(LOGIN, "login-password", "Faux1Temporaire").await?;
        app.click_in(LOGIN, "login-submit").await?;
        let typo = app.wait_text("error-message", "mot de passe temporaire").await?;
        assert!(!typo.contains("code"), "{typo}");
        app.wait_text("walkthrough-step", "Étape 4 sur 5").await?;
        app.type_in(LOGIN, "login-password", &temporary).await?;
        app.click_in(LOGIN, "login-submit").await?;

        // Step 5: the change of password, then the personal space.
        app.screen(CHANGE).await?;
        assert!(!app.is_visible_in(CHANGE, "current-password").await?, "the temporary password is asked again");
        app.screenshot("change-password").await?;
        app.type_in(CHANGE, "new-password", NEW).await?;
        app.type_in(CHANGE, "new-password-confirm", "Colibri-Vert-43").await?;
        app.click_in(CHANGE, "change-password-submit").await?;
        app.wait_text_in(CHANGE, "new-password-confirm-error", "ne sont pas identiques").await?;
        wait_passwords_emptied(&app, CHANGE).await?;
        choose_password(&app, CHANGE, "change-password-submit", NEW).await?;
        app.screen(SPACE).await?;
        assert_eq!(app.text_in(SPACE, "member-name").await?, format!("{} {}", m.first_name, m.last_name));
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        // The new password is the member's password now; the temporary one is gone.
        app.log_in(&m.nir_typed, &temporary).await?;
        app.wait_text("error-message", "Mot de passe incorrect").await?;
        app.log_in(&m.nir_typed, NEW).await?;
        app.screen(SPACE).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        let log = app.app_log();
        app.close().await;
        let mut secrets =
            vec![m.nir.as_str(), m.nir_typed.as_str(), m.password.as_str(), NEW, temporary.as_str(), m.email.as_str(), "+33612345678", "06 12 34 56 78"];
        secrets.extend(wrong);
        assert_logs_clean(&log, &secrets, &[]);
        Ok(())
    });
}

#[test]
fn unlock_by_email_when_it_is_the_only_usable_channel() {
    scenario(|| async {
        // A Guadeloupe mobile cannot receive the SMS; the other member has no phone.
        let overseas = TestMember::new(205).with_phone(Phone::Overseas);
        let no_phone = TestMember::new(206).with_phone(Phone::None);
        let backend = Backend::start(&[&overseas, &no_phone]).await?;
        let app = App::launch(Some(&backend.url()), "unlock-email").await?;

        let wrong = ["Mauvais1Passe", "Mauvais2Passe", "Mauvais3Passe"];
        block_through_the_ui(&app, &overseas, &wrong).await?;
        app.click_in(LOGIN, "link-unlock").await?;
        app.screen(UNLOCK).await?;
        app.type_in(UNLOCK, "unlock-nir", &overseas.nir_typed).await?;
        app.type_in(UNLOCK, "unlock-birthdate", "12061985").await?;
        app.click_in(UNLOCK, "unlock-submit").await?;

        // « Si MGEN ne connaît qu'une adresse email … celle-ci sera utilisée
        // automatiquement. Un message vous indiquera le canal utilisé. »
        app.screen(UNLOCK_SENT).await?;
        let sent = app.wait_text_in(UNLOCK_SENT, "unlock-sent-message", "a•••@exemple.fr").await?;
        assert!(sent.to_lowercase().contains("e-mail"), "the message does not name the e-mail channel: {sent}");
        // Her mobile is known (overseas): she is not told that only her e-mail is.
        assert!(!sent.contains("ne connaît que"), "{sent}");
        let mail = backend.last_message_entry(&overseas.email, 0).await?;
        assert_eq!(mail["kind"], "unlock_by_email");
        let text = mail["text"].as_str().unwrap_or_default();
        let code = six_digit_code(text);
        let link = reset_link(text).await;

        app.type_in(UNLOCK_SENT, "unlock-code", wrong_code(&code)).await?;
        app.click_in(UNLOCK_SENT, "unlock-code-submit").await?;
        app.wait_text_in(UNLOCK_SENT, "unlock-code-error", "il vous reste 4 essais").await?;
        assert_eq!(app.focused_testid().await?, "unlock-code");
        app.type_in(UNLOCK_SENT, "unlock-code", &code).await?;
        app.click_in(UNLOCK_SENT, "unlock-code-submit").await?;

        // Step 5 (2nd case): the new password, then the personal space.
        app.screen(CHANGE).await?;
        assert!(!app.is_visible_in(CHANGE, "current-password").await?);
        choose_password(&app, CHANGE, "change-password-submit", NEW).await?;
        app.screen(SPACE).await?;
        app.wait_text_in(SPACE, "member-name", &overseas.last_name).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;
        app.log_in(&overseas.nir_typed, NEW).await?;
        app.screen(SPACE).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        // No phone at all: the e-mail too, automatically.
        let client = borne_client::Client::new(&backend.url()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = borne_core::Identifier::parse(&no_phone.nir).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        for _ in 0..3 {
            let _ = client.login(&id, &borne_core::Secret::new("Mauvais9Passe")).await;
        }
        app.log_in(&no_phone.nir_typed, &no_phone.password).await?;
        app.wait_text("error-message", "votre compte est bloqué").await?;
        app.click_in(LOGIN, "link-unlock").await?;
        app.screen(UNLOCK).await?;
        app.type_in(UNLOCK, "unlock-nir", &no_phone.nir_typed).await?;
        app.type_in(UNLOCK, "unlock-birthdate", "12061985").await?;
        app.click_in(UNLOCK, "unlock-submit").await?;
        app.screen(UNLOCK_SENT).await?;
        app.wait_text_in(UNLOCK_SENT, "unlock-sent-message", "a•••@exemple.fr").await?;
        let second = backend.last_message_entry(&no_phone.email, 0).await?;
        assert_eq!(second["kind"], "unlock_by_email");
        let second_code = six_digit_code(second["text"].as_str().unwrap_or_default());

        // Not one SMS was sent.
        let sms: Vec<_> = backend.outbox().await?.into_iter().filter(|e| e["to"].as_str().unwrap_or_default().starts_with('+')).collect();
        assert!(sms.is_empty(), "an SMS was sent: {sms:?}");

        let log = app.app_log();
        app.close().await;
        let mut secrets = vec![
            overseas.nir.as_str(),
            overseas.password.as_str(),
            NEW,
            overseas.email.as_str(),
            link.as_str(),
            link["borne://reset?token=".len()..].split('&').next().unwrap(),
            no_phone.nir.as_str(),
            no_phone.password.as_str(),
            no_phone.email.as_str(),
            "06 90 12 34 56",
            "Mauvais9Passe",
        ];
        secrets.extend(wrong);
        assert_logs_clean(&log, &secrets, &[&code, &second_code]);
        Ok(())
    });
}

#[test]
fn unlock_of_an_account_that_is_not_blocked_leads_to_the_forgotten_password() {
    scenario(|| async {
        let m = TestMember::new(207);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "unlock-not-blocked").await?;
        app.screen(HOME).await?;
        // The unlock guide's step 2 opens the real form.
        open_guide_step(&app, "unlock", 2).await?;
        app.screen(UNLOCK).await?;
        app.type_in(UNLOCK, "unlock-nir", &m.nir_typed).await?;
        app.type_in(UNLOCK, "unlock-birthdate", "12061985").await?;
        app.click_in(UNLOCK, "unlock-submit").await?;
        app.wait_text_in(UNLOCK, "alert-unlock", "Votre compte n'est pas bloqué.").await?;
        assert_eq!(app.attr_in(UNLOCK, "alert-unlock", "role").await?.as_deref(), Some("alert"));
        assert_eq!(app.focused_testid().await?, "unlock-go-forgot", "the focus is not on the way out the error calls for");
        // « reportez vous à la procédure d'oubli de mot de passe »
        app.click_in(UNLOCK, "unlock-go-forgot").await?;
        app.screen(FORGOT).await?;
        assert!(backend.messages_to(&m.email).await?.is_empty());

        let log = app.app_log();
        app.close().await;
        assert_logs_clean(&log, &[&m.nir, &m.nir_typed, &m.email], &[]);
        Ok(())
    });
}

#[test]
fn registration_of_a_member_known_to_the_insurer() {
    scenario(|| async {
        let m = TestMember::new(208).unregistered();
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "register").await?;

        // « Ce profil est inconnu … utiliser le lien « Pas encore inscrit ? » (D) »
        app.log_in(&m.nir_typed, "Nimporte1Quoi").await?;
        app.wait_text("error-message", "Ce profil est inconnu").await?;
        app.click_in(LOGIN, "link-register").await?;
        app.screen(REGISTER).await?;
        app.type_in(REGISTER, "register-nir", &m.nir_typed).await?;
        app.type_in(REGISTER, "register-member-number", &m.member_number).await?;
        app.type_in(REGISTER, "register-birthdate", "12071985").await?;
        app.type_in(REGISTER, "register-email", &m.email).await?;
        app.screenshot("register").await?;

        // A birth date that is not the NIR's year and month: refused without a call.
        let refused_before = server_log_count("BirthDateNirMismatch");
        app.click_in(REGISTER, "register-submit").await?;
        app.wait_text_in(REGISTER, "register-birthdate-error", "ne correspond pas à l'année et au mois").await?;
        assert_eq!(app.focused_testid().await?, "register-birthdate");
        assert_eq!(server_log_count("BirthDateNirMismatch"), refused_before, "the mismatching date was sent to the server");
        assert!(backend.messages_to(&m.email).await?.is_empty());

        app.type_in(REGISTER, "register-birthdate", "12061985").await?;
        app.click_in(REGISTER, "register-submit").await?;
        app.screen(REGISTER_SENT).await?;
        let sent = app.text_in(REGISTER_SENT, "register-sent-message").await?;
        assert!(!sent.trim().is_empty());
        assert_resend_waits(&app, REGISTER_SENT).await?;
        app.screenshot("register-sent").await?;

        let mail = backend.last_message_entry(&m.email, 0).await?;
        assert_eq!(mail["kind"], "registration_code");
        let code = six_digit_code(mail["text"].as_str().unwrap_or_default());
        app.type_in(REGISTER_SENT, "register-code", wrong_code(&code)).await?;
        app.click_in(REGISTER_SENT, "register-code-submit").await?;
        app.wait_text_in(REGISTER_SENT, "register-code-error", "il vous reste 4 essais").await?;
        assert_eq!(app.focused_testid().await?, "register-code");
        app.type_in(REGISTER_SENT, "register-code", &code).await?;
        app.click_in(REGISTER_SENT, "register-code-submit").await?;

        // The password of the new account.
        app.screen(RESET).await?;
        choose_password(&app, RESET, "reset-submit", NEW).await?;
        app.screen(RESET_DONE).await?;
        app.click_in(RESET_DONE, "reset-done-login").await?;
        app.log_in(&m.nir_typed, NEW).await?;
        app.screen(SPACE).await?;
        assert_eq!(app.text_in(SPACE, "member-name").await?, format!("{} {}", m.first_name, m.last_name));
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;

        let log = app.app_log();
        app.close().await;
        assert_logs_clean(&log, &[&m.nir, &m.nir_typed, NEW, &m.email, "Nimporte1Quoi"], &[&code]);
        Ok(())
    });
}

#[test]
fn guides_help_and_language() {
    scenario(|| async {
        let m = TestMember::new(209);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "guides").await?;
        app.screen(HOME).await?;
        app.click_in(HOME, "home-guides").await?;
        app.screen(GUIDES).await?;
        for procedure in ["login", "forgot", "unlock", "register"] {
            app.in_screen(GUIDES, &format!("guide-{procedure}")).await?;
        }
        if !app.is_visible_in(GUIDES, "guide-go-unlock-1").await? {
            app.click_in(GUIDES, "guide-unlock").await?;
        }
        app.in_screen(GUIDES, "guide-go-unlock-1").await?;
        app.client
            .execute("document.querySelector(\"[data-testid='guide-unlock']\").scrollIntoView({block: 'start'});", vec![])
            .await?;
        app.screenshot("guides").await?;
        assert_eq!(app.count_visible("[data-testid='screen-guides'] [data-testid^='guide-go-unlock-']").await?, 5);

        // The MGEN order: the log-in error, NIR + birth date, the channel,
        // the message sent, the new password. Each step opens its real screen.
        let screens = [LOGIN, UNLOCK, UNLOCK_CHANNEL, UNLOCK_SENT, CHANGE];
        for (i, screen) in screens.iter().enumerate() {
            let n = i + 1;
            open_guide_step(&app, "unlock", n).await?;
            app.screen(screen).await?;
            app.wait_text("walkthrough-step", &format!("Étape {n} sur 5")).await?;
        }

        // Help: « Où trouver mon numéro de Sécurité Sociale avec la clé ? »
        back_home(&app).await?;
        app.click_in(HOME, "home-login").await?;
        app.click_in(LOGIN, "link-forgot-password").await?;
        app.screen(FORGOT).await?;
        app.click_in(FORGOT, "help-nir").await?;
        app.testid("help-panel").await?;
        app.wait_text("help-title", "Sécurité Sociale").await?;
        let loaded = app
            .client
            .execute(
                "const img = document.querySelector(\"[data-testid='help-panel'] img\"); \
                 return !!img && img.complete && img.naturalWidth > 0;",
                vec![],
            )
            .await?;
        assert_eq!(loaded, serde_json::Value::Bool(true), "the help image is missing or not loaded");
        app.wait_visible("[data-testid='help-panel'] img").await?;
        app.screenshot("help").await?;
        app.press_escape().await?;
        app.wait_hidden("[data-testid='help-panel']").await?;
        assert_eq!(app.focused_testid().await?, "help-nir", "the focus did not return to the help button");
        // « Où trouver mon numéro interne ? », closed with its button.
        app.click_in(FORGOT, "help-member-number").await?;
        app.wait_text("help-title", "numéro interne").await?;
        app.click("help-close").await?;
        app.wait_hidden("[data-testid='help-panel']").await?;
        assert_eq!(app.focused_testid().await?, "help-member-number");

        // English, then French again, on the screen shown.
        open_guide_step(&app, "unlock", 2).await?;
        app.screen(UNLOCK).await?;
        app.click("lang-en").await?;
        app.wait_text("walkthrough-step", "Step 2 of 5").await?;
        back_home(&app).await?;
        let home_en = app.text(HOME).await?;
        app.click("lang-fr").await?;
        open_guide_step(&app, "unlock", 2).await?;
        app.wait_text("walkthrough-step", "Étape 2 sur 5").await?;
        back_home(&app).await?;
        let home_fr = app.text(HOME).await?;
        assert_ne!(home_en, home_fr, "the home screen is not translated");

        let log = app.app_log();
        app.close().await;
        assert_logs_clean(&log, &[&m.nir, &m.password], &[]);
        Ok(())
    });
}

#[test]
fn mgen_profile_names_the_insurer_and_its_support() {
    scenario(|| async {
        let m = TestMember::new(210);
        let backend = Backend::start(&[&m]).await?;
        // The system's opener, faked: it writes down what it was asked to open.
        let opener = tempfile::tempdir()?;
        let opened = opener.path().join("opened.txt");
        let script = opener.path().join("xdg-open");
        std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n", opened.display()))?;
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
        let path = format!("{}:{}", opener.path().display(), std::env::var("PATH").unwrap_or_default());
        let app = App::launch_with(Some(&backend.url()), "profile-mgen", &[("BORNE_PROFILE", "mgen"), ("PATH", &path)], &[]).await?;
        app.wait_text("insurer-name", "MGEN").await?;
        assert!(!app.text("insurer-name").await?.contains("MPN"));
        // MGEN members read « Espace personnel », never « Espace adhérent ».
        app.wait_text("insurer-name", "MGEN — Espace personnel").await?;
        app.wait_text(HOME, "Bienvenue dans votre Espace personnel").await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        app.wait_text(LOGIN, "Connexion à votre Espace personnel").await?;
        let page = app.js("return document.body.innerText + ' ' + document.title;").await?;
        assert!(!page.as_str().unwrap_or_default().to_lowercase().contains("espace adhérent"), "{page}");
        // « Un autre message d'erreur ? »: the insurer's own contacts, as links
        // the system opens (its browser, its dialer), never this window.
        app.click_in(LOGIN, "help-other-error").await?;
        app.wait_text("help-panel", "36 76").await?;
        assert_eq!(app.js("return document.querySelector(\"[data-testid='help-chat-link']\").getAttribute('href');").await?, "https://www.mgen.fr");
        assert_eq!(app.js("return document.querySelector(\"[data-testid='help-phone-link']\").getAttribute('href');").await?, "tel:3676");
        app.screenshot("help-contact-pc").await?;
        let url_before = app.js("return location.href;").await?;
        app.click("help-chat-link").await?;
        app.click("help-phone-link").await?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::read_to_string(&opened).unwrap_or_default().lines().count() < 2 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(std::fs::read_to_string(&opened).unwrap_or_default(), "https://www.mgen.fr\ntel:3676\n", "the system was not asked to open the chat and the phone");
        assert_eq!(app.js("return location.href;").await?, url_before, "the app's window left the app");
        assert_eq!(app.client.windows().await?.len(), 1, "a window was opened");
        app.click("help-close").await?;
        app.wait_hidden("[data-testid='help-panel']").await?;
        assert_eq!(app.focused_testid().await?, "help-other-error");

        let log = app.app_log();
        app.close().await;
        assert!(log.contains("mgen"), "the app log does not name the profile:\n{log}");
        assert_logs_clean(&log, &[&m.nir, &m.password], &[]);
        Ok(())
    });
}
