//! The ceiling: how many log-ins per second the machine's cores could verify
//! if they did nothing but Argon2id, timed with the server's own function,
//! before and after the load (the speed of this virtual machine drifts).

use crate::stats::median;
use borne_core::Secret;
use borne_server::HashingMemory;
use std::time::{Duration, Instant};

/// A password used only to time the hash; it never leaves this process.
const TIMING_PASSWORD: &str = "Chronometre2025Bench";

pub struct ArgonTiming {
    /// The parameters of the PHC string, e.g. `argon2id$v=19$m=19456,t=2,p=1`.
    pub params: String,
    pub cores: usize,
    /// Every timed verification, ascending.
    pub times: Vec<Duration>,
    /// Median of each round (before the load, then after it).
    pub round_medians: Vec<Duration>,
    /// `cores` threads verifying at once: verifications and wall time, summed over rounds.
    parallel: (usize, Duration),
    /// The same, in the windows timed between the load's slices, in order:
    /// (verifications, wall time).
    pub windows: Vec<(usize, Duration)>,
    /// CPU time the threads of those windows took (their own clocks), summed:
    /// what a verification costs when the cores do nothing else, even if
    /// other processes took part of the cores meanwhile.
    windows_cpu: Duration,
    password: Secret,
    stored: String,
    memory: HashingMemory,
}

impl ArgonTiming {
    /// Hashes the timing password, then runs a first round.
    pub fn measure(samples: usize, cores: usize) -> anyhow::Result<ArgonTiming> {
        let password = Secret::new(TIMING_PASSWORD);
        let mut memory = HashingMemory::new();
        let stored = borne_server::hash_password_blocking(&password, &mut memory)?;
        let params = stored.trim_start_matches('$').rsplitn(3, '$').nth(2).unwrap_or_default().to_owned();
        let mut timing = ArgonTiming {
            params,
            cores,
            times: Vec::new(),
            round_medians: Vec::new(),
            parallel: (0, Duration::ZERO),
            windows: Vec::new(),
            windows_cpu: Duration::ZERO,
            password,
            stored,
            memory,
        };
        timing.round(samples)?;
        Ok(timing)
    }

    /// One round: `samples` verifications one after the other in one reused
    /// working memory, as the server does (after one untimed warm-up), then
    /// `cores` threads verifying at once, each in its own.
    pub fn round(&mut self, samples: usize) -> anyhow::Result<()> {
        let (password, stored) = (&self.password, self.stored.as_str());
        let verify = |memory: &mut HashingMemory| -> anyhow::Result<Duration> {
            let start = Instant::now();
            anyhow::ensure!(borne_server::verify_password_blocking(password, stored, memory)?, "the timing password did not verify");
            Ok(start.elapsed())
        };
        verify(&mut self.memory)?;
        let mut round = (0..samples.max(1)).map(|_| verify(&mut self.memory)).collect::<anyhow::Result<Vec<_>>>()?;
        round.sort();
        self.round_medians.push(median(&round));
        self.times.extend(round);
        self.times.sort();

        // As many per thread as timed alone: about a second, long enough to even out.
        let per_thread = samples.max(10);
        let start = Instant::now();
        std::thread::scope(|scope| {
            let threads: Vec<_> = (0..self.cores)
                .map(|_| {
                    scope.spawn(|| {
                        let mut memory = HashingMemory::new();
                        (0..per_thread).try_for_each(|_| verify(&mut memory).map(drop))
                    })
                })
                .collect();
            threads.into_iter().try_for_each(|t| t.join().expect("a timing thread panicked"))
        })?;
        self.parallel.0 += per_thread * self.cores;
        self.parallel.1 += start.elapsed();
        Ok(())
    }

    /// `cores` threads verifying at once for about `length`, as between two
    /// slices of the load: recorded in [`ArgonTiming::windows`], so that each
    /// slice is compared with the machine's speed just before and after it.
    pub fn window(&mut self, length: Duration) -> anyhow::Result<()> {
        let (password, stored) = (&self.password, self.stored.as_str());
        let start = Instant::now();
        let deadline = start + length;
        let per_thread: Vec<(usize, Duration)> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..self.cores)
                .map(|_| {
                    scope.spawn(|| -> anyhow::Result<(usize, Duration)> {
                        let mut memory = HashingMemory::new();
                        let mut done = 0;
                        let cpu = cpu_time::ThreadTime::now();
                        while Instant::now() < deadline {
                            anyhow::ensure!(borne_server::verify_password_blocking(password, stored, &mut memory)?, "the timing password did not verify");
                            done += 1;
                        }
                        Ok((done, cpu.elapsed()))
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().expect("a timing thread panicked")).collect::<anyhow::Result<_>>()
        })?;
        let wall = start.elapsed();
        self.windows.push((per_thread.iter().map(|(n, _)| n).sum(), wall));
        self.windows_cpu += per_thread.iter().map(|(_, cpu)| *cpu).sum::<Duration>();
        Ok(())
    }

    /// Verifications per second in window `i` (see [`ArgonTiming::window`]).
    pub fn window_rate(&self, i: usize) -> f64 {
        let (n, wall) = self.windows[i];
        n as f64 / wall.as_secs_f64().max(1e-9)
    }

    /// CPU time of one verification in the windows (each thread's own clock;
    /// the first verification of each window, growing its buffer, included).
    pub fn window_cpu_per_verification(&self) -> Duration {
        let n: usize = self.windows.iter().map(|(n, _)| n).sum();
        self.windows_cpu / u32::try_from(n.max(1)).unwrap_or(u32::MAX)
    }

    /// Median of every timed verification, all rounds together.
    pub fn median(&self) -> Duration {
        median(&self.times)
    }

    /// The limit of issue 3: cores ÷ time of one verification, in log-ins/s.
    pub fn limit(&self) -> f64 {
        self.cores as f64 / self.median().as_secs_f64()
    }

    /// Verifications per second with `cores` threads doing nothing else:
    /// what the hardware gives when the cores hash together (they share
    /// caches and memory bandwidth).
    pub fn parallel_rate(&self) -> f64 {
        self.parallel.0 as f64 / self.parallel.1.as_secs_f64().max(1e-9)
    }
}
