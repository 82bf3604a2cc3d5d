//! Every error a member can see, with its stable code and its French message.
//!
//! The codes are part of the UI contract and of the API: they never change
//! meaning. The messages follow the MPN guide's wording where it has one.

use crate::password::Rule;
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
    #[error("birth date missing")]
    BirthDateMissing,
    #[error("birth date format")]
    BirthDateFormat,
    #[error("birth date not a real past date")]
    BirthDateInvalid,
    #[error("birth date does not match the NIR")]
    BirthDateNirMismatch,
    #[error("member number missing")]
    MemberNumberMissing,
    #[error("password breaks the policy")]
    PasswordPolicy { broken: Vec<Rule> },
    #[error("passwords differ")]
    PasswordsDiffer,
    #[error("current password wrong")]
    CurrentPasswordWrong,
    #[error("account not blocked")]
    NotBlocked,
    #[error("identity not verified")]
    IdentityNotVerified,
    #[error("code invalid, {attempts_left} attempts left")]
    CodeInvalid { attempts_left: u32 },
    #[error("code expired or used")]
    CodeExpired,
    #[error("no contact channel")]
    NoContactChannel,
    #[error("channel unavailable")]
    ChannelUnavailable,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("device not authorised")]
    DeviceUnauthorized,
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
    BirthDateMissing,
    BirthDateFormat,
    BirthDateInvalid,
    BirthDateNirMismatch,
    MemberNumberMissing,
    PasswordPolicy,
    PasswordsDiffer,
    CurrentPasswordWrong,
    NotBlocked,
    IdentityNotVerified,
    CodeInvalid,
    CodeExpired,
    NoContactChannel,
    ChannelUnavailable,
    PasswordChangeRequired,
    DeviceUnauthorized,
    Unexpected,
}

/// Which field of the form an error belongs to, so the UI can put the message
/// next to it and move the focus there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Identifier,
    Password,
    BirthDate,
    MemberNumber,
    Email,
    NewPassword,
    NewPasswordConfirmation,
    CurrentPassword,
    Code,
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
            BirthDateMissing => ErrorCode::BirthDateMissing,
            BirthDateFormat => ErrorCode::BirthDateFormat,
            BirthDateInvalid => ErrorCode::BirthDateInvalid,
            BirthDateNirMismatch => ErrorCode::BirthDateNirMismatch,
            MemberNumberMissing => ErrorCode::MemberNumberMissing,
            PasswordPolicy { .. } => ErrorCode::PasswordPolicy,
            PasswordsDiffer => ErrorCode::PasswordsDiffer,
            CurrentPasswordWrong => ErrorCode::CurrentPasswordWrong,
            NotBlocked => ErrorCode::NotBlocked,
            IdentityNotVerified => ErrorCode::IdentityNotVerified,
            CodeInvalid { .. } => ErrorCode::CodeInvalid,
            CodeExpired => ErrorCode::CodeExpired,
            NoContactChannel => ErrorCode::NoContactChannel,
            ChannelUnavailable => ErrorCode::ChannelUnavailable,
            PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            DeviceUnauthorized => ErrorCode::DeviceUnauthorized,
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
            BirthDateMissing | BirthDateFormat | BirthDateInvalid | BirthDateNirMismatch => Some(Field::BirthDate),
            MemberNumberMissing => Some(Field::MemberNumber),
            PasswordPolicy { .. } => Some(Field::NewPassword),
            PasswordsDiffer => Some(Field::NewPasswordConfirmation),
            CurrentPasswordWrong => Some(Field::CurrentPassword),
            CodeInvalid { .. } => Some(Field::Code),
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
            BirthDateMissing => "Veuillez saisir votre date de naissance au format jj/mm/aaaa.".into(),
            BirthDateFormat => "Saisissez votre date de naissance au format jj/mm/aaaa, par exemple 05/03/1978.".into(),
            BirthDateInvalid => "Cette date de naissance n'existe pas ou n'est pas passée. Vérifiez le jour, le mois et l'année (jj/mm/aaaa).".into(),
            BirthDateNirMismatch => "Cette date de naissance ne correspond pas à l'année et au mois de naissance inscrits dans votre numéro de Sécurité Sociale. Vérifiez les deux saisies.".into(),
            MemberNumberMissing => "Veuillez saisir votre numéro interne (votre numéro d'adhérent), indiqué sur votre carte de tiers payant.".into(),
            PasswordPolicy { broken } => {
                let rules: Vec<&str> = broken.iter().map(|r| r.label()).collect();
                format!("Ce mot de passe ne respecte pas les règles : {}. Choisissez-en un autre.", rules.join(" ; ").to_lowercase())
            }
            PasswordsDiffer => "Les deux mots de passe saisis ne sont pas identiques. Saisissez le même mot de passe dans les deux champs.".into(),
            CurrentPasswordWrong => "Votre mot de passe actuel est incorrect. Vérifiez-le et réessayez.".into(),
            NotBlocked => "Votre compte n'est pas bloqué. Si vous avez oublié votre mot de passe, suivez la procédure « Mot de passe oublié ? ».".into(),
            IdentityNotVerified => format!(
                "Nous n'avons pas pu vérifier votre identité avec ces informations. Vérifiez votre numéro de Sécurité Sociale avec la clé et votre date de naissance. {contact}"
            ),
            CodeInvalid { attempts_left } => match attempts_left {
                0 => "Ce code est incorrect. Demandez un nouveau code.".into(),
                1 => "Ce code est incorrect. Vérifiez-le dans le message reçu : il vous reste 1 essai.".into(),
                n => format!("Ce code est incorrect. Vérifiez-le dans le message reçu : il vous reste {n} essais."),
            },
            CodeExpired => "Ce code ou ce lien n'est plus valable (il a expiré, a déjà servi ou a été saisi trop de fois). Recommencez la démarche pour en recevoir un nouveau.".into(),
            NoContactChannel => format!(
                "Nous ne connaissons ni numéro de portable ni adresse e-mail pour vous envoyer un mot de passe temporaire. Un conseiller mutualiste peut débloquer votre compte : {}, ou par téléphone au {}.",
                support.chat, support.phone
            ),
            ChannelUnavailable => "Ce moyen de réception n'est pas disponible pour votre compte. Choisissez-en un autre.".into(),
            PasswordChangeRequired => "Pour continuer, choisissez d'abord votre nouveau mot de passe.".into(),
            DeviceUnauthorized => format!("Cette borne n'est pas reconnue par le service. Veuillez prévenir le personnel de l'agence. {contact}"),
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
