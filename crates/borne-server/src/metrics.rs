//! Counters exposed to the embedding program and to tests.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    /// Argon2 password verifications run since start (log-ins that reached
    /// the hash check). Hashing a new member's password is not counted.
    pub password_checks: AtomicU64,
}

impl Metrics {
    pub fn password_checks(&self) -> u64 {
        self.password_checks.load(Ordering::SeqCst)
    }

    pub(crate) fn count_password_check(&self) {
        self.password_checks.fetch_add(1, Ordering::SeqCst);
    }
}
