//! Argon2id hashing and verification, always off the async executor.
//!
//! Parameters are the `argon2` crate's defaults, the OWASP baseline:
//! Argon2id v19, m = 19 456 KiB, t = 2, p = 1, stored as a PHC string.
//! Verification uses the parameters recorded in the stored string.
//!
//! Log-in verifications run on one dedicated thread per CPU, each with its
//! own [`HashingMemory`], fed by a queue that at most
//! [`VERIFICATIONS_PER_CPU`] per CPU enter at a time ([`Verifier`]); new
//! passwords (members created, passwords changed) at most one per CPU for
//! the whole process, in a pool of buffers. Each buffer is allocated once
//! and reused, so the hashing memory is bounded (19 MiB a buffer) whatever
//! the load. (Allocating 19 MiB per computation instead let the allocator's
//! per-thread arenas keep hundreds of MiB, as `borne-bench` measured.)

use crate::metrics::Metrics;
use anyhow::{anyhow, Context};
use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use borne_core::Secret;
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Log-in verifications admitted per CPU: one computing on the CPU's
/// hashing thread, one queued behind it, so that a hashing thread never
/// waits for the next log-in's claim. (Before the dedicated threads, with
/// one permit per CPU the cores idled about 10 % of the time under load.)
pub(crate) const VERIFICATIONS_PER_CPU: usize = 2;

fn cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// How many log-in verifications a server admits at once on this machine
/// (computing or queued; one computes per CPU).
pub fn verification_permits() -> usize {
    VERIFICATIONS_PER_CPU * cpus()
}

/// Hashes a new password with a random salt and the server's parameters, on
/// the calling thread in `memory` (it takes a core for tens of milliseconds:
/// call it off any async executor). The PHC string the server stores.
pub fn hash_password_blocking(password: &Secret, memory: &mut HashingMemory) -> anyhow::Result<String> {
    let failed = |e: argon2::password_hash::Error| anyhow!("password hashing failed: {e}");
    let argon2 = Argon2::default();
    let params = argon2.params().clone();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).map_err(failed)?;
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2
        .hash_password_into_with_memory(password.expose().as_bytes(), salt_bytes, &mut output, memory.blocks(params.block_count()))
        .map_err(|e| anyhow!("password hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&output).map_err(failed)?),
    };
    Ok(phc.to_string())
}

/// Ok when `phc` is an Argon2id PHC string with the server's parameters.
pub(crate) fn check_phc(phc: &str) -> anyhow::Result<()> {
    let parsed = PasswordHash::new(phc).map_err(|e| anyhow!("not a PHC string: {e}"))?;
    if Algorithm::try_from(parsed.algorithm).ok() != Some(Algorithm::Argon2id) {
        return Err(anyhow!("not an Argon2id hash"));
    }
    let params = Params::try_from(&parsed).map_err(|e| anyhow!("unreadable Argon2 parameters: {e}"))?;
    let server = Argon2::default();
    let expected = server.params();
    if (params.m_cost(), params.t_cost(), params.p_cost()) != (expected.m_cost(), expected.t_cost(), expected.p_cost()) {
        return Err(anyhow!("Argon2id parameters differ from the server's (m = {}, t = {}, p = {})", expected.m_cost(), expected.t_cost(), expected.p_cost()));
    }
    Ok(())
}

/// The working memory of one Argon2 computation (`m` blocks of 1 KiB),
/// grown on first use and kept for the next one.
#[derive(Default)]
pub struct HashingMemory(Vec<Block>);

impl HashingMemory {
    pub fn new() -> HashingMemory {
        HashingMemory::default()
    }

    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.0.len() < count {
            self.0.resize(count, Block::default());
        }
        &mut self.0[..count]
    }
}

/// True when `password` matches the PHC string `stored` (Argon2 with the
/// parameters it records), computed on the calling thread in `memory`: the
/// very computation a log-in runs (the benchmark times it). The outputs are
/// compared in constant time. An unreadable `stored` is an error, not a wrong
/// password.
pub fn verify_password_blocking(password: &Secret, stored: &str, memory: &mut HashingMemory) -> anyhow::Result<bool> {
    let unreadable = |e: argon2::password_hash::Error| anyhow!("stored password hash unreadable: {e}");
    let parsed = PasswordHash::new(stored).map_err(unreadable)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(unreadable)?;
    let version = parsed.version.map(Version::try_from).transpose().map_err(|e| anyhow!("stored password hash unreadable: {e}"))?.unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(unreadable)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(anyhow!("stored password hash unreadable: no salt or no hash"));
    };
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(unreadable)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut computed = vec![0u8; expected.len()];
    argon2
        .hash_password_into_with_memory(password.expose().as_bytes(), salt_bytes, &mut computed, memory.blocks(params.block_count()))
        .map_err(|e| anyhow!("password verification failed: {e}"))?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&computed).map_err(|e| anyhow!("password verification failed: {e}"))? == expected)
}

/// Buffers, each used by one computation at a time; never more of them than
/// the permits of the semaphore that guards their use.
#[derive(Default)]
struct MemoryPool(Mutex<Vec<HashingMemory>>);

impl MemoryPool {
    fn with<T>(&self, compute: impl FnOnce(&mut HashingMemory) -> T) -> T {
        let mut memory = self.0.lock().unwrap_or_else(|p| p.into_inner()).pop().unwrap_or_default();
        let result = compute(&mut memory);
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(memory);
        result
    }

    #[cfg(test)]
    fn buffers(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// New passwords (members created, passwords changed), for the whole process.
static NEW_PASSWORD_PERMITS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(cpus())));
static NEW_PASSWORD_MEMORY: LazyLock<MemoryPool> = LazyLock::new(MemoryPool::default);

/// Hashes a new password (blocking thread, one per CPU at most).
pub(crate) async fn hash(password: Secret) -> anyhow::Result<String> {
    let permit = NEW_PASSWORD_PERMITS.clone().acquire_owned().await.expect("never closed");
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        NEW_PASSWORD_MEMORY.with(|memory| hash_password_blocking(&password, memory))
    })
    .await
    .context("password hashing task failed")?
}

/// Verifies log-in passwords on exactly one dedicated thread per CPU
/// (`borne-verify`), each with its own [`HashingMemory`], fed by a queue.
/// A log-in takes a permit (at most [`verification_permits`] at a time)
/// before it claims an attempt and queues its verification; the permit is
/// released when the computation ends. So the cores never time-share two
/// 19 MiB working sets, and a hashing thread that finishes finds the next
/// verification already queued (with two permits per CPU, one waits per
/// thread) instead of waiting for an async hand-off. Each verification is
/// counted in [`Metrics::password_checks`]. The threads end when the
/// verifier is dropped.
pub(crate) struct Verifier {
    permits: Arc<Semaphore>,
    queue: crossbeam_channel::Sender<Job>,
    #[cfg(test)]
    peak: Arc<Concurrency>,
}

/// One verification waiting for a hashing thread.
struct Job {
    password: Secret,
    stored: String,
    answer: tokio::sync::oneshot::Sender<anyhow::Result<bool>>,
    /// Released when the computation ends, whether or not anyone awaits the answer.
    permit: OwnedSemaphorePermit,
}

/// The thread name of the verifiers (Linux keeps 15 bytes).
pub const HASHING_THREAD_NAME: &str = "borne-verify";

impl Verifier {
    pub(crate) fn new(metrics: Arc<Metrics>) -> Verifier {
        let (queue, jobs) = crossbeam_channel::unbounded::<Job>();
        #[cfg(test)]
        let peak = Arc::new(Concurrency::default());
        for _ in 0..cpus() {
            let (jobs, metrics) = (jobs.clone(), metrics.clone());
            #[cfg(test)]
            let peak = peak.clone();
            std::thread::Builder::new()
                .name(HASHING_THREAD_NAME.into())
                .spawn(move || {
                    let mut memory = HashingMemory::new();
                    for job in jobs {
                        #[cfg(test)]
                        let _computing = peak.enter();
                        let started = cpu_time::ThreadTime::now();
                        let verdict = verify_password_blocking(&job.password, &job.stored, &mut memory);
                        if verdict.is_ok() {
                            metrics.count_password_check(started.elapsed());
                        }
                        drop(job.permit);
                        // The caller may have gone away; the claim is its task's to settle.
                        let _ = job.answer.send(verdict);
                    }
                })
                .expect("cannot start a password hashing thread");
        }
        Verifier {
            permits: Arc::new(Semaphore::new(verification_permits())),
            queue,
            #[cfg(test)]
            peak,
        }
    }

    /// Waits for a free hashing slot. The log-in flow takes it before it
    /// claims an attempt, so a claim lives only as long as one verification
    /// and the one queued before it.
    pub(crate) async fn permit(&self) -> OwnedSemaphorePermit {
        self.permits.clone().acquire_owned().await.expect("the verifier's semaphore is never closed")
    }

    /// True when `password` matches the PHC string `stored`, computed on a
    /// hashing thread. The permit is released when the computation ends, even
    /// if the caller went away.
    pub(crate) async fn verify(&self, permit: OwnedSemaphorePermit, password: Secret, stored: String) -> anyhow::Result<bool> {
        let (answer, verdict) = tokio::sync::oneshot::channel();
        self.queue.send(Job { password, stored, answer, permit }).map_err(|_| anyhow!("the password hashing threads stopped"))?;
        verdict.await.context("password verification task failed")?
    }
}

/// Computations running at once, and the most seen (tests).
#[cfg(test)]
#[derive(Default)]
struct Concurrency {
    now: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

#[cfg(test)]
impl Concurrency {
    fn enter(self: &Arc<Self>) -> impl Drop {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.now.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        struct Leave(Arc<Concurrency>);
        impl Drop for Leave {
            fn drop(&mut self) {
                self.0.now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        Leave(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

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
        let no_hash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA";
        assert!(v.verify(v.permit().await, Secret::new("x"), no_hash.into()).await.is_err());
    }

    /// The reused-memory verification agrees with the argon2 crate's own,
    /// for the server's parameters and for others recorded in a stored hash
    /// (the buffer grows and shrinks its use to each).
    #[test]
    fn agrees_with_the_argon2_crate_whatever_the_recorded_parameters() {
        let mut memory = HashingMemory::new();
        let small = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(1024, 1, 1, None).unwrap());
        let legacy = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::new(2048, 3, 2, Some(24)).unwrap());
        let salt = SaltString::generate(&mut OsRng);
        let stored = [
            hash_password_blocking(&Secret::new("Mutuelle2024"), &mut memory).unwrap(),
            small.hash_password(b"Mutuelle2024", &salt).unwrap().to_string(),
            legacy.hash_password(b"Mutuelle2024", &salt).unwrap().to_string(),
        ];
        for phc in &stored {
            let parsed = PasswordHash::new(phc).unwrap();
            for typed in ["Mutuelle2024", "Mutuelle2025", ""] {
                let ours = verify_password_blocking(&Secret::new(typed), phc, &mut memory).unwrap();
                let theirs = Argon2::default().verify_password(typed.as_bytes(), &parsed).is_ok();
                assert_eq!(ours, theirs, "{typed:?} against {phc}");
                assert_eq!(ours, typed == "Mutuelle2024");
            }
        }
    }

    /// However many log-ins wait, no more verifications compute at once than
    /// there are CPUs (one hashing thread and one buffer each).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn verifications_never_compute_more_than_one_per_cpu() {
        let permits = verification_permits();
        let phc = hash_password_blocking(&Secret::new("Mutuelle2024"), &mut HashingMemory::new()).unwrap();
        let v = Arc::new(Verifier::new(Arc::new(Metrics::default())));
        let tasks: Vec<_> = (0..4 * permits)
            .map(|_| {
                let (v, phc) = (v.clone(), phc.clone());
                tokio::spawn(async move { v.verify(v.permit().await, Secret::new("Mutuelle2024"), phc).await.unwrap() })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap());
        }
        let most = v.peak.most.load(std::sync::atomic::Ordering::SeqCst);
        assert!((1..=cpus()).contains(&most), "{most} verifications at once on {} CPUs", cpus());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn new_passwords_too_are_hashed_in_at_most_one_buffer_per_cpu() {
        let tasks: Vec<_> = (0..4 * cpus()).map(|i| tokio::spawn(hash(Secret::new(format!("Nouveau{i}Passe"))))).collect();
        for (i, t) in tasks.into_iter().enumerate() {
            let phc = t.await.unwrap().unwrap();
            assert!(verify_password_blocking(&Secret::new(format!("Nouveau{i}Passe")), &phc, &mut HashingMemory::new()).unwrap());
        }
        assert!((1..=cpus()).contains(&NEW_PASSWORD_MEMORY.buffers()));
    }
}
