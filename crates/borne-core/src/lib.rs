//! Domain rules of Borne Adhérent.
//!
//! This crate is the single source of truth for every rule a member meets:
//! the NIR (numéro de sécurité sociale) check, the date of birth and its
//! agreement with the NIR, the member number, the one-time code, the e-mail
//! check, the password policy and the order of a new password's checks,
//! and every error as a value ([`BorneError`]). The wire types and error
//! codes are in `borne-api`, the messages a member reads in
//! `borne-content`. It depends on neither Tauri nor HTTP, so the app, the
//! client and the reference server all share it.

pub mod birthdate;
pub mod code;
pub mod contact;
pub mod email;
pub mod error;
pub mod identifier;
pub mod lang;
pub mod member_number;
pub mod nir;
pub mod password;
pub mod rule;
pub mod secret;
pub mod support;

/// Timings of the account procedures that the app enforces and the UI shows.
pub mod procedures {
    /// The delay, in seconds, before a member may ask again for the same
    /// e-mail (forgotten password, activation code, unlock link) at a kiosk:
    /// the app refuses a `resend` with `too_many_requests` until it is over,
    /// and the UI counts it down, so that repeated presses at a busy kiosk
    /// do not flood the member's inbox or the mail service.
    pub const RESEND_COOLDOWN_SECS: u64 = 60;
}

pub use birthdate::BirthDate;
pub use error::BorneError;
pub use identifier::Identifier;
pub use lang::Lang;
pub use nir::Nir;
pub use secret::Secret;
