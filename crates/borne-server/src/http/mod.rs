//! The HTTP API: routes, extractors, error answers, and the layers every
//! request goes through (the client's address through trusted proxies,
//! throttling per address, kiosk signature, throttling per kiosk).

#[macro_use]
pub(crate) mod openapi;
mod account;
pub(crate) mod devices;
mod error;
mod extract;
mod flows;
mod health;
mod login;
pub mod middleware;
pub(crate) mod pages;
mod session;

use crate::state::AppState;
use axum::middleware::from_fn_with_state;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) use error::ApiFailure;
pub use openapi::{document as openapi_document, document_json as openapi_json};

/// The documented routes: each handler with its `#[utoipa::path]`, so that
/// the OpenAPI document ([`openapi::document`]) lists exactly what is routed.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(openapi::openapi))
        .routes(routes!(login::login))
        .routes(routes!(session::session))
        .routes(routes!(session::logout))
        .routes(routes!(flows::forgot))
        .routes(routes!(flows::verify_code))
        .routes(routes!(flows::reset))
        .routes(routes!(flows::change_password))
        .routes(routes!(flows::unlock))
        .routes(routes!(flows::unlock_send))
        .routes(routes!(flows::register))
        .routes(routes!(account::contacts))
        .routes(routes!(account::change))
        .routes(routes!(account::confirm))
        .routes(routes!(account::activity))
        .routes(routes!(account::sessions))
        .routes(routes!(account::end_others))
        .routes(routes!(account::block))
        .merge(devices::api_routes())
        .merge(pages::routes())
}

/// Every route of the API, ready to serve (with
/// `into_make_service_with_connect_info::<SocketAddr>()`, so that throttling
/// and the demo outbox know the client's address).
pub fn router(state: AppState) -> Router {
    let (device_auth, throttle, proxies) = (state.devices.clone(), state.throttle.clone(), state.proxies.clone());
    let dev = crate::delivery::dev_router(state.delivery.clone());
    Router::from(api_routes())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(from_fn_with_state(throttle.clone(), middleware::throttle::by_device))
        .layer(from_fn_with_state(device_auth, middleware::signature::verify_signature))
        .layer(from_fn_with_state(throttle, middleware::throttle::by_address))
        .layer(from_fn_with_state(proxies, crate::client::resolve_address))
        .with_state(state)
        .merge(dev)
}
