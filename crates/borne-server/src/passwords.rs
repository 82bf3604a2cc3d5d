//! Argon2id hashing and verification, always off the async executor.
//!
//! Parameters are the `argon2` crate's defaults, the OWASP baseline:
//! Argon2id v19, m = 19 456 KiB, t = 2, p = 1, stored as a PHC string.
//! Verification uses the parameters recorded in the stored string.

use crate::metrics::Metrics;
use anyhow::{anyhow, Context};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use borne_core::Secret;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Hashes a new password (blocking thread).
pub(crate) async fn hash(password: Secret) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("password hashing failed: {e}"))
    })
    .await
    .context("password hashing task failed")?
}

/// Verifies log-in passwords: at most one Argon2 computation per CPU at a
/// time (each takes 19 MiB and a core for tens of milliseconds), each one
/// counted in [`Metrics::password_checks`].
pub(crate) struct Verifier {
    permits: Arc<Semaphore>,
    metrics: Arc<Metrics>,
}

impl Verifier {
    pub(crate) fn new(metrics: Arc<Metrics>) -> Verifier {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Verifier { permits: Arc::new(Semaphore::new(cpus)), metrics }
    }

    /// Waits for a free hashing slot. The log-in flow takes it before it
    /// claims an attempt, so a claim lives only as long as one verification.
    pub(crate) async fn permit(&self) -> OwnedSemaphorePermit {
        self.permits.clone().acquire_owned().await.expect("the verifier's semaphore is never closed")
    }

    /// True when `password` matches the PHC string `stored`. The permit is
    /// released when the computation ends, even if the caller went away.
    pub(crate) async fn verify(&self, permit: OwnedSemaphorePermit, password: Secret, stored: String) -> anyhow::Result<bool> {
        let metrics = self.metrics.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let parsed = PasswordHash::new(&stored).map_err(|e| anyhow!("stored password hash unreadable: {e}"))?;
            metrics.count_password_check();
            match Argon2::default().verify_password(password.expose().as_bytes(), &parsed) {
                Ok(()) => Ok(true),
                Err(argon2::password_hash::Error::Password) => Ok(false),
                Err(e) => Err(anyhow!("password verification failed: {e}")),
            }
        })
        .await
        .context("password verification task failed")?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_is_argon2id_with_the_owasp_baseline_and_verifies() {
        let phc = hash(Secret::new("Mutuelle2024")).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let metrics = Arc::new(Metrics::default());
        let v = Verifier::new(metrics.clone());
        assert!(v.verify(v.permit().await, Secret::new("Mutuelle2024"), phc.clone()).await.unwrap());
        assert!(!v.verify(v.permit().await, Secret::new("mutuelle2024"), phc).await.unwrap());
        assert_eq!(metrics.password_checks(), 2);
    }

    #[tokio::test]
    async fn a_corrupt_hash_is_an_error_not_a_wrong_password() {
        let v = Verifier::new(Arc::new(Metrics::default()));
        assert!(v.verify(v.permit().await, Secret::new("x"), "not a phc".into()).await.is_err());
    }
}
