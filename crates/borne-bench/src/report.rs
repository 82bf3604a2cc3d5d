//! The printed report: a plain table, then the verdict.

use crate::argon::ArgonTiming;
use crate::load::{Outcome, Plan};
use crate::procfs::{Memory, Split};
use std::collections::HashMap;
use crate::stats::percentile;
use std::time::Duration;

/// Thread names of the two runtimes (Linux keeps 15 bytes of a name).
pub const SERVER_THREADS: &str = "borne-srv";
pub const LOAD_THREADS: &str = "bench-load";

/// The target of issue 3: log-ins/s at least this share of the Argon2id limit.
pub const TARGET_RATIO: f64 = 0.90;
/// Keycloak's sizing guide ("Concepts for sizing CPU and memory resources"):
/// one vCPU per 15 password-based log-ins per second.
pub const KEYCLOAK_LOGINS_PER_VCPU: f64 = 15.0;
/// Issue 12: server CPU per log-in outside Argon2 below this many milliseconds…
pub const TARGET_NON_ARGON_MS: f64 = 1.0;
/// …and throughput at least this share of what the cores reach doing
/// nothing but Argon2id verifications, in the same run.
pub const TARGET_PARALLEL_RATIO: f64 = 0.95;
/// Memory of one Argon2id computation with the server's parameters (m = 19 456 KiB).
const ARGON2_KIB: u64 = 19_456;

pub struct ServerSide {
    /// Argon2 verifications the server ran during the load.
    pub password_checks: u64,
    /// CPU the server's verifications took, on their threads' own clocks.
    pub password_check_cpu: Duration,
    pub hashing_permits: usize,
    /// Threads that compute the verifications, one buffer each.
    pub hashing_threads: usize,
    pub tokio_workers: usize,
}

pub struct Report {
    pub date: time::Date,
    pub cpu_model: String,
    pub cores: usize,
    pub database: String,
    pub members: usize,
    pub setup: Duration,
    pub argon: ArgonTiming,
    pub plan: Plan,
    /// One slice of the load (the measured window is cut in slices).
    pub slice_plan: Plan,
    /// Successful log-ins measured in each slice, and its window.
    pub slice_logins: Vec<(usize, Duration)>,
    pub load: Outcome,
    pub server_side: ServerSide,
    pub memory_before: Memory,
    pub memory_after: Memory,
    /// Whether the peak was reset before the load (else it includes the setup).
    pub peak_reset: bool,
    /// From the first request to the last answer of each slice, warm-up and
    /// drain included, summed over the slices.
    pub load_wall: Duration,
    /// CPU time of the whole process over `load_wall`.
    pub cpu_process: Duration,
    /// CPU time of the load generator's threads over `load_wall`.
    pub cpu_load_generator: Duration,
    /// Busy CPU time of the whole machine over `load_wall`, every process.
    pub cpu_machine: Duration,
    /// The machine's irq + softirq time over `load_wall`.
    pub cpu_interrupts: Duration,
    /// CPU time of the `postgres` processes on this machine over `load_wall`.
    pub cpu_database: Duration,
    /// CPU time of the process's live threads over `load_wall`, by group.
    pub cpu_threads: HashMap<String, Split>,
}

/// "model name" of the first CPU in /proc/cpuinfo.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, m)| m.trim().to_owned()))
        .unwrap_or_else(|| "unknown CPU".into())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn row(label: &str, value: impl std::fmt::Display) {
    println!("  {label:<46} {value}");
}

impl Report {
    pub fn ratio(&self) -> f64 {
        self.load.throughput() / self.argon.limit()
    }

    /// Each slice's log-ins against what `cores` threads doing only Argon2id
    /// verified in the windows just before and after it (their mean rate
    /// over the slice's window): (per slice, all slices together).
    pub fn interleaved_ratio(&self) -> (Vec<f64>, f64) {
        let a = &self.argon;
        let (mut logins, mut expected, mut each) = (0.0, 0.0, Vec::new());
        for (i, (n, window)) in self.slice_logins.iter().enumerate() {
            let rate = (a.window_rate(i) + a.window_rate(i + 1)) / 2.0;
            let slice_expected = rate * window.as_secs_f64();
            each.push(*n as f64 / slice_expected.max(1e-9));
            logins += *n as f64;
            expected += slice_expected;
        }
        (each, logins / expected.max(1e-9))
    }

    pub fn verdict(&self) -> &'static str {
        if self.ratio() >= TARGET_RATIO {
            "PASS"
        } else {
            "BELOW TARGET"
        }
    }

    /// CPU of the slices by thread group, per password check.
    fn print_cpu_breakdown(&self, checks: f64) {
        println!();
        println!("Where the process's CPU went over the slices, by thread, per password check (user + kernel)");
        let per_check = |d: Duration| 1000.0 * d.as_secs_f64() / checks;
        let mut groups: Vec<_> = self.cpu_threads.iter().filter(|(_, cpu)| !cpu.total().is_zero()).collect();
        groups.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
        for (group, cpu) in &groups {
            row(
                &format!("  {group}"),
                format!("{:.3} ms = {:.3} user + {:.3} kernel ({:.1} s)", per_check(cpu.total()), per_check(cpu.user), per_check(cpu.system), cpu.total().as_secs_f64()),
            );
        }
        let live: Duration = groups.iter().map(|(_, cpu)| cpu.total()).sum();
        row("  threads that ended during the slices", format!("{:.3} ms", per_check(self.cpu_process.saturating_sub(live))));
        if !self.cpu_database.is_zero() {
            row("the PostgreSQL server's processes (same cores)", format!("{:.3} ms ({:.1} s)", per_check(self.cpu_database), self.cpu_database.as_secs_f64()));
        }
        row("the machine's irq + softirq, every process", format!("{:.3} ms (loopback packets are received in softirq)", per_check(self.cpu_interrupts)));
    }

    /// The ratio's arithmetic: what a log-in costs the cores, against what
    /// a verification costs them when they do nothing else. `argon`,
    /// `server`, `generator` and `database` (a PostgreSQL server on this
    /// machine) are seconds of CPU per password check.
    fn print_ceilings(&self, argon: f64, server: f64, generator: f64, database: f64) {
        let a = &self.argon;
        let rates: Vec<f64> = (0..a.windows.len()).map(|i| a.window_rate(i)).collect();
        let reference = rates.iter().sum::<f64>() / rates.len().max(1) as f64;
        let by_wall = self.cores as f64 / reference.max(1e-9);
        let alone = a.window_cpu_per_verification().as_secs_f64();
        let ms = |s: f64| format!("{:.2} ms", 1000.0 * s);
        let pct = |r: f64| format!("{:.1} %", 100.0 * r);
        println!();
        println!("The ratio's arithmetic, in CPU per log-in (c: the {} threads verifying alone around the slices, on their own clocks)", self.cores);
        row("c: one verification, the cores doing only that", format!("{} (cores / their rate: {})", ms(alone), ms(by_wall)));
        row("a: one verification in the server, under the load", format!("{} ({:+.1} % over c)", ms(argon), 100.0 * (argon / alone.max(1e-9) - 1.0)));
        row("s: the server outside Argon2", ms(server));
        row("g: the load generator (same cores)", ms(generator));
        let mut others = generator;
        if database > 0.0 {
            row("d: the PostgreSQL server (same cores)", ms(database));
            others += database;
        }
        let sum = if database > 0.0 { "g + d" } else { "g" };
        row(&format!("ceiling set by the load generator{}: c / (c + {sum})", if database > 0.0 { " and PostgreSQL" } else { "" }), pct(alone / (alone + others)));
        row(&format!("ceiling with the server's own work: c / (c + s + {sum})"), pct(alone / (alone + server + others)));
        row(&format!("expected if the cores never idle: c / (a + s + {sum})"), pct(alone / (argon + server + others)));
        row("measured (all slices)", format!("{} (the gap to the expected: idle cores, other processes)", pct(self.interleaved_ratio().1)));
    }

    pub fn print(&self) {
        let (a, l, cores) = (&self.argon, &self.load, self.cores);
        let limit = a.limit();
        let throughput = l.throughput();
        println!();
        println!("borne-bench: successful POST /v1/login, {} concurrent clients (closed loop, no think time)", self.plan.clients);
        println!("{}, {cores} cores ({}), release build", self.date, self.cpu_model);
        println!("Server and load generator run in this one process and share the {cores} cores (loopback HTTP/1.1).");
        println!();
        println!("Argon2id ({}), the server's own verification function, timed before and after the load", a.params);
        let rounds: Vec<String> = a.round_medians.iter().map(|m| ms(*m)).collect();
        row(
            &format!("one verification, median of {}", a.times.len()),
            format!("{} (rounds {}; min {}, max {})", ms(a.median()), rounds.join(" / "), ms(a.times[0]), ms(a.times[a.times.len() - 1])),
        );
        row(&format!("limit = {cores} cores / median"), format!("{limit:.1} log-ins/s"));
        let parallel = a.parallel_rate();
        row(&format!("{cores} threads verifying, nothing else"), format!("{parallel:.1} verifications/s ({:.1} % of the limit)", 100.0 * parallel / limit));
        println!();
        println!("Server");
        row("database", &self.database);
        row("members (created before the load)", format!("{} in {:.1} s", self.members, self.setup.as_secs_f64()));
        row(
            "log-in verification permits / hashing threads / tokio workers",
            format!("{} / {} / {}", self.server_side.hashing_permits, self.server_side.hashing_threads, self.server_side.tokio_workers),
        );
        println!();
        println!(
            "Load: {} slice(s) of {} s measured, each after {} s of warm-up and {} s of {cores} threads verifying alone",
            self.slice_logins.len(),
            self.slice_plan.measure.as_secs(),
            self.plan.warmup.as_secs(),
            a.windows.first().map_or(0, |w| w.1.as_secs())
        );
        row("successful log-ins in the window", format!("{} in {:.1} s", l.latencies.len(), l.window.as_secs_f64()));
        row("throughput", format!("{throughput:.1} log-ins/s"));
        row("ratio to the Argon2id limit (target >= 90 %)", format!("{:.1} %", 100.0 * self.ratio()));
        let (each, interleaved) = self.interleaved_ratio();
        let each: Vec<String> = each.iter().map(|r| format!("{:.1}", 100.0 * r)).collect();
        let windows: Vec<String> = (0..a.windows.len()).map(|i| format!("{:.1}", a.window_rate(i))).collect();
        row(&format!("{cores} threads verifying alone, around the slices"), format!("{} verifications/s", windows.join(" / ")));
        row(&format!("ratio to {cores} threads verifying, slice by slice"), format!("{} %", each.join(" / ")));
        row(&format!("ratio to {cores} threads verifying, all slices (target >= 95 %)"), format!("{:.1} %", 100.0 * interleaved));
        row(&format!("  (against the rounds before and after the whole load: {:.1} %)", 100.0 * throughput / parallel), "");
        row(
            "latency p50 / p90 / p99 / max",
            format!(
                "{} / {} / {} / {}",
                ms(percentile(&l.latencies, 50.0)),
                ms(percentile(&l.latencies, 90.0)),
                ms(percentile(&l.latencies, 99.0)),
                ms(percentile(&l.latencies, 100.0))
            ),
        );
        row("  (closed loop: latency ~ clients / throughput", format!("= {})", ms(Duration::from_secs_f64(self.plan.clients as f64 / throughput.max(1e-9)))));
        row("errors", l.error_count());
        for (kind, n) in &l.errors {
            row(&format!("  {kind}"), n);
        }
        row(
            "Argon2 verifications run by the server",
            format!("{} for {} successful log-ins (warm-up and drain included)", self.server_side.password_checks, l.successes),
        );
        println!();
        println!("Memory (resident, whole process)");
        row("before the load (after setup)", mib(self.memory_before.rss_kib));
        let peak_label = if self.peak_reset { "peak during the load (VmHWM, reset before it)" } else { "peak since start (VmHWM; reset refused)" };
        row(peak_label, mib(self.memory_after.peak_kib));
        row("growth of the peak over the resident set before", mib(self.memory_after.peak_kib.saturating_sub(self.memory_before.rss_kib)));
        row(
            "  of which Argon2 (hashing threads x 19 MiB)",
            format!("{}, whatever the number of clients (the rest: connections, caches)", mib(ARGON2_KIB * self.server_side.hashing_threads as u64)),
        );
        println!();
        let wall = self.load_wall.as_secs_f64();
        let cpu = self.cpu_process.as_secs_f64();
        let gen = self.cpu_load_generator.as_secs_f64();
        let server = (cpu - gen).max(0.0);
        let argon_cpu = self.server_side.password_checks as f64 * a.median().as_secs_f64();
        println!("CPU over the load's slices ({wall:.1} s wall, {cores} cores = {:.1} s available)", wall * cores as f64);
        row("whole process", format!("{cpu:.1} s ({:.1} % of the cores)", 100.0 * cpu / (wall * cores as f64)));
        row("load generator (its own runtime's threads)", format!("{gen:.1} s ({:.1} % of the process)", 100.0 * gen / cpu.max(1e-9)));
        row("server (the rest)", format!("{server:.1} s"));
        let argon_measured = self.server_side.password_check_cpu.as_secs_f64();
        row("  of which Argon2, measured (verifying threads' CPU clocks)", format!("{argon_measured:.1} s ({:.1} ms per check)", 1000.0 * argon_measured / (self.server_side.password_checks.max(1) as f64)));
        row("  (Argon2 at the idle median: checks x median)", format!("{argon_cpu:.1} s"));
        let others = (self.cpu_machine.as_secs_f64() - cpu).max(0.0);
        row("other processes on the machine meanwhile", format!("{others:.1} s ({:.1} % of the cores)", 100.0 * others / (wall * cores as f64)));
        // The server's CPU minus what its Argon2 verifications took, measured
        // on their own threads (with both cores hashing, a verification costs
        // more CPU than the idle median: memory bandwidth is shared): what is
        // left is the log-in's own work (HTTP, JSON, database, sessions,
        // audit, logs), per password check.
        let checks = self.server_side.password_checks.max(1) as f64;
        let non_argon_ms = 1000.0 * (server - argon_measured).max(0.0) / checks;
        row("  outside Argon2, per password check (target < 1 ms)", format!("{non_argon_ms:.2} ms"));
        row(
            "log-ins/s per core the server got",
            format!("{:.1} (Argon2 alone: {:.1})", l.successes as f64 / server.max(1e-9), 1.0 / a.median().as_secs_f64()),
        );
        self.print_cpu_breakdown(checks);
        self.print_ceilings(argon_measured / checks, (server - argon_measured).max(0.0) / checks, gen / checks, self.cpu_database.as_secs_f64() / checks);
        println!();
        let keycloak = KEYCLOAK_LOGINS_PER_VCPU * cores as f64;
        println!("Beside Keycloak's published sizing (15 password log-ins/s per vCPU)");
        row(&format!("Keycloak, {cores} vCPU"), format!("{keycloak:.0} log-ins/s"));
        row(&format!("borne-server, {cores} cores, load generator included"), format!("{throughput:.1} log-ins/s ({:.1} per core, x{:.1})", throughput / cores as f64, throughput / keycloak));
        println!();
        println!("{}: {throughput:.1} log-ins/s = {:.1} % of the Argon2id limit {limit:.1}/s (target 90 %), p99 {}", self.verdict(), 100.0 * self.ratio(), ms(percentile(&l.latencies, 99.0)));
        let to_parallel = self.interleaved_ratio().1;
        let verdict = |ok: bool| if ok { "PASS" } else { "BELOW TARGET" };
        println!(
            "{}: {:.1} % of what {cores} threads doing only Argon2id verify around the slices (target 95 %); {}: {non_argon_ms:.2} ms of server CPU per log-in outside Argon2 (target < 1 ms)",
            verdict(to_parallel >= TARGET_PARALLEL_RATIO),
            100.0 * to_parallel,
            verdict(non_argon_ms < TARGET_NON_ARGON_MS),
        );
    }
}
