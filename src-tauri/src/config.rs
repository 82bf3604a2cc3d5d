//! How this installation runs: at a kiosk in a branch or on a member's PC
//! (issue 5, docs/app-ipc.md "Kiosk and member's PC"). Read once at start-up:
//! the TOML file named by `BORNE_CONFIG` (its `[app]` table), then the
//! `BORNE_*` variables over it. The defaults suit a member's PC. A bad value
//! stops the start with a French message naming the key and what is expected.
//!
//! ```toml
//! [app]
//! mode = "kiosk"                 # or "personal"
//! idle_timeout_secs = 90         # kiosk: seconds without input before the warning
//! idle_warning_secs = 30         # kiosk: the warning's countdown (at least 20)
//! keyboard = "auto"              # on-screen keyboard: auto, always, never
//! staff_pin_hash = "$argon2id$v=19$m=19456,t=2,p=1$…"   # borne-adherent --hash-staff-pin
//! enrolment_secret = "…"         # kiosk: the backend's enrolment secret, used once
//! device_name = "Agence de Strasbourg — borne 1"
//! heartbeat_secs = 60
//! help_staff = "Adressez-vous à l'accueil de l'agence, à droite de l'entrée."   # kiosk: the help's sentence
//! ```
//!
//! The app keeps the result as Tauri managed state: `State<'_, AppConfig>`.

use borne_core::Secret;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Names the configuration file (TOML).
pub const CONFIG_VAR: &str = "BORNE_CONFIG";

pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 90;
pub const DEFAULT_IDLE_WARNING_SECS: u64 = 30;
/// The idle warning is never shorter: a member must have time to read it and touch the screen.
pub const MIN_IDLE_WARNING_SECS: u64 = 20;
pub const DEFAULT_HEARTBEAT_SECS: u64 = 60;
/// The longest branch sentence the kiosk's help shows (`help_staff`).
pub const HELP_STAFF_MAX_CHARS: usize = 300;
/// What the backend accepts as a device name (borne-server `NAME_MAX_CHARS`).
pub const DEVICE_NAME_MAX_CHARS: usize = 64;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A shared screen in a branch: full screen, idle wipe, staff exit.
    Kiosk,
    /// The member's own PC: a normal window.
    #[default]
    Personal,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keyboard {
    /// Shown on touch devices.
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, PartialEq, Eq)]
pub struct AppConfig {
    pub mode: Mode,
    pub idle_timeout_secs: u64,
    /// Clamped to at least [`MIN_IDLE_WARNING_SECS`].
    pub idle_warning_secs: u64,
    pub keyboard: Keyboard,
    /// Argon2id PHC string of the staff PIN (checked at load); `None`: no staff exit.
    pub staff_pin_hash: Option<String>,
    pub enrolment_secret: Option<Secret>,
    /// Trimmed, 1 to 64 characters, no control character; the host name by default.
    pub device_name: String,
    pub heartbeat_secs: u64,
    /// Kiosk: whom to ask at this branch, the first sentence of the help
    /// « Un autre message d'erreur ? » (trimmed, 1 to 300 characters); the
    /// UI's default sentence when `None`.
    pub help_staff: Option<String>,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            mode: Mode::Personal,
            idle_timeout_secs: DEFAULT_IDLE_TIMEOUT_SECS,
            idle_warning_secs: DEFAULT_IDLE_WARNING_SECS,
            keyboard: Keyboard::Auto,
            staff_pin_hash: None,
            enrolment_secret: None,
            device_name: "borne".into(),
            heartbeat_secs: DEFAULT_HEARTBEAT_SECS,
            help_staff: None,
        }
    }
}

/// The PIN hash is masked too: a short PIN is quickly found from its hash.
impl fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppConfig")
            .field("mode", &self.mode)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .field("idle_warning_secs", &self.idle_warning_secs)
            .field("keyboard", &self.keyboard)
            .field("staff_pin_hash", &self.staff_pin_hash.as_ref().map(|_| "***"))
            .field("enrolment_secret", &self.enrolment_secret)
            .field("device_name", &self.device_name)
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("help_staff", &self.help_staff)
            .finish()
    }
}

impl AppConfig {
    pub fn is_kiosk(&self) -> bool {
        self.mode == Mode::Kiosk
    }

    /// A staff PIN hash is configured, so the hidden staff exit is offered.
    pub fn staff_exit(&self) -> bool {
        self.staff_pin_hash.is_some()
    }

    /// The configuration of this process: `BORNE_CONFIG` and the real environment.
    pub fn from_environment() -> Result<AppConfig, String> {
        let env = |name: &str| std::env::var(name).ok();
        let file = match env(CONFIG_VAR).filter(|p| !p.trim().is_empty()) {
            Some(path) => {
                let text = std::fs::read_to_string(path.trim())
                    .map_err(|e| format!("le fichier de configuration {CONFIG_VAR}={path} est illisible ({e})"))?;
                Some((path, text))
            }
            None => None,
        };
        AppConfig::load(file.as_ref().map(|(p, t)| (p.as_str(), t.as_str())), env, host_name)
    }

    /// `file`: the path (for messages) and the text of the TOML file, if
    /// any; `env`: the variables; `host`: the default device name.
    pub fn load(file: Option<(&str, &str)>, env: impl Fn(&str) -> Option<String>, host: impl FnOnce() -> String) -> Result<AppConfig, String> {
        // The file, then the variables over it (borne-config, shared with the server).
        let section = match file {
            Some((path, text)) => {
                borne_config::parse_toml::<File>(path, text)
                    .map_err(|e| {
                        let at = e.line.map(|l| format!(" (ligne {l})")).unwrap_or_default();
                        format!("le fichier de configuration {} est invalide{at} : {}", e.path, e.message)
                    })?
                    .app
            }
            None => Section::default(),
        };
        let layers = borne_config::Layers::new(env);
        // Values trimmed; the variable wins over the file; both are named in messages.
        let pick_str = |key: &str, name: &str, file: Option<String>| -> Option<(String, String)> {
            let picked = layers.pick(name, file.map(|v| v.trim().to_owned()), ("app", key), |v| Ok(v.trim().to_owned()));
            picked.ok().flatten().map(|(source, v)| (source.to_string(), v))
        };
        let pick_secs = |key: &str, name: &str, file: Option<u64>| -> Result<Option<(String, u64)>, String> {
            let parse = |v: &str| v.trim().parse::<u64>().map_err(|_| format!("{name}={} : un nombre entier de secondes est attendu", v.trim()));
            Ok(layers.pick(name, file, ("app", key), parse)?.map(|(source, n)| (source.to_string(), n)))
        };
        let in_range = |what: Option<(String, u64)>, default: u64, min: u64, max: u64| -> Result<u64, String> {
            match what {
                None => Ok(default),
                Some((_, n)) if (min..=max).contains(&n) => Ok(n),
                Some((source, n)) => Err(format!("{source} = {n} : une valeur entre {min} et {max} secondes est attendue")),
            }
        };

        let mode = match pick_str("mode", "BORNE_MODE", section.mode) {
            None => Mode::Personal,
            Some((source, v)) => match v.to_ascii_lowercase().as_str() {
                "kiosk" => Mode::Kiosk,
                "personal" => Mode::Personal,
                _ => return Err(format!("{source} = {v:?} : « kiosk » (borne en agence) ou « personal » (PC de l'adhérent) est attendu")),
            },
        };
        let keyboard = match pick_str("keyboard", "BORNE_KEYBOARD", section.keyboard) {
            None => Keyboard::Auto,
            Some((source, v)) => match v.to_ascii_lowercase().as_str() {
                "auto" => Keyboard::Auto,
                "always" => Keyboard::Always,
                "never" => Keyboard::Never,
                _ => return Err(format!("{source} = {v:?} : « auto », « always » ou « never » est attendu")),
            },
        };
        let idle_timeout_secs = in_range(
            pick_secs("idle_timeout_secs", "BORNE_IDLE_TIMEOUT_SECS", section.idle_timeout_secs)?,
            DEFAULT_IDLE_TIMEOUT_SECS,
            5,
            3_600,
        )?;
        let idle_warning_secs = in_range(
            pick_secs("idle_warning_secs", "BORNE_IDLE_WARNING_SECS", section.idle_warning_secs)?,
            DEFAULT_IDLE_WARNING_SECS,
            0,
            600,
        )?
        .max(MIN_IDLE_WARNING_SECS);
        let heartbeat_secs = in_range(
            pick_secs("heartbeat_secs", "BORNE_HEARTBEAT_SECS", section.heartbeat_secs)?,
            DEFAULT_HEARTBEAT_SECS,
            1,
            86_400,
        )?;

        let staff_pin_hash = match pick_str("staff_pin_hash", "BORNE_STAFF_PIN_HASH", section.staff_pin_hash) {
            None => None,
            Some((source, hash)) => {
                check_pin_hash(&hash).map_err(|why| {
                    format!("{source} : {why}. Produisez-le avec « borne-adherent --hash-staff-pin » (le code est lu sur l'entrée standard)")
                })?;
                Some(hash)
            }
        };
        let enrolment_secret = layers
            .var("BORNE_ENROLMENT_SECRET")
            .map(|v| Secret::new(v.trim()))
            .or(section.enrolment_secret)
            .filter(|s| !s.expose().trim().is_empty());

        let device_name = match pick_str("device_name", "BORNE_DEVICE_NAME", section.device_name) {
            Some((source, name)) => {
                if !is_device_name(&name) {
                    return Err(format!(
                        "{source} : le nom de la borne doit faire de 1 à {DEVICE_NAME_MAX_CHARS} caractères, sans caractère de contrôle"
                    ));
                }
                name
            }
            None => {
                let h: String = host().trim().chars().filter(|c| !c.is_control()).take(DEVICE_NAME_MAX_CHARS).collect();
                if h.trim().is_empty() { "borne".to_owned() } else { h.trim().to_owned() }
            }
        };

        let help_staff = match pick_str("help_staff", "BORNE_HELP_STAFF", section.help_staff) {
            Some((_, sentence)) if sentence.is_empty() => None,
            Some((source, sentence)) => {
                if sentence.chars().count() > HELP_STAFF_MAX_CHARS || sentence.chars().any(char::is_control) {
                    return Err(format!(
                        "{source} : la phrase d'aide de l'agence doit faire au plus {HELP_STAFF_MAX_CHARS} caractères, sans caractère de contrôle"
                    ));
                }
                Some(sentence)
            }
            None => None,
        };

        Ok(AppConfig { mode, idle_timeout_secs, idle_warning_secs, keyboard, staff_pin_hash, enrolment_secret, device_name, heartbeat_secs, help_staff })
    }
}

fn is_device_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= DEVICE_NAME_MAX_CHARS && !name.chars().any(char::is_control)
}

/// An Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
fn check_pin_hash(hash: &str) -> Result<(), &'static str> {
    let parsed = argon2::PasswordHash::new(hash).map_err(|_| "ce n'est pas une empreinte Argon2id au format PHC")?;
    if parsed.algorithm != argon2::Algorithm::Argon2id.ident() {
        return Err("l'empreinte doit être de type Argon2id");
    }
    if parsed.hash.is_none() || argon2::Params::try_from(&parsed).is_err() {
        return Err("l'empreinte Argon2id est incomplète ou ses paramètres sont invalides");
    }
    Ok(())
}

fn host_name() -> String {
    hostname::get().ok().and_then(|h| h.into_string().ok()).unwrap_or_default()
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    app: Section,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    mode: Option<String>,
    idle_timeout_secs: Option<u64>,
    idle_warning_secs: Option<u64>,
    keyboard: Option<String>,
    staff_pin_hash: Option<String>,
    enrolment_secret: Option<Secret>,
    device_name: Option<String>,
    heartbeat_secs: Option<u64>,
    help_staff: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    // A well-formed Argon2id PHC string (m=19456, t=2, p=1).
    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$1wFH3p9ZxbdnY0hwQi8XZmDvy3i7H3wwmLJ3CZa13HI";

    fn load(file: Option<&str>, vars: &[(&str, &str)]) -> Result<AppConfig, String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        AppConfig::load(file.map(|t| ("/etc/borne-adherent/config.toml", t)), |k| vars.get(k).cloned(), || "poste-accueil-3".into())
    }

    #[test]
    fn the_defaults_suit_a_members_pc() {
        let c = load(None, &[]).unwrap();
        assert_eq!(c.mode, Mode::Personal);
        assert!(!c.is_kiosk());
        assert_eq!((c.idle_timeout_secs, c.idle_warning_secs, c.heartbeat_secs), (90, 30, 60));
        assert_eq!(c.keyboard, Keyboard::Auto);
        assert_eq!(c.staff_pin_hash, None);
        assert!(!c.staff_exit());
        assert!(c.enrolment_secret.is_none());
        assert_eq!(c.device_name, "poste-accueil-3");
        // An empty file, or one with an empty [app] table, is the defaults too.
        assert_eq!(load(Some(""), &[]).unwrap(), c);
        assert_eq!(load(Some("[app]\n"), &[]).unwrap(), c);
    }

    #[test]
    fn the_branch_sentence_of_the_kiosk_help_comes_from_the_file_or_its_variable() {
        assert_eq!(load(None, &[]).unwrap().help_staff, None);
        let file = "[app]\nhelp_staff = \"  Demandez à l'accueil, à droite de l'entrée.  \"\n";
        assert_eq!(load(Some(file), &[]).unwrap().help_staff.as_deref(), Some("Demandez à l'accueil, à droite de l'entrée."));
        let var = load(Some(file), &[("BORNE_HELP_STAFF", "Le conseiller du guichet 2 vous aide.")]).unwrap();
        assert_eq!(var.help_staff.as_deref(), Some("Le conseiller du guichet 2 vous aide."));
        let long = "a".repeat(HELP_STAFF_MAX_CHARS + 1);
        let e = load(None, &[("BORNE_HELP_STAFF", long.as_str())]).unwrap_err();
        assert!(e.contains("BORNE_HELP_STAFF") && e.contains("300 caractères"), "{e}");
    }

    #[test]
    fn a_kiosk_file_is_read_whole() {
        let file = format!(
            "[app]\nmode = \"kiosk\"\nidle_timeout_secs = 120\nidle_warning_secs = 45\nkeyboard = \"always\"\n\
             staff_pin_hash = '{HASH}'\nenrolment_secret = \"s3cret-enrolment\"\ndevice_name = \"Agence de Strasbourg — borne 1\"\nheartbeat_secs = 30\n"
        );
        let c = load(Some(&file), &[]).unwrap();
        assert_eq!(c.mode, Mode::Kiosk);
        assert!(c.is_kiosk());
        assert_eq!((c.idle_timeout_secs, c.idle_warning_secs, c.heartbeat_secs), (120, 45, 30));
        assert_eq!(c.keyboard, Keyboard::Always);
        assert_eq!(c.staff_pin_hash.as_deref(), Some(HASH));
        assert!(c.staff_exit());
        assert_eq!(c.enrolment_secret.as_ref().map(|s| s.expose()), Some("s3cret-enrolment"));
        assert_eq!(c.device_name, "Agence de Strasbourg — borne 1");
    }

    #[test]
    fn variables_win_over_the_file() {
        let file = "[app]\nmode = \"personal\"\nidle_timeout_secs = 120\nkeyboard = \"never\"\ndevice_name = \"fichier\"\nenrolment_secret = \"du-fichier\"\n";
        let c = load(
            Some(file),
            &[
                ("BORNE_MODE", "Kiosk"),
                ("BORNE_IDLE_TIMEOUT_SECS", " 60 "),
                ("BORNE_IDLE_WARNING_SECS", "25"),
                ("BORNE_KEYBOARD", "always"),
                ("BORNE_STAFF_PIN_HASH", HASH),
                ("BORNE_ENROLMENT_SECRET", "de-l-environnement"),
                ("BORNE_DEVICE_NAME", "  borne-2  "),
                ("BORNE_HEARTBEAT_SECS", "15"),
            ],
        )
        .unwrap();
        assert_eq!(c.mode, Mode::Kiosk);
        assert_eq!((c.idle_timeout_secs, c.idle_warning_secs, c.heartbeat_secs), (60, 25, 15));
        assert_eq!(c.keyboard, Keyboard::Always);
        assert!(c.staff_exit());
        assert_eq!(c.enrolment_secret.as_ref().map(|s| s.expose()), Some("de-l-environnement"));
        assert_eq!(c.device_name, "borne-2");
        // An empty variable does not hide the file's value.
        let c = load(Some(file), &[("BORNE_MODE", " "), ("BORNE_DEVICE_NAME", "")]).unwrap();
        assert_eq!(c.mode, Mode::Personal);
        assert_eq!(c.device_name, "fichier");
    }

    #[test]
    fn the_idle_warning_is_at_least_twenty_seconds() {
        assert_eq!(load(None, &[("BORNE_IDLE_WARNING_SECS", "5")]).unwrap().idle_warning_secs, 20);
        assert_eq!(load(Some("[app]\nidle_warning_secs = 0"), &[]).unwrap().idle_warning_secs, 20);
        assert_eq!(load(None, &[("BORNE_IDLE_WARNING_SECS", "20")]).unwrap().idle_warning_secs, 20);
        assert_eq!(load(None, &[("BORNE_IDLE_WARNING_SECS", "21")]).unwrap().idle_warning_secs, 21);
    }

    #[test]
    fn bad_values_are_refused_with_a_french_message_naming_the_key() {
        let err = |file: Option<&str>, vars: &[(&str, &str)]| load(file, vars).unwrap_err();
        let e = err(None, &[("BORNE_MODE", "borne")]);
        assert!(e.contains("BORNE_MODE") && e.contains("« kiosk »"), "{e}");
        let e = err(Some("[app]\nmode = \"kiosque\""), &[]);
        assert!(e.contains("[app] mode") && e.contains("kiosque"), "{e}");
        let e = err(None, &[("BORNE_KEYBOARD", "parfois")]);
        assert!(e.contains("BORNE_KEYBOARD") && e.contains("« never »"), "{e}");
        let e = err(None, &[("BORNE_IDLE_TIMEOUT_SECS", "1m30")]);
        assert!(e.contains("BORNE_IDLE_TIMEOUT_SECS=1m30") && e.contains("nombre entier de secondes"), "{e}");
        let e = err(None, &[("BORNE_IDLE_TIMEOUT_SECS", "0")]);
        assert!(e.contains("entre 5 et 3600"), "{e}");
        let e = err(Some("[app]\nheartbeat_secs = 0"), &[]);
        assert!(e.contains("[app] heartbeat_secs") && e.contains("entre 1 et 86400"), "{e}");
        let e = err(None, &[("BORNE_IDLE_WARNING_SECS", "-3")]);
        assert!(e.contains("BORNE_IDLE_WARNING_SECS"), "{e}");
        let e = err(None, &[("BORNE_DEVICE_NAME", &"x".repeat(65))]);
        assert!(e.contains("BORNE_DEVICE_NAME") && e.contains("64 caractères"), "{e}");
        let e = err(None, &[("BORNE_DEVICE_NAME", "borne\u{7}1")]);
        assert!(e.contains("caractère de contrôle"), "{e}");
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_path() {
        let e = load(Some("[app]\nmode = kiosk"), &[]).unwrap_err();
        assert!(e.starts_with("le fichier de configuration /etc/borne-adherent/config.toml est invalide"), "{e}");
        // A typo in a key is an error, not a silent default.
        let e = load(Some("[app]\nidle_timeout = 30"), &[]).unwrap_err();
        assert!(e.contains("idle_timeout"), "{e}");
        let e = load(Some("[app]\nidle_timeout_secs = \"90\""), &[]).unwrap_err();
        assert!(e.contains("invalide"), "{e}");
        let e = load(Some("[kiosk]\nmode = \"kiosk\""), &[]).unwrap_err();
        assert!(e.contains("kiosk"), "{e}");
    }

    #[test]
    fn only_an_argon2id_phc_string_is_a_staff_pin_hash() {
        for bad in [
            "246810",
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$1wFH3p9ZxbdnY0hwQi8XZmDvy3i7H3wwmLJ3CZa13HI",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0",
            "$argon2id$v=19$m=1,t=2,p=1$c2FsdHNhbHRzYWx0$1wFH3p9ZxbdnY0hwQi8XZmDvy3i7H3wwmLJ3CZa13HI",
            "$2b$12$abcdefghijklmnopqrstuu1234567890123456789012345678901",
        ] {
            let e = load(None, &[("BORNE_STAFF_PIN_HASH", bad)]).unwrap_err();
            assert!(e.contains("BORNE_STAFF_PIN_HASH") && e.contains("--hash-staff-pin"), "{bad}: {e}");
            assert!(!e.contains("c2FsdHNhbHRzYWx0"), "the message repeats the hash: {e}");
        }
    }

    #[test]
    fn secrets_and_the_pin_hash_stay_out_of_debug() {
        let c = load(None, &[("BORNE_STAFF_PIN_HASH", HASH), ("BORNE_ENROLMENT_SECRET", "s3cret-enrolment")]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("argon2id"), "{shown}");
    }

    #[test]
    fn the_device_name_defaults_to_the_host_name_then_borne() {
        let none = AppConfig::load(None, |_| None, String::new).unwrap();
        assert_eq!(none.device_name, "borne");
        let long = AppConfig::load(None, |_| None, || "h".repeat(100)).unwrap();
        assert_eq!(long.device_name.chars().count(), DEVICE_NAME_MAX_CHARS);
    }

    #[test]
    fn modes_and_keyboards_serialize_in_lowercase() {
        assert_eq!(serde_json::to_string(&Mode::Kiosk).unwrap(), "\"kiosk\"");
        assert_eq!(serde_json::to_string(&Mode::Personal).unwrap(), "\"personal\"");
        assert_eq!(serde_json::to_string(&Keyboard::Never).unwrap(), "\"never\"");
    }
}
