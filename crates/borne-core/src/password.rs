//! The password policy (MPN guide: "Votre mot de passe doit contenir au moins
//! 8 caractères (majuscules, minuscules et chiffres)"). The UI asks for these
//! rules through the app; the server enforces the same ones.

use crate::birthdate::BirthDate;
use crate::error::BorneError;
use crate::lang::Lang;
pub use crate::rule::Rule;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_LENGTH: usize = 8;
/// Upper bound so that hashing cost cannot be abused.
pub const MAX_LENGTH: usize = 128;

/// The rules' checks on the password alone (the rules themselves and
/// their labels are in [`crate::rule`]).
impl Rule {
    pub fn is_met(self, password: &str) -> bool {
        match self {
            Rule::MinLength => password.chars().count() >= MIN_LENGTH,
            Rule::MaxLength => password.chars().count() <= MAX_LENGTH,
            Rule::Uppercase => password.chars().any(char::is_uppercase),
            Rule::Lowercase => password.chars().any(char::is_lowercase),
            Rule::Digit => password.chars().any(|c| c.is_ascii_digit()),
            Rule::NotCommon => !is_common(password),
            Rule::NoPersonalInfo => true,
        }
    }
}

const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_set() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
}

/// A common password, compared without case, also when followed by up to 4
/// digits or symbols.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let set = common_set();
    if set.contains(lower.as_str()) {
        return true;
    }
    let base = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let suffix = lower.len() - base.len();
    (1..=4).contains(&suffix) && base.chars().count() >= 4 && set.contains(base)
}

/// What the member's password must not contain.
#[derive(Clone, Default)]
pub struct PersonalInfo {
    pub first_name: String,
    pub last_name: String,
    /// Canonical NIR (15 characters).
    pub nir: Option<String>,
    pub birthdate: Option<BirthDate>,
}

impl std::fmt::Debug for PersonalInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalInfo(••••)")
    }
}

/// Lower-case letters and digits only, accents removed: "Élodie-Marie" → "elodiemarie".
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            'æ' => 'a',
            other => other,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

impl PersonalInfo {
    /// Whether the password contains a name (each part of 3 letters or more),
    /// 8 or more consecutive characters of the NIR, or the birth date in a
    /// usual form (jjmmaaaa, aaaammjj, jjmmaa).
    pub fn found_in(&self, password: &str) -> bool {
        let p = fold(password);
        let names = [&self.first_name, &self.last_name];
        let name_parts = names
            .iter()
            .flat_map(|n| n.split(|c: char| !c.is_alphabetic()))
            .map(fold)
            .filter(|part| part.chars().count() >= 3);
        for part in name_parts {
            if p.contains(&part) {
                return true;
            }
        }
        if let Some(nir) = &self.nir {
            let nir = fold(nir);
            if nir.len() >= 8 && (0..=nir.len() - 8).any(|i| p.contains(&nir[i..i + 8])) {
                return true;
            }
        }
        if let Some(d) = &self.birthdate {
            let forms = [
                format!("{:02}{:02}{:04}", d.day(), d.month(), d.year()),
                format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
                format!("{:02}{:02}{:02}", d.day(), d.month(), d.year().rem_euclid(100)),
            ];
            if forms.iter().any(|f| p.contains(f.as_str())) {
                return true;
            }
        }
        false
    }
}

/// The checklist including the member's own information (what the server
/// enforces, and what the app shows once it knows who the member is), with
/// French labels.
pub fn check_with(password: &str, info: &PersonalInfo) -> Vec<RuleCheck> {
    check_with_in(password, info, Lang::Fr)
}

/// [`check_with`] with the labels in `lang`.
pub fn check_with_in(password: &str, info: &PersonalInfo, lang: Lang) -> Vec<RuleCheck> {
    let mut list = check_in(password, lang);
    let rule = Rule::NoPersonalInfo;
    list.insert(list.len() - 1, RuleCheck { rule, label: rule.label_in(lang).into(), met: !info.found_in(password) });
    list
}

/// The rules the password breaks, member information included.
pub fn broken_rules_with(password: &str, info: &PersonalInfo) -> Vec<Rule> {
    check_with(password, info).into_iter().filter(|c| !c.met).map(|c| c.rule).collect()
}

/// A new password and its confirmation (reset, forced change, change),
/// checked in one order by the app before the call and by the server on
/// receipt, so that the member reads the same first message whoever caught
/// it. The order is the MPN guide's reading order of the form: the new
/// password typed at all (`PasswordMissing`), then the policy with the
/// member's own information (`PasswordPolicy`, every broken rule), then the
/// confirmation (`PasswordsDiffer`).
pub fn check_new_password(new_password: &str, confirmation: &str, info: &PersonalInfo) -> Result<(), BorneError> {
    if new_password.is_empty() {
        return Err(BorneError::PasswordMissing);
    }
    let broken = broken_rules_with(new_password, info);
    if !broken.is_empty() {
        return Err(BorneError::PasswordPolicy { broken });
    }
    if new_password != confirmation {
        return Err(BorneError::PasswordsDiffer);
    }
    Ok(())
}

/// One line of the live checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    pub rule: Rule,
    pub label: String,
    pub met: bool,
}

/// The checklist of the password alone, with French labels.
pub fn check(password: &str) -> Vec<RuleCheck> {
    check_in(password, Lang::Fr)
}

/// [`check`] with the labels in `lang`.
pub fn check_in(password: &str, lang: Lang) -> Vec<RuleCheck> {
    Rule::ALL
        .iter()
        .map(|r| RuleCheck { rule: *r, label: r.label_in(lang).into(), met: r.is_met(password) })
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
    fn common_passwords_are_refused() {
        assert_eq!(broken_rules("Password1"), vec![Rule::NotCommon]);
        assert_eq!(broken_rules("Azerty123"), vec![Rule::NotCommon]);
        assert_eq!(broken_rules("Dragon123!"), vec![Rule::NotCommon]);
        assert!(broken_rules("Mutuelle2024").is_empty());
        assert!(common_set().len() >= 9_900, "{}", common_set().len());
    }

    #[test]
    fn personal_information_is_refused() {
        let info = PersonalInfo {
            first_name: "Jeanne-Élodie".into(),
            last_name: "Martin".into(),
            nir: Some("278036912304534".into()),
            birthdate: Some(BirthDate::from_calendar(1978, 3, 15).unwrap()),
        };
        assert_eq!(broken_rules_with("Martin2024xx", &info), vec![Rule::NoPersonalInfo]);
        assert_eq!(broken_rules_with("ElodieBleue7", &info), vec![Rule::NoPersonalInfo]);
        assert_eq!(broken_rules_with("Abc69123045", &info), vec![Rule::NoPersonalInfo]);
        assert_eq!(broken_rules_with("Bleu15031978", &info), vec![Rule::NoPersonalInfo]);
        assert_eq!(broken_rules_with("Bleu19780315", &info), vec![Rule::NoPersonalInfo]);
        assert!(broken_rules_with("Mutuelle2024", &info).is_empty());
        assert_eq!(check_with("x", &info).len(), Rule::ALL.len() + 1);
    }

    #[test]
    fn labels_in_both_languages() {
        let info = PersonalInfo::default();
        let fr = check_with("x", &info);
        let en = check_with_in("x", &info, Lang::En);
        assert_eq!(fr, check_with_in("x", &info, Lang::Fr));
        assert_eq!(fr.len(), en.len());
        for (f, e) in fr.iter().zip(&en) {
            assert_eq!((f.rule, f.met), (e.rule, e.met));
            assert_ne!(f.label, e.label);
            assert_eq!(e.label, e.rule.label_in(Lang::En));
        }
        assert_eq!(check_in("x", Lang::En)[0].label, "At least 8 characters");
    }

    #[test]
    fn accented_letters_count() {
        assert!(broken_rules("Élodie2024").is_empty());
    }

    #[test]
    fn new_password_order_is_empty_then_policy_then_confirmation() {
        let info = PersonalInfo { first_name: "Jeanne".into(), last_name: "Martin".into(), ..PersonalInfo::default() };
        assert_eq!(check_new_password("", "", &info), Err(BorneError::PasswordMissing));
        assert_eq!(check_new_password("", "Autre2024x", &info), Err(BorneError::PasswordMissing));
        // Breaks the policy and differs: the policy is reported first.
        assert_eq!(check_new_password("court", "autre", &info), Err(BorneError::PasswordPolicy { broken: vec![Rule::MinLength, Rule::Uppercase, Rule::Digit] }));
        assert_eq!(check_new_password("Martin2024xx", "Martin2024xx", &info), Err(BorneError::PasswordPolicy { broken: vec![Rule::NoPersonalInfo] }));
        assert_eq!(check_new_password("Mutuelle2024", "Mutuelle2025", &info), Err(BorneError::PasswordsDiffer));
        assert_eq!(check_new_password("Mutuelle2024", "", &info), Err(BorneError::PasswordsDiffer));
        assert_eq!(check_new_password("Mutuelle2024", "Mutuelle2024", &info), Ok(()));
    }

    proptest! {
        #[test]
        fn check_agrees_with_broken_rules(p in "\\PC{0,40}") {
            let unmet: Vec<Rule> = check(&p).into_iter().filter(|c| !c.met).map(|c| c.rule).collect();
            prop_assert_eq!(unmet, broken_rules(&p));
        }
    }
}
