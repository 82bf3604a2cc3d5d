//! Liveness and readiness probes.

use super::ApiFailure;
use crate::state::AppState;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::State;
use std::net::SocketAddr;
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

/// `GET /metrics`: the outbox in Prometheus text format (OpenMetrics): depth
/// and oldest age per channel, forms waiting, and this process's counts of
/// messages sent, retried, failed and dropped.
/// Only for [`crate::ServerConfig::metrics_from`] (the TCP peer, not a
/// forwarded address); anyone else gets the answer of an unknown path.
pub(super) async fn metrics(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_canonical());
    let allowed = peer.is_some_and(|ip| state.config.metrics_from.iter().any(|net| net.contains(&ip)));
    if !allowed {
        return ApiFailure::new(BorneError::BadRequest, &state.config.support).with_status(axum::http::StatusCode::NOT_FOUND).into_response();
    }
    match crate::outbox::metrics_text(&state).await {
        Ok(text) => ([(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response(),
        Err(e) => ApiFailure::from_failure(crate::error::Failure::Internal(e), &state.config.support).into_response(),
    }
}
