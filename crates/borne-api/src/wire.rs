//! Wire types of the backend API (`/v1`), shared by the client and the
//! reference server. Serde only: no HTTP here.

use crate::codes::{Coded, ErrorCode};
use borne_core::password::Rule;
use borne_core::{BorneError, Secret};
use serde::{Deserialize, Serialize};

/// `POST /v1/login`. `identifier` is the canonical NIR (15 characters, no
/// separators) or the e-mail address, lower-cased.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(examples("278036912304534", "jeanne.martin@exemple.fr")))]
    pub identifier: String,
    /// The account's password, or the temporary one received by SMS (1 to 128 characters).
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 1, max_length = 128))]
    pub password: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Opaque bearer token for `Authorization: Bearer …`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Secret,
    /// The token's lifetime, in seconds.
    pub expires_in_secs: u64,
    pub member: MemberSummary,
    /// True after a log-in with an SMS temporary password: the session then
    /// only allows `POST /v1/password/change`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub must_change_password: bool,
}

/// What the personal space shows of the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberSummary {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// The body of every error answer. The optional fields are absent (never
/// `null`) when they do not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    /// The member-facing message, in French, to show as it is; it says what
    /// to do next and never quotes what was typed.
    pub message: String,
    /// For `wrong_password` and `code_invalid`: the tries left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub attempts_left: Option<u32>,
    /// For `too_many_requests`: seconds before trying again (also the
    /// `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub retry_after_secs: Option<u64>,
    /// For `password_policy`: the rules the new password breaks.
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
        }
    }
}

// ---- Forgotten password (MPN guide, "MOT DE PASSE OUBLIÉ") -----------------

/// `POST /v1/password/forgot`: (A) NIR with key or e-mail, (B) member number
/// ("numéro interne"), (C) the account's e-mail. Always answered `202` with the
/// same [`Accepted`] body, whether or not the data match an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    /// (A) The NIR with its key (spaces allowed) or the account's e-mail.
    pub identifier: String,
    /// (B) The member number printed on the card; compared ignoring case,
    /// spaces and hyphens.
    #[cfg_attr(feature = "openapi", schema(examples("MPN-000123")))]
    pub member_number: String,
    /// (C) The account's e-mail.
    pub email: String,
}

/// The answer that says nothing about whether an account exists (its
/// texts: `borne_content::accepted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    /// The message to show as it is, the same whether or not the data
    /// match an account.
    pub message: String,
}

/// What a one-time code (sent by e-mail, typed at a kiosk) was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyCodeRequest {
    pub purpose: Purpose,
    /// The NIR or e-mail the procedure started with (the NIR for `unlock`
    /// and `registration`).
    pub identifier: String,
    /// The 6-digit code received by e-mail.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{6}$"))]
    pub code: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// Single-use token for `POST /v1/password/reset`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Secret,
    /// The token's lifetime, in seconds.
    pub expires_in_secs: u64,
}

/// `POST /v1/password/reset`: sets a new password with a token (from the
/// e-mail's link or from `codes/verify`), single use. Answers `204`; the
/// lockout is cleared, every session revoked, a notification e-mail sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Secret,
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password: Secret,
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password_confirmation: Secret,
}

// ---- Unlock (MGEN guide) ----------------------------------------------------

/// `POST /v1/unlock`: NIR + date of birth « jj/mm/aaaa ».
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    /// The NIR with its key (15 characters; spaces allowed, 2A/2B for Corsica).
    #[cfg_attr(feature = "openapi", schema(examples("2 78 03 69 123 045 34")))]
    pub nir: String,
    /// « jj/mm/aaaa », matching the year and month the NIR carries.
    #[cfg_attr(feature = "openapi", schema(examples("15/03/1978")))]
    pub birthdate: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelOption {
    pub channel: Channel,
    /// `06 •• •• •• 42` or `j•••@exemple.fr`.
    pub masked: String,
}

/// The channels the insurer knows; when only one exists it has already been
/// used, and `sent` says which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnlockResponse {
    /// For `POST /v1/unlock/send` (valid 15 minutes).
    pub unlock_id: String,
    /// The channels the insurer knows.
    pub channels: Vec<ChannelOption>,
    /// When only one channel exists, the one already used; otherwise `null`
    /// and the member chooses.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub sent: Option<ChannelOption>,
}

/// `POST /v1/unlock/send`: the member's choice of channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnlockSendRequest {
    /// The `unlock_id` of `POST /v1/unlock` (at most 64 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub unlock_id: String,
    pub channel: Channel,
}

// ---- Change password --------------------------------------------------------

/// `POST /v1/password/change` with a bearer session. `current_password` is
/// required for a normal session, not for a temporary-password session.
/// Answers a fresh [`LoginResponse`] (full session).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// Required for a normal session; absent or `null` for a session opened
    /// with a temporary password.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 128))]
    pub current_password: Option<Secret>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password: Secret,
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 128))]
    pub new_password_confirmation: Secret,
}

// ---- Registration ("Pas encore inscrit ?") ----------------------------------

/// `POST /v1/register`: must match a member record; answered `202`
/// [`Accepted`] either way. The activation code comes by e-mail; then
/// `codes/verify` (purpose `registration`, identifier = the NIR) and
/// `password/reset` set the first password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The NIR with its key (15 characters; spaces allowed, 2A/2B for Corsica).
    pub nir: String,
    /// The member number printed on the card.
    pub member_number: String,
    /// « jj/mm/aaaa », matching the year and month the NIR carries.
    pub birthdate: String,
    /// The e-mail the insurer knows for this member.
    pub email: String,
}

// ---- Kiosk devices ----------------------------------------------------------

/// `POST /v1/devices`: enrolment with the secret from the server's config.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolDeviceRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    /// The enrolment secret of the server's configuration.
    pub enrolment_secret: Secret,
    /// The kiosk's name (branch, place): 1 to 64 characters, no control character.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolDeviceResponse {
    /// 32 lower-case hex characters, for the `X-Borne-Device` header.
    pub device_id: String,
    /// HMAC-SHA256 key for signing requests. The server keeps it to verify
    /// signatures; the kiosk keeps it in its OS keyring.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_key: Secret,
}

/// `POST /v1/devices/heartbeat` (signed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    /// The kiosk app's version: 1 to 64 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub version: String,
    /// The kiosk considers itself fit to serve.
    pub healthy: bool,
    /// At most 1,000 characters, no personal data (not logged).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub detail: Option<String>,
}

/// One line of `GET /v1/admin/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceStatus {
    pub device_id: String,
    pub name: String,
    /// Of the last heartbeat; `null` before the first.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub version: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub healthy: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub detail: Option<String>,
    /// Enrolment time, Unix seconds.
    pub enrolled_at: i64,
    /// Last heartbeat, Unix seconds; `null` before the first.
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
