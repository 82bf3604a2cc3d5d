//! The rules of the password policy (MPN guide: "Votre mot de passe doit
//! contenir au moins 8 caractères (majuscules, minuscules et chiffres)") and
//! their checklist labels. Their checks are in [`crate::password`]; this
//! module stands alone so that [`crate::error`] can name a rule without
//! depending on the password module (which depends on the birth date, the
//! NIR and, through them, on the errors).

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    MinLength,
    MaxLength,
    Uppercase,
    Lowercase,
    Digit,
    /// Not one of the 10,000 most common passwords, nor one of them followed
    /// by a few digits or symbols ("Password123").
    NotCommon,
    /// Contains neither the member's first or last name, nor their NIR, nor
    /// their date of birth.
    NoPersonalInfo,
}

impl Rule {
    /// The MPN guide's rules, checked on the password alone.
    pub const ALL: [Rule; 6] = [Rule::MinLength, Rule::Uppercase, Rule::Lowercase, Rule::Digit, Rule::NotCommon, Rule::MaxLength];

    /// The French label (the same as `label_in(Lang::Fr)`).
    pub fn label(self) -> &'static str {
        self.label_in(Lang::Fr)
    }

    /// The line of the checklist in `lang`.
    pub fn label_in(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            Rule::MinLength => ("Au moins 8 caractères", "At least 8 characters"),
            Rule::MaxLength => ("Au plus 128 caractères", "At most 128 characters"),
            Rule::Uppercase => ("Au moins une lettre majuscule", "At least one capital letter"),
            Rule::Lowercase => ("Au moins une lettre minuscule", "At least one lower-case letter"),
            Rule::Digit => ("Au moins un chiffre", "At least one digit"),
            Rule::NotCommon => ("Pas un mot de passe trop courant", "Not a password that is too common"),
            Rule::NoPersonalInfo => (
                "Ni votre nom, ni votre prénom, ni votre numéro de Sécurité Sociale, ni votre date de naissance",
                "Neither your last name, nor your first name, nor your social security number, nor your date of birth",
            ),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}
