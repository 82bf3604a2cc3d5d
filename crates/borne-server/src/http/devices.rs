//! `POST /v1/devices` (enrolment), `POST /v1/devices/heartbeat` (signed by
//! the kiosk), `GET /v1/admin/devices` (admin token). The handlers take
//! [`DeviceAuth`] from any router state that provides it (`FromRef`).

use crate::devices::{self, DeviceAuth, SignedDevice, DETAIL_MAX_CHARS, NAME_MAX_CHARS, VERSION_MAX_CHARS};
use crate::error::Failure;
use crate::http::middleware::signature::refusal;
use crate::http::ApiFailure;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use axum::{Json, Router};
use borne_api::{DeviceStatus, EnrolDeviceRequest, EnrolDeviceResponse, HeartbeatRequest};
use borne_core::{BorneError, Secret};
use serde::de::DeserializeOwned;

/// The three device routes, for any state holding a [`DeviceAuth`].
/// [`super::middleware::signature::verify_signature`] must be layered on the outer router, or
/// every heartbeat is refused (401).
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    DeviceAuth: FromRef<S>,
{
    api_routes().into()
}

/// The same routes with their OpenAPI operations.
pub(super) fn api_routes<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    DeviceAuth: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(enrol)).routes(routes!(heartbeat)).routes(routes!(list))
}

errors!(EnrolDeviceErrors {
    400 "JSON mal formé, ou nom vide, de plus de 64 caractères ou contenant un caractère de contrôle." [BadRequest],
    401 "Secret d'enrôlement incorrect, ou enrôlement fermé." [DeviceUnauthorized],
});

/// Enrolment: 201 with the device's id and key when the enrolment secret is
/// right; 401 `device_unauthorized` otherwise (also when none is configured);
/// 400 for a name that is empty, too long or holds control characters.
#[utoipa::path(
    post,
    path = "/v1/devices",
    operation_id = "enrolDevice",
    tag = "Bornes",
    summary = "Enrôler une borne",
    description = "Avec le secret d'enrôlement de la configuration du serveur (sans secret configuré, tout enrôlement est refusé). Répond l'identifiant de la borne et sa clé de signature, à garder dans le trousseau du système.",
    request_body(content = EnrolDeviceRequest, description = "Le secret d'enrôlement et le nom de la borne."),
    responses((status = 201, description = "Borne enrôlée.", body = EnrolDeviceResponse), EnrolDeviceErrors),
)]
pub(crate) async fn enrol(
    State(auth): State<DeviceAuth>,
    DeviceJson(request): DeviceJson<EnrolDeviceRequest>,
) -> Result<(StatusCode, Json<EnrolDeviceResponse>), ApiFailure> {
    if !auth.enrolment_allowed(&request.enrolment_secret) {
        tracing::info!(outcome = "enrolment_refused", "device enrolment refused");
        return Err(refusal(&auth));
    }
    let name = request.name.trim();
    if !is_short_text(name, NAME_MAX_CHARS) {
        return Err(ApiFailure::new(BorneError::BadRequest, auth.support()));
    }
    match devices::enrol(&auth, name).await {
        Ok((device_id, device_key)) => {
            tracing::info!(device_id, outcome = "device_enrolled", "device enrolled");
            Ok((StatusCode::CREATED, Json(EnrolDeviceResponse { device_id, device_key })))
        }
        Err(e) => Err(ApiFailure::from_failure(Failure::Internal(e), auth.support())),
    }
}

errors!(DeviceHeartbeatErrors {
    400 "JSON mal formé, version vide ou de plus de 64 caractères, détail de plus de 1 000 caractères." [BadRequest],
    401 "Requête non signée, borne inconnue, horodatage à plus de 5 minutes de l'heure du serveur, signature invalide ou déjà vue." [DeviceUnauthorized],
    413 "Corps signé de plus de 256 Kio." [BadRequest],
});

/// A signed heartbeat: records version, health, detail and the time; 204.
#[utoipa::path(
    post,
    path = "/v1/devices/heartbeat",
    operation_id = "deviceHeartbeat",
    tag = "Bornes",
    summary = "Battement de cœur d'une borne",
    description = "Requête signée par la borne (schémas de sécurité `deviceId`, `deviceTimestamp`, `deviceSignature`, exigés ensemble). Enregistre la version, l'état et l'heure.",
    security(("deviceId" = [], "deviceTimestamp" = [], "deviceSignature" = [])),
    request_body(content = HeartbeatRequest, description = "Version et état de la borne (corps signé)."),
    responses((status = 204, description = "État enregistré."), DeviceHeartbeatErrors),
)]
pub(crate) async fn heartbeat(
    State(auth): State<DeviceAuth>,
    device: SignedDevice,
    DeviceJson(beat): DeviceJson<HeartbeatRequest>,
) -> Result<StatusCode, ApiFailure> {
    let version = beat.version.trim();
    let detail = beat.detail.as_deref().map(str::trim).filter(|d| !d.is_empty());
    if !is_short_text(version, VERSION_MAX_CHARS) || detail.is_some_and(|d| d.chars().count() > DETAIL_MAX_CHARS) {
        return Err(ApiFailure::new(BorneError::BadRequest, auth.support()));
    }
    // Unknown (deleted) devices are refused.
    match crate::store::devices::heartbeat(&auth.db.pool, &device.device_id, version, beat.healthy, detail, crate::store::now()).await {
        Ok(true) => {
            // The detail is free text from the kiosk: not logged.
            tracing::info!(device_id = device.device_id, version, healthy = beat.healthy, outcome = "heartbeat", "device heartbeat");
            Ok(StatusCode::NO_CONTENT)
        }
        Ok(false) => Err(refusal(&auth)),
        Err(e) => Err(ApiFailure::from_failure(Failure::Internal(e), auth.support())),
    }
}

errors!(ListDevicesErrors {
    401 "Jeton d'administration absent ou incorrect (ou aucun configuré)." [DeviceUnauthorized],
});

/// Every device with its last heartbeat, for `Authorization: Bearer <admin token>`.
#[utoipa::path(
    get,
    path = "/v1/admin/devices",
    operation_id = "listDevices",
    tag = "Bornes",
    summary = "État des bornes",
    description = "Pour l'exploitation : chaque borne enrôlée et son dernier battement.",
    security(("adminToken" = [])),
    responses((status = 200, description = "Les bornes enrôlées.", body = Vec<DeviceStatus>), ListDevicesErrors),
)]
pub(crate) async fn list(State(auth): State<DeviceAuth>, headers: HeaderMap) -> Result<Json<Vec<DeviceStatus>>, ApiFailure> {
    let allowed = bearer(&headers).is_some_and(|token| auth.admin_allowed(&token));
    if !allowed {
        tracing::info!(outcome = "admin_refused", "device list refused");
        return Err(refusal(&auth));
    }
    match auth.db.list_devices().await {
        Ok(list) => Ok(Json(list)),
        Err(e) => Err(ApiFailure::from_failure(Failure::Internal(e), auth.support())),
    }
}

/// Non-empty, at most `max` characters, no control character.
fn is_short_text(s: &str, max: usize) -> bool {
    !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// Longest bearer token looked at.
const MAX_TOKEN_LEN: usize = 256;

fn bearer(headers: &HeaderMap) -> Option<Secret> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_LEN)
        .map(Secret::new)
}

/// A JSON body under any state holding a [`DeviceAuth`]; a refusal is 400
/// `bad_request` (the parser's message is not logged: it may quote input).
pub(crate) struct DeviceJson<T>(pub T);

impl<S, T> FromRequest<S> for DeviceJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
    DeviceAuth: FromRef<S>,
{
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiFailure> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(DeviceJson(value)),
            Err(rejection) => {
                tracing::info!(status = rejection.status().as_u16(), outcome = "bad_request", "request body refused");
                Err(ApiFailure::new(BorneError::BadRequest, DeviceAuth::from_ref(state).support()))
            }
        }
    }
}

/// The device [`super::middleware::signature::verify_signature`] verified; 401 when the request
/// was not signed (or the middleware is missing).
impl<S> FromRequestParts<S> for SignedDevice
where
    S: Send + Sync,
    DeviceAuth: FromRef<S>,
{
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiFailure> {
        match parts.extensions.get::<SignedDevice>() {
            Some(device) => Ok(device.clone()),
            None => {
                tracing::info!(outcome = "device_refused", reason = "unsigned", "signed request required");
                Err(refusal(&DeviceAuth::from_ref(state)))
            }
        }
    }
}
