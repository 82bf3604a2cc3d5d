//! `borne-app-bench`: Borne Adhérent against a bare Tauri window
//! (`borne-hello`, the same crate, features, profile and tauri.conf.json),
//! under the bench's own Xvfb (issue 5):
//!
//! - start → window loaded (each binary writes the time to `BORNE_READY_FILE`
//!   on its window's page-load `Finished` event), N alternating runs each;
//! - start → `body[data-ready=true]` through tauri-driver (WebDriver);
//! - PSS and RSS of the whole process tree (binary + WebKit processes);
//! - idle CPU of the tree over a minute;
//! - with `--sessions N`, the memory of the app's tree after the first and
//!   after the N-th scripted member session (log in, log out).
//!
//! It builds nothing: build both binaries first, when the machine is idle:
//!
//! ```sh
//! cargo build --release -p borne-adherent --features custom-protocol --bins
//! cargo run --release -p borne-app-bench -- [--runs 10] [--sessions 500]
//! ```
//!
//! It measures and reports; it does not gate: the exit status is 0 whether
//! the targets are met or not, 1 when the run could not be set up.

mod display;
mod machine;
mod procs;
mod report;
mod start;
mod webdriver;

use anyhow::{bail, Context, Result};
use clap::Parser;
use report::{Machine, Report};
use start::Target;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

fn default_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("release").join(name)
}

#[derive(Parser, Debug)]
#[command(about = "Borne Adhérent against a bare Tauri window: start, memory of the process tree, idle CPU, memory over member sessions")]
struct Args {
    /// The app (default: target/release/borne-adherent, built with the
    /// `custom-protocol` feature and the default `demo` feature).
    #[arg(long)]
    app: Option<PathBuf>,
    /// The bare window (default: target/release/borne-hello, same build).
    #[arg(long)]
    hello: Option<PathBuf>,
    /// Measured starts of each binary, alternating.
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Unmeasured starts of each binary first (disk caches, WebKit's data directory).
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Seconds between the ready signal and a memory reading.
    #[arg(long, default_value_t = 5)]
    settle_seconds: u64,
    /// Length of the idle CPU window of each binary; 0 skips it.
    #[arg(long, default_value_t = 60)]
    idle_seconds: u64,
    /// Starts of each binary under WebDriver (time to body[data-ready=true]);
    /// default: as many as --runs; 0 skips them.
    #[arg(long)]
    webdriver_runs: Option<usize>,
    /// Scripted member sessions (log in + log out) of the app under WebDriver; 0 skips them.
    #[arg(long, default_value_t = 0)]
    sessions: usize,
    /// Memory reading every this many sessions (besides after the first and the last).
    #[arg(long, default_value_t = 50)]
    sample_every: usize,
    /// tauri-driver (default: TAURI_DRIVER, then ~/.cargo/bin/tauri-driver, then PATH).
    #[arg(long)]
    tauri_driver: Option<PathBuf>,
    /// How long to wait for a ready signal.
    #[arg(long, default_value_t = 20)]
    ready_timeout_seconds: u64,
    /// The backend given to the app (BORNE_BACKEND_URL), for a build without
    /// the `demo` feature: starting needs no answer from it, so a loopback
    /// address where nothing listens (http://127.0.0.1:9) does for the start,
    /// memory and idle figures. Default: none (the embedded demo server).
    #[arg(long)]
    backend_url: Option<String>,
    /// Keep the logs of every run here (default: a temporary directory, removed).
    #[arg(long)]
    keep_logs: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let _ = start::BACKEND_URL.set(args.backend_url.clone());
    match run(&args) {
        Ok(report) => {
            report.print();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("borne-app-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Counts the runs that began while a compiler was running.
struct Watch {
    busy_runs: usize,
    seen: Vec<String>,
}

impl Watch {
    fn check(&mut self) {
        let now = machine::compilers();
        if !now.is_empty() {
            self.busy_runs += 1;
            for c in now {
                if !self.seen.contains(&c) {
                    self.seen.push(c);
                }
            }
        }
    }
}

fn run(args: &Args) -> Result<Report> {
    let app = Target { label: "app", path: args.app.clone().unwrap_or_else(|| default_binary("borne-adherent")), is_app: true };
    let hello = Target { label: "hello", path: args.hello.clone().unwrap_or_else(|| default_binary("borne-hello")), is_app: false };
    for t in [&app, &hello] {
        if !t.path.is_file() {
            bail!("{} not found: cargo build --release -p borne-adherent --features custom-protocol --bins", t.path.display());
        }
    }
    let tmp = tempfile::tempdir()?;
    let dir: PathBuf = match &args.keep_logs {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => tmp.path().to_owned(),
    };
    let settle = Duration::from_secs(args.settle_seconds);
    let ready_timeout = Duration::from_secs(args.ready_timeout_seconds.max(1));
    // A binary without a ready signal is read this long after its start (+ settle).
    let fallback = Duration::from_secs(1);
    let load_before = machine::loadavg();
    let busy_before = machine::busy();
    let wall = std::time::Instant::now();
    let mut watch = Watch { busy_runs: 0, seen: Vec::new() };
    if !machine::compilers().is_empty() {
        eprintln!("warning: a compiler is running ({}): the machine is not idle", machine::compilers().join(", "));
    }

    let display = display::start()?;
    eprintln!("Xvfb on {}; logs in {}", display.name, dir.display());
    let set = start::Setting { display: &display.name, dir: &dir, ready_timeout, settle, fallback };

    // Warm-up, and whether the app writes the ready file.
    let mut app_hook = true;
    for i in 0..args.warmup.max(1) {
        for t in [&hello, &app] {
            let expect = !t.is_app || app_hook;
            eprintln!("warm-up {} {}…", t.label, i + 1);
            let r = start::run_once(t, &set, &format!("{}-warmup{i}", t.label), expect, Duration::ZERO)
                .with_context(|| format!("warm-up start of {}", t.label))?;
            if r.ready.is_none() {
                if t.is_app {
                    eprintln!("  the app wrote no BORNE_READY_FILE within {ready_timeout:?}: no ready hook in this build");
                    app_hook = false;
                } else {
                    bail!("{} wrote no BORNE_READY_FILE within {ready_timeout:?}", t.path.display());
                }
            }
        }
    }

    let (mut app_runs, mut hello_runs) = (Vec::new(), Vec::new());
    for i in 0..args.runs {
        let order = if i % 2 == 0 { [&app, &hello] } else { [&hello, &app] };
        for t in order {
            watch.check();
            let expect = !t.is_app || app_hook;
            let r = start::run_once(t, &set, &format!("{}-{i}", t.label), expect, settle)
                .with_context(|| format!("start {} of {}", i + 1, t.label))?;
            eprintln!(
                "start {} {}: ready {}, PSS {:.1} MiB",
                i + 1,
                t.label,
                r.ready.map_or("—".into(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)),
                r.memory.pss_kib() as f64 / 1024.0
            );
            if t.is_app {
                app_runs.push(r);
            } else {
                hello_runs.push(r);
            }
        }
    }

    let tauri_driver = webdriver::tauri_driver_path(args.tauri_driver.as_deref());
    let driver_ok = webdriver::available(&tauri_driver);
    let webdriver_runs = args.webdriver_runs.unwrap_or(args.runs);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let (mut app_driver, mut hello_driver, mut driver_failures) = (Vec::new(), Vec::new(), 0);
    let webdriver_note = match (&driver_ok, webdriver_runs) {
        (_, 0) => Some("--webdriver-runs 0".to_owned()),
        (Err(e), _) => Some(e.clone()),
        (Ok(()), n) => {
            for i in 0..n {
                let order = if i % 2 == 0 { [&app, &hello] } else { [&hello, &app] };
                for t in order {
                    let mut attempt = 0;
                    loop {
                        attempt += 1;
                        watch.check();
                        let run = format!("{}-wd{i}-{attempt}", t.label);
                        match rt.block_on(webdriver::time_to_data_ready(&tauri_driver, &display.name, &dir, &run, &t.path)) {
                            Ok(d) => {
                                eprintln!("WebDriver start {} {}: data-ready {:.0} ms", i + 1, t.label, d.data_ready.as_secs_f64() * 1000.0);
                                if t.is_app {
                                    app_driver.push(d);
                                } else {
                                    hello_driver.push(d);
                                }
                                break;
                            }
                            Err(e) if attempt < 3 => {
                                eprintln!("WebDriver start {} {} failed ({e:#}); again", i + 1, t.label);
                                driver_failures += 1;
                            }
                            Err(e) => return Err(e.context(format!("WebDriver start of {}", t.label))),
                        }
                    }
                }
            }
            None
        }
    };

    let (mut app_idle, mut hello_idle) = (None, None);
    if args.idle_seconds > 0 {
        let window = Duration::from_secs(args.idle_seconds);
        for t in [&app, &hello] {
            watch.check();
            eprintln!("idle {}: {} s…", t.label, args.idle_seconds);
            let expect = !t.is_app || app_hook;
            let r = start::idle(t, &set, expect, window).with_context(|| format!("idle run of {}", t.label))?;
            watch.check();
            if t.is_app {
                app_idle = Some(r);
            } else {
                hello_idle = Some(r);
            }
        }
    }

    let sessions = if args.sessions == 0 {
        None
    } else {
        match &driver_ok {
            Err(e) => Some(Err(e.clone())),
            Ok(()) => {
                watch.check();
                eprintln!("{} member sessions through WebDriver…", args.sessions);
                let outcome = rt.block_on(webdriver::member_sessions(&tauri_driver, &display.name, &dir, &app.path, args.sessions, args.sample_every, settle));
                watch.check();
                Some(outcome.map_err(|e| format!("{e:#}")))
            }
        }
    };

    let elapsed = wall.elapsed();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let busy = machine::busy().saturating_sub(busy_before);
    let machine = Machine {
        date: machine::today(),
        cpu_model: machine::cpu_model(),
        cores,
        memory_gib: machine::memory_total_gib(),
        webkitgtk: machine::webkitgtk_version(),
        display: display.name.clone(),
        load_before,
        load_after: machine::loadavg(),
        busy_runs: watch.busy_runs,
        compilers_seen: watch.seen,
        machine_busy_percent: 100.0 * busy.as_secs_f64() / (elapsed.as_secs_f64() * cores as f64).max(1e-9),
    };
    drop(display);
    Ok(Report {
        machine,
        app,
        hello,
        runs: args.runs,
        warmup: args.warmup.max(1),
        settle,
        app_hook,
        app_runs,
        hello_runs,
        app_driver,
        hello_driver,
        driver_failures,
        webdriver_note,
        app_idle,
        hello_idle,
        sessions,
        sessions_asked: args.sessions,
    })
}
