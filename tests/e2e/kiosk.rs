//! End-to-end tests of the Rust side of the kiosk and the member's PC
//! (issue 5, docs/app-ipc.md "Kiosk and member's PC"): the `wipe` command
//! and what is left afterwards, the window's rules (full screen, no other
//! window, no navigation out of the app), the staff PIN's throttle, the
//! PIN-hashing helper, and a second launch handing its `borne://` link to
//! the running app. The kiosk's screens (attract, keyboard, idle warning,
//! staff dialog) are tested in `kiosk_ui.rs`.

use crate::harness::{assert_no_secrets, server_log_count, App, Backend, SessionBus, TestMember};
use crate::scenario;
use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A kiosk whose idle warning cannot come up during a test.
const KIOSK: [(&str, &str); 3] = [("BORNE_MODE", "kiosk"), ("BORNE_IDLE_TIMEOUT_SECS", "600"), ("BORNE_KEYBOARD", "never")];

/// Polls `check` (a JS expression) until it is true.
async fn wait_js(app: &App, what: &str, check: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if app.js(&format!("return !!({check});")).await?.as_bool() == Some(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{what}: `{check}` never became true");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether the app's password check still knows something personal about
/// the member: `password` holds the member's first name.
async fn knows_member(app: &App, password: &str) -> Result<bool> {
    let check = app.invoke_with("check_password", json!({ "password": password, "confirmation": "" })).await?;
    let rule = check["rules"].as_array().into_iter().flatten().find(|r| r["rule"] == "no_personal_info").cloned();
    Ok(rule.context("no no_personal_info rule in check_password's answer")?["met"] == false)
}

/// Every field's value and the whole text of the page (hidden parts included).
async fn page_contents(app: &App) -> Result<(Vec<String>, String)> {
    let v = app
        .js("return { values: [...document.querySelectorAll('input, textarea, select')].map((f) => f.value), text: document.body.textContent };")
        .await?;
    let values = v["values"].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect();
    Ok((values, v["text"].as_str().unwrap_or_default().to_owned()))
}

/// Fails when a field or the page's text holds any of `needles`.
fn assert_nothing_of(what: &str, (values, text): &(Vec<String>, String), needles: &[&str]) {
    for needle in needles {
        for value in values {
            assert!(!value.contains(needle), "{what}: a field still holds {needle:?}");
        }
        assert!(!text.contains(needle), "{what}: the page still shows {needle:?}");
    }
}

async fn has_attract(app: &App) -> Result<bool> {
    Ok(app.js("return !!document.querySelector(\"[data-testid='screen-attract']\");").await?.as_bool() == Some(true))
}

/// The attract screen, when the UI has one, then the welcome screen.
async fn past_attract(app: &App) -> Result<()> {
    if has_attract(app).await? {
        app.screen("screen-attract").await?;
        app.click("attract-start").await?;
    }
    app.screen("screen-home").await
}

#[test]
fn kiosk_wipe_leaves_nothing_of_the_member_in_the_app_or_the_page() {
    scenario(|| async {
        let m = TestMember::new(501);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch_with(Some(&backend.url()), "kiosk-wipe", &KIOSK, &[]).await?;
        let info = app.invoke("app_info").await?;
        assert_eq!(info["mode"], "kiosk");
        assert_eq!(info["kiosk"], json!({ "idle_timeout_secs": 600, "idle_warning_secs": 30, "keyboard": "never", "staff_exit": false, "help_staff": null }));

        past_attract(&app).await?;
        app.log_in(&m.nir_typed, &m.password).await?;
        app.screen("screen-space").await?;
        app.wait_text("member-name", &m.last_name).await?;
        let probe = format!("{}2024Abc", m.first_name);
        ensure!(knows_member(&app, &probe).await?, "the probe does not see the member before the wipe");
        assert_eq!(app.invoke("current_member").await?["last_name"], m.last_name.as_str());
        app.js(&format!(
            "localStorage.setItem('probe', '{}'); sessionStorage.setItem('probe', '{}'); return null;",
            m.nir, m.last_name
        ))
        .await?;

        // The command itself, called from the page.
        let revoked = server_log_count("outcome=\"logged_out\"");
        assert_eq!(app.invoke("wipe").await?, Value::Null);
        assert_eq!(app.invoke("current_member").await?, Value::Null, "the session survived the wipe");
        ensure!(!knows_member(&app, &probe).await?, "the app still knows the member's name after the wipe");
        assert_eq!(app.invoke("take_deep_link").await?, Value::Null);
        wait_js(&app, "storage after the wipe", "localStorage.length === 0 && sessionStorage.length === 0").await?;
        let now_revoked = server_log_count("outcome=\"logged_out\"");
        ensure!(now_revoked > revoked, "the backend did not revoke the session");

        // The UI's own log-out at a kiosk goes through the same wipe.
        if has_attract(&app).await? {
            app.click_in("screen-space", "logout").await?;
            past_attract(&app).await?;
            app.log_in(&m.nir_typed, &m.password).await?;
            app.screen("screen-space").await?;
            app.wait_text("member-name", &m.last_name).await?;
            // The account centre shows contacts and log-ins, and a new mobile is typed.
            app.click_in("screen-space", "space-contacts").await?;
            app.wait_text_in("screen-contacts", "contacts-mobile", "06 •• •• •• 78").await?;
            app.click_in("screen-contacts", "contacts-change-mobile").await?;
            app.type_in("screen-contact-change", "contact-new-value", "07 81 23 45 67").await?;
            app.click_in("screen-contact-change", "contact-change-cancel").await?;
            app.screen("screen-contacts").await?;
            app.click_in("screen-contacts", "back-space").await?;
            app.click_in("screen-space", "space-security").await?;
            app.wait_text("screen-security", "Cet appareil").await?;
            app.click_in("screen-security", "back-space").await?;
            app.click_in("screen-space", "logout").await?;
            app.screen("screen-attract").await?;
            wait_js(&app, "storage after the log-out", "localStorage.length === 0 && sessionStorage.length === 0").await?;
            assert_eq!(app.invoke("current_member").await?, Value::Null);
            ensure!(!knows_member(&app, &probe).await?, "the app still knows the member's name after the log-out");
            let contents = page_contents(&app).await?;
            assert_nothing_of(
                "after the log-out",
                &contents,
                &[&m.nir, &m.nir_typed, &m.last_name, &m.email, "a•••@exemple.fr", "06 •• •• •• 78", "07 81 23 45 67", "Cet appareil"],
            );
        } else {
            eprintln!("kiosk_wipe: the UI has no attract screen yet; its fields were not checked");
        }

        let log = app.app_log();
        app.close().await;
        assert!(log.contains("wiped"), "the wipe was not logged:\n{log}");
        assert_no_secrets("app log", &log, &[&m.nir, &m.nir_typed, &m.password]);
        Ok(())
    });
}

/// Opening a window and leaving the app are refused; the page stays.
async fn assert_stays_in_the_app(app: &App) -> Result<()> {
    let start = app.js("return location.href;").await?;
    let start = start.as_str().unwrap_or_default().to_owned();
    ensure!(start.starts_with("tauri://localhost") || start.contains("tauri.localhost"), "the app is at {start}");

    let opened = app.js("return window.open('https://example.org/') === null;").await?;
    assert_eq!(opened, Value::Bool(true), "window.open returned a window");
    // Links clicked for real (a user gesture, which WebKit's pop-up blocker
    // lets through to the app's handlers): a new window, an external page, a
    // borne:// link (only a second launch may hand one over).
    let link = "borne://reset?token=AbC_def-0123456789xyz";
    for (href, target) in [("https://example.org/", "_blank"), (link, ""), ("https://example.org/", "")] {
        app.js(&format!(
            "const a = document.createElement('a'); a.href = '{href}'; a.target = '{target}'; a.textContent = 'lien'; \
             a.dataset.testid = 'probe-link'; a.style.cssText = 'position:fixed;top:40%;left:40%;z-index:2147483647;padding:2em;background:#fff'; \
             document.body.append(a); return null;"
        ))
        .await?;
        app.click("probe-link").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.js("document.querySelectorAll(\"[data-testid='probe-link']\").forEach((a) => a.remove()); return null;").await?;
    }
    // Scripts.
    app.js("setTimeout(() => { location.href = 'https://example.org/'; }, 0); return null;").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.js("setTimeout(() => { location.href = 'file:///etc/hostname'; }, 0); return null;").await?;
    tokio::time::sleep(Duration::from_millis(1000)).await;

    let windows = tokio::time::timeout(Duration::from_secs(20), app.client.windows()).await??;
    assert_eq!(windows.len(), 1, "another window was opened");
    assert_eq!(app.js("return location.href;").await?.as_str(), Some(start.as_str()), "the page left the app");
    assert_eq!(app.js("return document.body.dataset.ready;").await?.as_str(), Some("true"), "the app's page was replaced");
    assert_eq!(app.invoke("take_deep_link").await?, Value::Null, "a borne:// link inside the page reached the app");
    let log = app.app_log();
    ensure!(log.contains("navigation outside the app refused"), "no refused navigation logged:\n{log}");
    ensure!(log.contains("new window refused"), "no refused window logged:\n{log}");
    assert_no_secrets("app log", &log, &["AbC_def-0123456789xyz"]);
    Ok(())
}

#[test]
fn kiosk_window_covers_the_screen_and_never_leaves_the_app() {
    scenario(|| async {
        let backend = Backend::start(&[]).await?;
        let app = App::launch_with(Some(&backend.url()), "kiosk-window", &KIOSK, &[]).await?;
        wait_js(&app, "full screen", "window.innerWidth === screen.width && window.innerHeight === screen.height").await?;
        assert_stays_in_the_app(&app).await?;
        app.close().await;
        Ok(())
    });
}

#[test]
fn members_pc_window_is_a_normal_one_that_never_leaves_the_app() {
    scenario(|| async {
        let backend = Backend::start(&[]).await?;
        let app = App::launch_with(Some(&backend.url()), "pc-window", &[], &[]).await?;
        assert_eq!(app.invoke("app_info").await?["mode"], "personal");
        let size = app.js("return [window.innerWidth, window.innerHeight, screen.width, screen.height];").await?;
        let n = |i: usize| size[i].as_u64().unwrap_or_default();
        ensure!(n(0) < n(2) && n(1) < n(3), "a member's PC window covers the screen: {size}");
        assert_stays_in_the_app(&app).await?;
        app.close().await;
        Ok(())
    });
}

/// `borne-adherent --hash-staff-pin` with `pin` on standard input.
fn hash_pin_with_the_cli(pin: &str) -> Result<std::process::Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_borne-adherent"))
        .arg("--hash-staff-pin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().context("stdin")?.write_all(format!("{pin}\n").as_bytes())?;
    Ok(child.wait_with_output()?)
}

#[test]
fn staff_pin_hash_helper_then_five_wrong_pins_lock_the_staff_exit() {
    scenario(|| async {
        let pin = "24681357";
        let out = hash_pin_with_the_cli(pin)?;
        ensure!(out.status.success(), "--hash-staff-pin failed: {}", String::from_utf8_lossy(&out.stderr));
        let hash = String::from_utf8(out.stdout)?.trim().to_owned();
        ensure!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "not an Argon2id PHC string: {hash}");
        let short = hash_pin_with_the_cli("12")?;
        ensure!(!short.status.success() && String::from_utf8_lossy(&short.stderr).contains("de 4 à 32"), "a 2-digit PIN was hashed");

        let backend = Backend::start(&[]).await?;
        let mut env = KIOSK.to_vec();
        env.push(("BORNE_STAFF_PIN_HASH", &hash));
        let app = App::launch_with(Some(&backend.url()), "kiosk-staff-throttle", &env, &[]).await?;
        assert_eq!(app.invoke("app_info").await?["kiosk"]["staff_exit"], true);

        // Wrong PINs that cannot occur by chance in a log line (a timestamp's
        // digits once matched "0001"), so that the secrets check below means something.
        let wrong = |i: u32| format!("93{i}71{i}58");
        for i in 1..=5 {
            let answer = app.invoke_with("staff_exit", json!({ "pin": wrong(i) })).await?;
            assert_eq!(answer, json!({ "accepted": false }), "wrong PIN {i}");
        }
        // Locked: even the right PIN is refused, and the app stays.
        assert_eq!(app.invoke_with("staff_exit", json!({ "pin": pin })).await?, json!({ "accepted": false }));
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(app.js("return document.body.dataset.ready;").await?.as_str(), Some("true"), "the app quit");

        let log = app.app_log();
        app.close().await;
        assert_eq!(log.matches("outcome=\"wrong_pin\"").count(), 5, "{log}");
        ensure!(log.contains("too many wrong PINs"), "the lock was not logged:\n{log}");
        assert_no_secrets("app log", &log, &[pin, &hash, &wrong(1), &wrong(5)]);
        Ok(())
    });
}

#[test]
fn staff_exit_with_the_right_pin_quits_the_app() {
    scenario(|| async {
        let pin = "97531";
        let hash = String::from_utf8(hash_pin_with_the_cli(pin)?.stdout)?.trim().to_owned();
        let backend = Backend::start(&[]).await?;
        let mut env = KIOSK.to_vec();
        env.push(("BORNE_STAFF_PIN_HASH", &hash));
        let app = App::launch_with(Some(&backend.url()), "kiosk-staff-exit", &env, &[]).await?;
        assert_eq!(app.invoke_with("staff_exit", json!({ "pin": "11111" })).await?, json!({ "accepted": false }));
        assert_eq!(app.invoke_with("staff_exit", json!({ "pin": pin })).await?, json!({ "accepted": true }));
        // The window goes away with the app.
        app.wait_until_gone(Duration::from_secs(15)).await.context("after the staff exit")?;
        let log = app.app_log();
        app.close().await;
        ensure!(log.contains("staff exit: the app quits"), "{log}");
        assert_no_secrets("app log", &log, &[pin, "11111"]);
        Ok(())
    });
}

#[test]
fn members_pc_second_launch_hands_its_reset_link_to_the_running_app() {
    scenario(|| async {
        let bus = SessionBus::start()?;
        let backend = Backend::start(&[]).await?;
        let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())];
        let app = App::launch_with(Some(&backend.url()), "pc-second-launch", &env, &[]).await?;
        app.screen("screen-home").await?;

        // What a browser does with a clicked borne:// link: the .desktop entry's `Exec=borne-adherent %u`.
        let token = "Zy9_second-launch-0123456789";
        let second_log = crate::harness::artifacts_dir().join("app-pc-second-launch-2.log");
        let mut second = Command::new(env!("CARGO_BIN_EXE_borne-adherent"))
            .arg(format!("borne://reset?token={token}"))
            .env("DISPLAY", &app.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("BORNE_BACKEND_URL", backend.url())
            .env("BORNE_LOG_FILE", &second_log)
            .env_remove("BORNE_MODE")
            .env_remove("BORNE_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = second.try_wait()? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = second.kill();
                bail!("the second launch did not hand over and exit within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        ensure!(status.success(), "the second launch exited with {status}");

        // The running app shows the reset step; the token stayed on the Rust side.
        app.screen("screen-reset").await?;
        let (values, text) = page_contents(&app).await?;
        ensure!(!text.contains(token) && values.iter().all(|v| !v.contains(token)), "the token reached the page");
        let log = app.app_log();
        app.close().await;
        ensure!(log.contains("a second launch was handed to the running app"), "{log}");
        ensure!(log.contains("reset link opened"), "{log}");
        assert_no_secrets("app log", &log, &[token]);
        assert_no_secrets("second launch's log", &std::fs::read_to_string(&second_log).unwrap_or_default(), &[token]);
        Ok(())
    });
}
