//! Configuration layering, written once for the reference server
//! (`borne-server serve --config FILE`) and the app (`BORNE_CONFIG`): a TOML
//! file read whole (the caller's types refuse unknown keys), then `BORNE_*`
//! variables over it.
//!
//! - A variable that is set and not blank wins over the file's value.
//! - A value comes with where it came from ([`Source`]: the variable, or
//!   `[section] key` of the file), so that a message names what to fix.
//! - A file that does not parse is reported with its path and line and
//!   toml's message, never with the line's text: it may hold a secret.
//!
//! Why not `figment`: the variables are not a mechanical mapping of the
//! keys (`BORNE_SMTP_PASSWORD` is `[delivery.smtp] password`,
//! `BORNE_SUPPORT_PHONE` is `[support] phone`), and the app's messages are
//! in French and name the source; what is shared is this small core.

use serde::de::DeserializeOwned;
use std::fmt;

/// Where a configuration value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An environment variable, e.g. `BORNE_MODE`.
    Variable(String),
    /// A key of the file, e.g. `[app] mode`.
    File { section: String, key: String },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Variable(name) => f.write_str(name),
            Source::File { section, key } => write!(f, "[{section}] {key}"),
        }
    }
}

/// The variables, read through `env` (the process's, or a test's).
pub struct Layers<E> {
    env: E,
}

impl<E: Fn(&str) -> Option<String>> Layers<E> {
    pub fn new(env: E) -> Layers<E> {
        Layers { env }
    }

    /// `name`'s value as set (not trimmed: a secret keeps its characters),
    /// or `None` when it is unset or blank.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.trim().is_empty())
    }

    /// The variable `name` over the file's `[section] key`: the variable's
    /// value read with `parse` when it is set, else the file's value; with
    /// where it came from. `parse` gets the value as set and says, in the
    /// caller's words, what is wrong with it.
    pub fn pick<T>(
        &self,
        name: &str,
        file: Option<T>,
        (section, key): (&str, &str),
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<(Source, T)>, String> {
        match self.var(name) {
            Some(v) => parse(&v).map(|value| Some((Source::Variable(name.to_owned()), value))),
            None => Ok(file.map(|value| (Source::File { section: section.to_owned(), key: key.to_owned() }, value))),
        }
    }
}

/// Why a configuration file was refused: where, and toml's message (which
/// names the key or the expected value, never quotes the line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub path: String,
    /// 1-based, when toml knows where.
    pub line: Option<usize>,
    pub message: String,
}

/// A configuration file's `text` as `T`.
pub fn parse_toml<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, FileError> {
    toml::from_str(text).map_err(|e| FileError {
        path: path.to_owned(),
        line: e.span().and_then(|s| text.get(..s.start)).map(|t| t.matches('\n').count() + 1),
        message: e.message().trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn a_set_variable_wins_over_the_file_and_a_blank_one_does_not() {
        let l = Layers::new(env(&[("BORNE_A", " 42 "), ("BORNE_B", "  ")]));
        let secs = |v: &str| v.trim().parse::<u64>().map_err(|_| format!("{v:?} n'est pas un nombre"));
        assert_eq!(l.pick("BORNE_A", Some(7), ("app", "a"), secs), Ok(Some((Source::Variable("BORNE_A".into()), 42))));
        let from_file = l.pick("BORNE_B", Some(7), ("app", "b"), secs).unwrap().unwrap();
        assert_eq!((from_file.0.to_string(), from_file.1), ("[app] b".to_owned(), 7));
        assert_eq!(l.pick("BORNE_C", None, ("app", "c"), secs), Ok(None));
        assert_eq!(l.var("BORNE_A").as_deref(), Some(" 42 "), "values are given as set");
        let bad = Layers::new(env(&[("BORNE_A", "x")]));
        assert_eq!(bad.pick("BORNE_A", Some(7), ("app", "a"), secs), Err("\"x\" n'est pas un nombre".into()));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct File {
        pepper: String,
        n: u32,
    }

    #[test]
    fn a_bad_file_is_reported_by_line_without_its_text() {
        let text = "n = 1\npepper = \"un-secret-de-trente-deux-caracteres\"\nn2 = 3\n";
        let e = parse_toml::<File>("/etc/borne.toml", text).unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("/etc/borne.toml", Some(3)));
        assert!(e.message.contains("n2"), "{e:?}");
        let unterminated = "n = 1\npepper = \"un-secret-de-trente-deux-caracteres\n";
        let e = parse_toml::<File>("f", unterminated).unwrap_err();
        assert!(!format!("{e:?}").contains("un-secret"), "the line's text must not be quoted: {e:?}");
        assert!(parse_toml::<File>("f", "n = 1\npepper = \"p\"\n").is_ok());
    }
}
