//! Reference backend of Borne Adhérent.
//!
//! - `POST /v1/login`: log-in by NIR or e-mail and password (Argon2id), with
//!   the insurers' lockout after 3 consecutive failures, decided atomically
//!   in the database ([`lockout`](crate::lockout) module docs).
//! - `GET /v1/session`, `POST /v1/logout`: bearer sessions; only the SHA-256
//!   of a token is stored.
//! - `GET /healthz`, `GET /readyz`.
//!
//! Every error answer is a [`borne_api::ApiError`] body. No NIR,
//! e-mail, password, token or birth date is ever logged: log lines carry
//! member ids and outcomes only.
//!
//! The library is used in-process by the app's demo mode and by tests
//! ([`spawn`]); the `borne-server` binary wraps it with a command line.

// The integration tests' databases, so that unit tests of the database
// rules run on SQLite and PostgreSQL alike (`on_each_backend!`).
#[cfg(test)]
#[macro_use]
#[path = "../tests/common/databases.rs"]
mod test_databases;

mod account;
mod account_centre;
mod audit;
pub mod config;
pub mod config_file;
mod counters;
mod store;
pub mod delivery;
pub mod demo;
mod error;
mod http;
mod lockout;
mod login;
mod members;
mod metrics;
mod passwords;
mod flows;
mod hashing;
mod maintenance;
mod budget;
pub mod client;
mod notify;
mod outbox;
mod proofs;
mod server;
mod sessions;
mod state;
mod temporary_passwords;

pub use audit::AuditEntry;
pub use config::ServerConfig;
pub use store::Db;
pub use http::{openapi_document, openapi_json, router};
pub use members::{InvalidMember, NewMember};
pub use metrics::Metrics;
pub use passwords::{hash_password_blocking, verification_permits, verify_password_blocking, HashingMemory, HASHING_THREAD_NAME};
pub use server::{spawn, RunningServer};
pub use state::AppState;

// Kiosk devices and throttling.
pub mod devices;
pub mod throttle;
pub use http::devices::routes as device_routes;
/// The layers of [`router`], for routers assembled by hand (tests).
pub use http::middleware;
