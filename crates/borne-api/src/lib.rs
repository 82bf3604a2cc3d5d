//! The protocol between the app (through `borne-client`) and the insurer's
//! backend (`borne-server` is the reference one), written once for both:
//!
//! - [`wire`]: the JSON bodies of `/v1` (re-exported at the root);
//! - [`account`]: those of the account and security centre (`/v1/account/…`);
//! - [`codes`]: the stable error codes and the form field each belongs to;
//! - [`signing`]: how a kiosk signs its requests and how the server checks them;
//! - with the `openapi` feature, every wire type derives `utoipa::ToSchema`
//!   (the reference server generates its OpenAPI document from them).
//!
//! The member-facing texts are not here: they live in `borne-content`.

pub mod account;
pub mod codes;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod signing;
pub mod wire;

pub use account::*;
pub use codes::{Coded, ErrorCode, Field};
pub use wire::*;
