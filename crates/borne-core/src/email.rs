//! The e-mail address used to create the account.

use crate::error::BorneError;

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, BorneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(BorneError::IdentifierMissing);
        }
        let invalid = || BorneError::EmailInvalid;
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(invalid)?;
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return Err(invalid());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
            || !labels.iter().all(|l| l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        {
            return Err(invalid());
        }
        Ok(Email(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(Email::parse("  Jeanne.Martin@Exemple.FR ").unwrap().as_str(), "jeanne.martin@exemple.fr");
        assert!(Email::parse("a+b@sous.domaine.fr").is_ok());
    }

    #[test]
    fn refuses_malformed() {
        for bad in ["jeanne", "jeanne@", "@exemple.fr", "jeanne@exemple", "je anne@exemple.fr", "j@@exemple.fr", "j@exemple..fr"] {
            assert_eq!(Email::parse(bad), Err(BorneError::EmailInvalid), "{bad}");
        }
        assert_eq!(Email::parse("   "), Err(BorneError::IdentifierMissing));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") { let _ = Email::parse(&s); }
    }
}
