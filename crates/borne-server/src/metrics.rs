//! Counters exposed to the embedding program and to tests.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    /// Argon2 password verifications run since start (log-ins that reached
    /// the hash check). Hashing a new member's password is not counted.
    pub password_checks: AtomicU64,
    /// CPU time those verifications took, in nanoseconds, measured on the
    /// verifying thread's own CPU clock (what the log-in benchmark subtracts
    /// from the server's CPU to tell Argon2 from the rest).
    pub password_check_cpu_nanos: AtomicU64,
}

impl Metrics {
    pub fn password_checks(&self) -> u64 {
        self.password_checks.load(Ordering::SeqCst)
    }

    /// CPU time of the password verifications since start.
    pub fn password_check_cpu(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.password_check_cpu_nanos.load(Ordering::SeqCst))
    }

    pub(crate) fn count_password_check(&self, cpu: std::time::Duration) {
        self.password_checks.fetch_add(1, Ordering::SeqCst);
        self.password_check_cpu_nanos.fetch_add(u64::try_from(cpu.as_nanos()).unwrap_or(u64::MAX), Ordering::SeqCst);
    }
}
