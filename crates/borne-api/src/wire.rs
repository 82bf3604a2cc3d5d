//! Wire types of the backend API (`/v1`), shared by the client and the
//! reference server. Serde only: no HTTP here.

use crate::codes::{Coded, ErrorCode};
use borne_core::password::Rule;
use borne_core::{BorneError, Secret};
use serde::{Deserialize, Serialize};

/// `POST /v1/login`. `identifier` is the canonical NIR (15 characters, no
/// separators) or the e-mail address, lower-cased.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub identifier: String,
    pub password: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Opaque bearer token for `Authorization: Bearer …`.
    pub token: Secret,
    pub expires_in_secs: u64,
    pub member: MemberSummary,
    /// True after a log-in with an SMS temporary password: the session then
    /// only allows `POST /v1/password/change`.
    #[serde(default)]
    pub must_change_password: bool,
}

/// What the personal space shows of the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub first_name: String,
    pub last_name: String,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// For `password_policy`: the rules the new password breaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
        }
    }
}

// ---- Forgotten password (MPN guide, "MOT DE PASSE OUBLIÉ") -----------------

/// `POST /v1/password/forgot`: (A) NIR with key or e-mail, (B) member number
/// ("numéro interne"), (C) the account's e-mail. Always answered `202` with the
/// same [`Accepted`] body, whether or not the data match an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    pub identifier: String,
    pub member_number: String,
    pub email: String,
}

/// The answer that says nothing about whether an account exists (its
/// texts: `borne_content::accepted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub message: String,
}

/// What a one-time code (sent by e-mail, typed at a kiosk) was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Reset,
    Unlock,
    Registration,
}

/// `POST /v1/codes/verify`: exchanges the code typed at a kiosk for the same
/// token the e-mail's link carries. `identifier` is the NIR or e-mail the
/// procedure was started with. At most 5 tries per code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyCodeRequest {
    pub purpose: Purpose,
    pub identifier: String,
    pub code: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token: Secret,
    pub expires_in_secs: u64,
}

/// `POST /v1/password/reset`: sets a new password with a token (from the
/// e-mail's link or from `codes/verify`), single use. Answers `204`; the
/// lockout is cleared, every session revoked, a notification e-mail sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub token: Secret,
    pub new_password: Secret,
    pub new_password_confirmation: Secret,
}

// ---- Unlock (MGEN guide) ----------------------------------------------------

/// `POST /v1/unlock`: NIR + date of birth « jj/mm/aaaa ».
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    pub nir: String,
    pub birthdate: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelOption {
    pub channel: Channel,
    /// `06 •• •• •• 42` or `j•••@exemple.fr`.
    pub masked: String,
}

/// The channels the insurer knows; when only one exists it has already been
/// used, and `sent` says which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockResponse {
    pub unlock_id: String,
    pub channels: Vec<ChannelOption>,
    pub sent: Option<ChannelOption>,
}

/// `POST /v1/unlock/send`: the member's choice of channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnlockSendRequest {
    pub unlock_id: String,
    pub channel: Channel,
}

// ---- Change password --------------------------------------------------------

/// `POST /v1/password/change` with a bearer session. `current_password` is
/// required for a normal session, not for a temporary-password session.
/// Answers a fresh [`LoginResponse`] (full session).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[serde(default)]
    pub current_password: Option<Secret>,
    pub new_password: Secret,
    pub new_password_confirmation: Secret,
}

// ---- Registration ("Pas encore inscrit ?") ----------------------------------

/// `POST /v1/register`: must match a member record; answered `202`
/// [`Accepted`] either way. The activation code comes by e-mail; then
/// `codes/verify` (purpose `registration`, identifier = the NIR) and
/// `password/reset` set the first password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub nir: String,
    pub member_number: String,
    pub birthdate: String,
    pub email: String,
}

// ---- Kiosk devices ----------------------------------------------------------

/// `POST /v1/devices`: enrolment with the secret from the server's config.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolDeviceRequest {
    pub enrolment_secret: Secret,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolDeviceResponse {
    pub device_id: String,
    /// HMAC-SHA256 key for signing requests. The server keeps it to verify
    /// signatures; the kiosk keeps it in its OS keyring.
    pub device_key: Secret,
}

/// `POST /v1/devices/heartbeat` (signed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    pub version: String,
    pub healthy: bool,
    #[serde(default)]
    pub detail: Option<String>,
}

/// One line of `GET /v1/admin/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatus {
    pub device_id: String,
    pub name: String,
    pub version: Option<String>,
    pub healthy: Option<bool>,
    pub detail: Option<String>,
    pub enrolled_at: i64,
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
