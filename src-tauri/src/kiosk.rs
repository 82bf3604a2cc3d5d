//! The main window and what it may do, at a kiosk and on a member's PC
//! (issue 5), and the staff PIN that closes a kiosk.
//!
//! Every mode: the webview only ever shows the app's own pages (navigation
//! elsewhere — `https://`, `borne://`, `file://`, `data:` — is cancelled),
//! never opens a second window, takes no dropped file, and has no zoom
//! hotkeys. At a kiosk the window also covers the screen without
//! decorations, stays on top, cannot be closed by the member and has no dev
//! tools; the context menu, the browser's shortcuts (find, print, zoom…),
//! text selection outside fields and drag and drop are turned off by the
//! page itself (ui/js/kiosk.js), since no window option covers them.
//! On a member's PC the window is a normal one that remembers its size and
//! position (tauri-plugin-window-state, registered in lib.rs).
//!
//! The window is declared in tauri.conf.json with `"create": false` and
//! built here, so that these rules are part of it from its first frame.

use crate::config::AppConfig;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use borne_core::Secret;
use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};
use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, Runtime, Url, WebviewWindow, WebviewWindowBuilder, WindowEvent};

/// The label of the app's only window (tauri.conf.json).
pub const MAIN: &str = "main";

/// Whether `url` is one of the app's own pages: `tauri://localhost` (Linux,
/// macOS), `http(s)://tauri.localhost` (Windows), or the dev server in a
/// development build that has one.
pub fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    let plain = url.username().is_empty() && url.password().is_none() && url.port().is_none();
    let own = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    (own && plain) || dev_url.is_some_and(|dev| dev.origin() == url.origin() && url.scheme().starts_with("http"))
}

/// Where a refused URL pointed, for the log: scheme and host only (a link
/// may carry a token in its path or query).
fn origin_for_log(url: &Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""))
}

/// Builds the main window from its tauri.conf.json entry with the rules of `config.mode`.
/// `start_script` runs before the page's scripts (see `info::start_script`).
pub fn open_main_window(app: &tauri::App, config: &AppConfig, start_script: &str) -> tauri::Result<WebviewWindow> {
    let declared = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .expect("tauri.conf.json declares the main window");
    let dev_url = if tauri::is_dev() { app.config().build.dev_url.clone() } else { None };
    let kiosk = config.is_kiosk();
    let mut builder = WebviewWindowBuilder::from_config(app.handle(), &declared)?
        .on_navigation(move |url| {
            let allowed = is_app_url(url, dev_url.as_ref());
            if !allowed {
                tracing::warn!(to = %origin_for_log(url), "navigation outside the app refused");
            }
            allowed
        })
        .on_new_window(|url, _features| {
            tracing::warn!(to = %origin_for_log(&url), "new window refused");
            NewWindowResponse::Deny
        })
        .initialization_script(start_script)
        .zoom_hotkeys_enabled(false)
        .disable_drag_drop_handler()
        // Release builds have none anyway (tauri's `devtools` feature is off);
        // a kiosk has none even in a debug build.
        .devtools(cfg!(debug_assertions) && !kiosk);
    if kiosk {
        builder = builder
            .fullscreen(true)
            .decorations(false)
            .always_on_top(true)
            .closable(false)
            .minimizable(false)
            .maximizable(false)
            .skip_taskbar(true)
            .focused(true);
    }
    let window = builder.build()?;
    if kiosk {
        window.on_window_event(|event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                tracing::info!("closing the kiosk window refused (staff exit only)");
                api.prevent_close();
            }
        });
        cover_screen(&window);
        // What a crash or a power cut may have left from the last member.
        if let Err(e) = window.clear_all_browsing_data() {
            tracing::warn!("could not clear the webview's data at start: {e}");
        }
    }
    tracing::info!(kiosk, "main window open");
    Ok(window)
}

/// Full screen is a request to the window manager; a minimal X session may
/// have none, so the window is also placed over the whole monitor.
fn cover_screen<R: Runtime>(window: &WebviewWindow<R>) {
    let monitor = window.current_monitor().ok().flatten().or_else(|| window.primary_monitor().ok().flatten());
    match monitor {
        Some(m) => {
            let _ = window.set_position(*m.position());
            let _ = window.set_size(*m.size());
        }
        None => tracing::warn!("no monitor found to cover"),
    }
    let _ = window.set_fullscreen(true);
}

/// A second launch of the app (the single-instance plugin keeps the first
/// one): its `borne://` link, if any, has already been handed to the
/// deep-link plugin, hence to `deep_link.rs`; this brings the window forward.
pub fn second_launch<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second launch was handed to the running app");
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

// ---- the staff PIN ----------------------------------------------------------

/// Wrong PINs allowed in a row before the staff exit is refused for [`PIN_LOCKOUT`].
pub const MAX_WRONG_PINS: u32 = 5;
pub const PIN_LOCKOUT: Duration = Duration::from_secs(5 * 60);
/// What the staff dialog and the hashing helper accept (the UI field's maxlength).
pub const PIN_MIN_CHARS: usize = 4;
pub const PIN_MAX_CHARS: usize = 32;

/// Counts wrong staff PINs: after [`MAX_WRONG_PINS`] in a row every PIN,
/// the right one included, is refused for [`PIN_LOCKOUT`]; then the count
/// starts again. A right PIN resets it.
#[derive(Debug, Default)]
pub struct PinThrottle {
    wrong: u32,
    locked_until: Option<Instant>,
}

impl PinThrottle {
    /// `Some(left)` while PINs are refused; `None` when one may be checked.
    pub fn refused_for(&mut self, now: Instant) -> Option<Duration> {
        match self.locked_until {
            Some(until) if now < until => Some(until - now),
            Some(_) => {
                *self = PinThrottle::default();
                None
            }
            None => None,
        }
    }

    /// Records the outcome of a PIN that was checked.
    pub fn record(&mut self, now: Instant, right: bool) {
        if right {
            *self = PinThrottle::default();
            return;
        }
        self.wrong += 1;
        if self.wrong >= MAX_WRONG_PINS {
            self.locked_until = Some(now + PIN_LOCKOUT);
        }
    }
}

/// Whether `pin` matches the Argon2id PHC string `hash` (blocking: tens of ms).
pub fn pin_matches(hash: &str, pin: &Secret) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(pin.expose().as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A PIN staff may choose: 4 to 32 characters, no space or control character.
pub fn check_new_pin(pin: &str) -> Result<(), String> {
    let n = pin.chars().count();
    if !(PIN_MIN_CHARS..=PIN_MAX_CHARS).contains(&n) {
        return Err(format!("le code doit faire de {PIN_MIN_CHARS} à {PIN_MAX_CHARS} caractères (6 chiffres ou plus conseillés)"));
    }
    if pin.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("le code ne doit contenir ni espace ni caractère de contrôle".into());
    }
    Ok(())
}

/// The Argon2id PHC string of `pin` (the `argon2` crate's defaults, the
/// server's parameters: m = 19 MiB, t = 2, p = 1; a random salt).
pub fn hash_pin(pin: &Secret) -> Result<String, String> {
    check_new_pin(pin.expose())?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("le calcul de l'empreinte a échoué ({e})"))
}

/// `borne-adherent --hash-staff-pin`: reads the PIN from the first line of
/// standard input, prints its hash for `staff_pin_hash`. Returns the exit code.
pub fn hash_staff_pin_cli() -> i32 {
    let mut stderr = std::io::stderr();
    if std::io::stdin().is_terminal() {
        let _ = writeln!(stderr, "Code du personnel ({PIN_MIN_CHARS} à {PIN_MAX_CHARS} caractères), puis Entrée :");
    }
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().take(4096).read_to_end(&mut raw) {
        let _ = writeln!(stderr, "Lecture du code impossible : {e}");
        return 2;
    }
    let text = Secret::new(String::from_utf8_lossy(&raw).into_owned());
    zeroize::Zeroize::zeroize(&mut raw);
    let pin = Secret::new(text.expose().lines().next().unwrap_or_default());
    match hash_pin(&pin) {
        Ok(hash) => {
            println!("{hash}");
            0
        }
        Err(why) => {
            let _ = writeln!(stderr, "Code refusé : {why}.");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_apps_own_pages_may_be_shown() {
        for ok in ["tauri://localhost", "tauri://localhost/index.html#login", "http://tauri.localhost/", "https://tauri.localhost/js/app.js"] {
            assert!(is_app_url(&url(ok), None), "{ok}");
        }
        for refused in [
            "https://example.org/",
            "http://example.org/tauri.localhost",
            "https://tauri.localhost.example.org/",
            "http://tauri.localhost:8080/",
            "https://user@tauri.localhost/",
            "tauri://elsewhere/",
            "borne://reset?token=AbC_def-0123456789xyz",
            "file:///etc/passwd",
            "data:text/html,<h1>x</h1>",
            "about:blank",
            "javascript:alert(1)",
            "http://localhost:1420/",
        ] {
            assert!(!is_app_url(&url(refused), None), "{refused}");
        }
        let dev = url("http://localhost:1420");
        assert!(is_app_url(&url("http://localhost:1420/index.html"), Some(&dev)));
        assert!(!is_app_url(&url("http://localhost:1421/"), Some(&dev)));
    }

    #[test]
    fn refused_urls_are_logged_without_path_or_query() {
        assert_eq!(origin_for_log(&url("borne://reset?token=AbC_def-0123456789xyz")), "borne://reset");
        assert_eq!(origin_for_log(&url("https://example.org/a/b?c=d")), "https://example.org");
    }

    #[test]
    fn five_wrong_pins_lock_the_staff_exit_for_five_minutes() {
        let start = Instant::now();
        let mut t = PinThrottle::default();
        for i in 0..MAX_WRONG_PINS {
            assert_eq!(t.refused_for(start), None, "before wrong PIN {}", i + 1);
            t.record(start, false);
        }
        assert_eq!(t.refused_for(start), Some(PIN_LOCKOUT));
        let later = start + Duration::from_secs(299);
        assert_eq!(t.refused_for(later), Some(Duration::from_secs(1)));
        // Over: five more tries.
        let after = start + PIN_LOCKOUT;
        assert_eq!(t.refused_for(after), None);
        for _ in 0..MAX_WRONG_PINS - 1 {
            t.record(after, false);
            assert_eq!(t.refused_for(after), None);
        }
        t.record(after, false);
        assert!(t.refused_for(after).is_some());
    }

    #[test]
    fn a_right_pin_resets_the_count() {
        let now = Instant::now();
        let mut t = PinThrottle::default();
        for _ in 0..MAX_WRONG_PINS - 1 {
            t.record(now, false);
        }
        t.record(now, true);
        for _ in 0..MAX_WRONG_PINS - 1 {
            t.record(now, false);
        }
        assert_eq!(t.refused_for(now), None);
    }

    #[test]
    fn a_hashed_pin_verifies_and_loads_as_the_config_hash() {
        let hash = hash_pin(&Secret::new("246810")).unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(pin_matches(&hash, &Secret::new("246810")));
        assert!(!pin_matches(&hash, &Secret::new("246811")));
        assert!(!pin_matches(&hash, &Secret::new("")));
        assert!(!pin_matches("not a hash", &Secret::new("246810")));
        // Two hashes of one PIN differ (random salt).
        assert_ne!(hash, hash_pin(&Secret::new("246810")).unwrap());
        let config = AppConfig::load(None, |k| (k == "BORNE_STAFF_PIN_HASH").then(|| hash.clone()), String::new).unwrap();
        assert!(config.staff_exit());
    }

    #[test]
    fn new_pins_are_checked() {
        assert!(check_new_pin("1234").is_ok());
        assert!(check_new_pin(&"9".repeat(32)).is_ok());
        assert!(check_new_pin("123").unwrap_err().contains("de 4 à 32"));
        assert!(check_new_pin(&"9".repeat(33)).is_err());
        assert!(check_new_pin("12 34").unwrap_err().contains("espace"));
        assert!(hash_pin(&Secret::new("12")).is_err());
    }

    /// tauri's bundler writes `MimeType=x-scheme-handler/borne` from the
    /// deep-link plugin's schemes, but its stock `Exec=` line has no `%u`, so
    /// a clicked link would start the app without the link: our template adds it.
    #[test]
    fn the_deb_registers_the_borne_scheme_and_hands_over_the_link() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let conf: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
        assert_eq!(conf["plugins"]["deep-link"]["desktop"]["schemes"], serde_json::json!([app_core::LINK_SCHEME]));
        let template = conf["bundle"]["linux"]["deb"]["desktopTemplate"].as_str().expect("a desktop template for the .deb");
        let template = std::fs::read_to_string(root.join(template)).unwrap();
        assert!(template.lines().any(|l| l == "Exec={{exec}} %u"), "{template}");
        assert!(template.lines().any(|l| l == "MimeType={{mime_type}}"), "{template}");
        // The kiosk's systemd user unit ships in the .deb (docs/kiosk.md).
        let unit = conf["bundle"]["linux"]["deb"]["files"]["/usr/lib/systemd/user/borne-adherent.service"].as_str().unwrap();
        let unit = std::fs::read_to_string(root.join(unit)).unwrap();
        for line in ["Restart=always", "Environment=BORNE_MODE=kiosk", "Environment=BORNE_CONFIG=/etc/borne-adherent/config.toml", "ExecStart=/usr/bin/borne-adherent"] {
            assert!(unit.lines().any(|l| l == line), "{line} missing from the unit");
        }
        // The window is built by open_main_window, with its rules, not by tauri at start.
        let main = conf["app"]["windows"].as_array().unwrap().iter().find(|w| w["label"] == MAIN).unwrap();
        assert_eq!(main["create"], false);
        assert_eq!(main["dragDropEnabled"], false);
    }
}
