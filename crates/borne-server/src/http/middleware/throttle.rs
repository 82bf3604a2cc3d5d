//! The throttling middleware: [`crate::throttle::Throttle`]'s budgets
//! applied to requests, 429 `too_many_requests` with `Retry-After` over
//! budget (the limiters and their rules: `crate::throttle`).

use crate::client::{address_key, ClientAddress};
use crate::devices::SignedDevice;
use crate::http::ApiFailure;
use crate::throttle::{is_sensitive, Throttle};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use borne_core::BorneError;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

fn refuse(throttle: &Throttle, retry_after_secs: u64) -> Response {
    ApiFailure::new(BorneError::TooManyRequests { retry_after_secs }, throttle.support()).into_response()
}

/// A member's browser on the e-mail links' pages reads the same message as
/// a page ([`crate::http::pages::too_many_requests`]); the API answers JSON.
fn refuse_request(throttle: &Throttle, path: &str, retry_after_secs: u64) -> Response {
    if crate::http::pages::is_page(path) {
        return crate::http::pages::too_many_requests(throttle.support(), retry_after_secs);
    }
    refuse(throttle, retry_after_secs)
}

/// The address a budget is kept for.
fn address_of(throttle: &Throttle, req: &Request) -> Option<IpAddr> {
    let resolved = req.extensions().get::<ClientAddress>().map(|ClientAddress(ip)| *ip);
    // Without the resolution layer (a router assembled by hand): the peer.
    let peer = || req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
    let ip = resolved.or_else(peer).map(address_key);
    if ip.is_none() {
        throttle.warn_no_address_once();
    }
    ip
}

/// Middleware: the per-address budgets. Layer it outermost but for the
/// address resolution ([`crate::client::resolve_address`]).
pub async fn by_address(State(throttle): State<Throttle>, req: Request, next: Next) -> Response {
    let config = throttle.config();
    if !config.enabled {
        return next.run(req).await;
    }
    let ip = address_of(&throttle, &req);
    if config.exempt_loopback && ip.is_some_and(|ip| ip.is_loopback()) {
        return next.run(req).await;
    }
    let ip = ip.unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
    let sensitive = is_sensitive(req.uri().path());
    let limit = if sensitive { "address_sensitive" } else { "address" };
    match throttle.take_address(ip, sensitive) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            tracing::info!(limit, client = %throttle.client_tag(ip), retry_after_secs, outcome = "throttled", "request throttled");
            refuse_request(&throttle, req.uri().path(), retry_after_secs)
        }
    }
}

/// Middleware: the per-device budget, for requests whose signature was
/// verified. Layer it inside [`super::signature::verify_signature`].
pub async fn by_device(State(throttle): State<Throttle>, req: Request, next: Next) -> Response {
    let device_id = match req.extensions().get::<SignedDevice>() {
        Some(device) if throttle.config().enabled => device.device_id.clone(),
        _ => return next.run(req).await,
    };
    match throttle.take_device(&device_id) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            tracing::info!(limit = "device", device_id, retry_after_secs, outcome = "throttled", "request throttled");
            refuse(&throttle, retry_after_secs)
        }
    }
}
