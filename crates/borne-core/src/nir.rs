//! The NIR, "numéro de Sécurité Sociale avec la clé": 13 characters and a
//! 2-digit key, key = 97 − (number mod 97). Corsica's departments 2A and 2B
//! count as 19 and 18 in the computation.

use crate::error::BorneError;
use std::fmt;

/// A NIR whose structure and key have been checked. Stored without separators,
/// upper-case (`2A`/`2B` for Corsica).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nir(String);

/// Characters a member may type between groups of digits.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '_' | '/' | '\u{a0}' | '\u{202f}')
}

impl Nir {
    /// Parses what a member typed: spaces, dots and dashes are tolerated.
    pub fn parse(input: &str) -> Result<Nir, BorneError> {
        let compact: String = input
            .chars()
            .filter(|c| !is_separator(*c))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(BorneError::IdentifierMissing);
        }
        if compact.chars().count() != 15 {
            return Err(BorneError::NirLength { typed: compact.chars().count() });
        }
        let bytes = compact.as_bytes();
        // Department (positions 6-7) may be 2A or 2B; every other position is a digit.
        for (i, b) in bytes.iter().enumerate() {
            let ok = b.is_ascii_digit() || (i == 6 && bytes[5] == b'2' && matches!(b, b'A' | b'B'));
            if !ok {
                return Err(BorneError::NirCharacters);
            }
        }
        if !matches!(bytes[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
            return Err(BorneError::NirFirstDigit);
        }
        let key: u64 = compact[13..15].parse().map_err(|_| BorneError::NirCharacters)?;
        if key != compute_key(&compact[..13]) {
            return Err(BorneError::NirKey);
        }
        Ok(Nir(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Two-digit birth year carried by the NIR.
    pub fn birth_year_2(&self) -> u32 {
        self.0[1..3].parse().unwrap_or(0)
    }

    /// Birth month carried by the NIR, when it is a real month (01-12).
    /// Unknown months (20, 30-42, 50-99) give `None`.
    pub fn birth_month(&self) -> Option<u32> {
        let m: u32 = self.0[3..5].parse().ok()?;
        (1..=12).contains(&m).then_some(m)
    }
}

/// The key of the first 13 characters (Corsica: 2A → 19, 2B → 18).
/// `body` must be 13 characters, digits or 2A/2B at positions 6-7.
pub fn compute_key(body: &str) -> u64 {
    let numeric = body.replacen("2A", "19", 1).replacen("2B", "18", 1);
    let n: u64 = numeric.parse().unwrap_or(0);
    97 - (n % 97)
}

// Never print a NIR in full: Debug and Display mask all but the last 2 digits of the key.
impl fmt::Debug for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nir(•••••••••••••{})", &self.0[13..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with_key(body: &str) -> String {
        format!("{body}{:02}", compute_key(body))
    }

    #[test]
    fn accepts_a_valid_nir_with_spaces_and_dots() {
        let nir = with_key("1850775123456");
        let spaced = format!("{} {} {} {}.{}.{} {}", &nir[0..1], &nir[1..3], &nir[3..5], &nir[5..7], &nir[7..10], &nir[10..13], &nir[13..]);
        assert_eq!(Nir::parse(&spaced).unwrap().as_str(), nir);
    }

    #[test]
    fn known_key() {
        // Worked example: 2 69 05 49 588 157 → key 80 (a published specimen number).
        assert_eq!(compute_key("2690549588157"), 80);
        assert!(Nir::parse("2 69 05 49 588 157 80").is_ok());
    }

    #[test]
    fn rejects_a_wrong_key() {
        let nir = with_key("2920299123456");
        let k: u64 = nir[13..].parse().unwrap();
        let wrong = format!("{}{:02}", &nir[..13], (k % 97) + 1);
        assert_eq!(Nir::parse(&wrong), Err(BorneError::NirKey));
    }

    #[test]
    fn corsica() {
        let body = "185072A123456";
        let key = 97 - (1850719123456u64 % 97);
        assert_eq!(compute_key(body), key);
        let nir = Nir::parse(&format!("{body}{key:02}")).unwrap();
        assert_eq!(nir.as_str(), format!("{body}{key:02}"));
        let lower = format!("185072a123456{key:02}");
        assert!(Nir::parse(&lower).is_ok());
        assert_eq!(compute_key("185072B123456"), 97 - (1850718123456u64 % 97));
    }

    #[test]
    fn precise_errors() {
        assert_eq!(Nir::parse(""), Err(BorneError::IdentifierMissing));
        assert_eq!(Nir::parse("12345"), Err(BorneError::NirLength { typed: 5 }));
        assert_eq!(Nir::parse("1850775X2345687"), Err(BorneError::NirCharacters));
        let nir = with_key("5850775123456");
        assert_eq!(Nir::parse(&nir), Err(BorneError::NirFirstDigit));
    }

    #[test]
    fn unknown_month_and_provisional_numbers_are_accepted_when_the_key_is_right() {
        assert!(Nir::parse(&with_key("1853575123456")).is_ok());
        let n = Nir::parse(&with_key("7859975123456")).unwrap();
        assert_eq!(n.birth_month(), None);
        let n = Nir::parse(&with_key("1851175123456")).unwrap();
        assert_eq!(n.birth_month(), Some(11));
        assert_eq!(n.birth_year_2(), 85);
    }

    #[test]
    fn debug_never_shows_the_number() {
        let nir = Nir::parse(&with_key("1850775123456")).unwrap();
        let shown = format!("{nir:?}");
        assert!(!shown.contains("1850775123456"), "{shown}");
    }

    proptest! {
        #[test]
        fn every_computed_key_is_accepted(sex in prop::sample::select(vec![1u8,2,3,4,7,8]), rest in "[0-9]{12}") {
            let body = format!("{sex}{rest}");
            let nir = with_key(&body);
            let parsed = Nir::parse(&nir).unwrap();
            prop_assert_eq!(parsed.as_str(), nir.as_str());
        }

        #[test]
        fn every_other_key_is_refused(rest in "[0-9]{12}", key in 0u64..100) {
            let body = format!("1{rest}");
            prop_assume!(key != compute_key(&body));
            prop_assert_eq!(Nir::parse(&format!("{body}{key:02}")), Err(BorneError::NirKey));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Nir::parse(&s);
        }
    }
}
