//! Wire types of the backend API (`/v1`), shared by the client and the
//! reference server. Serde only: no HTTP here.

use crate::error::{BorneError, ErrorCode};
use crate::secret::Secret;
use crate::support::Support;
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
}

impl ApiError {
    pub fn from_error(e: &BorneError, support: &Support) -> ApiError {
        ApiError {
            code: e.code(),
            message: e.message(support),
            attempts_left: match e {
                BorneError::WrongPassword { attempts_left } => Some(*attempts_left),
                _ => None,
            },
            retry_after_secs: match e {
                BorneError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
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
            C::Unexpected => BorneError::Unexpected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_round_trip() {
        let s = Support::default();
        for e in [
            BorneError::WrongPassword { attempts_left: 2 },
            BorneError::UnknownProfile,
            BorneError::AccountBlocked,
            BorneError::TooManyRequests { retry_after_secs: 30 },
        ] {
            let json = serde_json::to_string(&ApiError::from_error(&e, &s)).unwrap();
            let back: ApiError = serde_json::from_str(&json).unwrap();
            assert_eq!(back.into_error(), e);
        }
    }

    #[test]
    fn login_request_refuses_unknown_fields() {
        assert!(serde_json::from_str::<LoginRequest>(r#"{"identifier":"a","password":"b","x":1}"#).is_err());
    }
}
