//! `GET /openapi.json`: the API's contract, the file committed beside the
//! crate's `Cargo.toml`, served byte for byte. `tests/openapi.rs` checks it
//! against the wire types of `borne_api` and against this router.

use axum::http::header;
use axum::response::IntoResponse;

/// The committed OpenAPI 3.1 document.
pub(crate) const DOCUMENT: &str = include_str!("../../openapi.json");

pub(super) async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
