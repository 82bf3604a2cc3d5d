//! End-to-end tests of the real app window (tauri-driver + WebKitWebDriver
//! under Xvfb) against a real reference server: what a member sees when
//! logging in, following the MPN guide "ESPACE ADHÉRENT ~ CONNEXION ~".
//! The other procedures (forgotten password, unlock, registration, guides)
//! are in `procedures.rs`; what the page may call of Tauri, in `surface.rs`.

mod account;
mod accessibility;
mod axe;
mod display;
mod geometry;
mod harness;
mod kiosk;
mod kiosk_ui;
mod procedures;
mod speech;
mod surface;

use anyhow::Result;
use harness::{assert_no_secrets, serial, App, Backend, TestMember};

/// Runs one scenario in its own runtime, one window at a time.
fn scenario<F: std::future::Future<Output = Result<()>>>(f: impl FnOnce() -> F) {
    let _guard = serial();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(f()).unwrap();
}

#[test]
fn member_logs_in_with_a_spaced_nir_then_logs_out() {
    scenario(|| async {
        let m = TestMember::new(101);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "login-success").await?;
        app.testid("screen-home").await?;

        app.log_in(&m.nir_typed, &m.password).await?;
        app.testid("screen-space").await?;
        app.wait_text("screen-space", "Vous êtes désormais connecté !").await?;
        assert_eq!(app.text("member-name").await?, format!("{} {}", m.first_name, m.last_name));

        app.click("logout").await?;
        app.testid("screen-home").await?;
        assert!(!app.is_visible("screen-space").await?);

        // Log-in by e-mail works too, whatever its case.
        app.log_in(&m.email.to_uppercase(), &m.password).await?;
        app.wait_text("member-name", &m.last_name).await?;
        app.click("logout").await?;
        app.testid("screen-home").await?;

        let log = app.app_log();
        app.close().await;
        assert!(log.contains("member logged in"), "the app log was not captured:\n{log}");
        assert_no_secrets("app log", &log, &[&m.nir, &m.nir_typed, &m.password]);
        Ok(())
    });
}

#[test]
fn wrong_passwords_count_down_then_block_the_account() {
    scenario(|| async {
        let m = TestMember::new(102);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "lockout").await?;

        app.log_in(&m.nir_typed, "Mauvais1Passe").await?;
        let first = app.wait_text("error-message", "Mot de passe incorrect").await?;
        assert!(first.contains("Il vous reste 2 tentatives"), "{first}");
        assert!(first.contains("Mot de passe oublié ?"), "{first}");
        assert!(app.is_visible("link-forgot-password").await?);
        assert_eq!(app.focused_testid().await?, "login-password");
        // The identifier stays, the password is cleared for the next try.
        assert_eq!(app.testid("login-identifier").await?.prop("value").await?.unwrap_or_default(), m.nir_typed);
        assert_eq!(app.testid("login-password").await?.prop("value").await?.unwrap_or_default(), "");

        app.log_in(&m.nir_typed, "Mauvais2Passe").await?;
        app.wait_text("error-message", "Il vous reste 1 tentative").await?;

        app.log_in(&m.nir_typed, "Mauvais3Passe").await?;
        let blocked = app.wait_text("error-message", "votre compte est bloqué").await?;
        assert!(blocked.contains("Débloquez votre compte"), "{blocked}");
        app.testid("link-unlock").await?;

        // Even the right password is refused now.
        app.log_in(&m.nir_typed, &m.password).await?;
        app.wait_text("error-message", "votre compte est bloqué").await?;
        assert!(!app.is_visible("screen-space").await?);

        // MGEN guide, step 1 → step 2: the unlock form.
        app.click_in("screen-login", "link-unlock").await?;
        app.screen("screen-unlock").await?;
        app.wait_text("walkthrough-step", "Étape 2 sur 5").await?;

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&m.nir, &m.password, "Mauvais1Passe", "Mauvais2Passe", "Mauvais3Passe"]);
        Ok(())
    });
}

#[test]
fn unknown_profile_gets_the_guide_advice() {
    scenario(|| async {
        let m = TestMember::new(103);
        let stranger = TestMember::new(104);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch(Some(&backend.url()), "unknown-profile").await?;

        app.log_in(&stranger.nir_typed, &stranger.password).await?;
        let text = app.wait_text("error-message", "Ce profil est inconnu").await?;
        // One answer on the number's format (issue 14 §3): the stranger typed it
        // with spaces, and the message, like the hint, says spaces are accepted.
        assert!(text.contains("15 chiffres (les espaces sont acceptés"), "{text}");
        assert!(!text.contains("sans espace"), "{text}");
        let hint = app.js("return document.getElementById('login-identifier-hint').textContent;").await?;
        assert!(hint.as_str().unwrap_or_default().contains("les espaces sont acceptés"), "{hint}");
        assert!(text.contains("Pas encore inscrit ?"), "{text}");
        app.click_in("screen-login", "link-register").await?;
        app.screen("screen-register").await?;
        app.click_in("screen-register", "cancel").await?;
        app.wait_hidden("[data-testid='screen-register']").await?;

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&stranger.nir, &stranger.password]);
        Ok(())
    });
}

#[test]
fn backend_down_gives_the_support_contacts_and_a_bad_key_is_refused_before_any_call() {
    scenario(|| async {
        let url = harness::unreachable_backend_url();
        let m = TestMember::new(105);
        let app = App::launch(Some(&url), "backend-down").await?;

        // A NIR whose key is wrong is refused on the spot: with the backend
        // down, any network call would have answered "indisponible" instead.
        let key: u32 = m.nir[13..].parse()?;
        let wrong_key = format!("{}{:02}", &m.nir[..13], (key % 97) + 1);
        app.log_in(&wrong_key, &m.password).await?;
        let text = app.wait_text("error-message", "La clé").await?;
        assert!(!text.contains("indisponible"), "{text}");
        assert_eq!(app.focused_testid().await?, "login-identifier");
        app.wait_text("login-identifier-error", "La clé").await?;

        app.log_in(&m.nir_typed, &m.password).await?;
        let down = app.wait_text("error-message", "momentanément indisponible").await?;
        assert!(down.contains("03 88 19 22 56"), "{down}");
        assert!(down.contains("chat"), "{down}");
        assert!(!app.is_visible("screen-space").await?);

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&m.nir, &wrong_key, &m.password]);
        Ok(())
    });
}

#[test]
fn without_a_backend_url_the_app_runs_on_its_embedded_demo_server() {
    scenario(|| async {
        let app = App::launch(None, "demo").await?;
        app.testid("demo-badge").await?;
        let jeanne = borne_server::demo::members().into_iter().next().expect("a demo member");
        app.log_in(&jeanne.nir, jeanne.password.expose()).await?;
        app.wait_text("member-name", &format!("{} {}", jeanne.first_name, jeanne.last_name)).await?;
        app.click("logout").await?;
        app.testid("screen-home").await?;
        let log = app.app_log();
        app.close().await;
        // In demo mode the server runs inside the app: its log lines are in the app's log.
        assert!(log.contains("embedded demo server started"), "{log}");
        assert_no_secrets("app log (demo)", &log, &[&jeanne.nir, jeanne.password.expose(), &jeanne.email]);
        Ok(())
    });
}

#[test]
fn server_log_of_the_whole_run_holds_no_secret() {
    // Runs after the others in the same process when they share the lock;
    // it checks the server's log file accumulated so far, and at least one
    // scenario of its own.
    scenario(|| async {
        let m = TestMember::new(106);
        let backend = Backend::start(&[&m]).await?;
        let client = borne_client::Client::new(&backend.url()).unwrap();
        let id = borne_core::Identifier::parse(&m.nir_typed).unwrap();
        let _ = client.login(&id, &borne_core::Secret::new("Mauvais9Passe")).await;
        let ok = client.login(&id, &borne_core::Secret::new(m.password.clone())).await.unwrap();
        client.logout(&ok.token).await.unwrap();
        backend.server.shutdown().await;
        let log = std::fs::read_to_string(harness::server_log_path())?;
        assert!(!log.is_empty(), "the server log was not captured");
        let mut secrets = vec![m.nir.clone(), m.password.clone(), "Mauvais9Passe".to_string(), ok.token.expose().to_string()];
        // This file's members, and those of procedures.rs.
        for n in (101..=105).chain(201..=210) {
            let t = TestMember::new(n);
            secrets.extend([t.nir, t.password, t.email]);
        }
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        assert_no_secrets("server log", &log, &refs);
        Ok(())
    });
}
