//! Every error a member can see, with its stable code and its French message.
//!
//! The codes are part of the UI contract and of the API: they never change
//! meaning. The messages follow the MPN guide's wording where it has one.

use crate::support::Support;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BorneError {
    #[error("identifier missing")]
    IdentifierMissing,
    #[error("NIR has {typed} characters")]
    NirLength { typed: usize },
    #[error("NIR has characters other than digits")]
    NirCharacters,
    #[error("NIR first digit")]
    NirFirstDigit,
    #[error("NIR key does not match")]
    NirKey,
    #[error("e-mail invalid")]
    EmailInvalid,
    #[error("password missing")]
    PasswordMissing,
    #[error("wrong password, {attempts_left} attempts left")]
    WrongPassword { attempts_left: u32 },
    #[error("unknown profile")]
    UnknownProfile,
    #[error("account blocked")]
    AccountBlocked,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("session expired")]
    SessionExpired,
    #[error("backend unavailable")]
    BackendUnavailable,
    #[error("malformed request")]
    BadRequest,
    #[error("unexpected error")]
    Unexpected,
}

/// The stable, machine-readable name of an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    IdentifierMissing,
    NirLength,
    NirCharacters,
    NirFirstDigit,
    NirKey,
    EmailInvalid,
    PasswordMissing,
    WrongPassword,
    UnknownProfile,
    AccountBlocked,
    TooManyRequests,
    SessionExpired,
    BackendUnavailable,
    BadRequest,
    Unexpected,
}

/// Which field of the form an error belongs to, so the UI can put the message
/// next to it and move the focus there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Identifier,
    Password,
}

impl BorneError {
    pub fn code(&self) -> ErrorCode {
        use BorneError::*;
        match self {
            IdentifierMissing => ErrorCode::IdentifierMissing,
            NirLength { .. } => ErrorCode::NirLength,
            NirCharacters => ErrorCode::NirCharacters,
            NirFirstDigit => ErrorCode::NirFirstDigit,
            NirKey => ErrorCode::NirKey,
            EmailInvalid => ErrorCode::EmailInvalid,
            PasswordMissing => ErrorCode::PasswordMissing,
            WrongPassword { .. } => ErrorCode::WrongPassword,
            UnknownProfile => ErrorCode::UnknownProfile,
            AccountBlocked => ErrorCode::AccountBlocked,
            TooManyRequests { .. } => ErrorCode::TooManyRequests,
            SessionExpired => ErrorCode::SessionExpired,
            BackendUnavailable => ErrorCode::BackendUnavailable,
            BadRequest => ErrorCode::BadRequest,
            Unexpected => ErrorCode::Unexpected,
        }
    }

    pub fn field(&self) -> Option<Field> {
        use BorneError::*;
        match self {
            IdentifierMissing | NirLength { .. } | NirCharacters | NirFirstDigit | NirKey | EmailInvalid => {
                Some(Field::Identifier)
            }
            PasswordMissing | WrongPassword { .. } => Some(Field::Password),
            _ => None,
        }
    }

    /// The polite French message shown to the member, saying what to do next.
    pub fn message(&self, support: &Support) -> String {
        use BorneError::*;
        let contact = format!(
            "Si le problème persiste, contactez un conseiller mutualiste sur {} ou par téléphone au {}.",
            support.chat, support.phone
        );
        match self {
            IdentifierMissing => "Veuillez saisir votre numéro de Sécurité Sociale avec la clé (15 chiffres) ou l'adresse e-mail ayant servi à la création du compte.".into(),
            NirLength { typed } => format!(
                "Le numéro de Sécurité Sociale avec la clé compte 15 chiffres ; vous en avez saisi {typed}. Vérifiez-le sur votre carte Vitale."
            ),
            NirCharacters => "Le numéro de Sécurité Sociale ne contient que des chiffres (et 2A ou 2B pour un département de Corse). Vérifiez votre saisie.".into(),
            NirFirstDigit => "Le numéro de Sécurité Sociale commence par 1 ou 2. Vérifiez votre saisie sur votre carte Vitale.".into(),
            NirKey => "La clé (les 2 derniers chiffres) ne correspond pas au numéro de Sécurité Sociale saisi. Vérifiez chaque chiffre sur votre carte Vitale.".into(),
            EmailInvalid => "Cette adresse e-mail n'est pas valide. Vérifiez-la (exemple : prenom.nom@exemple.fr).".into(),
            PasswordMissing => "Veuillez saisir votre mot de passe.".into(),
            WrongPassword { attempts_left } => {
                let left = match attempts_left {
                    0 => String::new(),
                    1 => " Il vous reste 1 tentative avant le blocage de votre compte.".into(),
                    n => format!(" Il vous reste {n} tentatives avant le blocage de votre compte."),
                };
                format!(
                    "Mot de passe incorrect : veuillez vous assurer d'avoir saisi le bon mot de passe.{left} En cas d'oubli de votre mot de passe, utilisez le lien « Mot de passe oublié ? » sous le formulaire de connexion."
                )
            }
            UnknownProfile => "Ce profil est inconnu : veuillez vérifier l'exactitude du numéro de Sécurité Sociale saisi avec la clé, soit 15 chiffres sans espace. Si votre numéro de Sécurité Sociale est juste, êtes-vous bien inscrit ? Si ce n'est pas le cas, utilisez le lien « Pas encore inscrit ? » sous le formulaire de connexion.".into(),
            AccountBlocked => "Après trois tentatives infructueuses, votre compte est bloqué. Cliquez sur « Débloquez votre compte » pour recevoir un mot de passe temporaire.".into(),
            TooManyRequests { retry_after_secs } => format!(
                "Trop de tentatives en peu de temps. Veuillez patienter {} avant de réessayer.",
                human_wait(*retry_after_secs)
            ),
            SessionExpired => "Votre session a expiré. Veuillez vous reconnecter.".into(),
            BackendUnavailable => format!(
                "Le service {} est momentanément indisponible. Veuillez réessayer dans quelques instants. {contact}",
                support.insurer
            ),
            BadRequest => format!("La demande n'a pas pu être traitée. Veuillez vérifier votre saisie et réessayer. {contact}"),
            Unexpected => format!(
                "Une erreur inattendue s'est produite. Veuillez réessayer. {contact}"
            ),
        }
    }
}

fn human_wait(secs: u64) -> String {
    match secs {
        0 | 1 => "1 seconde".into(),
        s if s < 60 => format!("{s} secondes"),
        s if s < 120 => "1 minute".into(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_wording_is_kept() {
        let s = Support::default();
        assert!(BorneError::WrongPassword { attempts_left: 2 }.message(&s).starts_with("Mot de passe incorrect"));
        assert!(BorneError::WrongPassword { attempts_left: 2 }.message(&s).contains("Il vous reste 2 tentatives"));
        assert!(BorneError::WrongPassword { attempts_left: 1 }.message(&s).contains("Il vous reste 1 tentative "));
        assert!(BorneError::UnknownProfile.message(&s).starts_with("Ce profil est inconnu"));
        assert!(BorneError::UnknownProfile.message(&s).contains("15 chiffres sans espace"));
        assert!(BorneError::AccountBlocked.message(&s).contains("Débloquez votre compte"));
        let down = BorneError::BackendUnavailable.message(&s);
        assert!(down.contains("03 88 19 22 56") && down.contains("chat"), "{down}");
    }

    #[test]
    fn codes_are_snake_case_on_the_wire() {
        assert_eq!(serde_json::to_string(&ErrorCode::NirKey).unwrap(), "\"nir_key\"");
        assert_eq!(serde_json::to_string(&ErrorCode::AccountBlocked).unwrap(), "\"account_blocked\"");
    }
}
