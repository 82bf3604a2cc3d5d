//! The ceiling: how many log-ins per second the machine's cores could verify
//! if they did nothing but Argon2id, timed with the server's own function.

use crate::stats::median;
use borne_core::Secret;
use borne_server::HashingMemory;
use std::time::{Duration, Instant};

/// A password used only to time the hash; it never leaves this process.
const TIMING_PASSWORD: &str = "Chronometre2025Bench";

pub struct ArgonTiming {
    /// The parameters of the PHC string, e.g. `argon2id$v=19$m=19456,t=2,p=1`.
    pub params: String,
    pub samples: usize,
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
    pub cores: usize,
    /// Verifications per second with `cores` threads doing nothing else.
    pub parallel_rate: f64,
}

impl ArgonTiming {
    /// The limit of issue 3: cores ÷ time of one verification, in log-ins/s.
    pub fn limit(&self) -> f64 {
        self.cores as f64 / self.median.as_secs_f64()
    }
}

/// Times `samples` verifications one after the other, in one reused working
/// memory as the server does (after one untimed warm-up), then `cores`
/// threads verifying at once, each in its own.
pub fn measure(samples: usize, cores: usize) -> anyhow::Result<ArgonTiming> {
    let password = Secret::new(TIMING_PASSWORD);
    let mut memory = HashingMemory::new();
    let stored = borne_server::hash_password_blocking(&password, &mut memory)?;
    let params = stored.trim_start_matches('$').rsplitn(3, '$').nth(2).unwrap_or_default().to_owned();
    // As in the server: each computing thread reuses its working memory.
    let verify = |memory: &mut HashingMemory| -> anyhow::Result<Duration> {
        let start = Instant::now();
        anyhow::ensure!(borne_server::verify_password_blocking(&password, &stored, memory)?, "the timing password did not verify");
        Ok(start.elapsed())
    };
    verify(&mut memory)?;
    let mut times = (0..samples.max(1)).map(|_| verify(&mut memory)).collect::<anyhow::Result<Vec<_>>>()?;
    times.sort();

    let per_thread = (samples / cores).max(5);
    let start = Instant::now();
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    let mut memory = HashingMemory::new();
                    (0..per_thread).try_for_each(|_| verify(&mut memory).map(drop))
                })
            })
            .collect();
        threads.into_iter().try_for_each(|t| t.join().expect("a timing thread panicked"))
    })?;
    let parallel_rate = (per_thread * cores) as f64 / start.elapsed().as_secs_f64();

    Ok(ArgonTiming {
        params,
        samples: times.len(),
        median: median(&times),
        min: times[0],
        max: times[times.len() - 1],
        cores,
        parallel_rate,
    })
}
