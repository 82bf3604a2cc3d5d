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

errors!(SessionErrors {
    401 "Jeton absent, inconnu, expiré ou révoqué." [SessionExpired],
    403 "Session ouverte avec un mot de passe temporaire : changer d'abord le mot de passe." [PasswordChangeRequired],
});

/// Who the token belongs to; 401 `session_expired` when it is unknown,
/// expired or revoked.
#[utoipa::path(
    get,
    path = "/v1/session",
    operation_id = "session",
    tag = "Connexion",
    summary = "Session en cours",
    description = "L'adhérent à qui appartient le jeton.",
    security(("sessionToken" = [])),
    responses((status = 200, description = "Session valide.", body = MemberSummary), SessionErrors),
)]
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

errors!(LogoutErrors {
    401 "En-tête `Authorization: Bearer …` absent ou mal formé." [SessionExpired],
});

/// Revokes the token: 204, also when it was already revoked or unknown.
#[utoipa::path(
    post,
    path = "/v1/logout",
    operation_id = "logout",
    tag = "Connexion",
    summary = "Se déconnecter",
    description = "Révoque le jeton. Idempotent : 204 aussi pour un jeton déjà révoqué ou inconnu. Pas de corps de requête.",
    security(("sessionToken" = [])),
    responses((status = 204, description = "Session fermée."), LogoutErrors),
)]
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
