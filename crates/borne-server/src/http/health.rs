//! Liveness and readiness probes.

use super::ApiFailure;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use borne_core::BorneError;

/// `GET /healthz`: the process answers.
pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 when the database answers `SELECT 1`, else 503.
pub(super) async fn readyz(State(state): State<AppState>) -> Response {
    if state.db.is_ready().await {
        "ready".into_response()
    } else {
        tracing::warn!("readiness: the database does not answer");
        ApiFailure::new(BorneError::BackendUnavailable, &state.config.support).into_response()
    }
}
