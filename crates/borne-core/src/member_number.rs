//! The member number ("numéro interne", "numéro d'adhérent", on the carte de
//! tiers payant, e.g. `MPN-000123`) of the forgotten-password and
//! registration forms and of the server's member records. The app checks it
//! before any call, the server on receipt and when it imports members.

use crate::error::BorneError;

/// The longest member number accepted, in characters (after trimming).
pub const MAX_LENGTH: usize = 64;

/// The member number without surrounding spaces. Nothing typed, or more
/// than [`MAX_LENGTH`] characters (nothing printed on a card) →
/// `MemberNumberMissing` (its message asks for the number on the card).
pub fn parse(typed: &str) -> Result<String, BorneError> {
    let n = typed.trim();
    if n.is_empty() || n.chars().count() > MAX_LENGTH {
        return Err(BorneError::MemberNumberMissing);
    }
    Ok(n.to_owned())
}

/// Whether a typed member number is the stored one: compared without case
/// and without spaces, dashes or other separators, as numbers printed on
/// cards are often typed differently.
pub fn same(stored: &str, typed: &str) -> bool {
    let norm = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect::<String>();
    !typed.trim().is_empty() && norm(stored) == norm(typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(parse(" MPN-000123 ").unwrap(), "MPN-000123");
        assert_eq!(parse("").unwrap_err(), BorneError::MemberNumberMissing);
        assert_eq!(parse(" \t ").unwrap_err(), BorneError::MemberNumberMissing);
        let longest = "9".repeat(MAX_LENGTH);
        assert_eq!(parse(&longest).unwrap(), longest);
        assert_eq!(parse(&format!("  {longest}  ")).unwrap(), longest);
        assert_eq!(parse(&"9".repeat(MAX_LENGTH + 1)).unwrap_err(), BorneError::MemberNumberMissing);
        // Characters, not bytes.
        assert_eq!(parse(&"é".repeat(MAX_LENGTH)).unwrap().chars().count(), MAX_LENGTH);
    }

    #[test]
    fn compared_loosely() {
        assert!(same("MPN-000123", "mpn 000123"));
        assert!(same("MPN-000123", "MPN000123"));
        assert!(!same("MPN-000123", "MPN-000124"));
        assert!(!same("MPN-000123", "  "));
    }
}
