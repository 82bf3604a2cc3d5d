//! Error answers: the status for each `BorneError`, and the `ApiError` body.

use crate::error::{api_error, Failure};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use borne_api::ApiError;
use borne_core::support::Support;
use borne_core::BorneError;

/// An error answer, its body already rendered with the insurer's contacts.
#[derive(Debug)]
pub(crate) struct ApiFailure {
    status: StatusCode,
    body: ApiError,
}

impl ApiFailure {
    pub(crate) fn new(error: BorneError, support: &Support) -> ApiFailure {
        ApiFailure { status: status_of(&error), body: api_error(&error, support) }
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> ApiFailure {
        self.status = status;
        self
    }

    /// Internal errors are logged here (their chains hold no member data)
    /// and answered as `unexpected`.
    pub(crate) fn from_failure(failure: Failure, support: &Support) -> ApiFailure {
        match failure {
            Failure::Member(e) => ApiFailure::new(e, support),
            Failure::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "internal error");
                ApiFailure::new(BorneError::Unexpected, support)
            }
        }
    }
}

pub(crate) fn status_of(e: &BorneError) -> StatusCode {
    use BorneError::*;
    match e {
        IdentifierMissing | NirLength { .. } | NirCharacters | NirFirstDigit | NirKey | EmailInvalid | PasswordMissing
        | BadRequest | BirthDateMissing | BirthDateFormat | BirthDateInvalid | BirthDateNirMismatch
        | MemberNumberMissing | PasswordsDiffer | CodeMissing | CodeFormat | PhoneInvalid => StatusCode::BAD_REQUEST,
        PasswordPolicy { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        WrongPassword { .. } | SessionExpired | CurrentPasswordWrong | DeviceUnauthorized => StatusCode::UNAUTHORIZED,
        CodeInvalid { .. } => StatusCode::UNAUTHORIZED,
        CodeExpired => StatusCode::GONE,
        IdentityNotVerified | PasswordChangeRequired => StatusCode::FORBIDDEN,
        NotBlocked | ChannelUnavailable | NoContactChannel | ContactInUse | ContactUnchanged => StatusCode::CONFLICT,
        UnknownProfile => StatusCode::NOT_FOUND,
        AccountBlocked => StatusCode::LOCKED,
        TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        BackendUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        Unexpected => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let retry_after = self.body.retry_after_secs;
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

pub(super) async fn not_found(State(state): State<AppState>) -> ApiFailure {
    ApiFailure::new(BorneError::BadRequest, &state.config.support).with_status(StatusCode::NOT_FOUND)
}

pub(super) async fn method_not_allowed(State(state): State<AppState>) -> ApiFailure {
    ApiFailure::new(BorneError::BadRequest, &state.config.support).with_status(StatusCode::METHOD_NOT_ALLOWED)
}
