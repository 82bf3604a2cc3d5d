//! The HTTP API: routes, extractors, error answers.

mod error;
mod extract;
mod health;
mod login;
mod session;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

pub(crate) use error::ApiFailure;

/// Every route of the API, ready to serve.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/v1/login", post(login::login))
        .route("/v1/session", get(session::session))
        .route("/v1/logout", post(session::logout))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state)
}
