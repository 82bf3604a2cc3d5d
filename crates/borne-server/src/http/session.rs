//! `GET /v1/session` and `POST /v1/logout`.

use super::extract::BearerToken;
use super::ApiFailure;
use crate::error::Failure;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use borne_api::MemberSummary;
use borne_core::BorneError;

/// Who the token belongs to; 401 `session_expired` when it is unknown,
/// expired or revoked.
pub(super) async fn session(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<Json<MemberSummary>, ApiFailure> {
    let support = &state.config.support;
    // A session opened with an SMS temporary password only allows choosing a new password.
    match state.db.session_owner(&token).await {
        Ok(Some((_, true))) => return Err(ApiFailure::new(BorneError::PasswordChangeRequired, support)),
        Ok(_) => {}
        Err(e) => return Err(ApiFailure::from_failure(Failure::Internal(e), support)),
    }
    match state.db.session_member(&token).await {
        Ok(Some((_, member))) => Ok(Json(member)),
        Ok(None) => Err(ApiFailure::new(BorneError::SessionExpired, support)),
        Err(e) => Err(ApiFailure::from_failure(Failure::Internal(e), support)),
    }
}

/// Revokes the token: 204, also when it was already revoked or unknown.
pub(super) async fn logout(State(state): State<AppState>, BearerToken(token): BearerToken) -> Result<StatusCode, ApiFailure> {
    match state.db.revoke_session(&token).await {
        Ok(revoked) => {
            if let Some(member_id) = revoked {
                tracing::info!(member_id, outcome = "logged_out", "session revoked");
            }
            Ok(StatusCode::NO_CONTENT)
        }
        Err(e) => Err(ApiFailure::from_failure(Failure::Internal(e), &state.config.support)),
    }
}
