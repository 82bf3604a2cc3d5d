//! The account procedures of the insurers' guides, as plain functions over
//! the database and the delivery of messages; `http::flows` maps them to
//! routes. Each returns a member-facing `BorneError` or an internal failure.

pub(crate) mod change;
pub(crate) mod codes;
pub(crate) mod forgot;
pub(crate) mod register;
pub(crate) mod reset;
pub(crate) mod unlock;

use crate::error::Failure;
use crate::state::AppState;
use borne_core::password::{self, PersonalInfo};
use borne_core::{BorneError, Secret};

/// How many messages one unlock request may send (choosing a channel again
/// is a resend); every message also counts against the member's budget
/// ([`crate::budget`]), shared by every request and every replica.
pub(crate) const MAX_SENDS_PER_UNLOCK: i64 = 5;

/// The new password and its confirmation, checked against every rule
/// (borne-core's policy, the member's own information), then hashed.
pub(crate) async fn new_password_hash(
    new_password: Secret,
    confirmation: &Secret,
    info: &PersonalInfo,
) -> Result<String, Failure> {
    if new_password.expose() != confirmation.expose() {
        return Err(BorneError::PasswordsDiffer.into());
    }
    let broken = password::broken_rules_with(new_password.expose(), info);
    if !broken.is_empty() {
        return Err(BorneError::PasswordPolicy { broken }.into());
    }
    Ok(crate::passwords::hash(new_password).await?)
}

/// Member numbers are compared without case and without spaces or dashes,
/// as printed on cards they are often typed differently.
pub(crate) fn same_member_number(stored: &str, typed: &str) -> bool {
    let norm = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect::<String>();
    !typed.trim().is_empty() && norm(stored) == norm(typed)
}

/// Runs a procedure's background part (what must not change the answer's
/// content or timing), logging its failure without any member data.
pub(crate) fn in_background<F>(what: &'static str, state: &AppState, f: impl FnOnce(AppState) -> F + Send + 'static)
where
    F: std::future::Future<Output = Result<(), Failure>> + Send + 'static,
{
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(Failure::Internal(e)) = f(state).await {
            tracing::error!(procedure = what, error = %format!("{e:#}"), "background procedure failed");
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn member_numbers_compare_loosely() {
        assert!(super::same_member_number("MPN-000123", "mpn 000123"));
        assert!(!super::same_member_number("MPN-000123", "MPN-000124"));
        assert!(!super::same_member_number("MPN-000123", "  "));
    }
}
