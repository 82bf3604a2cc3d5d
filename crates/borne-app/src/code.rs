//! The 6-digit code of an e-mail, as typed at a kiosk: spaces ignored,
//! digits only. Checked before any call.

use borne_core::{BorneError, Secret};

pub fn parse(typed: &str) -> Result<Secret, BorneError> {
    let code = Secret::new(typed.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    if code.is_empty() {
        return Err(BorneError::CodeMissing);
    }
    if !code.expose().chars().all(|c| c.is_ascii_digit()) {
        return Err(BorneError::CodeFormat);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_only_spaces_ignored() {
        assert_eq!(parse(" 123 456 ").unwrap().expose(), "123456");
        assert_eq!(parse("  ").unwrap_err(), BorneError::CodeMissing);
        assert_eq!(parse("12a456").unwrap_err(), BorneError::CodeFormat);
    }
}
