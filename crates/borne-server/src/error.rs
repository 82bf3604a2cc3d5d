//! Why a request could not be served: an error the member can read, or an
//! internal one (logged, answered as `unexpected`).

use borne_core::BorneError;

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
