//! Domain rules of Borne Adhérent.
//!
//! This crate is the single source of truth for every rule a member meets:
//! the NIR (numéro de sécurité sociale) check, the e-mail check, the password
//! policy, and the French messages of every error. It depends on neither Tauri
//! nor HTTP, so the app, the client and the reference server all share it.

pub mod api;
pub mod birthdate;
pub mod contact;
pub mod email;
pub mod error;
pub mod identifier;
pub mod nir;
pub mod password;
pub mod secret;
pub mod support;

pub use birthdate::BirthDate;
pub use error::{BorneError, ErrorCode};
pub use identifier::Identifier;
pub use nir::Nir;
pub use secret::Secret;
