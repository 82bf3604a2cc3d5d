//! Starting a binary directly (no WebDriver): the time until its window
//! says it has loaded (`BORNE_READY_FILE`), the memory of its process tree
//! a while later, and its CPU time while idle.

use crate::procs::{self, Launched, TreeMem};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One of the two binaries compared.
#[derive(Clone, Debug)]
pub struct Target {
    pub label: &'static str,
    pub path: PathBuf,
    /// The app logs "backend ready" (and its demo server) before its window.
    pub is_app: bool,
}

/// A binary started on the bench's display, in its own process group.
pub struct Started {
    pub process: Launched,
    /// Wall-clock time just before the spawn (the ready file holds a wall-clock time).
    pub at: SystemTime,
    pub at_instant: Instant,
    pub ready_file: PathBuf,
    pub log_file: PathBuf,
    pub stderr_file: PathBuf,
}

fn micros(t: SystemTime) -> i128 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i128).unwrap_or(0)
}

fn since(at: SystemTime, then_micros: i128) -> Duration {
    Duration::from_micros((then_micros - micros(at)).max(0) as u64)
}

/// `--backend-url`: the backend the app is given (a build without the
/// `demo` feature needs one); none: the app's embedded demo server.
pub static BACKEND_URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Sets `BORNE_BACKEND_URL` to `--backend-url`, or removes it.
pub fn set_backend(cmd: &mut Command) {
    match BACKEND_URL.get().cloned().flatten() {
        Some(url) => cmd.env("BORNE_BACKEND_URL", url),
        None => cmd.env_remove("BORNE_BACKEND_URL"),
    };
}

/// The environment both binaries run with: the bench's display, the ready
/// file, a log file, and the backend of `--backend-url` (default: none, the
/// app's embedded demo server).
pub fn command(path: &Path, display: &str, ready_file: &Path, log_file: &Path) -> Command {
    let mut cmd = Command::new(path);
    set_backend(&mut cmd);
    cmd.env("DISPLAY", display)
        .env("BORNE_READY_FILE", ready_file)
        .env("BORNE_LOG_FILE", log_file)
        .env_remove("BORNE_PROFILE")
        .env_remove("BORNE_LOG")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}

pub fn launch(target: &Target, display: &str, dir: &Path, run: &str) -> Result<Started> {
    let ready_file = dir.join(format!("{run}.ready"));
    let log_file = dir.join(format!("{run}.log"));
    let stderr_file = dir.join(format!("{run}.stderr"));
    let mut cmd = command(&target.path, display, &ready_file, &log_file);
    cmd.stderr(std::fs::File::create(&stderr_file)?);
    let at = SystemTime::now();
    let at_instant = Instant::now();
    let process = Launched::spawn(&mut cmd).with_context(|| format!("starting {}", target.path.display()))?;
    Ok(Started { process, at, at_instant, ready_file, log_file, stderr_file })
}

impl Started {
    /// Waits for the ready file; `None` after `timeout` (a binary without
    /// the hook). Fails when the process exits first.
    pub fn wait_ready(&mut self, timeout: Duration) -> Result<Option<Duration>> {
        let deadline = self.at_instant + timeout;
        loop {
            if let Ok(text) = std::fs::read_to_string(&self.ready_file) {
                // Written in one call; an empty or partial read is retried.
                if let Ok(then) = text.trim().parse::<i128>() {
                    return Ok(Some(since(self.at, then)));
                }
            }
            if let Some(status) = self.process.child.try_wait()? {
                let stderr = std::fs::read_to_string(&self.stderr_file).unwrap_or_default();
                let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
                bail!("exited with {status} before its window loaded; stderr ends with:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
            if Instant::now() > deadline {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Start → the app's "backend ready" log line (its timestamp).
    pub fn backend_ready(&self) -> Option<Duration> {
        let line = self.log_line("backend ready")?;
        Some(since(self.at, parse_utc_micros(line.split_whitespace().next()?)?))
    }

    /// The first line of the app's log that contains `text`.
    fn log_line(&self, text: &str) -> Option<String> {
        let log = std::fs::read_to_string(&self.log_file).ok()?;
        log.lines().find(|l| l.contains(text)).map(str::to_owned)
    }

    /// How the app said WebKit paints (its "WebKit painting chosen" line:
    /// `src-tauri/src/rendering.rs`; borne-hello makes the same choice).
    pub fn painting(&self) -> Option<String> {
        let line = self.log_line("WebKit painting chosen")?;
        let value = line.split_whitespace().find_map(|w| w.strip_prefix("painting="))?;
        Some(value.to_owned())
    }

    /// Sleeps until `at` after the start.
    pub fn sleep_until(&self, at: Duration) {
        let elapsed = self.at_instant.elapsed();
        if at > elapsed {
            std::thread::sleep(at - elapsed);
        }
    }

    pub fn memory(&self) -> TreeMem {
        procs::tree_mem(self.process.pid())
    }
}

/// `2026-11-23T10:59:00.123456Z` (tracing-subscriber's default timer, UTC)
/// as microseconds since the UNIX epoch (the `time` crate's RFC 3339 parser).
pub fn parse_utc_micros(s: &str) -> Option<i128> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some(t.unix_timestamp_nanos() / 1_000)
}

/// One start of a binary, measured.
pub struct StartRun {
    /// Start → page-load `Finished` of its window (`None`: no ready hook).
    pub ready: Option<Duration>,
    /// Start → "backend ready" in the app's log.
    pub backend_ready: Option<Duration>,
    /// The app's painting, from its log.
    pub painting: Option<String>,
    pub memory: TreeMem,
    /// When the memory was read, after the start.
    pub memory_at: Duration,
}

/// Where and how the binaries are started and read.
pub struct Setting<'a> {
    pub display: &'a str,
    /// Ready files and logs.
    pub dir: &'a Path,
    /// How long to wait for a ready signal.
    pub ready_timeout: Duration,
    /// Between the ready signal and a reading.
    pub settle: Duration,
    /// Taken for the ready time of a binary that gives no signal.
    pub fallback: Duration,
}

/// Starts `target`, waits for its ready signal (at most `ready_timeout`;
/// `expect_hook: false` waits not at all), reads the memory of its tree
/// `settle` later (or `fallback + settle` after the start when it gives no
/// signal), and stops it.
pub fn run_once(target: &Target, set: &Setting, run: &str, expect_hook: bool, settle: Duration) -> Result<StartRun> {
    let mut started = launch(target, set.display, set.dir, run)?;
    let ready = started.wait_ready(if expect_hook { set.ready_timeout } else { Duration::ZERO })?;
    let memory_at = ready.unwrap_or(set.fallback) + settle;
    started.sleep_until(memory_at);
    if let Some(status) = started.process.child.try_wait()? {
        bail!("{} exited with {status} while being measured", target.label);
    }
    let memory = started.memory();
    let backend_ready = if target.is_app { started.backend_ready() } else { None };
    if target.is_app && backend_ready.is_none() {
        bail!("the app's log has no \"backend ready\" line ({})", started.log_file.display());
    }
    let painting = if target.is_app { started.painting() } else { None };
    started.process.stop();
    Ok(StartRun { ready, backend_ready, painting, memory, memory_at })
}

/// CPU time of a binary's tree while nobody touches it.
pub struct IdleRun {
    pub wall: Duration,
    pub by_name: Vec<(String, Duration)>,
    pub memory_before: TreeMem,
    pub memory_after: TreeMem,
}

impl IdleRun {
    pub fn total(&self) -> Duration {
        self.by_name.iter().map(|(_, d)| *d).sum()
    }

    /// Percentage of one core.
    pub fn percent(&self) -> f64 {
        100.0 * self.total().as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

pub fn idle(target: &Target, set: &Setting, expect_hook: bool, window: Duration) -> Result<IdleRun> {
    let mut started = launch(target, set.display, set.dir, &format!("{}-idle", target.label))?;
    let ready = started.wait_ready(if expect_hook { set.ready_timeout } else { Duration::ZERO })?;
    started.sleep_until(ready.unwrap_or(set.fallback) + set.settle);
    let pid = started.process.pid();
    let memory_before = procs::tree_mem(pid);
    let before = procs::tree_cpu(pid);
    let t0 = Instant::now();
    std::thread::sleep(window);
    let after = procs::tree_cpu(pid);
    let wall = t0.elapsed();
    let memory_after = procs::tree_mem(pid);
    if let Some(status) = started.process.child.try_wait()? {
        bail!("{} exited with {status} while idle", target.label);
    }
    started.process.stop();
    Ok(IdleRun { wall, by_name: procs::cpu_between(&before, &after), memory_before, memory_after })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_log_timestamp() {
        assert_eq!(parse_utc_micros("1970-01-01T00:00:01.5Z"), Some(1_500_000));
        // 2026-11-23T10:59:00Z = 1795431540 s (date -d @1795431540 -u).
        assert_eq!(parse_utc_micros("2026-11-23T10:59:00.123456Z"), Some(1_795_431_540_123_456));
        assert_eq!(parse_utc_micros("2024-02-29T23:59:59.000001Z"), Some(1_709_251_199_000_001));
        assert_eq!(parse_utc_micros("INFO"), None);
    }
}
