//! The one-time code of an e-mail or SMS (forgotten password, unlock,
//! registration): 6 digits, as typed at a kiosk or on a PC, spaces ignored
//! (« 123 456 »). The app checks it before any call, the server on receipt,
//! and the server issues codes of [`LENGTH`] digits.

use crate::error::BorneError;
use crate::secret::Secret;

/// The number of digits of a code.
pub const LENGTH: usize = 6;

/// The code without its spaces. Errors: nothing typed → `CodeMissing`;
/// anything but digits, or not [`LENGTH`] of them → `CodeFormat` (its
/// message says "6 chiffres"; a code of the wrong length costs no try).
pub fn parse(typed: &str) -> Result<Secret, BorneError> {
    let code = Secret::new(typed.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    if code.is_empty() {
        return Err(BorneError::CodeMissing);
    }
    if !code.expose().bytes().all(|b| b.is_ascii_digit()) || code.expose().len() != LENGTH {
        return Err(BorneError::CodeFormat);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_spaces_ignored() {
        assert_eq!(parse("123456").unwrap().expose(), "123456");
        assert_eq!(parse(" 123 456 ").unwrap().expose(), "123456");
        assert_eq!(parse("000000").unwrap().expose(), "000000");
        assert_eq!(parse("\t12 34 56\n").unwrap().expose(), "123456");
    }

    #[test]
    fn precise_errors() {
        assert_eq!(parse("").unwrap_err(), BorneError::CodeMissing);
        assert_eq!(parse("   ").unwrap_err(), BorneError::CodeMissing);
        assert_eq!(parse("12a456").unwrap_err(), BorneError::CodeFormat);
        assert_eq!(parse("12-456").unwrap_err(), BorneError::CodeFormat);
        assert_eq!(parse("١٢٣٤٥٦").unwrap_err(), BorneError::CodeFormat, "digits of another script");
        assert_eq!(parse("12345").unwrap_err(), BorneError::CodeFormat);
        assert_eq!(parse("1234567").unwrap_err(), BorneError::CodeFormat);
    }
}
