//! The password policy (MPN guide: "Votre mot de passe doit contenir au moins
//! 8 caractères (majuscules, minuscules et chiffres)"). The UI asks for these
//! rules through the app; the server enforces the same ones.

use serde::{Deserialize, Serialize};

pub const MIN_LENGTH: usize = 8;
/// Upper bound so that hashing cost cannot be abused.
pub const MAX_LENGTH: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    MinLength,
    MaxLength,
    Uppercase,
    Lowercase,
    Digit,
}

impl Rule {
    pub const ALL: [Rule; 5] = [Rule::MinLength, Rule::Uppercase, Rule::Lowercase, Rule::Digit, Rule::MaxLength];

    pub fn label(self) -> &'static str {
        match self {
            Rule::MinLength => "Au moins 8 caractères",
            Rule::MaxLength => "Au plus 128 caractères",
            Rule::Uppercase => "Au moins une lettre majuscule",
            Rule::Lowercase => "Au moins une lettre minuscule",
            Rule::Digit => "Au moins un chiffre",
        }
    }

    pub fn is_met(self, password: &str) -> bool {
        match self {
            Rule::MinLength => password.chars().count() >= MIN_LENGTH,
            Rule::MaxLength => password.chars().count() <= MAX_LENGTH,
            Rule::Uppercase => password.chars().any(char::is_uppercase),
            Rule::Lowercase => password.chars().any(char::is_lowercase),
            Rule::Digit => password.chars().any(|c| c.is_ascii_digit()),
        }
    }
}

/// One line of the live checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    pub rule: Rule,
    pub label: String,
    pub met: bool,
}

pub fn check(password: &str) -> Vec<RuleCheck> {
    Rule::ALL
        .iter()
        .map(|r| RuleCheck { rule: *r, label: r.label().into(), met: r.is_met(password) })
        .collect()
}

/// The rules the password breaks, empty when it is acceptable.
pub fn broken_rules(password: &str) -> Vec<Rule> {
    Rule::ALL.iter().copied().filter(|r| !r.is_met(password)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn guide_rules() {
        assert!(broken_rules("Mutuelle2024").is_empty());
        assert_eq!(broken_rules("mutuelle2024"), vec![Rule::Uppercase]);
        assert_eq!(broken_rules("Court1"), vec![Rule::MinLength]);
        assert_eq!(broken_rules("SansChiffre"), vec![Rule::Digit]);
        assert_eq!(broken_rules("TOUTMAJ123"), vec![Rule::Lowercase]);
        assert!(!broken_rules(&"Aa1".repeat(50)).is_empty());
    }

    #[test]
    fn accented_letters_count() {
        assert!(broken_rules("Élodie2024").is_empty());
    }

    proptest! {
        #[test]
        fn check_agrees_with_broken_rules(p in "\\PC{0,40}") {
            let unmet: Vec<Rule> = check(&p).into_iter().filter(|c| !c.met).map(|c| c.rule).collect();
            prop_assert_eq!(unmet, broken_rules(&p));
        }
    }
}
