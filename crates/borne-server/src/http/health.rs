//! Liveness and readiness probes.

use super::ApiFailure;
use crate::state::AppState;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::State;
use std::net::SocketAddr;
use axum::response::{IntoResponse, Response};
use borne_core::BorneError;

errors!(HealthzErrors {});

/// `GET /healthz`: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "Exploitation",
    summary = "Vivacité",
    description = "Le processus répond.",
    responses((status = 200, description = "Vivant.", body = String, content_type = "text/plain"), HealthzErrors),
)]
pub(super) async fn healthz() -> &'static str {
    "ok"
}

errors!(ReadyzErrors {
    503 "Base de données injoignable." [BackendUnavailable],
});

/// `GET /readyz`: 200 when the database answers `SELECT 1`, else 503.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "Exploitation",
    summary = "Disponibilité",
    description = "200 quand la base de données répond.",
    responses((status = 200, description = "Prêt.", body = String, content_type = "text/plain"), ReadyzErrors),
)]
pub(super) async fn readyz(State(state): State<AppState>) -> Response {
    if state.db.is_ready().await {
        "ready".into_response()
    } else {
        tracing::warn!("readiness: the database does not answer");
        ApiFailure::new(BorneError::BackendUnavailable, &state.config.support).into_response()
    }
}

errors!(MetricsErrors {});

/// `GET /metrics`: the outbox in Prometheus text format (OpenMetrics): depth
/// and oldest age per channel, forms waiting, and this process's counts of
/// messages sent, retried, failed and dropped.
/// Only for [`crate::ServerConfig::metrics_from`] (the TCP peer, not a
/// forwarded address); anyone else gets the answer of an unknown path.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "Exploitation",
    summary = "Métriques de la file des messages",
    description = "File des messages au format texte Prometheus (OpenMetrics) : messages en attente par canal (`borne_outbox_pending`), âge du plus ancien (`borne_outbox_oldest_pending_seconds`), formulaires en attente (`borne_outbox_pending_requests`), et, pour ce processus, messages envoyés, réessayés, refusés et abandonnés par canal (`borne_outbox_sent_total`, `…_retried_total`, `…_failed_total`, `…_dropped_total`). Aucun contenu, aucun destinataire.",
    responses((status = 200, description = "Les métriques.", body = String, content_type = "application/openmetrics-text"), MetricsErrors),
)]
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
