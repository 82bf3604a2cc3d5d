//! The HTTP API: routes, extractors, error answers, and the layers every
//! request goes through (the client's address through trusted proxies,
//! throttling per address, kiosk signature, throttling per kiosk).

pub(crate) mod devices;
mod error;
mod extract;
mod flows;
mod health;
mod login;
mod openapi;
mod session;

use crate::state::AppState;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

pub(crate) use error::{api_error, ApiFailure};

/// Every route of the API, ready to serve (with
/// `into_make_service_with_connect_info::<SocketAddr>()`, so that throttling
/// and the demo outbox know the client's address).
pub fn router(state: AppState) -> Router {
    let (device_auth, throttle, proxies) = (state.devices.clone(), state.throttle.clone(), state.proxies.clone());
    let dev = crate::delivery::dev_router(state.delivery.clone());
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::openapi))
        .route("/v1/login", post(login::login))
        .route("/v1/session", get(session::session))
        .route("/v1/logout", post(session::logout))
        .route("/v1/password/forgot", post(flows::forgot))
        .route("/v1/codes/verify", post(flows::verify_code))
        .route("/v1/password/reset", post(flows::reset))
        .route("/v1/password/change", post(flows::change_password))
        .route("/v1/unlock", post(flows::unlock))
        .route("/v1/unlock/send", post(flows::unlock_send))
        .route("/v1/register", post(flows::register))
        .merge(devices::routes())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(from_fn_with_state(throttle.clone(), crate::throttle::by_device))
        .layer(from_fn_with_state(device_auth, crate::devices::verify_signature))
        .layer(from_fn_with_state(throttle, crate::throttle::by_address))
        .layer(from_fn_with_state(proxies, crate::client::resolve_address))
        .with_state(state)
        .merge(dev)
}
