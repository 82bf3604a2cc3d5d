//! Runs the real app window under WebDriver: Xvfb (when no display is set),
//! tauri-driver (which drives WebKitWebDriver), and a reference server on a
//! free loopback port with the members a test creates. Everything started
//! here lives in its own process group and is killed when the harness drops,
//! even when a test fails.

use anyhow::{anyhow, bail, Context, Result};
use borne_core::Secret;
use borne_server::{Db, NewMember, RunningServer, ServerConfig};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Upper bound for any single WebDriver call; a hung call fails the test
/// instead of hanging CI.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a screen may take to show what the test waits for.
const WAIT: Duration = Duration::from_secs(15);

/// One app window at a time: the machine has 2 cores, and WebKit is heavy.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// The log file of the in-process reference server (shared by all tests of this run).
pub fn server_log_path() -> PathBuf {
    artifacts_dir().join("server.log")
}

fn init_server_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let file = std::fs::File::create(server_log_path()).expect("server log");
        let _ = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter("info")
            .with_writer(Mutex::new(file))
            .try_init();
    });
}

/// A process group that is terminated, then killed, on drop.
struct Group {
    name: &'static str,
    child: Child,
}

impl Group {
    fn spawn(name: &'static str, cmd: &mut Command) -> Result<Group> {
        cmd.process_group(0);
        let child = cmd.spawn().with_context(|| format!("starting {name}"))?;
        Ok(Group { name, child })
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = self.child.id() as i32;
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
        let _ = self.name;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("nothing listens on port {port} after {within:?}")
}

/// Starts Xvfb on the first free display, unless DISPLAY is already set.
fn display() -> Result<(String, Option<Group>)> {
    if let Ok(d) = std::env::var("DISPLAY") {
        if !d.is_empty() {
            return Ok((d, None));
        }
    }
    for n in 90..200 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists() || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            continue;
        }
        let group = Group::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([format!(":{n}").as_str(), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let socket = format!("/tmp/.X11-unix/X{n}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(&socket).exists() {
                return Ok((format!(":{n}"), Some(group)));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("Xvfb :{n} did not start (is the xvfb package installed?)");
    }
    bail!("no free X display")
}

/// A member a test creates, with everything needed to log in.
pub struct TestMember {
    pub nir: String,
    pub nir_typed: String,
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
}

impl TestMember {
    /// A member with a valid NIR built from `serial` (3 digits).
    pub fn new(serial: u32) -> TestMember {
        let body = format!("2850675123{serial:03}");
        let key = borne_core::nir::compute_key(&body);
        let nir = format!("{body}{key:02}");
        let nir_typed = format!(
            "{} {} {} {} {} {} {}",
            &nir[0..1], &nir[1..3], &nir[3..5], &nir[5..7], &nir[7..10], &nir[10..13], &nir[13..15]
        );
        TestMember {
            nir,
            nir_typed,
            email: format!("adherente{serial}@exemple.fr"),
            password: format!("Secret{serial}Borne"),
            first_name: "Élise".into(),
            last_name: format!("Testeuse{serial}"),
        }
    }
}

pub struct Backend {
    pub server: RunningServer,
    _dir: tempfile::TempDir,
}

impl Backend {
    pub async fn start(members: &[&TestMember]) -> Result<Backend> {
        init_server_logging();
        let dir = tempfile::tempdir()?;
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("e2e.db").display())).await?;
        db.migrate().await?;
        for m in members {
            db.add_member(&NewMember {
                nir: m.nir.clone(),
                email: m.email.clone(),
                phone: Some("06 12 34 56 78".into()),
                birthdate: "12/06/1985".into(),
                member_number: format!("MPN-{}", &m.nir[10..13]),
                first_name: m.first_name.clone(),
                last_name: m.last_name.clone(),
                password: Secret::new(m.password.clone()),
            })
            .await?;
        }
        let server = borne_server::spawn(db, SocketAddr::from(([127, 0, 0, 1], 0)), ServerConfig::default()).await?;
        Ok(Backend { server, _dir: dir })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }
}

/// The app window, driven through tauri-driver.
pub struct App {
    pub client: Client,
    pub log_path: PathBuf,
    // Dropped after the client is closed: driver first (kills WebKitWebDriver
    // and the app), then the display.
    _driver: Group,
    _display: Option<Group>,
}

impl App {
    /// Launches the freshly built app pointed at `backend_url`, or on its
    /// embedded demo server when `None`.
    pub async fn launch(backend_url: Option<&str>, test_name: &str) -> Result<App> {
        let (display, display_group) = display()?;
        let log_path = artifacts_dir().join(format!("app-{test_name}.log"));
        let _ = std::fs::remove_file(&log_path);
        let port = free_port();
        let native_port = free_port();
        let driver_log = std::fs::File::create(artifacts_dir().join(format!("tauri-driver-{test_name}.log")))?;
        let mut cmd = Command::new(tauri_driver());
        cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display)
            .env("BORNE_LOG_FILE", &log_path)
            .stdout(driver_log.try_clone()?)
            .stderr(driver_log);
        match backend_url {
            Some(url) => cmd.env("BORNE_BACKEND_URL", url),
            None => cmd.env_remove("BORNE_BACKEND_URL"),
        };
        let driver = Group::spawn("tauri-driver", &mut cmd)?;
        wait_for_port(port, Duration::from_secs(15))?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_borne-adherent") }),
        );
        // tauri-driver starts WebKitWebDriver on the native port; under load
        // it can accept a connection before that one is ready and drop the
        // first request, so the session is asked for a few times.
        wait_for_port(native_port, Duration::from_secs(15))?;
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            let opened = tokio::time::timeout(
                Duration::from_secs(60),
                ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")),
            )
            .await
            .map_err(|_| anyhow!("the WebDriver session did not open within 60 s"))?;
            match opened {
                Ok(client) => break client,
                Err(e) if attempt < 4 => {
                    eprintln!("WebDriver session attempt {attempt} failed ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        let app = App { client, log_path, _driver: driver, _display: display_group };
        app.wait_visible("body[data-ready='true']").await.context("the app did not finish starting")?;
        Ok(app)
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(CALL_TIMEOUT, self.client.clone().close()).await;
    }

    async fn call<T>(&self, what: &str, fut: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>) -> Result<T> {
        tokio::time::timeout(CALL_TIMEOUT, fut)
            .await
            .map_err(|_| anyhow!("WebDriver call timed out: {what}"))?
            .map_err(|e| anyhow!("WebDriver call failed: {what}: {e}"))
    }

    /// Waits until an element matching `css` exists and is displayed.
    pub async fn wait_visible(&self, css: &str) -> Result<fantoccini::elements::Element> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(Ok(el)) = tokio::time::timeout(CALL_TIMEOUT, self.client.find(Locator::Css(css))).await {
                if let Ok(Ok(true)) = tokio::time::timeout(CALL_TIMEOUT, el.is_displayed()).await {
                    return Ok(el);
                }
            }
            if Instant::now() > deadline {
                bail!("{css} not visible after {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn testid(&self, id: &str) -> Result<fantoccini::elements::Element> {
        self.wait_visible(&format!("[data-testid='{id}']")).await
    }

    pub async fn is_visible(&self, id: &str) -> Result<bool> {
        let css = format!("[data-testid='{id}']");
        match self.call("find", self.client.find(Locator::Css(&css))).await {
            Ok(el) => self.call("is_displayed", el.is_displayed()).await,
            Err(_) => Ok(false),
        }
    }

    pub async fn click(&self, id: &str) -> Result<()> {
        let el = self.testid(id).await?;
        self.call(id, el.click()).await
    }

    pub async fn type_into(&self, id: &str, text: &str) -> Result<()> {
        let el = self.testid(id).await?;
        self.call(id, el.clear()).await?;
        self.call(id, el.send_keys(text)).await
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        let el = self.testid(id).await?;
        self.call(id, el.text()).await
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn wait_text(&self, id: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text(id).await.unwrap_or_default();
            if text.contains(needle) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("[data-testid={id}] never contained {needle:?}; last text: {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The data-testid of the element that has the keyboard focus.
    pub async fn focused_testid(&self) -> Result<String> {
        let v = self
            .call("active element", self.client.execute("return document.activeElement && document.activeElement.getAttribute('data-testid');", vec![]))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Home → log-in screen, then submits the form.
    pub async fn log_in(&self, identifier: &str, password: &str) -> Result<()> {
        if self.is_visible("screen-home").await? {
            self.click("home-login").await?;
        }
        self.testid("screen-login").await?;
        self.type_into("login-identifier", identifier).await?;
        self.type_into("login-password", password).await?;
        self.click("login-submit").await?;
        Ok(())
    }

    pub fn app_log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
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

/// Fails when any of `secrets` (or the NIR without separators) appears in `log`.
pub fn assert_no_secrets(what: &str, log: &str, secrets: &[&str]) {
    for s in secrets {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(!log.contains(s), "{what} contains a secret: {s:?}");
        assert!(!log.contains(&compact), "{what} contains a secret: {compact:?}");
    }
}
