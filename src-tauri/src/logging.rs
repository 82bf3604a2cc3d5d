//! Logs: to stderr (text), to a daily-rotated JSON file in the platform's
//! log directory (`BORNE_LOG_DIR`, else `<data_local_dir>/borne-adherent/logs`,
//! e.g. `~/.local/share/borne-adherent/logs/borne-adherent.2025-01-31.log.json`,
//! 30 days kept), and, when `BORNE_LOG_FILE` is set, appended as text to that
//! file too (the e2e harness reads it). `BORNE_LOG` filters (default `info`).
//!
//! Commands log outcomes and error codes only, and secrets are `Secret`s
//! whose Debug is masked. On top of that rule, every line goes through
//! [`redact`] before it is written anywhere: whatever looks like a NIR, an
//! e-mail address, a phone number, a birth date (jj/mm/aaaa), a 6-digit code
//! standing alone, a `token=` / `password=` / `secret=` / `pin=` / `key=`
//! value or a bearer token is masked, even if a future log line forgets the
//! rule.

use regex::{Captures, Regex};
use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
use std::sync::LazyLock;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub const LOG_DIR_VAR: &str = "BORNE_LOG_DIR";
pub const LOG_FILE_VAR: &str = "BORNE_LOG_FILE";
/// Daily files kept in the log directory.
const KEPT_FILES: usize = 30;

pub fn init() {
    let filter = EnvFilter::try_from_env("BORNE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // The tts crate traces every sentence it is given (which may hold a
    // member's name or NIR): never below info, whatever BORNE_LOG says.
    let filter = filter.add_directive("tts=info".parse().expect("a valid directive"));
    let json = log_dir().and_then(|dir| match json_appender(&dir) {
        Ok(appender) => Some(appender),
        Err(e) => {
            // Not fatal: stderr still has every line.
            eprintln!("Journal JSON désactivé : le dossier {} est inutilisable ({e}).", dir.display());
            None
        }
    });
    let text_file = std::env::var_os(LOG_FILE_VAR).and_then(|path| {
        std::fs::OpenOptions::new().create(true).append(true).open(&path).ok().map(std::sync::Mutex::new)
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_ansi(false).with_writer(Redacting(std::io::stderr)))
        .with(json.map(|a| fmt::layer().json().with_ansi(false).with_current_span(false).with_writer(Redacting(a))))
        .with(text_file.map(|f| fmt::layer().with_ansi(false).with_writer(Redacting(f))))
        .try_init();
}

/// `BORNE_LOG_DIR`, else the platform's local data directory.
fn log_dir() -> Option<PathBuf> {
    match std::env::var_os(LOG_DIR_VAR) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_local_dir().map(|d| d.join("borne-adherent").join("logs")),
    }
}

fn json_appender(dir: &std::path::Path) -> Result<RollingFileAppender, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("borne-adherent")
        .filename_suffix("log.json")
        .max_log_files(KEPT_FILES)
        .build(dir)
        .map_err(|e| e.to_string())
}

/// A `MakeWriter` whose writers hand each whole event, redacted, to the
/// inner writer (an event is buffered until its writer is dropped, so a
/// value split over several `write` calls is still seen whole).
pub struct Redacting<M>(pub M);

pub struct RedactingWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter { inner: self.0.make_writer(), buf: Vec::with_capacity(256) }
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buf);
        let clean = redact(&text);
        let _ = self.inner.write_all(clean.as_bytes());
        let _ = self.inner.flush();
    }
}

/// Spaces a NIR may be typed with (also the no-break spaces of a copy).
const SP: &str = r"[ \x{a0}\x{202f}]?";

struct Rule {
    pattern: Regex,
    replace: fn(&Captures) -> String,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let rule = |pattern: &str, replace: fn(&Captures) -> String| Rule { pattern: Regex::new(pattern).expect("redaction pattern"), replace };
    vec![
        // `token=…`, `"password":"…"`, `reset_token: …`, `enrolment_secret=…`,
        // `pin=…`, `device_key=…`: the value goes, the name stays; true /
        // false / null stay (e.g. `must_change_password=true`).
        rule(
            r#"(?i)\b((?:[a-z0-9_.\-]*(?:token|password|passwd|mot_de_passe|secret|pin))|(?:[a-z0-9_.\-]*_)?key)(\\?["']?[ \t]*[=:][ \t]*\\?["']?)([^\s"'\\&,;})\]]+)"#,
            |c| match c[3].to_ascii_lowercase().as_str() {
                "true" | "false" | "null" | "none" => c[0].to_owned(),
                _ => format!("{}{}[masqué]", &c[1], &c[2]),
            },
        ),
        rule(r"(?i)\bbearer[ \t]+[A-Za-z0-9._~+/=\-]+", |_| "Bearer [masqué]".into()),
        rule(r"[\w.%+\-]+@(?:[\w\-]+\.)+[^\W\d_]{2,}", |_| "[e-mail masqué]".into()),
        // NIR: sex, year, month, department (2A/2B in Corsica), commune,
        // order, and the key when there is one: 13 to 15 characters.
        rule(
            &format!(r"(?i)\b[0-9]{SP}[0-9]{{2}}{SP}[0-9]{{2}}{SP}2[ab]{SP}[0-9]{{3}}{SP}[0-9]{{3}}(?:{SP}[0-9]{{2}})?\b"),
            |_| "[NIR masqué]".into(),
        ),
        rule(&format!(r"\b[0-9](?:{SP}[0-9]){{12,14}}\b"), |_| "[NIR masqué]".into()),
        rule(r"\b[0-3]?[0-9][/.\-][01]?[0-9][/.\-](?:1[89]|20)[0-9]{2}\b", |_| "[date masquée]".into()),
        // French phone numbers (+33 6 12 34 56 78, 06.12.34.56.78, 0612345678).
        rule(r"(?:\+33[ \x{a0}]?(?:\(0\))?|\b0)[1-9](?:[ \x{a0}.\-]?[0-9]{2}){4}\b", |_| "[téléphone masqué]".into()),
        // A one-time code: 6 digits standing alone, or as 3 + 3.
        rule(r"\b[0-9]{6}\b|\b[0-9]{3}[ \x{a0}][0-9]{3}\b", |_| "[code masqué]".into()),
    ]
});

/// `line` with everything that looks like personal data or a secret masked.
pub fn redact(line: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(line);
    for rule in RULES.iter() {
        if rule.pattern.is_match(&out) {
            out = Cow::Owned(rule.pattern.replace_all(&out, |c: &Captures| (rule.replace)(c)).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn masked(line: &str) -> String {
        redact(line).into_owned()
    }

    #[test]
    fn nirs_are_masked_with_or_without_spaces_key_or_corsica() {
        for nir in [
            "278036912304534",
            "2780369123045",
            "2 78 03 69 123 045 34",
            "2 78 03 69 123 045",
            "1 85 05 2A 123 456 78",
            "185052B12345678",
            "1\u{a0}85\u{a0}05\u{a0}75\u{a0}123\u{a0}456\u{a0}78",
        ] {
            let out = masked(&format!("identifier={nir} outcome=refused"));
            assert_eq!(out, "identifier=[NIR masqué] outcome=refused", "{nir}");
        }
        let json = masked(r#"{"fields":{"message":"unlock for 2 78 03 69 123 045 34 refused"}}"#);
        assert_eq!(json, r#"{"fields":{"message":"unlock for [NIR masqué] refused"}}"#);
    }

    #[test]
    fn emails_phones_dates_and_codes_are_masked() {
        assert_eq!(masked("sent to jeanne.martin@exemple.fr."), "sent to [e-mail masqué].");
        assert_eq!(masked("to=Élodie.Dupré+test@mutuelle-exemple.co.uk"), "to=[e-mail masqué]");
        assert_eq!(masked("born 15/03/1978, or 1-3-1978 or 15.03.2001"), "born [date masquée], or [date masquée] or [date masquée]");
        assert_eq!(masked("code 042137 typed"), "code [code masqué] typed");
        assert_eq!(masked("code=042 137"), "code=[code masqué]");
        assert_eq!(masked(r#""code":"998877""#), r#""code":"[code masqué]""#);
        assert_eq!(masked("sms to +33612345678 and 06 12 34 56 78"), "sms to [téléphone masqué] and [téléphone masqué]");
    }

    #[test]
    fn secret_values_are_masked_by_their_name() {
        assert_eq!(masked("borne://reset?token=abc.DEF-123&x=1"), "borne://reset?token=[masqué]&x=1");
        assert_eq!(masked(r#"{"reset_token":"zyx987","password": "Motdepasse1"}"#), r#"{"reset_token":"[masqué]","password": "[masqué]"}"#);
        assert_eq!(masked("enrolment_secret=inscription pin: 1234 device_key=AbC_d-e"), "enrolment_secret=[masqué] pin: [masqué] device_key=[masqué]");
        assert_eq!(masked(r#"message="token=\"abc\"""#), r#"message="token=\"[masqué]\"""#);
        assert_eq!(masked("Authorization: Bearer eyJhbGciOi.J9x"), "Authorization: Bearer [masqué]");
        // Flags about a password are not secrets.
        assert_eq!(masked("must_change_password=true temporary_password: false"), "must_change_password=true temporary_password: false");
    }

    #[test]
    fn ordinary_log_lines_are_left_alone() {
        for line in [
            "2025-01-31T10:23:45.123456Z  INFO borne_app: member logged in must_change_password=false",
            r#"{"timestamp":"2025-01-31T10:23:45.123456Z","level":"INFO","fields":{"message":"log-in refused","code":"WrongPassword"},"target":"borne_app::commands::session"}"#,
            "embedded demo server started addr=127.0.0.1:45123",
            "device_id=0123456789abcdef0123456789abcdef outcome=heartbeat version=0.1.0",
            "retry_after_secs=600 attempts_left=2",
            "kiosk identity loaded from the keyring",
        ] {
            assert_eq!(masked(line), line);
        }
    }

    /// A writer shared with the test.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_layers_redact_what_a_careless_line_logs_and_the_json_file_rotates_daily() {
        let dir = tempfile::tempdir().unwrap();
        let appender = json_appender(&dir.path().join("logs")).unwrap();
        let text = Sink::default();
        let text_writer = text.clone();
        let subscriber = tracing_subscriber::registry()
            .with(fmt::layer().with_ansi(false).with_writer(Redacting(move || text_writer.clone())))
            .with(fmt::layer().json().with_ansi(false).with_writer(Redacting(appender)));
        tracing::subscriber::with_default(subscriber, || {
            let nir = "2 78 03 69 123 045 34";
            tracing::info!(identifier = nir, birthdate = "15/03/1978", email = "jeanne.martin@exemple.fr", "careless line with code 123456");
            tracing::warn!(token = "tok-secret-42", password = "Motdepasse1", "careless line 2");
            tracing::info!(outcome = "heartbeat", "an ordinary line");
        });
        let text = String::from_utf8(text.0.lock().unwrap().clone()).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("logs")).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("borne-adherent.") && name.ends_with(".log.json"), "{name}");
        let json = std::fs::read_to_string(&files[0]).unwrap();
        assert_eq!(json.lines().count(), 3, "{json}");
        for line in json.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        }
        for out in [&text, &json] {
            for leak in ["278036912304534", "2 78 03", "15/03/1978", "jeanne.martin", "123456", "tok-secret-42", "Motdepasse1"] {
                assert!(!out.contains(leak), "{leak} leaked in:\n{out}");
            }
            assert!(out.contains("[NIR masqué]") && out.contains("an ordinary line") && out.contains("heartbeat"), "{out}");
        }
    }
}
