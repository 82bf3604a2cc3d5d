//! End-to-end tests of the kiosk's and the member's PC's UI (issue 5,
//! docs/ui-contract.md "Kiosk mode" and "Member's PC"), through the real
//! window:
//!
//! - the attract screen, the on-screen keyboard (a NIR on the numeric pad,
//!   an e-mail with letters, @ and ., a password with capitals, « Entrée »
//!   submits; the birth-date mask fed by the keys), the log-out wipe;
//! - the idle warning (countdown, « Continuer » keeps the session), then the
//!   full wipe at 0: attract screen, no field holding the member's data, no
//!   name, no session on the Rust side;
//! - the hidden staff exit (3 s press on the corner, PIN on the pad);
//! - the backend-status banner when the backend cannot be reached;
//! - on a member's PC, « Se souvenir de mon identifiant » through the OS
//!   keyring (it needs `BORNE_KEYRING_TEST=1` and a Secret Service, e.g.
//!   gnome-keyring under dbus-run-session, and fails without them).
//!
//! The app refuses an idle timeout under 5 s (config.rs), so the idle test
//! uses 5 s; the warning's countdown is at least 20 s (WCAG 2.2.1), so that
//! test waits about 30 s. The other kiosk tests use a long timeout, so the
//! warning cannot cover the screen while WebDriver waits for an answer.

use crate::harness::{assert_no_secrets, App, Backend, TestMember};
use crate::scenario;
use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::Locator;
use std::time::{Duration, Instant};

const ATTRACT: &str = "screen-attract";
const HOME: &str = "screen-home";
const LOGIN: &str = "screen-login";
const SPACE: &str = "screen-space";
const REGISTER: &str = "screen-register";
const CHANGE: &str = "screen-change-password";

/// A kiosk with the on-screen keyboard always shown.
fn kiosk_env(idle_timeout_secs: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("BORNE_MODE", "kiosk"),
        ("BORNE_IDLE_TIMEOUT_SECS", idle_timeout_secs),
        ("BORNE_IDLE_WARNING_SECS", "20"),
        ("BORNE_KEYBOARD", "always"),
    ]
}

/// Runs `script` in the page and returns its value.
async fn js(app: &App, script: &str) -> Result<serde_json::Value> {
    tokio::time::timeout(Duration::from_secs(20), app.client.execute(script, vec![]))
        .await
        .map_err(|_| anyhow!("script timed out: {script}"))?
        .map_err(|e| anyhow!("script failed: {script}: {e}"))
}

/// Calls a Tauri command from the page, as the UI does.
async fn invoke(app: &App, command: &str) -> Result<serde_json::Value> {
    let script = format!(
        "const done = arguments[arguments.length - 1]; \
         window.__TAURI_INTERNALS__.invoke('{command}').then((v) => done({{ ok: v }}), (e) => done({{ err: e }}));"
    );
    let answer = tokio::time::timeout(Duration::from_secs(20), app.client.execute_async(&script, vec![]))
        .await
        .map_err(|_| anyhow!("{command} timed out"))?
        .map_err(|e| anyhow!("{command} failed: {e}"))?;
    match answer.get("ok") {
        Some(v) => Ok(v.clone()),
        None => bail!("{command} answered an error: {}", answer["err"]),
    }
}

async fn current_screen_attr(app: &App) -> Result<String> {
    Ok(js(app, "return document.body.dataset.currentScreen || '';").await?.as_str().unwrap_or_default().to_owned())
}

/// The on-screen keyboard's testid for one character.
fn key_of(c: char) -> Result<String> {
    Ok(match c {
        'a'..='z' | '0'..='9' | '@' | '.' | '-' | '_' => format!("osk-key-{c}"),
        'A'..='Z' => format!("osk-key-{}", c.to_ascii_lowercase()),
        ' ' => "osk-key-space".into(),
        _ => bail!("no key for {c:?} on the on-screen keyboard"),
    })
}

/// Types `text` with the on-screen keyboard's keys (shift before a capital).
async fn osk_type(app: &App, text: &str) -> Result<()> {
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            app.click("osk-key-shift").await?;
        }
        app.click(&key_of(c)?).await.with_context(|| format!("typing {c:?} on the on-screen keyboard"))?;
    }
    Ok(())
}

/// The layout the keyboard shows: "letters" or "numpad".
async fn osk_layout(app: &App) -> Result<String> {
    let osk = app.testid("osk").await?;
    Ok(osk.attr("data-layout").await?.unwrap_or_default())
}

async fn wait_layout(app: &App, expected: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let layout = osk_layout(app).await.unwrap_or_default();
        if layout == expected {
            app.testid(&format!("osk-{expected}")).await?;
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the on-screen keyboard shows {layout:?}, not {expected:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the screen root `screen` is shown, for up to `within`.
async fn wait_screen(app: &App, screen: &str, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    loop {
        if app.is_visible(screen).await.unwrap_or(false) {
            return app.audit().await;
        }
        if Instant::now() > deadline {
            bail!("{screen} not shown after {within:?}; shown: {:?}", app.current_screen().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The seconds `idle-countdown` shows.
async fn countdown(app: &App) -> Result<u64> {
    let text = app.text("idle-countdown").await?;
    text.trim().parse().map_err(|_| anyhow!("idle-countdown is not a number of seconds: {text:?}"))
}

/// The testids (or ids) of the inputs that still hold something: a value,
/// or a checked box or radio.
async fn filled_inputs(app: &App) -> Result<Vec<String>> {
    let v = js(
        app,
        "return [...document.querySelectorAll('input, textarea')] \
           .filter((i) => (i.type === 'checkbox' || i.type === 'radio') ? i.checked : i.value !== '') \
           .map((i) => i.dataset.testid || i.id);",
    )
    .await?;
    Ok(v.as_array().cloned().unwrap_or_default().into_iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
}

/// The whole text of the page, hidden parts included.
async fn page_text(app: &App) -> Result<String> {
    Ok(js(app, "return document.body.textContent;").await?.as_str().unwrap_or_default().to_owned())
}

/// Whether a synthetic event of `kind` on `css` was cancelled (the kiosk blocks it).
async fn blocked(app: &App, css: &str, event: &str) -> Result<bool> {
    let script = format!("const e = {event}; document.querySelector(\"{css}\").dispatchEvent(e); return e.defaultPrevented;");
    Ok(js(app, &script).await?.as_bool().unwrap_or(false))
}

/// Holds the mouse button down on `el` for `hold`, then releases it.
async fn long_press(app: &App, el: fantoccini::elements::Element, hold: Duration) -> Result<()> {
    let press = MouseActions::new("staff-finger".into())
        .then(PointerAction::MoveToElement { element: el, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Pause { duration: hold })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    tokio::time::timeout(Duration::from_secs(30), app.client.perform_actions(press))
        .await
        .map_err(|_| anyhow!("the long press timed out"))?
        .map_err(|e| anyhow!("the long press failed: {e}"))?;
    let _ = app.client.release_actions().await;
    Ok(())
}

#[test]
fn kiosk_attract_screen_then_the_on_screen_keyboard_logs_in_and_log_out_wipes() {
    scenario(|| async {
        let m = TestMember::new(301);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch_with(Some(&backend.url()), "kiosk-keyboard", &kiosk_env("600"), &[]).await?;

        // The attract screen first; a touch leads to the welcome screen.
        app.screen(ATTRACT).await?;
        assert_eq!(current_screen_attr(&app).await?, "attract");
        assert!(!app.is_visible(HOME).await?);
        app.wait_text("attract-start", "Touchez l'écran pour commencer").await?;

        // What a public terminal must not offer (synthetic events: the real
        // ones go through the same listeners).
        ensure!(blocked(&app, "h1", "new MouseEvent('contextmenu', {bubbles: true, cancelable: true})").await?, "context menu not blocked");
        ensure!(
            blocked(&app, "body", "new KeyboardEvent('keydown', {key: 'f', ctrlKey: true, bubbles: true, cancelable: true})").await?,
            "Ctrl+F not blocked"
        );
        ensure!(
            blocked(&app, "body", "new KeyboardEvent('keydown', {key: '+', ctrlKey: true, bubbles: true, cancelable: true})").await?,
            "Ctrl++ (zoom) not blocked"
        );
        ensure!(blocked(&app, "h1", "new Event('selectstart', {bubbles: true, cancelable: true})").await?, "text selection not blocked");
        ensure!(
            !blocked(&app, "[data-testid='login-identifier']", "new Event('selectstart', {bubbles: true, cancelable: true})").await?,
            "text selection blocked inside a field"
        );

        app.click("attract-start").await?;
        app.screen(HOME).await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        assert!(!app.is_visible_in(LOGIN, "login-remember").await?, "« Se souvenir de mon identifiant » is offered at a kiosk");
        assert!(!app.is_visible("osk").await?, "the keyboard is shown without a field to type in");

        // A NIR on the numeric pad (login-identifier takes letters too: « 123 » switches).
        app.click_in(LOGIN, "login-identifier").await?;
        wait_layout(&app, "letters").await?;
        app.click("osk-switch").await?;
        wait_layout(&app, "numpad").await?;
        osk_type(&app, &m.nir).await?;
        assert_eq!(app.value_in(LOGIN, "login-identifier").await?, m.nir);
        assert_eq!(app.focused_testid().await?, "login-identifier", "a key took the focus from the field");
        // Backspace deletes before the caret.
        app.click("osk-key-backspace").await?;
        assert_eq!(app.value_in(LOGIN, "login-identifier").await?, &m.nir[..14]);
        osk_type(&app, &m.nir[14..]).await?;

        // The password with capitals, on the letters; « Entrée » submits.
        app.click_in(LOGIN, "login-password").await?;
        wait_layout(&app, "letters").await?;
        osk_type(&app, &m.password).await?;
        assert_eq!(app.value_in(LOGIN, "login-password").await?, m.password);
        app.click("osk-key-enter").await?;
        app.screen(SPACE).await?;
        app.wait_text("member-name", &m.last_name).await?;
        app.wait_hidden("[data-testid='osk']").await?;

        // Log-out at a kiosk: the full wipe, then the attract screen.
        app.click_in(SPACE, "logout").await?;
        app.screen(ATTRACT).await?;
        let name = js(&app, "return document.querySelector(\"[data-testid='member-name']\").textContent;").await?;
        assert_eq!(name.as_str(), Some(""), "member-name kept the name after the log-out");
        ensure!(filled_inputs(&app).await?.is_empty(), "fields still filled after the log-out: {:?}", filled_inputs(&app).await?);

        // An e-mail with letters, @ and .
        app.click("attract-start").await?;
        app.screen(HOME).await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        assert_eq!(app.value_in(LOGIN, "login-identifier").await?, "", "a kiosk prefilled the last member's identifier");
        app.click_in(LOGIN, "login-identifier").await?;
        wait_layout(&app, "letters").await?;
        osk_type(&app, &m.email).await?;
        assert_eq!(app.value_in(LOGIN, "login-identifier").await?, m.email);
        app.click_in(LOGIN, "login-password").await?;
        osk_type(&app, &m.password).await?;
        app.click("osk-key-enter").await?;
        app.screen(SPACE).await?;
        app.wait_text("member-name", &m.last_name).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(ATTRACT).await?;

        // The numeric pad comes by itself for a NIR or a birth date, and the
        // birth-date mask works with its keys.
        app.click("attract-start").await?;
        app.click_in(HOME, "home-login").await?;
        app.click_in(LOGIN, "link-register").await?;
        app.screen(REGISTER).await?;
        app.click_in(REGISTER, "register-nir").await?;
        wait_layout(&app, "numpad").await?;
        osk_type(&app, &m.nir).await?;
        assert_eq!(app.value_in(REGISTER, "register-nir").await?, m.nir);
        app.click_in(REGISTER, "register-birthdate").await?;
        wait_layout(&app, "numpad").await?;
        osk_type(&app, "12061985").await?;
        assert_eq!(app.value_in(REGISTER, "register-birthdate").await?, "12/06/1985");
        app.click("osk-key-backspace").await?;
        assert_eq!(app.value_in(REGISTER, "register-birthdate").await?, "12/06/198");
        // « Fermer » hides the keyboard; a tap on the field brings it back.
        app.click("osk-close").await?;
        app.wait_hidden("[data-testid='osk']").await?;
        app.click_in(REGISTER, "register-birthdate").await?;
        wait_layout(&app, "numpad").await?;
        app.click_in(REGISTER, "cancel").await?;
        app.screen(LOGIN).await?;

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&m.nir, &m.password, &m.email]);
        Ok(())
    });
}

#[test]
fn kiosk_idle_warning_counts_down_continue_keeps_the_session_then_everything_is_wiped() {
    scenario(|| async {
        let m = TestMember::new(302);
        let backend = Backend::start(&[&m]).await?;
        let app = App::launch_with(Some(&backend.url()), "kiosk-idle", &kiosk_env("5"), &[]).await?;
        app.screen(ATTRACT).await?;
        // No warning on the attract screen, however long it waits.
        tokio::time::sleep(Duration::from_secs(7)).await;
        assert!(!app.is_visible("idle-warning").await?, "the idle warning opened on the attract screen");

        app.click("attract-start").await?;
        app.screen(HOME).await?;
        app.log_in(&m.nir_typed, &m.password).await?;
        app.screen(SPACE).await?;
        app.wait_text("member-name", &m.last_name).await?;

        // 5 s without input: the warning, its countdown from 20 s, the focus on « Continuer ».
        app.testid("idle-warning").await?;
        // Read as soon as the warning shows (a loaded machine may take a few seconds).
        let first = countdown(&app).await?;
        ensure!((10..=20).contains(&first), "the countdown starts at {first} s, not 20 s");
        assert_eq!(app.focused_testid().await?, "idle-continue");
        let announced = js(&app, "return document.querySelector(\"[data-testid='idle-announce']\").textContent;").await?;
        ensure!(announced.as_str().unwrap_or_default().contains("secondes"), "nothing announced: {announced}");
        tokio::time::sleep(Duration::from_millis(2200)).await;
        let later = countdown(&app).await?;
        ensure!(later < first, "the countdown did not go down in 2.2 s: {first} then {later}");

        // « Continuer »: the session and the screen stay.
        app.click("idle-continue").await?;
        app.wait_hidden("[data-testid='idle-warning']").await?;
        assert!(app.is_visible(SPACE).await?);
        assert_eq!(app.text("member-name").await?, format!("{} {}", m.first_name, m.last_name));
        ensure!(invoke(&app, "current_member").await?.is_object(), "the session ended after « Continuer »");

        // Data in fields, then no input: the warning again, and at 0 the wipe.
        app.click_in(SPACE, "space-change-password").await?;
        app.screen(CHANGE).await?;
        app.type_in(CHANGE, "current-password", &m.password).await?;
        app.type_in(CHANGE, "new-password", "Colibri-Vert-42").await?;
        app.testid("idle-warning").await?;
        let warned = Instant::now();
        wait_screen(&app, ATTRACT, Duration::from_secs(40)).await?;
        let waited = warned.elapsed();
        ensure!(waited >= Duration::from_secs(15), "the wipe came {waited:?} after the warning, before its 20 s");

        assert_eq!(current_screen_attr(&app).await?, "attract");
        assert!(!app.is_visible("idle-warning").await?);
        let filled = filled_inputs(&app).await?;
        ensure!(filled.is_empty(), "fields still filled after the wipe: {filled:?}");
        let name = js(&app, "return document.querySelector(\"[data-testid='member-name']\").textContent;").await?;
        assert_eq!(name.as_str(), Some(""), "member-name kept the name after the wipe");
        let text = page_text(&app).await?;
        ensure!(!text.contains(&m.last_name), "the page still holds the member's name");
        let open = js(&app, "return document.querySelectorAll('dialog[open]').length;").await?;
        assert_eq!(open.as_u64(), Some(0), "a dialog stayed open after the wipe");
        // The Rust side forgot the session.
        app.click("attract-start").await?;
        app.screen(HOME).await?;
        assert!(invoke(&app, "current_member").await?.is_null(), "the session survived the wipe");
        assert!(!app.is_visible("walkthrough").await?);

        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[&m.nir, &m.nir_typed, &m.password, "Colibri-Vert-42"]);
        Ok(())
    });
}

/// « Un autre message d'erreur ? » at a kiosk (issue 14 §4): the branch's
/// sentence (BORNE_HELP_STAFF), the phone number large, no chat, no link,
/// and open_contact refused: nothing opens outside the app.
#[test]
fn kiosk_help_asks_the_branch_staff_shows_the_phone_large_and_opens_nothing() {
    scenario(|| async {
        let staff = "Adressez-vous à l'accueil de l'agence, à droite de l'entrée.";
        let mut env: Vec<(&str, &str)> = kiosk_env("600");
        env.push(("BORNE_HELP_STAFF", staff));
        let backend = Backend::start(&[]).await?;
        let app = App::launch_with(Some(&backend.url()), "kiosk-help", &env, &[]).await?;
        app.screen(ATTRACT).await?;
        app.click("attract-start").await?;
        app.screen(HOME).await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        app.click_in(LOGIN, "help-other-error").await?;
        assert_eq!(app.wait_text("help-staff", staff).await?, staff);
        assert_eq!(app.text("help-phone").await?, "03 88 19 22 56");
        let sizes = js(&app, "const px = (t) => parseFloat(getComputedStyle(document.querySelector(`[data-testid='${t}']`)).fontSize); return [px('help-phone'), px('help-staff')];").await?;
        let (phone, text) = (sizes[0].as_f64().unwrap_or_default(), sizes[1].as_f64().unwrap_or_default());
        ensure!(phone >= 1.8 * text, "the phone number is not large: {phone} px against {text} px");
        // The chat is out of reach at a kiosk: not offered, and no link at all in the help.
        let body = app.text("help-panel").await?;
        assert!(!body.contains("chat"), "{body}");
        assert_eq!(app.count_visible("[data-testid='help-panel'] a").await?, 0, "a link in the kiosk's help");
        let refused = tokio::time::timeout(
            Duration::from_secs(20),
            app.client.execute_async(
                "const done = arguments[arguments.length - 1]; \
                 window.__TAURI_INTERNALS__.invoke('open_contact', { contact: 'chat' }).then(() => done('opened'), (e) => done(e.code || 'refused'));",
                vec![],
            ),
        )
        .await
        .map_err(|_| anyhow!("open_contact timed out"))??;
        assert_eq!(refused, "bad_request", "a kiosk opened a contact outside the app");
        app.screenshot("kiosk-help").await?;
        app.click("help-close").await?;
        app.wait_hidden("[data-testid='help-panel']").await?;

        let log = app.app_log();
        app.close().await;
        assert!(log.contains("a kiosk opens nothing outside the app"), "{log}");
        Ok(())
    });
}

#[test]
fn kiosk_staff_exit_needs_a_long_press_and_the_staff_pin() {
    scenario(|| async {
        let pin = "4321";
        let hash = borne_server::hash_password_blocking(&borne_core::Secret::new(pin), &mut borne_server::HashingMemory::new())?;
        let mut env: Vec<(&str, &str)> = kiosk_env("600");
        env.push(("BORNE_STAFF_PIN_HASH", &hash));
        let backend = Backend::start(&[]).await?;
        let app = App::launch_with(Some(&backend.url()), "kiosk-staff", &env, &[]).await?;
        app.screen(ATTRACT).await?;

        // The corner is invisible (opacity 0), so it is found without waiting for it to show.
        let corner = || async {
            tokio::time::timeout(Duration::from_secs(20), app.client.find(Locator::Css("[data-testid='staff-corner']")))
                .await
                .map_err(|_| anyhow!("finding staff-corner timed out"))?
                .map_err(|e| anyhow!("no staff-corner: {e}"))
        };
        let size = js(&app, "const r = document.querySelector(\"[data-testid='staff-corner']\").getBoundingClientRect(); \
                             return [Math.round(r.width), Math.round(r.height), Math.round(window.innerWidth - r.right), Math.round(r.top)];")
            .await?;
        assert_eq!(size, serde_json::json!([44, 44, 0, 0]), "the staff corner is not a 44 × 44 px top-right corner");

        // A short press does nothing.
        long_press(&app, corner().await?, Duration::from_millis(1000)).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!app.is_visible("staff-dialog").await?, "a 1 s press opened the staff dialog");
        assert_eq!(current_screen_attr(&app).await?, "attract", "the corner's press went through to the attract screen");

        // 3 s: the dialog, the focus in the PIN field, the numeric pad inside the dialog.
        long_press(&app, corner().await?, Duration::from_millis(3400)).await?;
        app.testid("staff-dialog").await?;
        assert_eq!(app.focused_testid().await?, "staff-pin");
        app.testid("osk-numpad").await?;
        osk_type(&app, "9999").await?;
        app.click("osk-key-enter").await?;
        app.wait_text("staff-error", "Code incorrect").await?;
        assert_eq!(app.value_in("staff-dialog", "staff-pin").await?, "", "the PIN stayed in its field");
        app.click("staff-cancel").await?;
        app.wait_hidden("[data-testid='staff-dialog']").await?;

        // The right PIN: the app quits (the WebDriver session loses its window).
        long_press(&app, corner().await?, Duration::from_millis(3400)).await?;
        app.testid("staff-dialog").await?;
        osk_type(&app, pin).await?;
        app.click("osk-key-enter").await?;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let alive = tokio::time::timeout(Duration::from_secs(5), app.client.execute("return 1;", vec![])).await;
            if !matches!(alive, Ok(Ok(_))) {
                break;
            }
            ensure!(Instant::now() < deadline, "the app still runs 15 s after the right staff PIN");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let log = app.app_log();
        app.close().await;
        assert_no_secrets("app log", &log, &[pin, "9999"]);
        Ok(())
    });
}

#[test]
fn kiosk_says_politely_when_the_backend_cannot_be_reached() {
    scenario(|| async {
        let url = crate::harness::unreachable_backend_url();
        let mut env = kiosk_env("600");
        env.push(("BORNE_HEARTBEAT_SECS", "1"));
        let app = App::launch_with(Some(&url), "kiosk-backend-down", &env, &[]).await?;
        app.screen(ATTRACT).await?;
        let banner = app.wait_text("backend-status", "momentanément indisponible").await?;
        ensure!(banner.contains("03 88 19 22 56"), "the banner names no phone: {banner}");
        assert_eq!(app.testid("backend-status").await?.attr("role").await?.as_deref(), Some("status"));
        app.testid("staff-status").await?;
        let status = invoke(&app, "device_status").await?;
        assert_eq!(status["backend_reachable"], serde_json::json!(false), "{status}");
        // On the member screens too.
        app.click("attract-start").await?;
        app.screen(HOME).await?;
        assert!(app.is_visible("backend-status").await?);
        app.close().await;
        Ok(())
    });
}

#[test]
fn members_pc_remembers_the_identifier_in_the_keyring_never_the_password() {
    assert_eq!(
        std::env::var("BORNE_KEYRING_TEST").as_deref(),
        Ok("1"),
        "this test needs the OS keyring (a Secret Service such as gnome-keyring under dbus-run-session, as \
         scripts/test.sh provides) and BORNE_KEYRING_TEST=1; to leave it out on purpose: \
         `cargo test -- --skip members_pc_remembers_the_identifier_in_the_keyring`"
    );
    scenario(|| async {
        let m = TestMember::new(303);
        let backend = Backend::start(&[&m]).await?;
        let pc = [("BORNE_MODE", "personal")];
        let compact = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>();

        // First visit: the member asks to be remembered.
        let app = App::launch_with(Some(&backend.url()), "pc-remember-1", &pc, &[]).await?;
        app.screen(HOME).await?;
        assert!(!app.is_visible(ATTRACT).await?);
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        app.in_screen(LOGIN, "login-remember").await?;
        app.wait_text_in(LOGIN, "login-remember-hint", "jamais enregistré").await?;
        assert!(!app.is_visible("osk").await?, "the on-screen keyboard is shown on a member's PC");
        if !app.value_in(LOGIN, "login-identifier").await?.is_empty() {
            // Left by an interrupted run: the log-in below replaces it.
            app.type_in(LOGIN, "login-identifier", "").await?;
        }
        let checked = app.in_screen(LOGIN, "login-remember").await?.prop("checked").await?;
        if checked.as_deref() != Some("true") {
            app.click_in(LOGIN, "login-remember").await?;
        }
        app.type_in(LOGIN, "login-identifier", &m.nir_typed).await?;
        app.type_in(LOGIN, "login-password", &m.password).await?;
        app.click_in(LOGIN, "login-submit").await?;
        app.screen(SPACE).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;
        let log1 = app.app_log();
        app.close().await;

        // Next start: the identifier is there, the box checked, the password empty.
        let app = App::launch_with(Some(&backend.url()), "pc-remember-2", &pc, &[]).await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        let prefilled = app.value_in(LOGIN, "login-identifier").await?;
        assert_eq!(compact(&prefilled), m.nir, "the identifier was not remembered: {prefilled:?}");
        assert_eq!(app.in_screen(LOGIN, "login-remember").await?.prop("checked").await?.as_deref(), Some("true"));
        assert_eq!(app.value_in(LOGIN, "login-password").await?, "");
        // The member changes their mind: unchecked, the keyring forgets it at the next log-in.
        app.click_in(LOGIN, "login-remember").await?;
        app.type_in(LOGIN, "login-password", &m.password).await?;
        app.click_in(LOGIN, "login-submit").await?;
        app.screen(SPACE).await?;
        app.click_in(SPACE, "logout").await?;
        app.screen(HOME).await?;
        let log2 = app.app_log();
        app.close().await;

        let app = App::launch_with(Some(&backend.url()), "pc-remember-3", &pc, &[]).await?;
        app.click_in(HOME, "home-login").await?;
        app.screen(LOGIN).await?;
        assert_eq!(app.value_in(LOGIN, "login-identifier").await?, "", "the identifier stayed after « ne pas se souvenir »");
        assert_eq!(app.in_screen(LOGIN, "login-remember").await?.prop("checked").await?.as_deref(), Some("false"));
        let log3 = app.app_log();
        app.close().await;

        for (name, log) in [("first", &log1), ("second", &log2), ("third", &log3)] {
            assert_no_secrets(&format!("app log ({name} start)"), log, &[&m.nir, &m.nir_typed, &m.password]);
        }
        Ok(())
    });
}
