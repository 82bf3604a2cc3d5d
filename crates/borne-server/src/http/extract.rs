//! Extractors whose refusals are `ApiError` bodies, never axum's plain text.

use super::ApiFailure;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use axum::Json;
use borne_core::{BorneError, Secret};
use serde::de::DeserializeOwned;

/// A JSON body. Bad JSON, a wrong content type, an unknown or missing field:
/// 400 `bad_request`. The parser's message is not logged (it may quote input).
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiFailure> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                tracing::info!(status = rejection.status().as_u16(), outcome = "bad_request", "request body refused");
                Err(ApiFailure::new(BorneError::BadRequest, &state.config.support))
            }
        }
    }
}

/// Longest token accepted (ours are 43 characters).
const MAX_TOKEN_LEN: usize = 256;

/// `Authorization: Bearer <token>`; anything else is 401 `session_expired`.
pub(crate) struct BearerToken(pub Secret);

impl FromRequestParts<AppState> for BearerToken {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiFailure> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_LEN);
        match token {
            Some(t) => Ok(BearerToken(Secret::new(t))),
            None => Err(ApiFailure::new(BorneError::SessionExpired, &state.config.support)),
        }
    }
}
