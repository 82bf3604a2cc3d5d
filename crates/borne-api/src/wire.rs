//! Wire types of the backend API (`/v1`), shared by the client and the
//! reference server. Serde only: no HTTP here.
//!
//! The doc comments of these types and of their fields are in French: they
//! are the descriptions of the server's OpenAPI document (utoipa reads them),
//! which is written in French like the messages members see (ARCHITECTURE.md,
//! "The API contract").

use crate::codes::{Coded, ErrorCode};
use borne_core::password::Rule;
use borne_core::{BorneError, Secret};
use serde::{Deserialize, Serialize};

/// `POST /v1/login` : NIR ou e-mail et mot de passe. Champ inconnu : 400 `bad_request`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// NIR avec la clé (15 caractères ; espaces tolérés, 2A/2B pour la Corse)
    /// ou adresse e-mail du compte.
    #[cfg_attr(feature = "openapi", schema(examples("278036912304534", "jeanne.martin@exemple.fr")))]
    pub identifier: String,
    /// Mot de passe du compte, ou mot de passe temporaire reçu par SMS (1 à 128 caractères).
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 1, max_length = 128))]
    pub password: Secret,
}

/// Session ouverte (réponse de `POST /v1/login` et de `POST /v1/password/change`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Jeton de session opaque, à présenter dans `Authorization: Bearer …`.
    /// Ne jamais le journaliser.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Secret,
    /// Durée de validité du jeton, en secondes.
    pub expires_in_secs: u64,
    /// L'adhérent connecté.
    pub member: MemberSummary,
    /// Vrai après une connexion avec un mot de passe temporaire reçu par SMS :
    /// la session ne permet alors que `POST /v1/password/change`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub must_change_password: bool,
}

/// Ce que l'espace personnel montre de l'adhérent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberSummary {
    /// Prénom.
    pub first_name: String,
    /// Nom.
    pub last_name: String,
}

/// Corps de toute réponse d'erreur. Les champs facultatifs sont absents (et
/// non `null`) quand ils ne s'appliquent pas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Code stable de l'erreur.
    pub code: ErrorCode,
    /// Message destiné à l'adhérent, en français, à afficher tel quel ; il dit
    /// quoi faire ensuite et ne reprend jamais la saisie (NIR, e-mail, mot de
    /// passe, code).
    pub message: String,
    /// Pour `wrong_password` et `code_invalid` : essais restants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub attempts_left: Option<u32>,
    /// Pour `too_many_requests` : délai avant de réessayer, en secondes (aussi
    /// dans l'en-tête `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub retry_after_secs: Option<u64>,
    /// Pour `password_policy` : les règles que le nouveau mot de passe enfreint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::openapi::PasswordRule>>, nullable = false))]
    pub rules: Option<Vec<Rule>>,
}

impl ApiError {
    /// The answer for `e`, with the member-facing `message` (from
    /// `borne_content::errors`, in the insurer's words).
    pub fn new(e: &BorneError, message: String) -> ApiError {
        ApiError {
            code: e.code(),
            message,
            attempts_left: match e {
                BorneError::WrongPassword { attempts_left } | BorneError::CodeInvalid { attempts_left } => Some(*attempts_left),
                _ => None,
            },
            retry_after_secs: match e {
                BorneError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            },
            rules: match e {
                BorneError::PasswordPolicy { broken } => Some(broken.clone()),
                _ => None,
            },
        }
    }

    /// Back to the domain error. Codes for input errors the client checks
    /// itself cannot carry their details over the wire, so they keep defaults.
    pub fn into_error(self) -> BorneError {
        use ErrorCode as C;
        match self.code {
            C::IdentifierMissing => BorneError::IdentifierMissing,
            C::NirLength => BorneError::NirLength { typed: 0 },
            C::NirCharacters => BorneError::NirCharacters,
            C::NirFirstDigit => BorneError::NirFirstDigit,
            C::NirKey => BorneError::NirKey,
            C::EmailInvalid => BorneError::EmailInvalid,
            C::PasswordMissing => BorneError::PasswordMissing,
            C::WrongPassword => BorneError::WrongPassword { attempts_left: self.attempts_left.unwrap_or(0) },
            C::UnknownProfile => BorneError::UnknownProfile,
            C::AccountBlocked => BorneError::AccountBlocked,
            C::TooManyRequests => BorneError::TooManyRequests { retry_after_secs: self.retry_after_secs.unwrap_or(1) },
            C::SessionExpired => BorneError::SessionExpired,
            C::BackendUnavailable => BorneError::BackendUnavailable,
            C::BadRequest => BorneError::BadRequest,
            C::BirthDateMissing => BorneError::BirthDateMissing,
            C::BirthDateFormat => BorneError::BirthDateFormat,
            C::BirthDateInvalid => BorneError::BirthDateInvalid,
            C::BirthDateNirMismatch => BorneError::BirthDateNirMismatch,
            C::MemberNumberMissing => BorneError::MemberNumberMissing,
            C::PasswordPolicy => BorneError::PasswordPolicy { broken: self.rules.unwrap_or_default() },
            C::PasswordsDiffer => BorneError::PasswordsDiffer,
            C::CurrentPasswordWrong => BorneError::CurrentPasswordWrong,
            C::NotBlocked => BorneError::NotBlocked,
            C::IdentityNotVerified => BorneError::IdentityNotVerified,
            C::CodeInvalid => BorneError::CodeInvalid { attempts_left: self.attempts_left.unwrap_or(0) },
            C::CodeMissing => BorneError::CodeMissing,
            C::CodeFormat => BorneError::CodeFormat,
            C::CodeExpired => BorneError::CodeExpired,
            C::NoContactChannel => BorneError::NoContactChannel,
            C::ChannelUnavailable => BorneError::ChannelUnavailable,
            C::PasswordChangeRequired => BorneError::PasswordChangeRequired,
            C::DeviceUnauthorized => BorneError::DeviceUnauthorized,
            C::Unexpected => BorneError::Unexpected,
            C::PhoneInvalid => BorneError::PhoneInvalid,
            C::ContactInUse => BorneError::ContactInUse,
            C::ContactUnchanged => BorneError::ContactUnchanged,
        }
    }
}

// ---- Forgotten password (MPN guide, "MOT DE PASSE OUBLIÉ") -----------------

/// `POST /v1/password/forgot`, guide MPN « Mot de passe oublié ? » : (A) NIR
/// ou e-mail, (B) numéro interne, (C) e-mail du compte. Toujours `202` avec la
/// même réponse [`Accepted`], que les informations correspondent ou non à un
/// compte.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    /// (A) NIR avec la clé (15 caractères ; espaces tolérés, 2A/2B pour la
    /// Corse) ou adresse e-mail du compte.
    pub identifier: String,
    /// (B) Numéro interne (numéro d'adhérent) figurant sur la carte de tiers
    /// payant ; comparé sans tenir compte de la casse, des espaces et des tirets.
    #[cfg_attr(feature = "openapi", schema(examples("MPN-000123")))]
    pub member_number: String,
    /// (C) Adresse e-mail du compte.
    pub email: String,
}

/// Réponse qui ne révèle pas si un compte existe (ses textes :
/// `borne_content::accepted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    /// Message en français à afficher tel quel ; identique que les
    /// informations correspondent ou non à un compte.
    pub message: String,
}

/// Ce pour quoi un code à usage unique (reçu par e-mail, saisi sur la borne)
/// a été émis : `reset` (mot de passe oublié), `unlock` (déblocage par
/// e-mail), `registration` (inscription).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Reset,
    Unlock,
    Registration,
}

/// `POST /v1/codes/verify` : échange le code saisi sur la borne contre le
/// jeton que porte le lien de l'e-mail. 5 essais au plus par code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyCodeRequest {
    /// La démarche pour laquelle le code a été envoyé.
    pub purpose: Purpose,
    /// Le NIR ou l'e-mail avec lequel la démarche a commencé (le NIR pour
    /// `unlock` et `registration`).
    pub identifier: String,
    /// Code à 6 chiffres reçu par e-mail ; 5 essais au plus par code, renvois
    /// compris.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{6}$"))]
    pub code: Secret,
}

/// Code accepté (réponse de `POST /v1/codes/verify`) : le jeton du lien de
/// l'e-mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// Jeton à usage unique pour `POST /v1/password/reset`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Secret,
    /// Durée de validité du jeton, en secondes.
    pub expires_in_secs: u64,
}

/// `POST /v1/password/reset` : un nouveau mot de passe avec un jeton (du lien
/// de l'e-mail ou de `POST /v1/codes/verify`), à usage unique. Répond `204` ;
/// le blocage est levé, toutes les sessions sont révoquées, un e-mail
/// d'avertissement part.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// Jeton du lien de l'e-mail ou de `POST /v1/codes/verify`, à usage unique.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Secret,
    /// Nouveau mot de passe : 8 à 128 caractères, au moins une majuscule, une
    /// minuscule et un chiffre, pas un mot de passe courant, ni nom, prénom,
    /// NIR ou date de naissance de l'adhérent (règles `borne_core::password`).
    /// Au-delà de 128 caractères : 400 `bad_request`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password: Secret,
    /// Le même mot de passe, saisi une seconde fois.
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password_confirmation: Secret,
}

// ---- Unlock (MGEN guide) ----------------------------------------------------

/// `POST /v1/unlock`, guide MGEN « Débloquez votre compte » : NIR et date de
/// naissance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    /// Numéro de Sécurité Sociale avec la clé (15 caractères ; espaces
    /// tolérés, 2A/2B pour la Corse).
    #[cfg_attr(feature = "openapi", schema(examples("2 78 03 69 123 045 34")))]
    pub nir: String,
    /// Date de naissance au format jj/mm/aaaa ; elle doit correspondre à
    /// l'année et au mois portés par le NIR.
    #[cfg_attr(feature = "openapi", schema(examples("15/03/1978")))]
    pub birthdate: String,
}

/// Moyen de réception : `sms` (mot de passe temporaire, portable de France
/// métropolitaine seulement) ou `email` (lien et code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

/// Un moyen de réception connu de la mutuelle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelOption {
    /// Le moyen.
    pub channel: Channel,
    /// Coordonnée masquée, à montrer à l'adhérent : `06 •• •• •• 42` ou
    /// `j•••@exemple.fr`.
    pub masked: String,
}

/// Identité vérifiée (réponse de `POST /v1/unlock`) : les moyens de
/// réception connus ; quand un seul existe, il a déjà servi et `sent` dit
/// lequel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnlockResponse {
    /// Identifiant de la demande de déblocage, pour `POST /v1/unlock/send`
    /// (valable 15 minutes).
    pub unlock_id: String,
    /// Les moyens de réception connus de la mutuelle.
    pub channels: Vec<ChannelOption>,
    /// Quand un seul moyen existe, celui qui a déjà servi ; sinon `null` et
    /// l'adhérent choisit.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub sent: Option<ChannelOption>,
}

/// `POST /v1/unlock/send` : le moyen de réception que l'adhérent choisit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnlockSendRequest {
    /// L'`unlock_id` reçu de `POST /v1/unlock` (64 caractères au plus).
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub unlock_id: String,
    /// Le moyen choisi, parmi ceux de la réponse de `POST /v1/unlock`.
    pub channel: Channel,
}

// ---- Change password --------------------------------------------------------

/// `POST /v1/password/change`, avec une session (`Authorization: Bearer …`).
/// Répond une nouvelle session complète ([`LoginResponse`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// Mot de passe actuel : exigé pour une session normale, inutile (absent
    /// ou `null`) pour une session ouverte avec un mot de passe temporaire.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 128))]
    pub current_password: Option<Secret>,
    /// Nouveau mot de passe, avec les mêmes règles que pour
    /// `POST /v1/password/reset`. Au-delà de 128 caractères : 400 `bad_request`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password: Secret,
    /// Le même mot de passe, saisi une seconde fois.
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password_confirmation: Secret,
}

// ---- Registration ("Pas encore inscrit ?") ----------------------------------

/// `POST /v1/register`, « Pas encore inscrit ? » : les informations doivent
/// correspondre à un adhérent ; `202` [`Accepted`] dans tous les cas. Le code
/// d'activation arrive par e-mail ; puis `POST /v1/codes/verify` (démarche
/// `registration`, identifiant = le NIR) et `POST /v1/password/reset`
/// donnent le premier mot de passe.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Numéro de Sécurité Sociale avec la clé (15 caractères ; espaces
    /// tolérés, 2A/2B pour la Corse).
    pub nir: String,
    /// Numéro interne (numéro d'adhérent) figurant sur la carte de tiers
    /// payant ; comparé sans tenir compte de la casse, des espaces et des tirets.
    pub member_number: String,
    /// Date de naissance au format jj/mm/aaaa ; elle doit correspondre à
    /// l'année et au mois portés par le NIR.
    pub birthdate: String,
    /// Adresse e-mail connue de la mutuelle pour cet adhérent.
    pub email: String,
}

// ---- Kiosk devices ----------------------------------------------------------

/// `POST /v1/devices` : enrôlement d'une borne avec le secret de la
/// configuration du serveur.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolDeviceRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    /// Secret d'enrôlement fixé dans la configuration du serveur.
    pub enrolment_secret: Secret,
    /// Nom de la borne (agence, emplacement) : 1 à 64 caractères, sans
    /// caractère de contrôle.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
}

/// Borne enrôlée (réponse de `POST /v1/devices`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolDeviceResponse {
    /// Identifiant de la borne (32 caractères hexadécimaux minuscules), pour
    /// l'en-tête `X-Borne-Device`.
    pub device_id: String,
    /// Clé HMAC-SHA256 de signature des requêtes : 32 octets en base64url sans
    /// remplissage. La borne la garde dans le trousseau du système ; le
    /// serveur ne la stocke pas (il la dérive de son secret).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_key: Secret,
}

/// `POST /v1/devices/heartbeat` (requête signée) : l'état de la borne.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    /// Version de l'application de la borne : 1 à 64 caractères.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub version: String,
    /// La borne se juge en état de servir.
    pub healthy: bool,
    /// Précision facultative, 1 000 caractères au plus, sans donnée
    /// personnelle (elle n'est pas journalisée).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub detail: Option<String>,
}

/// Une ligne de `GET /v1/admin/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceStatus {
    /// Identifiant de la borne.
    pub device_id: String,
    /// Nom donné à l'enrôlement.
    pub name: String,
    /// Version du dernier battement, `null` avant le premier.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub version: Option<String>,
    /// État déclaré au dernier battement, `null` avant le premier.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub healthy: Option<bool>,
    /// Précision du dernier battement, `null` s'il n'en portait pas.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub detail: Option<String>,
    /// Date d'enrôlement, en secondes Unix.
    pub enrolled_at: i64,
    /// Dernier battement, en secondes Unix ; `null` avant le premier.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub last_seen: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_round_trip() {
        for e in [
            BorneError::WrongPassword { attempts_left: 2 },
            BorneError::UnknownProfile,
            BorneError::AccountBlocked,
            BorneError::TooManyRequests { retry_after_secs: 30 },
            BorneError::CodeInvalid { attempts_left: 3 },
            BorneError::PasswordPolicy { broken: vec![Rule::NotCommon, Rule::NoPersonalInfo] },
            BorneError::NotBlocked,
        ] {
            let json = serde_json::to_string(&ApiError::new(&e, "message".into())).unwrap();
            let back: ApiError = serde_json::from_str(&json).unwrap();
            assert_eq!(back.into_error(), e);
        }
    }

    #[test]
    fn login_request_refuses_unknown_fields() {
        assert!(serde_json::from_str::<LoginRequest>(r#"{"identifier":"a","password":"b","x":1}"#).is_err());
    }
}
