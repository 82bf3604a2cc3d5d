//! The spoken mode (issue 15 §1): what a member who cannot see the screen
//! hears, checked word for word from the sentences the app hands to
//! speech-dispatcher. The app writes them to a transcript file only in a
//! debug build and only with `BORNE_TEST_SPEECH_TRANSCRIPT` (crates/borne-speech);
//! that sound really comes out is crates/borne-speech/tests/sound.rs.

use crate::harness::{assert_no_secrets, temporary_password, App, Backend, Phone, TestMember};
use crate::procedures::{block_through_the_ui, choose_password};
use crate::scenario;
use anyhow::{bail, Result};
use std::path::Path;
use std::time::Duration;

/// The transcript's lines, once `last` is among them (speech is asynchronous).
/// French typography's non-breaking spaces are read as spaces (they are said alike).
async fn heard(path: &Path, last: &str) -> Result<Vec<String>> {
    for _ in 0..100 {
        let text = crate::harness::plain_spaces(&std::fs::read_to_string(path).unwrap_or_default());
        if text.lines().any(|l| l.contains(last)) {
            return Ok(text.lines().map(str::to_owned).collect());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("never heard {last:?}; heard:\n{}", std::fs::read_to_string(path).unwrap_or_default())
}

/// Each expected line (`contains`) is found after the one before it.
fn assert_in_order(heard: &[String], expected: &[String]) {
    let mut at = 0;
    for want in expected {
        match heard[at..].iter().position(|l| l.contains(want.as_str())) {
            Some(i) => at += i + 1,
            None => panic!("{want:?} not heard after line {at}; heard:\n{}", heard.join("\n")),
        }
    }
}

/// What was heard between two lines (the first containing `from`, the next containing `to`).
fn between<'a>(heard: &'a [String], from: &str, to: &str) -> &'a [String] {
    let start = heard.iter().position(|l| l.contains(from)).expect("start line") + 1;
    let end = start + heard[start..].iter().position(|l| l.contains(to)).expect("end line");
    &heard[start..end]
}

async fn press(app: &App, key: &str) -> Result<()> {
    app.js(&format!(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {{key: '{key}', bubbles: true, cancelable: true}})); return true;"
    ))
    .await?;
    Ok(())
}

/// A screen's title as said before its step: with a final full stop.
fn step_line(title: &str, step: u32) -> String {
    let stop = if title.ends_with(['.', '!', '?', '…', ':']) { "" } else { "." };
    format!("{title}{stop} Étape {step} sur 5")
}

fn spelled(typed: &str) -> Vec<String> {
    typed.chars().map(|c| if c == ' ' { "espace".to_string() } else { c.to_string() }).collect()
}

#[test]
fn spoken_mode_says_a_whole_log_in_never_a_password_then_f1_leaves_it() {
    scenario(|| async {
        let m = TestMember::new(901);
        let backend = Backend::start(&[&m]).await?;
        let dir = tempfile::tempdir()?;
        let said = dir.path().join("said.txt");
        let app = App::launch_with(
            Some(&backend.url()),
            "spoken-login",
            &[("BORNE_TEST_SPEECH_TRANSCRIPT", said.to_str().unwrap())],
            &[],
        )
        .await?;
        app.screen("screen-home").await?;
        // F1, without seeing the screen.
        press(&app, "F1").await?;
        heard(&said, "Mode vocal activé").await?;
        assert!(app.is_visible("speech-panel").await?);
        assert_eq!(app.testid("speech-toggle").await?.attr("aria-pressed").await?.as_deref(), Some("true"));

        app.click("home-login").await?;
        app.screen("screen-login").await?;
        app.type_into("login-identifier", &m.nir_typed).await?;
        app.type_into("login-password", "Mauvais1Passe").await?;
        app.click("login-submit").await?;
        app.wait_text("error-message", "Mot de passe incorrect").await?;
        heard(&said, "Mot de passe incorrect").await?;
        // F2 repeats the error.
        press(&app, "F2").await?;
        app.type_into("login-password", &m.password).await?;
        app.click("login-submit").await?;
        app.screen("screen-space").await?;
        let name = format!("{} {}", m.first_name, m.last_name);
        let h1 = |id: &str| format!("return document.getElementById('{id}').textContent.replace(/\\s+/g, ' ').trim();");
        let login_title = app.js(&h1("login-title")).await?.as_str().unwrap_or_default().to_string();
        let space_title = app.js(&h1("space-title")).await?.as_str().unwrap_or_default().to_string();
        assert!(!space_title.is_empty());
        let lines = heard(&said, &space_title).await?;

        let mut expected = vec!["Mode vocal activé.".to_string(), "Me connecter, bouton".to_string(), login_title.clone()];
        expected.push("Numéro de Sécurité Sociale avec la clé ou adresse e-mail, zone de saisie, obligatoire, vide".to_string());
        expected.extend(spelled(&m.nir_typed));
        expected.push("Mot de passe, zone de saisie de mot de passe, masquée, obligatoire".to_string());
        expected.extend(std::iter::repeat("caractère saisi".to_string()).take("Mauvais1Passe".len()));
        expected.push("Erreur : Mot de passe incorrect".to_string());
        expected.push("Erreur : Mot de passe incorrect".to_string());
        expected.extend(std::iter::repeat("caractère saisi".to_string()).take(m.password.len()));
        expected.push(space_title.clone());
        assert_in_order(&lines, &expected);
        // Nothing of either password was said: only « caractère saisi ».
        for (from, to) in [("masquée", "Erreur"), ("Erreur : Mot de passe incorrect", space_title.as_str())] {
            for line in between(&lines, from, to) {
                assert!(
                    line == "caractère saisi" || line == "effacé" || line.contains(',') || line.contains("Erreur") || line.ends_with('.'),
                    "a password's character may have been said: {line:?}\n{}",
                    lines.join("\n")
                );
            }
        }
        let all = lines.join("\n");
        assert!(!all.contains("Mauvais1Passe") && !all.contains(&m.password), "a password was said");

        // The security page: its title, then its lists, said without a field to focus.
        app.click_in("screen-space", "space-security").await?;
        app.screen("screen-security").await?;
        let logins = heard(&said, "Vos dernières connexions").await?;
        let line = logins.iter().rev().find(|l| l.contains("Vos dernières connexions")).cloned().unwrap_or_default();
        assert!(line.contains("ordinateur"), "the log-ins are not said: {line:?}");
        heard(&said, "Appareils connectés en ce moment").await?;
        app.click_in("screen-security", "back-space").await?;
        app.screen("screen-space").await?;

        // Speed and volume: keys, said at the new setting.
        press(&app, "F4").await?;
        heard(&said, "Vitesse 6 sur 9").await?;
        app.click("speech-louder").await?;
        app.wait_text("speech-settings", "volume 8/9").await?;
        heard(&said, "Volume 8 sur 9").await?;

        // Leaving the mode says so; then nothing more is said.
        press(&app, "F1").await?;
        heard(&said, "Mode vocal désactivé.").await?;
        assert!(!app.is_visible("speech-panel").await?);
        let count = std::fs::read_to_string(&said)?.lines().count();
        app.click_in("screen-space", "logout").await?;
        app.screen("screen-home").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(std::fs::read_to_string(&said)?.lines().count(), count, "speech after the mode was left");

        let log = app.app_log();
        app.close().await;
        assert!(log.contains("spoken mode on") && log.contains("spoken mode off"), "the mode's events are logged");
        assert_no_secrets("app log", &log, &[m.nir.as_str(), m.nir_typed.as_str(), &m.password, &name, "Mauvais1Passe"]);
        assert!(!log.contains("Mode vocal activé"), "a sentence was logged");
        Ok(())
    });
}

/// After a password field's focus, only « caractère saisi » (or « effacé ») until
/// something else than a character: never a single character.
fn assert_no_password_character(lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        if !line.contains("zone de saisie de mot de passe") {
            continue;
        }
        let next = lines[i + 1..].iter().find(|l| *l != "caractère saisi" && *l != "effacé");
        if let Some(next) = next {
            assert!(next.chars().count() > 2, "a password's character may have been said after line {i}: {next:?}\n{}", lines.join("\n"));
        }
    }
}

#[test]
fn spoken_mode_at_a_kiosk_says_a_whole_unlock_and_the_wipe_forgets_it() {
    scenario(|| async {
        let m = TestMember::new(902);
        let backend = Backend::start(&[&m]).await?;
        let dir = tempfile::tempdir()?;
        let said = dir.path().join("said.txt");
        let env = [
            ("BORNE_MODE", "kiosk"),
            ("BORNE_IDLE_TIMEOUT_SECS", "600"),
            ("BORNE_KEYBOARD", "always"),
            ("BORNE_TEST_SPEECH_TRANSCRIPT", said.to_str().unwrap()),
        ];
        let app = App::launch_with(Some(&backend.url()), "spoken-unlock", &env, &[]).await?;
        // The attract screen's large button, then a touch anywhere to start.
        app.screen("screen-attract").await?;
        app.click("attract-speech").await?;
        heard(&said, "Bienvenue dans votre Espace adhérent.").await?;
        assert!(app.is_visible("screen-attract").await?, "the button does not also leave the attract screen");
        app.screenshot("spoken-mode").await?;
        app.click("attract-start").await?;
        app.screen("screen-home").await?;

        let wrong = ["Mauvais1Passe", "Mauvais2Passe", "Mauvais3Passe"];
        block_through_the_ui(&app, &m, &wrong).await?;
        app.click_in("screen-login", "link-unlock").await?;
        app.screen("screen-unlock").await?;
        app.type_in("screen-unlock", "unlock-nir", &m.nir_typed).await?;
        // The birth date on the on-screen keyboard's keys, then its « Entrée ».
        app.click_in("screen-unlock", "unlock-birthdate").await?;
        for c in "12061985".chars() {
            app.click(&format!("osk-key-{c}")).await?;
        }
        app.click("osk-key-enter").await?;
        app.screen("screen-unlock-channel").await?;
        app.click_in("screen-unlock-channel", "channel-sms").await?;
        app.click_in("screen-unlock-channel", "channel-submit").await?;
        app.screen("screen-unlock-sent").await?;
        let sms = backend.last_message(Phone::Metropolitan.sms_to().unwrap(), 0).await?;
        let temporary = temporary_password(&sms);
        app.click_in("screen-unlock-sent", "unlock-sent-login").await?;
        app.screen("screen-login").await?;
        app.type_in("screen-login", "login-password", &temporary).await?;
        app.click_in("screen-login", "login-submit").await?;
        app.screen("screen-change-password").await?;
        const NEW: &str = "Colibri-Vert-42";
        choose_password(&app, "screen-change-password", "change-password-submit", NEW).await?;
        app.screen("screen-space").await?;

        let h1 = |id: &str| format!("return document.getElementById('{id}').textContent.replace(/\\s+/g, ' ').trim();");
        let title = |id: &'static str| {
            let script = h1(id);
            let app = &app;
            async move { Ok::<String, anyhow::Error>(app.js(&script).await?.as_str().unwrap_or_default().to_string()) }
        };
        let (unlock, channel, sent, change, space) = (
            title("unlock-title").await?,
            title("unlock-channel-title").await?,
            title("unlock-sent-title").await?,
            title("change-password-title").await?,
            title("space-title").await?,
        );
        let lines = heard(&said, &space).await?;
        let mut expected: Vec<String> = vec![
            "Mode vocal activé.".into(),
            "Bienvenue dans votre Espace adhérent.".into(),
            "Erreur : Mot de passe incorrect".into(),
            "Il vous reste 1 tentative".into(),
            "votre compte est bloqué".into(),
            step_line(&unlock, 2),
        ];
        expected.extend(spelled(&m.nir_typed));
        expected.push("Date de naissance".into());
        expected.extend("12061985".chars().map(|c| c.to_string()));
        expected.extend(["Entrée : valider le formulaire, touche".to_string(), step_line(&channel, 3), step_line(&sent, 4)]);
        expected.push("Mot de passe, zone de saisie de mot de passe, masquée".into());
        expected.extend(std::iter::repeat("caractère saisi".to_string()).take(temporary.chars().count()));
        expected.push(step_line(&change, 5));
        expected.extend(std::iter::repeat("caractère saisi".to_string()).take(2 * NEW.len()));
        expected.push(space.clone());
        assert_in_order(&lines, &expected);
        assert_no_password_character(&lines);
        let all = lines.join("\n");
        for secret in [temporary.as_str(), NEW, m.password.as_str()].iter().chain(wrong.iter()) {
            assert!(!all.contains(secret), "a password was said");
        }

        // The log-out wipes the kiosk: speech stops, the mode is forgotten.
        app.click_in("screen-space", "logout").await?;
        app.screen("screen-attract").await?;
        app.wait_attr_in("screen-attract", "attract-speech", "aria-pressed", "false").await?;
        assert!(!app.is_visible("speech-panel").await?);
        let count = std::fs::read_to_string(&said)?.lines().count();
        app.click("attract-start").await?;
        app.screen("screen-home").await?;
        app.click("home-login").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(std::fs::read_to_string(&said)?.lines().count(), count, "speech after the wipe");

        let log = app.app_log();
        app.close().await;
        assert!(log.contains("spoken mode off (wipe)"), "the wipe's event is logged");
        assert_no_secrets("app log", &log, &[m.nir.as_str(), m.nir_typed.as_str(), &temporary, NEW, "12/06/1985"]);
        Ok(())
    });
}
