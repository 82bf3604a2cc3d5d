//! `POST /v1/login`.

use borne_api::Coded;
use super::extract::ApiJson;
use super::ApiFailure;
use crate::error::Failure;
use crate::login::log_in;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use borne_api::{LoginRequest, LoginResponse};
use borne_core::{password, BorneError, Identifier};

pub(super) async fn login(
    State(state): State<AppState>,
    ApiJson(LoginRequest { identifier, password }): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiFailure> {
    let support = &state.config.support;
    // Input checks first, before any database work.
    let refuse = |e: BorneError| {
        tracing::info!(outcome = "invalid_input", code = ?e.code(), "log-in refused");
        ApiFailure::new(e, support)
    };
    let identifier = Identifier::parse(&identifier).map_err(refuse)?;
    if password.is_empty() {
        return Err(refuse(BorneError::PasswordMissing));
    }
    if password.expose().chars().count() > password::MAX_LENGTH {
        return Err(refuse(BorneError::BadRequest));
    }
    // Its own task: a client that hangs up mid-way cannot cancel the
    // settlement of an attempt.
    let flow_state = state.clone();
    let outcome = tokio::spawn(async move { log_in(&flow_state, &identifier, password).await })
        .await
        .unwrap_or_else(|e| Err(Failure::Internal(anyhow::anyhow!("log-in task failed: {e}"))));
    outcome.map(Json).map_err(|f| ApiFailure::from_failure(f, support))
}
