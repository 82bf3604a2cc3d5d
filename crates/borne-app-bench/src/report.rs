//! The printed report: plain tables, a verdict per figure, then a summary.

use crate::procs::TreeMem;
use crate::start::{IdleRun, StartRun, Target};
use crate::webdriver::{DriverStart, SessionsOutcome};
use std::time::Duration;

/// Issue 5: the app at most 1.2 times the bare window (start, memory).
pub const TARGET_RATIO: f64 = 1.2;
/// Issue 5: "idle CPU near zero over a minute": at most 1 % of one core.
pub const TARGET_IDLE_PERCENT: f64 = 1.0;
/// Issue 5: memory after the last session within 10 % of after the first.
pub const TARGET_GROWTH: f64 = 0.10;

/// Nearest-rank percentile (`p` in 0..=100) of unsorted `v`; zero when empty.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

pub fn median(v: &[f64]) -> f64 {
    percentile(v, 50.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn row(label: &str, value: impl std::fmt::Display) {
    println!("  {label:<50} {value}");
}

pub struct Verdict {
    pub figure: String,
    pub value: String,
    /// None: not measured.
    pub pass: Option<bool>,
}

fn verdict(pass: Option<bool>) -> &'static str {
    match pass {
        Some(true) => "PASS",
        Some(false) => "BELOW TARGET",
        None => "NOT MEASURED",
    }
}

/// The WebKitGTK variable both binaries set when the machine has no usable
/// GPU (src-tauri/src/rendering.rs; this crate depends on no project crate).
const CPU_PAINTING_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

pub struct Machine {
    pub date: String,
    pub cpu_model: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub webkitgtk: String,
    pub display: String,
    pub load_before: String,
    pub load_after: String,
    /// Runs during which a compiler was seen running.
    pub busy_runs: usize,
    pub compilers_seen: Vec<String>,
    pub machine_busy_percent: f64,
}

pub struct Report {
    pub machine: Machine,
    pub app: Target,
    pub hello: Target,
    pub runs: usize,
    pub warmup: usize,
    pub settle: Duration,
    pub app_hook: bool,
    pub app_runs: Vec<StartRun>,
    pub hello_runs: Vec<StartRun>,
    pub app_driver: Vec<DriverStart>,
    pub hello_driver: Vec<DriverStart>,
    pub driver_failures: usize,
    pub webdriver_note: Option<String>,
    pub app_idle: Option<IdleRun>,
    pub hello_idle: Option<IdleRun>,
    pub sessions: Option<Result<SessionsOutcome, String>>,
    pub sessions_asked: usize,
}

fn describe(path: &std::path::Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => {
            let age = m.modified().ok().and_then(|t| t.elapsed().ok()).map_or(String::new(), |a| format!(", built {} min ago", a.as_secs() / 60));
            format!("{} ({:.1} MiB{age})", path.display(), m.len() as f64 / 1024.0 / 1024.0)
        }
        Err(_) => format!("{} (missing)", path.display()),
    }
}

fn times(label: &str, v: &[f64]) {
    if v.is_empty() {
        row(label, "—");
        return;
    }
    row(
        label,
        format!("median {:.0} ms, p90 {:.0} ms (min {:.0}, max {:.0}; {} runs)", median(v), percentile(v, 90.0), percentile(v, 0.0), percentile(v, 100.0), v.len()),
    );
}

/// The medians of the page's own timings (ms from its navigation start),
/// in the order they happen: where the time between the window and
/// `data-ready` goes.
fn page_steps(label: &str, runs: &[DriverStart]) {
    let mut names: Vec<&String> = runs.iter().flat_map(|r| r.page.keys()).collect();
    names.sort();
    names.dedup();
    let mut steps: Vec<(f64, &String)> = names
        .into_iter()
        .map(|n| (median(&runs.iter().filter_map(|r| r.page.get(n).copied()).collect::<Vec<_>>()), n))
        .collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    if !steps.is_empty() {
        let text: Vec<String> = steps.iter().map(|(t, n)| format!("{n} {t:.0}")).collect();
        row(&format!("  {label}: page steps, medians (ms from navigation)"), text.join(", "));
    }
}

fn breakdown(m: &TreeMem) -> String {
    m.by_name()
        .iter()
        .map(|(name, n, pss, _)| if *n > 1 { format!("{name} x{n} {:.0}", mib(*pss)) } else { format!("{name} {:.0}", mib(*pss)) })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Report {
    pub fn print(&self) -> Vec<Verdict> {
        let m = &self.machine;
        let mut verdicts = Vec::new();
        println!();
        println!("borne-app-bench: Borne Adhérent against a bare Tauri window built the same way");
        println!("{}, {} cores ({}), {:.0} GiB, WebKitGTK {}, Xvfb {} {}", m.date, m.cores, m.cpu_model, m.memory_gib, m.webkitgtk, m.display, crate::display::SCREEN);
        row("app", describe(&self.app.path));
        row("app's backend", crate::start::BACKEND_URL.get().cloned().flatten().map_or("its embedded demo server (no BORNE_BACKEND_URL)".to_owned(), |u| format!("BORNE_BACKEND_URL={u}")));
        row("hello (bare window)", describe(&self.hello.path));
        let painting = self.app_runs.iter().find_map(|r| r.painting.clone()).unwrap_or_else(|| "not in the app's log".into());
        let env = std::env::var(CPU_PAINTING_VAR).map_or("unset".to_owned(), |v| format!("{v:?}"));
        row("WebKit painting, both binaries (the app's log)", format!("{painting} ({CPU_PAINTING_VAR} in the bench's environment: {env})"));
        row("load average before / after", format!("{} / {}", m.load_before, m.load_after));
        row("machine busy during the bench (all processes)", format!("{:.1} % of the cores", m.machine_busy_percent));
        if m.busy_runs > 0 {
            row("NOT IDLE: runs with a compiler running", format!("{} ({})", m.busy_runs, m.compilers_seen.join(", ")));
        }

        // ---- start, ready file --------------------------------------------
        println!();
        println!("Start → window loaded (page-load Finished writes BORNE_READY_FILE); {} runs each, alternating, after {} warm-up", self.runs, self.warmup);
        let ready = |runs: &[StartRun]| -> Vec<f64> { runs.iter().filter_map(|r| r.ready.map(ms)).collect() };
        let (app_ready, hello_ready) = (ready(&self.app_runs), ready(&self.hello_runs));
        times("hello", &hello_ready);
        if self.app_hook {
            times("app", &app_ready);
            let ratio = median(&app_ready) / median(&hello_ready).max(1e-9);
            row(&format!("ratio app / hello, medians (target <= {TARGET_RATIO})"), format!("{ratio:.2}  {}", verdict(Some(ratio <= TARGET_RATIO))));
            verdicts.push(Verdict { figure: "start → window loaded, app / hello".into(), value: format!("{ratio:.2} ({:.0} / {:.0} ms)", median(&app_ready), median(&hello_ready)), pass: Some(ratio <= TARGET_RATIO) });
        } else {
            row("app", "no ready signal: this build does not write BORNE_READY_FILE");
            verdicts.push(Verdict { figure: "start → window loaded, app / hello".into(), value: "the app has no BORNE_READY_FILE hook".into(), pass: None });
        }
        let backend: Vec<f64> = self.app_runs.iter().filter_map(|r| r.backend_ready.map(ms)).collect();
        times("app: start → \"backend ready\" (its log)", &backend);

        // ---- start, WebDriver ---------------------------------------------
        println!();
        println!("Start → body[data-ready=true] under tauri-driver (session request → first poll that sees it)");
        if let Some(note) = &self.webdriver_note {
            row("skipped", note);
            verdicts.push(Verdict { figure: "start → data-ready (WebDriver), app / hello".into(), value: note.clone(), pass: None });
        } else {
            let ready = |v: &[DriverStart]| -> Vec<f64> { v.iter().map(|d| ms(d.data_ready)).collect() };
            let opened = |v: &[DriverStart]| -> Vec<f64> { v.iter().map(|d| ms(d.session_opened)).collect() };
            let (a, h) = (ready(&self.app_driver), ready(&self.hello_driver));
            times("hello", &h);
            times("app", &a);
            times("  hello: session opened (WebKitWebDriver attached)", &opened(&self.hello_driver));
            times("  app: session opened", &opened(&self.app_driver));
            let navigation = |v: &[DriverStart]| -> Vec<f64> { v.iter().filter_map(|d| d.navigation_start.map(ms)).collect() };
            times("  hello: navigation start (the page's timeOrigin)", &navigation(&self.hello_driver));
            times("  app: navigation start", &navigation(&self.app_driver));
            page_steps("hello", &self.hello_driver);
            page_steps("app", &self.app_driver);
            if self.driver_failures > 0 {
                row("runs retried (session refused)", self.driver_failures);
            }
            if !a.is_empty() && !h.is_empty() {
                let ratio = median(&a) / median(&h).max(1e-9);
                row(&format!("ratio app / hello, medians (target <= {TARGET_RATIO})"), format!("{ratio:.2}  {}", verdict(Some(ratio <= TARGET_RATIO))));
                let diff = median(&a) - median(&h);
                row("  difference of the medians", format!("{diff:+.0} ms"));
                verdicts.push(Verdict { figure: "start → data-ready (WebDriver), app / hello".into(), value: format!("{ratio:.2} ({:.0} / {:.0} ms)", median(&a), median(&h)), pass: Some(ratio <= TARGET_RATIO) });
            }
        }

        // ---- memory --------------------------------------------------------
        println!();
        let at = |runs: &[StartRun]| median(&runs.iter().map(|r| r.memory_at.as_secs_f64()).collect::<Vec<_>>());
        let when = if self.app_hook {
            format!("{} s after the window loaded", self.settle.as_secs())
        } else {
            format!("{} s after the window loaded (hello, {:.1} s after its start), {:.1} s after the start (app: no ready signal)", self.settle.as_secs(), at(&self.hello_runs), at(&self.app_runs))
        };
        println!("Memory of the process tree (binary + WebKit processes), {when}; medians of the runs");
        let pss = |runs: &[StartRun]| -> Vec<f64> { runs.iter().map(|r| mib(r.memory.pss_kib())).collect() };
        let rss = |runs: &[StartRun]| -> Vec<f64> { runs.iter().map(|r| mib(r.memory.rss_kib())).collect() };
        let (ap, hp, ar, hr) = (median(&pss(&self.app_runs)), median(&pss(&self.hello_runs)), median(&rss(&self.app_runs)), median(&rss(&self.hello_runs)));
        let spread = |v: Vec<f64>| format!("min {:.0}, max {:.0}", percentile(&v, 0.0), percentile(&v, 100.0));
        row("hello PSS / RSS", format!("{hp:.1} MiB / {hr:.1} MiB  (PSS {})", spread(pss(&self.hello_runs))));
        row("app PSS / RSS", format!("{ap:.1} MiB / {ar:.1} MiB  (PSS {})", spread(pss(&self.app_runs))));
        if let Some(last) = self.hello_runs.last() {
            row("  hello, PSS by process (MiB, last run)", breakdown(&last.memory));
        }
        if let Some(last) = self.app_runs.last() {
            row("  app, PSS by process (MiB, last run)", breakdown(&last.memory));
        }
        let pss_ratio = ap / hp.max(1e-9);
        let rss_ratio = ar / hr.max(1e-9);
        row(&format!("ratio PSS app / hello (target <= {TARGET_RATIO})"), format!("{pss_ratio:.2}  {}  (+{:.1} MiB)", verdict(Some(pss_ratio <= TARGET_RATIO)), ap - hp));
        row(&format!("ratio RSS app / hello (target <= {TARGET_RATIO})"), format!("{rss_ratio:.2}  {}  (+{:.1} MiB)", verdict(Some(rss_ratio <= TARGET_RATIO)), ar - hr));
        verdicts.push(Verdict { figure: "memory (PSS of the tree), app / hello".into(), value: format!("{pss_ratio:.2} ({ap:.0} / {hp:.0} MiB)"), pass: Some(pss_ratio <= TARGET_RATIO) });
        verdicts.push(Verdict { figure: "memory (RSS of the tree), app / hello".into(), value: format!("{rss_ratio:.2} ({ar:.0} / {hr:.0} MiB)"), pass: Some(rss_ratio <= TARGET_RATIO) });

        // ---- idle ----------------------------------------------------------
        println!();
        match (&self.app_idle, &self.hello_idle) {
            (Some(a), h) => {
                println!("Idle CPU of the tree (utime + stime from /proc), {:.0} s after the window loaded + {} s, nobody touching it", a.wall.as_secs_f64(), self.settle.as_secs());
                let by = |i: &IdleRun| i.by_name.iter().filter(|(_, d)| !d.is_zero()).map(|(n, d)| format!("{n} {:.2} s", d.as_secs_f64())).collect::<Vec<_>>().join(", ");
                if let Some(h) = h {
                    row("hello", format!("{:.2} % of one core ({:.2} s in {:.0} s) {}", h.percent(), h.total().as_secs_f64(), h.wall.as_secs_f64(), by(h)));
                }
                row(&format!("app (target <= {TARGET_IDLE_PERCENT} % of one core)"), format!("{:.2} % of one core ({:.2} s in {:.0} s)  {}", a.percent(), a.total().as_secs_f64(), a.wall.as_secs_f64(), verdict(Some(a.percent() <= TARGET_IDLE_PERCENT))));
                row("  by process", by(a));
                row("  app PSS at the start / end of the minute", format!("{:.1} / {:.1} MiB", mib(a.memory_before.pss_kib()), mib(a.memory_after.pss_kib())));
                verdicts.push(Verdict { figure: "idle CPU of the app's tree".into(), value: format!("{:.2} % of one core", a.percent()), pass: Some(a.percent() <= TARGET_IDLE_PERCENT) });
            }
            _ => {
                println!("Idle CPU: skipped (--idle-seconds 0)");
                verdicts.push(Verdict { figure: "idle CPU of the app's tree".into(), value: "skipped".into(), pass: None });
            }
        }

        // ---- sessions ------------------------------------------------------
        println!();
        match &self.sessions {
            None => {
                println!("Member sessions: skipped (--sessions N runs N log-ins and log-outs through WebDriver)");
                verdicts.push(Verdict { figure: "memory after the last session / after the first".into(), value: "skipped".into(), pass: None });
            }
            Some(Err(e)) => {
                println!("Member sessions: FAILED: {e}");
                verdicts.push(Verdict { figure: "memory after the last session / after the first".into(), value: format!("failed: {e}"), pass: None });
            }
            Some(Ok(s)) => {
                let n = s.durations.len();
                println!("Member sessions through WebDriver on the embedded demo server (home → log in → space → log out), {n} of {}", self.sessions_asked);
                println!("  memory of the app's tree (app + WebKit processes, not the drivers), {} s after each checkpoint", self.settle.as_secs());
                let d: Vec<f64> = s.durations.iter().map(|d| ms(*d)).collect();
                row("duration of one session", format!("median {:.0} ms, p90 {:.0} ms, max {:.0} ms ({:.0} s in all)", median(&d), percentile(&d, 90.0), percentile(&d, 100.0), s.total.as_secs_f64()));
                for sample in &s.samples {
                    row(
                        &format!("after {} session{}", sample.after_sessions, if sample.after_sessions == 1 { "" } else { "s" }),
                        format!("PSS {:.1} MiB, RSS {:.1} MiB  ({}; {} DOM elements)", mib(sample.memory.pss_kib()), mib(sample.memory.rss_kib()), breakdown(&sample.memory), sample.dom_elements),
                    );
                }
                let first = s.samples.iter().find(|x| x.after_sessions == 1);
                let last = s.samples.last().filter(|x| x.after_sessions == n && n > 1);
                if let (Some(f), Some(l)) = (first, last) {
                    let growth = l.memory.pss_kib() as f64 / f.memory.pss_kib().max(1) as f64 - 1.0;
                    let growth_rss = l.memory.rss_kib() as f64 / f.memory.rss_kib().max(1) as f64 - 1.0;
                    row(&format!("PSS after {n} / after 1 (target within 10 %)"), format!("{:+.1} %  {}", 100.0 * growth, verdict(Some(growth.abs() <= TARGET_GROWTH))));
                    row(&format!("RSS after {n} / after 1"), format!("{:+.1} %", 100.0 * growth_rss));
                    verdicts.push(Verdict {
                        figure: format!("memory (PSS) after {n} sessions / after 1"),
                        value: format!("{:+.1} % ({:.0} → {:.0} MiB)", 100.0 * growth, mib(f.memory.pss_kib()), mib(l.memory.pss_kib())),
                        pass: Some(growth.abs() <= TARGET_GROWTH),
                    });
                }
            }
        }

        println!();
        println!("Verdicts");
        for v in &verdicts {
            row(&v.figure, format!("{:<13} {}", verdict(v.pass), v.value));
        }
        if m.busy_runs > 0 {
            println!("  (the machine was not idle during {} runs: figures are suspect)", m.busy_runs);
        }
        verdicts
    }
}
