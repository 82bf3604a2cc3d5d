//! `borne-bench`: successful log-ins per second of the real server, in this
//! process on loopback, against the Argon2id limit of this machine (cores ÷
//! time of one verification), with latency percentiles, peak memory and the
//! CPU share of the load generator, which runs on the same cores.
//!
//! ```sh
//! cargo run --release -p borne-bench -- [--clients 200] [--seconds 20] [--members 50]
//! ```
//!
//! It measures and reports; it does not gate: the exit status is 0 whether
//! the target is met or not, 1 when a log-in failed or the run could not be
//! set up.

mod accounts;
mod argon;
mod load;
mod procfs;
mod report;
mod stats;

use clap::Parser;
use report::{Report, ServerSide};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Log-in benchmark of borne-server against the Argon2id limit of this machine")]
struct Args {
    /// Concurrent clients, each logging in again as soon as answered.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Length of the measured window, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Unmeasured warm-up before the window, in seconds.
    #[arg(long, default_value_t = 2)]
    warmup_seconds: u64,
    /// Members to log in as (client i uses member i mod N).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=accounts::MAX_MEMBERS as i64))]
    members: u16,
    /// No more log-ins than this in all, warm-up included.
    #[arg(long, default_value_t = 1_000_000)]
    max_logins: u64,
    /// The measured window is cut in this many slices; before each and after
    /// the last, both cores verify Argon2id alone for `--reference-seconds`,
    /// so each slice is compared with the machine's speed around it (this
    /// virtual machine's speed drifts by tens of percent within minutes).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=100))]
    slices: u32,
    /// Length of each reference window between slices, in seconds.
    #[arg(long, default_value_t = 3)]
    reference_seconds: u64,
    /// Argon2id verifications timed one after the other for the limit.
    #[arg(long, default_value_t = 30)]
    samples: usize,
    /// A database to use instead of a fresh SQLite file in a temporary
    /// directory (e.g. postgres://…, if the server supports it). The
    /// benchmark adds its own members there.
    #[arg(long, env = "BORNE_BENCH_DATABASE_URL")]
    database_url: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // The server formats its log lines as in production (level info), into nothing.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::sink)
        .init();
    match run(&args) {
        Ok(report) => {
            report.print();
            if report.load.error_count() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("borne-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The name of a PostgreSQL server's processes: when the database runs on
/// this machine, its CPU is counted apart (it takes the same cores).
const DATABASE_PROCESS: &str = "postgres";

/// The CPU clocks of the PostgreSQL server's processes on this machine, when
/// the benchmark runs against PostgreSQL (none with SQLite: an idle cluster
/// of someone else's is not the server's database).
fn database_processes(on_postgres: bool) -> anyhow::Result<std::collections::HashMap<u32, Duration>> {
    if on_postgres {
        procfs::processes_named(DATABASE_PROCESS)
    } else {
        Ok(Default::default())
    }
}

fn runtime(name: &str, workers: usize) -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(workers).thread_name(name).enable_all().build()?)
}

fn run(args: &Args) -> anyhow::Result<Report> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    eprintln!("Timing Argon2id with the server's verification function ({} samples)…", args.samples);
    let mut argon = argon::ArgonTiming::measure(args.samples, cores)?;

    // Two runtimes, so that the CPU time of each side can be told apart by
    // thread name. The server's has as many workers as `#[tokio::main]` gives
    // the borne-server binary: one per core.
    let server_rt = runtime(report::SERVER_THREADS, cores)?;
    let load_rt = runtime(report::LOAD_THREADS, cores)?;
    let dir = tempfile::tempdir()?;
    let (database_url, database) = match &args.database_url {
        Some(url) => (url.clone(), format!("{}, given (a server on this machine: its processes are counted apart)", url.split(':').next().unwrap_or("?"))),
        None => (format!("sqlite://{}", dir.path().join("bench.db").display()), "SQLite file (WAL) in a temporary directory".to_owned()),
    };
    let run_id = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.subsec_nanos() % 1_000_000;
    let members = usize::from(args.members);
    eprintln!("Creating {members} members ({cores} at a time)…");
    let setup_start = Instant::now();
    let (server, db, credentials) = server_rt.block_on(async {
        let db = borne_server::Db::connect(&database_url).await?;
        db.migrate().await?;
        let credentials = accounts::create(&db, run_id, members, cores).await?;
        // 200 clients on loopback: exempt from the per-address budgets.
        let mut config = borne_server::ServerConfig::default();
        config.throttle.exempt_loopback = true;
        let server = borne_server::spawn(db.clone(), "127.0.0.1:0".parse()?, config).await?;
        anyhow::Ok((server, db, credentials))
    })?;
    let setup = setup_start.elapsed();

    let slices = args.slices;
    let plan = load::Plan {
        clients: args.clients,
        warmup: Duration::from_secs(args.warmup_seconds),
        measure: Duration::from_secs(args.seconds.max(1)),
        max_logins: args.max_logins,
    };
    let slice_plan = load::Plan { measure: (plan.measure / slices).max(Duration::from_secs(1)), ..plan };
    let reference = Duration::from_secs(args.reference_seconds.max(1));
    eprintln!(
        "{} clients logging in for {} s in {slices} slice(s) of {} s (+{} s warm-up each), {} s of Argon2id alone before each and after the last…",
        plan.clients,
        plan.measure.as_secs(),
        slice_plan.measure.as_secs(),
        plan.warmup.as_secs(),
        reference.as_secs()
    );
    let memory_before = procfs::memory()?;
    let peak_reset = procfs::reset_peak();
    let checks_before = server.metrics.password_checks();
    let check_cpu_before = server.metrics.password_check_cpu();
    let credentials = Arc::new(credentials);
    let on_postgres = database_url.starts_with("postgres");
    let mut totals = SliceTotals::default();
    let mut load: Option<load::Outcome> = None;
    let mut slice_logins = Vec::new();
    for _ in 0..slices {
        argon.window(reference)?;
        let cpu_before = procfs::CpuTimes::now()?;
        let machine_before = procfs::machine_busy()?;
        let interrupts_before = procfs::machine_interrupts()?;
        let database_before = database_processes(on_postgres)?;
        let start = Instant::now();
        let slice = load_rt.block_on(load::run(server.addr, credentials.clone(), slice_plan))?;
        totals.wall += start.elapsed();
        let cpu_after = procfs::CpuTimes::now()?;
        totals.process += cpu_after.process.saturating_sub(cpu_before.process);
        totals.load_generator += cpu_after.threads_since(&cpu_before, report::LOAD_THREADS);
        totals.machine += procfs::machine_busy()?.saturating_sub(machine_before);
        totals.interrupts += procfs::machine_interrupts()?.saturating_sub(interrupts_before);
        totals.database += procfs::processes_since(&database_processes(on_postgres)?, &database_before);
        for (group, cpu) in cpu_after.by_group_since(&cpu_before) {
            let sum = totals.threads.entry(group).or_default();
            sum.user += cpu.user;
            sum.system += cpu.system;
        }
        slice_logins.push((slice.latencies.len(), slice.window));
        match &mut load {
            None => load = Some(slice),
            Some(all) => all.merge(slice),
        }
    }
    argon.window(reference)?;
    let load = load.expect("at least one slice");
    let memory_after = procfs::memory()?;
    let checks = server.metrics.password_checks() - checks_before;
    let check_cpu = server.metrics.password_check_cpu().saturating_sub(check_cpu_before);
    server_rt.block_on(async {
        server.shutdown().await;
        db.close().await;
    });
    eprintln!("Timing Argon2id again ({} samples)…", args.samples);
    argon.round(args.samples)?;

    Ok(Report {
        date: time::OffsetDateTime::now_utc().date(),
        cpu_model: report::cpu_model(),
        cores,
        database,
        members,
        setup,
        argon,
        plan,
        load,
        server_side: ServerSide {
            password_checks: checks,
            password_check_cpu: check_cpu,
            hashing_permits: borne_server::verification_permits(),
            hashing_threads: cores,
            tokio_workers: cores,
        },
        memory_before,
        memory_after,
        peak_reset,
        slice_plan,
        slice_logins,
        load_wall: totals.wall,
        cpu_process: totals.process,
        cpu_load_generator: totals.load_generator,
        cpu_machine: totals.machine,
        cpu_interrupts: totals.interrupts,
        cpu_database: totals.database,
        cpu_threads: totals.threads,
    })
}

/// Sums over the load's slices (the reference windows between them excluded).
#[derive(Default)]
struct SliceTotals {
    wall: Duration,
    process: Duration,
    load_generator: Duration,
    machine: Duration,
    /// The machine's irq + softirq time.
    interrupts: Duration,
    /// The PostgreSQL server's processes (none with SQLite).
    database: Duration,
    /// The process's live threads, by group (see `procfs::CpuTimes::by_group_since`).
    threads: std::collections::HashMap<String, procfs::Split>,
}
