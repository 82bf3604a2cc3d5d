//! The kiosk signature middleware: a request carrying `X-Borne-Device` is
//! checked against the device's key ([`DeviceAuth::verify`], in
//! `crate::devices` with the rest of the enrolment and signature rules).

use crate::devices::{DeviceAuth, SignedDevice, DEVICE_HEADER, MAX_SIGNED_BODY};
use crate::http::ApiFailure;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use borne_core::BorneError;

/// The answer to a request that is not signed by an enrolled device:
/// 401 `device_unauthorized`.
pub(crate) fn refusal(auth: &DeviceAuth) -> ApiFailure {
    ApiFailure::new(BorneError::DeviceUnauthorized, auth.support())
}

/// Middleware: a request carrying `X-Borne-Device` must be correctly signed
/// (else 401 `device_unauthorized`); the verified device becomes a request
/// extension (for the handlers and the per-device throttle). Requests
/// without the header pass untouched, unless the configuration requires a
/// signature. Layer it on the outermost router (the signature covers the
/// full path), e.g.
/// `.layer(axum::middleware::from_fn_with_state(auth, verify_signature))`.
/// A request already verified (the layer applied twice) is not checked again.
pub async fn verify_signature(State(auth): State<DeviceAuth>, req: Request, next: Next) -> Response {
    if req.extensions().get::<SignedDevice>().is_some() {
        return next.run(req).await;
    }
    if !req.headers().contains_key(DEVICE_HEADER) {
        if auth.requires_signature(req.uri().path()) {
            tracing::info!(outcome = "device_refused", reason = "unsigned", "unsigned request refused");
            return refusal(&auth).into_response();
        }
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_SIGNED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            tracing::info!(outcome = "bad_request", reason = "body_too_large", "signed request refused");
            return ApiFailure::new(BorneError::BadRequest, auth.support())
                .with_status(StatusCode::PAYLOAD_TOO_LARGE)
                .into_response();
        }
    };
    match auth.verify(&parts, &bytes).await {
        Ok(device) => {
            parts.extensions.insert(device);
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        Err(failure) => ApiFailure::from_failure(failure, auth.support()).into_response(),
    }
}
