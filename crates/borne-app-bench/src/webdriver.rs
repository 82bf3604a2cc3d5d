//! Driving a window through tauri-driver (which starts WebKitWebDriver,
//! which starts the binary): the time until `body[data-ready=true]`, and the
//! scripted member sessions of the app (log in, log out) with the memory of
//! its tree along the way.

use crate::procs::{self, Launched, TreeMem};
use anyhow::{anyhow, bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Upper bound for one WebDriver call.
const CALL: Duration = Duration::from_secs(20);
/// How long a screen may take to appear.
const WAIT: Duration = Duration::from_secs(20);

/// The demo member of the embedded server (README, "Demo members").
pub const DEMO_NIR: &str = "2 78 03 69 123 045 34";
pub const DEMO_PASSWORD: &str = "Mutuelle2024";

/// tauri-driver from `TAURI_DRIVER`, else `$CARGO_HOME/bin`, else `PATH`.
pub fn tauri_driver_path(given: Option<&Path>) -> PathBuf {
    if let Some(p) = given {
        return p.to_owned();
    }
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"));
    let candidate = cargo_home.join("bin/tauri-driver");
    if candidate.exists() {
        candidate
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// Whether tauri-driver and WebKitWebDriver can be run.
pub fn available(tauri_driver: &Path) -> Result<(), String> {
    let runs = |p: &Path| Command::new(p).arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !runs(tauri_driver) {
        return Err(format!("{} cannot be run (cargo install tauri-driver --locked --version '^2')", tauri_driver.display()));
    }
    if !runs(Path::new("WebKitWebDriver")) {
        return Err("WebKitWebDriver cannot be run (package webkit2gtk-driver)".into());
    }
    Ok(())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!("nothing listens on port {port} after {within:?}")
}

async fn call<T>(what: &str, fut: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>) -> Result<T> {
    tokio::time::timeout(CALL, fut)
        .await
        .map_err(|_| anyhow!("WebDriver call timed out: {what}"))?
        .map_err(|e| anyhow!("WebDriver call failed: {what}: {e}"))
}

/// tauri-driver on free loopback ports, in its own process group, with the
/// environment the driven binary inherits.
pub struct Driver {
    process: Launched,
    port: u16,
}

impl Driver {
    pub fn start(tauri_driver: &Path, display: &str, dir: &Path, run: &str) -> Result<Driver> {
        let port = free_port()?;
        let native_port = free_port()?;
        let log = std::fs::File::create(dir.join(format!("{run}.tauri-driver.log")))?;
        let mut cmd = Command::new(tauri_driver);
        crate::start::set_backend(&mut cmd);
        cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", display)
            .env("BORNE_LOG_FILE", dir.join(format!("{run}.log")))
            .env("BORNE_READY_FILE", dir.join(format!("{run}.ready")))
            .env_remove("BORNE_PROFILE")
            .env_remove("BORNE_LOG")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let process = Launched::spawn(&mut cmd).with_context(|| format!("starting {}", tauri_driver.display()))?;
        wait_for_port(port, Duration::from_secs(15))?;
        wait_for_port(native_port, Duration::from_secs(15))?;
        Ok(Driver { process, port })
    }

    /// Asks for a WebDriver session: WebKitWebDriver starts `binary`.
    pub async fn session(&self, binary: &Path) -> Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": binary, "args": [] }));
        tokio::time::timeout(
            Duration::from_secs(60),
            ClientBuilder::new(HttpConnector::new()).capabilities(caps).connect(&format!("http://127.0.0.1:{}", self.port)),
        )
        .await
        .map_err(|_| anyhow!("the WebDriver session did not open within 60 s"))?
        .map_err(|e| anyhow!("the WebDriver session did not open: {e}"))
    }

    /// The process of `binary` under this driver.
    pub fn pid_of(&self, binary: &Path) -> Option<u32> {
        let wanted = std::fs::canonicalize(binary).ok()?;
        procs::tree(self.process.pid()).into_iter().find(|&p| procs::exe(p).is_some_and(|e| e == wanted))
    }

    pub fn stop(mut self) {
        self.process.stop();
    }
}

/// `body[data-ready=true]`, polled as fast as the driver answers.
async fn wait_data_ready(client: &Client) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        let ready = call("data-ready", client.execute("return !!document.body && document.body.dataset.ready === 'true';", vec![])).await;
        if matches!(ready, Ok(serde_json::Value::Bool(true))) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("body[data-ready=true] not seen after {WAIT:?} (last answer: {ready:?})");
        }
    }
}

/// One start under WebDriver: from the session request (the driver is
/// already listening) to the first poll that sees `body[data-ready=true]`.
pub struct DriverStart {
    pub session_opened: Duration,
    /// From the session request to the page's navigation start (its
    /// `performance.timeOrigin`, a wall-clock time): what comes before the
    /// page (the binary's start, the window, the web process).
    pub navigation_start: Option<Duration>,
    pub data_ready: Duration,
    /// The page's own timings, in ms from its navigation start: DOM
    /// interactive, DOMContentLoaded, load, and every `performance.mark`
    /// (the app marks the steps of its start: `borne:*`).
    pub page: std::collections::BTreeMap<String, f64>,
}

/// The key under which the page timings carry `performance.timeOrigin` (ms since the Unix epoch).
const TIME_ORIGIN: &str = "timeOrigin";

fn page_timings_script() -> String {
    format!(
        "const n = performance.getEntriesByType('navigation')[0] || {{}}; \
const out = {{ 'dom interactive': n.domInteractive || 0, 'DOMContentLoaded end': n.domContentLoadedEventEnd || 0, 'load end': n.loadEventEnd || 0 }}; \
for (const m of performance.getEntriesByType('mark')) out[m.name] = m.startTime; \
out['{TIME_ORIGIN}'] = performance.timeOrigin; \
return out;"
    )
}

async fn page_timings(client: &Client) -> std::collections::BTreeMap<String, f64> {
    let value = call("page timings", client.execute(&page_timings_script(), vec![])).await.unwrap_or_default();
    value.as_object().map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect()).unwrap_or_default()
}

pub async fn time_to_data_ready(tauri_driver: &Path, display: &str, dir: &Path, run: &str, binary: &Path) -> Result<DriverStart> {
    let driver = Driver::start(tauri_driver, display, dir, run)?;
    let t0 = Instant::now();
    let t0_wall = std::time::SystemTime::now();
    let outcome = async {
        let client = driver.session(binary).await?;
        let session_opened = t0.elapsed();
        let waited = wait_data_ready(&client).await;
        let data_ready = t0.elapsed();
        let mut page = if waited.is_ok() { page_timings(&client).await } else { Default::default() };
        let navigation_start = page.remove(TIME_ORIGIN).and_then(|origin_ms| {
            let request_ms = t0_wall.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs_f64() * 1000.0;
            (origin_ms >= request_ms).then(|| Duration::from_secs_f64((origin_ms - request_ms) / 1000.0))
        });
        let _ = tokio::time::timeout(CALL, client.close()).await;
        waited?;
        anyhow::Ok(DriverStart { session_opened, navigation_start, data_ready, page })
    }
    .await;
    driver.stop();
    outcome
}

/// Memory of the app's tree after a number of sessions.
pub struct Sample {
    pub after_sessions: usize,
    pub memory: TreeMem,
    /// Elements in the document: a UI that keeps adding nodes shows here.
    pub dom_elements: u64,
}

async fn dom_elements(client: &Client) -> u64 {
    call("DOM size", client.execute("return document.getElementsByTagName('*').length;", vec![])).await.ok().and_then(|v| v.as_u64()).unwrap_or(0)
}

pub struct SessionsOutcome {
    pub samples: Vec<Sample>,
    /// Log in + log out, each.
    pub durations: Vec<Duration>,
    pub total: Duration,
}

struct Ui<'a> {
    client: &'a Client,
}

impl Ui<'_> {
    async fn screen(&self) -> String {
        call("current screen", self.client.execute("return document.body.dataset.currentScreen || '';", vec![]))
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    async fn wait_screen(&self, screen: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let now = self.screen().await;
            if now == screen {
                return Ok(());
            }
            if Instant::now() > deadline {
                let alert = self.text("[data-testid='error-text']").await.unwrap_or_default();
                bail!("screen {screen:?} not shown after {WAIT:?}; shown: {now:?}; error text: {alert:?}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn el(&self, screen: &str, id: &str) -> Result<fantoccini::elements::Element> {
        let css = format!("[data-testid='screen-{screen}'] [data-testid='{id}']");
        call(&css, self.client.find(Locator::Css(&css))).await
    }

    async fn click(&self, screen: &str, id: &str) -> Result<()> {
        let el = self.el(screen, id).await?;
        call(id, el.click()).await
    }

    async fn type_in(&self, screen: &str, id: &str, text: &str) -> Result<()> {
        let el = self.el(screen, id).await?;
        call(id, el.clear()).await?;
        call(id, el.send_keys(text)).await
    }

    async fn text(&self, css: &str) -> Result<String> {
        let el = call(css, self.client.find(Locator::Css(css))).await?;
        call(css, el.text()).await
    }

    /// Home → log-in form → personal space → log out → home.
    async fn member_session(&self) -> Result<()> {
        self.wait_screen("home").await?;
        self.click("home", "home-login").await?;
        self.wait_screen("login").await?;
        self.type_in("login", "login-identifier", DEMO_NIR).await?;
        self.type_in("login", "login-password", DEMO_PASSWORD).await?;
        self.click("login", "login-submit").await?;
        self.wait_screen("space").await.context("logging in")?;
        self.click("space", "logout").await?;
        self.wait_screen("home").await.context("logging out")
    }
}

/// Starts the app under WebDriver and runs `count` member sessions; reads
/// the memory of the app's tree (app + WebKit processes, not the drivers)
/// `settle` after the start, after the first session, every `every`
/// sessions and after the last.
pub async fn member_sessions(
    tauri_driver: &Path,
    display: &str,
    dir: &Path,
    app: &Path,
    count: usize,
    every: usize,
    settle: Duration,
) -> Result<SessionsOutcome> {
    let driver = Driver::start(tauri_driver, display, dir, "sessions")?;
    let outcome = async {
        let client = driver.session(app).await?;
        let result = async {
            wait_data_ready(&client).await?;
            let pid = driver.pid_of(app).ok_or_else(|| anyhow!("no process of {} under tauri-driver", app.display()))?;
            let log = dir.join("sessions.log");
            let demo = std::fs::read_to_string(&log).is_ok_and(|l| l.lines().any(|l| l.contains("backend ready") && l.contains("demo=true")));
            if !demo {
                bail!("the app under test does not use its embedded demo server ({}): build it with the default `demo` feature", log.display());
            }
            let ui = Ui { client: &client };
            let mut samples = Vec::new();
            tokio::time::sleep(settle).await;
            samples.push(Sample { after_sessions: 0, memory: procs::tree_mem(pid), dom_elements: dom_elements(&client).await });
            let mut durations = Vec::with_capacity(count);
            let start = Instant::now();
            for n in 1..=count {
                let t = Instant::now();
                ui.member_session().await.with_context(|| format!("member session {n}"))?;
                durations.push(t.elapsed());
                if n == 1 || n == count || (every > 0 && n % every == 0) {
                    tokio::time::sleep(settle).await;
                    samples.push(Sample { after_sessions: n, memory: procs::tree_mem(pid), dom_elements: dom_elements(&client).await });
                    eprintln!("  {n} sessions, PSS of the app's tree {:.1} MiB", samples.last().unwrap().memory.pss_kib() as f64 / 1024.0);
                }
            }
            let total = start.elapsed();
            anyhow::Ok(SessionsOutcome { samples, durations, total })
        }
        .await;
        let _ = tokio::time::timeout(CALL, client.close()).await;
        result
    }
    .await;
    driver.stop();
    outcome
}
