//! Field (A) of the log-in form: "numéro de Sécurité Sociale avec la clé ou
//! adresse e-mail ayant servi à la création du compte".

use crate::email::Email;
use crate::error::BorneError;
use crate::nir::Nir;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identifier {
    Nir(Nir),
    Email(Email),
}

impl Identifier {
    /// An input containing `@` is an e-mail address; anything else is read as a NIR.
    pub fn parse(input: &str) -> Result<Identifier, BorneError> {
        if input.trim().is_empty() {
            return Err(BorneError::IdentifierMissing);
        }
        if input.contains('@') {
            Email::parse(input).map(Identifier::Email)
        } else {
            Nir::parse(input).map(Identifier::Nir)
        }
    }

    /// The canonical form sent to the backend and used to look the member up.
    pub fn canonical(&self) -> &str {
        match self {
            Identifier::Nir(n) => n.as_str(),
            Identifier::Email(e) => e.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_by_at_sign() {
        assert!(matches!(Identifier::parse("a@b.fr"), Ok(Identifier::Email(_))));
        assert_eq!(Identifier::parse("1 85"), Err(BorneError::NirLength { typed: 3 }));
        assert_eq!(Identifier::parse(" "), Err(BorneError::IdentifierMissing));
    }
}
