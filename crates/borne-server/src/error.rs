//! Why a request could not be served: an error the member can read, or an
//! internal one (logged, answered as `unexpected`).

use borne_api::ApiError;
use borne_core::support::Support;
use borne_core::BorneError;

/// The body of an error answer: its code and details, and the member's
/// message in the insurer's words (French: the API's language).
pub(crate) fn api_error(error: &BorneError, support: &Support) -> ApiError {
    ApiError::new(error, borne_content::errors::message_fr(error, support))
}

#[derive(Debug)]
pub(crate) enum Failure {
    Member(BorneError),
    Internal(anyhow::Error),
}

impl From<BorneError> for Failure {
    fn from(e: BorneError) -> Self {
        Failure::Member(e)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Internal(e)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::Internal(e.into())
    }
}
