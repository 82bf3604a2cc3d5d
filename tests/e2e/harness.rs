//! Runs the real app window under WebDriver: Xvfb (when no display is set),
//! tauri-driver (which drives WebKitWebDriver), and a reference server on a
//! free loopback port with the members a test creates. Everything started
//! here lives in its own process group and is killed when the harness drops,
//! even when a test fails.

use anyhow::{anyhow, bail, Context, Result};
use borne_core::Secret;
use borne_server::{Db, NewMember, RunningServer, ServerConfig};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::io::{Read, Write};
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
        // Until every process of the group is gone (the app among them): a
        // lingering app would still own its single-instance name on the
        // session bus and take the next test's launch for a second instance.
        let deadline = Instant::now() + Duration::from_secs(5);
        while unsafe { libc::kill(-pgid, 0) } == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.name;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A backend address where nothing listens (a free loopback port): the
/// backend is down.
pub fn unreachable_backend_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
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

/// The screen of the Xvfb the harness starts when DISPLAY is unset.
const DEFAULT_SCREEN: (u32, u32) = (1280, 1024);

/// Starts Xvfb on the first free display, unless DISPLAY is already set.
fn display() -> Result<(String, Option<Group>)> {
    if let Ok(d) = std::env::var("DISPLAY") {
        if !d.is_empty() {
            return Ok((d, None));
        }
    }
    xvfb(DEFAULT_SCREEN)
}

/// Starts an Xvfb whose screen is `width` × `height` on the first free display.
fn xvfb((width, height): (u32, u32)) -> Result<(String, Option<Group>)> {
    for n in 90..200 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists() || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            continue;
        }
        let group = Group::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([format!(":{n}").as_str(), "-screen", "0", &format!("{width}x{height}x24"), "-nolisten", "tcp"])
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

/// Which mobile phone the insurer knows for a member (MGEN guide: only
/// mobiles of metropolitan France can receive the SMS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phone {
    /// `06 12 34 56 78`, reached by SMS at `+33612345678`.
    Metropolitan,
    /// No phone at all.
    None,
    /// `06 90 12 34 56`, a Guadeloupe mobile: never offered for the SMS.
    Overseas,
}

impl Phone {
    pub fn typed(self) -> Option<&'static str> {
        match self {
            Phone::Metropolitan => Some("06 12 34 56 78"),
            Phone::None => None,
            Phone::Overseas => Some("06 90 12 34 56"),
        }
    }

    /// Where the demo outbox files an SMS to this phone (E.164).
    pub fn sms_to(self) -> Option<&'static str> {
        match self {
            Phone::Metropolitan => Some("+33612345678"),
            _ => None,
        }
    }
}

/// A member a test creates, with everything needed to log in.
#[derive(Clone)]
pub struct TestMember {
    pub nir: String,
    pub nir_typed: String,
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    /// `jj/mm/aaaa`; the NIR says born in June 1985.
    pub birthdate: String,
    pub member_number: String,
    pub phone: Phone,
    /// False: known from the insurer's records only, no account yet
    /// ("Pas encore inscrit ?").
    pub registered: bool,
}

impl TestMember {
    /// A member with a valid NIR built from `serial` (3 digits): a woman born
    /// in June 1985 in Paris (75), with a metropolitan mobile and an account.
    pub fn new(serial: u32) -> TestMember {
        let body = format!("2850675123{serial:03}");
        let key = borne_core::nir::compute_key(&body);
        let nir = format!("{body}{key:02}");
        let nir_typed = format!(
            "{} {} {} {} {} {} {}",
            &nir[0..1], &nir[1..3], &nir[3..5], &nir[5..7], &nir[7..10], &nir[10..13], &nir[13..15]
        );
        TestMember {
            member_number: format!("MPN-{}", &nir[10..13]),
            nir,
            nir_typed,
            email: format!("adherente{serial}@exemple.fr"),
            password: format!("Secret{serial}Borne"),
            first_name: "Élise".into(),
            last_name: format!("Testeuse{serial}"),
            birthdate: "12/06/1985".into(),
            phone: Phone::Metropolitan,
            registered: true,
        }
    }

    pub fn with_phone(mut self, phone: Phone) -> TestMember {
        self.phone = phone;
        self
    }

    /// Known from the insurer's records, not registered yet.
    pub fn unregistered(mut self) -> TestMember {
        self.registered = false;
        self
    }

    /// The same NIR with a wrong key (the last two digits).
    pub fn nir_with_wrong_key(&self) -> String {
        let key: u32 = self.nir[13..].parse().expect("numeric key");
        format!("{}{:02}", &self.nir[..13], (key % 97) + 1)
    }

    fn new_member(&self) -> NewMember {
        NewMember {
            nir: self.nir.clone(),
            email: self.email.clone(),
            phone: self.phone.typed().map(Into::into),
            birthdate: self.birthdate.clone(),
            member_number: self.member_number.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            password: if self.registered { Secret::new(self.password.clone()) } else { Secret::default() },
        }
    }
}

/// How the reference server of a test is set up.
#[derive(Clone, Debug)]
pub struct BackendOptions {
    /// The demo outbox (`GET /dev/outbox`): every e-mail and SMS is kept
    /// there, which is how the tests read codes and temporary passwords.
    pub outbox: bool,
}

impl Default for BackendOptions {
    fn default() -> Self {
        BackendOptions { outbox: true }
    }
}

pub struct Backend {
    pub server: RunningServer,
    pub db: Db,
    _dir: tempfile::TempDir,
}

impl Backend {
    /// A server with `members` (registered ones with their password,
    /// unregistered ones imported from the "insurer's records") and the demo
    /// outbox on.
    pub async fn start(members: &[&TestMember]) -> Result<Backend> {
        Backend::start_with(members, BackendOptions::default()).await
    }

    pub async fn start_with(members: &[&TestMember], options: BackendOptions) -> Result<Backend> {
        init_server_logging();
        let dir = tempfile::tempdir()?;
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("e2e.db").display())).await?;
        db.migrate().await?;
        for m in members {
            if m.registered {
                db.add_member(&m.new_member()).await?;
            } else {
                db.import_member(&m.new_member()).await?;
            }
        }
        let mut config = ServerConfig::default();
        config.delivery.outbox = options.outbox;
        // The app under test is its only client, on loopback.
        config.throttle.exempt_loopback = true;
        let server = borne_server::spawn(db.clone(), SocketAddr::from(([127, 0, 0, 1], 0)), config).await?;
        Ok(Backend { server, db, _dir: dir })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Every message of the demo outbox, oldest first (`{to, kind, text, …}`).
    pub async fn outbox(&self) -> Result<Vec<serde_json::Value>> {
        let addr = self.server.addr;
        let body = tokio::task::spawn_blocking(move || -> Result<String> {
            let mut stream = TcpStream::connect(addr)?;
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            // HTTP/1.0: the answer ends when the connection closes, no chunks.
            stream.write_all(b"GET /dev/outbox HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
            let mut raw = Vec::new();
            stream.read_to_end(&mut raw)?;
            let raw = String::from_utf8(raw)?;
            let (head, body) = raw.split_once("\r\n\r\n").ok_or_else(|| anyhow!("no HTTP answer from the outbox"))?;
            if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
                bail!("GET /dev/outbox: {}", head.lines().next().unwrap_or_default());
            }
            Ok(body.to_owned())
        })
        .await??;
        Ok(serde_json::from_str(&body).context("the outbox is not a JSON array")?)
    }

    /// The messages sent to `to` (an e-mail address, or a phone in E.164).
    pub async fn messages_to(&self, to: &str) -> Result<Vec<serde_json::Value>> {
        Ok(self.outbox().await?.into_iter().filter(|e| e["to"] == to).collect())
    }

    /// The text of the newest message to `to`, once more than
    /// `previous_count` messages were sent there (the server sends in the
    /// background: retried for a while).
    pub async fn last_message(&self, to: &str, previous_count: usize) -> Result<String> {
        Ok(self.last_message_entry(to, previous_count).await?["text"].as_str().unwrap_or_default().to_owned())
    }

    /// Like [`Backend::last_message`], the whole outbox entry.
    pub async fn last_message_entry(&self, to: &str, previous_count: usize) -> Result<serde_json::Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let mine = self.messages_to(to).await?;
            if mine.len() > previous_count {
                return Ok(mine.last().cloned().unwrap_or_default());
            }
            if Instant::now() > deadline {
                bail!("no new message to {to} after {WAIT:?} ({} before)", mine.len());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

}

/// How many times `needle` appears in the server log of this run (shared by
/// the tests, which run one at a time): counted before and after a step, it
/// proves that a form refused a value without calling the server.
pub fn server_log_count(needle: &str) -> usize {
    std::fs::read_to_string(server_log_path()).unwrap_or_default().matches(needle).count()
}

/// The 6-digit code of a message (the first group of exactly six digits).
pub fn six_digit_code(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no 6-digit code in the message:\n{text}"))
        .to_owned()
}

/// The temporary password of the unlock SMS: the word after "mot de passe temporaire".
pub fn temporary_password(sms: &str) -> String {
    let after = sms
        .split("mot de passe temporaire")
        .nth(1)
        .unwrap_or_else(|| panic!("the SMS names no temporary password:\n{sms}"));
    after.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| !w.is_empty()).expect("a temporary password").to_owned()
}

/// The app's `borne://reset?token=…` link of a message, as a member who has
/// the app gets it: the e-mail's link is the server's web page
/// (`…/compte/mot-de-passe?token=…`, where a phone or webmail sets the
/// password), which offers « Ouvrir dans l'application Borne Adhérent »:
/// that link's address, read from the page.
pub async fn reset_link(text: &str) -> String {
    let start = text.find("http://").unwrap_or_else(|| panic!("no link in the message:\n{text}"));
    let page = text[start..].split(char::is_whitespace).next().unwrap().to_owned();
    assert!(page.contains("/compte/mot-de-passe?token="), "not the page's link: {page}");
    let html = tokio::task::spawn_blocking(move || {
        let rest = page.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        let mut stream = TcpStream::connect(host).expect("the link's page");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // HTTP/1.0: the answer ends when the connection closes, no chunks.
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        raw
    })
    .await
    .unwrap();
    assert!(html.starts_with("HTTP/1.1 200") || html.starts_with("HTTP/1.0 200"), "the link's page: {html}");
    let anchor = html.find("data-testid=\"open-app\"").unwrap_or_else(|| panic!("no « Ouvrir dans l'application » on the page:\n{html}"));
    let href = html[..anchor].rfind("href=\"").expect("its address") + 6;
    let link = html[href..href + html[href..].find('"').unwrap()].replace("&#38;", "&").replace("&amp;", "&");
    assert!(link.starts_with("borne://reset?token="), "{link}");
    link
}

/// Where the screenshots of the screens are kept (committed, listed in
/// docs/screens/README.md).
pub fn screens_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screens");
    std::fs::create_dir_all(&dir).expect("docs/screens");
    dir
}

/// The app window, driven through tauri-driver.
pub struct App {
    pub client: Client,
    pub log_path: PathBuf,
    /// The app's daily JSON log directory (`BORNE_LOG_DIR`), read with the log file.
    pub log_dir: PathBuf,
    /// The X display the app runs on (a second launch needs it).
    pub display: String,
    /// The test's name for this launch (log files, the axe report).
    pub name: String,
    /// The screen states axe already checked in this launch.
    audited: crate::axe::Audited,
    // Dropped after the client is closed: driver first (kills WebKitWebDriver
    // and the app), then the display.
    _driver: Group,
    _display: Option<Group>,
}

impl App {
    /// Launches the freshly built app pointed at `backend_url`, or on its
    /// embedded demo server when `None`.
    pub async fn launch(backend_url: Option<&str>, test_name: &str) -> Result<App> {
        App::launch_with(backend_url, test_name, &[], &[]).await
    }

    /// Like [`App::launch`], with extra environment variables for the app
    /// (e.g. `BORNE_PROFILE`) and command-line arguments (e.g. a
    /// `borne://reset?token=…` deep link, which Linux passes that way).
    pub async fn launch_with(backend_url: Option<&str>, test_name: &str, env: &[(&str, &str)], args: &[String]) -> Result<App> {
        App::launch_on(display()?, backend_url, test_name, env, args).await
    }

    /// Like [`App::launch_with`], on a screen of its own of `size` pixels
    /// (a kiosk's window covers it), whatever DISPLAY says.
    pub async fn launch_on_screen(size: (u32, u32), backend_url: Option<&str>, test_name: &str, env: &[(&str, &str)]) -> Result<App> {
        App::launch_on(xvfb(size)?, backend_url, test_name, env, &[]).await
    }

    async fn launch_on(
        (display, display_group): (String, Option<Group>),
        backend_url: Option<&str>,
        test_name: &str,
        env: &[(&str, &str)],
        args: &[String],
    ) -> Result<App> {
        let log_path = artifacts_dir().join(format!("app-{test_name}.log"));
        let _ = std::fs::remove_file(&log_path);
        let log_dir = artifacts_dir().join(format!("logs-{test_name}"));
        let _ = std::fs::remove_dir_all(&log_dir);
        let port = free_port();
        let native_port = free_port();
        let driver_log = std::fs::File::create(artifacts_dir().join(format!("tauri-driver-{test_name}.log")))?;
        let mut cmd = Command::new(tauri_driver());
        cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display)
            .env("BORNE_LOG_FILE", &log_path)
            .env("BORNE_LOG_DIR", &log_dir)
            .env_remove("BORNE_PROFILE")
            .stdout(driver_log.try_clone()?)
            .stderr(driver_log);
        match backend_url {
            Some(url) => cmd.env("BORNE_BACKEND_URL", url),
            None => cmd.env_remove("BORNE_BACKEND_URL"),
        };
        // The app's configuration (config.rs) comes from the test alone, not
        // from the shell that runs it.
        for var in APP_CONFIG_VARS {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = Group::spawn("tauri-driver", &mut cmd)?;
        wait_for_port(port, Duration::from_secs(15))?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_borne-adherent"), "args": args }),
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
        let app = App {
            client,
            log_path,
            log_dir,
            display,
            name: test_name.to_owned(),
            audited: Default::default(),
            _driver: driver,
            _display: display_group,
        };
        app.wait_visible("body[data-ready='true']").await.context("the app did not finish starting")?;
        Ok(app)
    }

    /// Runs `script` in the page and returns its value.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        self.call("script", self.client.execute(script, vec![])).await
    }

    /// Calls a Tauri command from the page, as `ui/ipc.js` does, and returns
    /// its answer; a refusal (`UiError`) is an error.
    pub async fn invoke_with(&self, command: &str, args: serde_json::Value) -> Result<serde_json::Value> {
        match self.try_invoke(command, args).await? {
            Ok(v) => Ok(v),
            Err(e) => bail!("{command} answered an error: {e}"),
        }
    }

    /// Calls any IPC command from the page (an app command or a Tauri
    /// plugin's `plugin:<name>|<command>`) and returns its answer or its
    /// rejection (a `UiError`, or Tauri's refusal text).
    pub async fn try_invoke(&self, command: &str, args: serde_json::Value) -> Result<Result<serde_json::Value, serde_json::Value>> {
        let script = "const [command, args, done] = arguments; \
                      window.__TAURI_INTERNALS__.invoke(command, args).then((v) => done({ ok: v }), (e) => done({ err: e }));";
        let answer = self.call(command, self.client.execute_async(script, vec![command.into(), args])).await?;
        match answer.get("ok") {
            Some(v) => Ok(Ok(v.clone())),
            None => Ok(Err(answer["err"].clone())),
        }
    }

    pub async fn invoke(&self, command: &str) -> Result<serde_json::Value> {
        self.invoke_with(command, serde_json::json!({})).await
    }

    /// Waits until the app has quit (WebDriver no longer reaches its page).
    pub async fn wait_until_gone(&self, within: Duration) -> Result<()> {
        let deadline = Instant::now() + within;
        loop {
            let alive = tokio::time::timeout(Duration::from_secs(5), self.client.execute("return 1;", vec![])).await;
            if !matches!(alive, Ok(Ok(_))) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the app still runs after {within:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(CALL_TIMEOUT, self.client.clone().close()).await;
    }

    async fn call<T>(&self, what: &str, fut: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>) -> Result<T> {
        tokio::time::timeout(CALL_TIMEOUT, fut)
            .await
            .map_err(|_| anyhow!("WebDriver call timed out: {what}"))?
            .map_err(|e| anyhow!("WebDriver call failed: {what}: {e:?}"))
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

    /// Waits until `[data-testid=id]` is displayed; a screen root
    /// (`screen-…`) is then checked with axe (see [`App::audit`]).
    pub async fn testid(&self, id: &str) -> Result<fantoccini::elements::Element> {
        let el = self.wait_visible(&format!("[data-testid='{id}']")).await?;
        if id.starts_with("screen-") {
            self.audit().await?;
        }
        Ok(el)
    }

    /// Checks the screen state shown with axe-core's WCAG A/AA rules, once
    /// per state and launch (tests/e2e/axe.rs); fails on any violation.
    /// Called where a test reaches a screen or waits for a message.
    pub async fn audit(&self) -> Result<()> {
        crate::axe::check(&self.client, &self.name, &self.audited).await
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
        if text.is_empty() {
            return Ok(());
        }
        self.call(id, el.send_keys(text)).await
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        let el = self.testid(id).await?;
        Ok(plain_spaces(&self.call(id, el.text()).await?))
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn wait_text(&self, id: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text(id).await.unwrap_or_default();
            if text.contains(needle) {
                self.audit().await?;
                return Ok(text);
            }
            if Instant::now() > deadline {
                // What the member would see instead, for the failure's reader.
                let screen = self.current_screen().await.unwrap_or_default();
                let seen = self
                    .client
                    .execute("return [...document.querySelectorAll('[role=alert],.field-error')].filter((e) => e.offsetParent && e.textContent.trim()).map((e) => e.textContent.trim()).join(' | ');", vec![])
                    .await
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                bail!("[data-testid={id}] never contained {needle:?}; last text: {text:?}; screen {screen:?}; visible alerts: {seen:?}");
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
        // The plain log file, then every file of the daily JSON log: the
        // secrets checks read both.
        let mut log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        if let Ok(entries) = std::fs::read_dir(&self.log_dir) {
            for entry in entries.flatten() {
                log.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
        log
    }

    // ---- scoped helpers: a testid inside a screen root ---------------------
    //
    // A testid may appear on several screens (new-password, cancel, resend,
    // help-nir…): these look it up inside `[data-testid=screen]`.

    /// Waits until `id` inside `screen` is displayed.
    pub async fn in_screen(&self, screen: &str, id: &str) -> Result<fantoccini::elements::Element> {
        self.wait_visible(&scoped(screen, id)).await
    }

    pub async fn is_visible_in(&self, screen: &str, id: &str) -> Result<bool> {
        let css = scoped(screen, id);
        for el in self.call("find_all", self.client.find_all(Locator::Css(&css))).await? {
            if self.call("is_displayed", el.is_displayed()).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub async fn click_in(&self, screen: &str, id: &str) -> Result<()> {
        let el = self.in_screen(screen, id).await?;
        self.call(id, el.click()).await
    }

    /// Empties the field, then types `text` key by key (input events fire).
    pub async fn type_in(&self, screen: &str, id: &str, text: &str) -> Result<()> {
        let el = self.in_screen(screen, id).await?;
        self.call(id, el.clear()).await?;
        // WebKitWebDriver refuses an empty text: an empty field is just cleared.
        if text.is_empty() {
            return Ok(());
        }
        self.call(id, el.send_keys(text)).await
    }

    pub async fn text_in(&self, screen: &str, id: &str) -> Result<String> {
        let el = self.in_screen(screen, id).await?;
        Ok(plain_spaces(&self.call(id, el.text()).await?))
    }

    /// The current value of a field.
    pub async fn value_in(&self, screen: &str, id: &str) -> Result<String> {
        let el = self.in_screen(screen, id).await?;
        Ok(self.call(id, el.prop("value")).await?.unwrap_or_default())
    }

    pub async fn attr_in(&self, screen: &str, id: &str, attr: &str) -> Result<Option<String>> {
        let el = self.in_screen(screen, id).await?;
        self.call(id, el.attr(attr)).await
    }

    pub async fn is_enabled_in(&self, screen: &str, id: &str) -> Result<bool> {
        let el = self.in_screen(screen, id).await?;
        self.call(id, el.is_enabled()).await
    }

    /// Waits until the text of `id` inside `screen` contains `needle`, and returns the text.
    pub async fn wait_text_in(&self, screen: &str, id: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text_in(screen, id).await.unwrap_or_default();
            if text.contains(needle) {
                self.audit().await?;
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("[data-testid={screen}] [data-testid={id}] never contained {needle:?}; last text: {text:?}; screen shown: {}", self.current_screen().await.unwrap_or_default());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until attribute `attr` of `id` inside `screen` equals `expected`.
    pub async fn wait_attr_in(&self, screen: &str, id: &str, attr: &str, expected: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = self.attr_in(screen, id, attr).await.unwrap_or_default();
            if value.as_deref() == Some(expected) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("[data-testid={screen}] [data-testid={id}] {attr} never became {expected:?}; last: {value:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no element matching `css` is displayed.
    pub async fn wait_hidden(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut shown = false;
            for el in self.call("find_all", self.client.find_all(Locator::Css(css))).await? {
                shown |= self.call("is_displayed", el.is_displayed()).await.unwrap_or(false);
            }
            if !shown {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{css} still visible after {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements matching `css` are displayed.
    pub async fn count_visible(&self, css: &str) -> Result<usize> {
        let mut n = 0;
        for el in self.call("find_all", self.client.find_all(Locator::Css(css))).await? {
            if self.call("is_displayed", el.is_displayed()).await? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Waits until the screen root `screen` (e.g. "screen-reset") is shown,
    /// and says which one is shown instead when it never is.
    pub async fn screen(&self, screen: &str) -> Result<()> {
        match self.wait_visible(&format!("[data-testid='{screen}']")).await {
            Ok(_) => self.audit().await,
            Err(e) => bail!("{e}; screen shown instead: {:?}", self.current_screen().await.unwrap_or_default()),
        }
    }

    /// The testid of the screen root that is displayed (the first one).
    pub async fn current_screen(&self) -> Result<String> {
        for el in self.call("find_all", self.client.find_all(Locator::Css("[data-testid^='screen-']"))).await? {
            if self.call("is_displayed", el.is_displayed()).await.unwrap_or(false) {
                return Ok(self.call("attr", el.attr("data-testid")).await?.unwrap_or_default());
            }
        }
        Ok(String::new())
    }

    /// Presses Escape in the element that has the focus.
    pub async fn press_escape(&self) -> Result<()> {
        let el = self.call("active element", self.client.active_element()).await?;
        self.call("Escape", el.send_keys(&Key::Escape)).await
    }

    /// Saves a PNG of the window to docs/screens/NAME.png, after two frames
    /// (a screenshot right after a DOM change can show the old frame).
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        let frames = "const done = arguments[arguments.length - 1]; \
                      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.call("two frames", self.client.execute_async(frames, vec![])).await?;
        let png = self.call("screenshot", self.client.screenshot()).await?;
        anyhow::ensure!(png.starts_with(b"\x89PNG"), "the screenshot of {name} is not a PNG");
        std::fs::write(screens_dir().join(format!("{name}.png")), png)?;
        Ok(())
    }
}

/// The variables of the app's configuration (src-tauri/src/config.rs).
const APP_CONFIG_VARS: [&str; 9] = [
    "BORNE_CONFIG",
    "BORNE_MODE",
    "BORNE_IDLE_TIMEOUT_SECS",
    "BORNE_IDLE_WARNING_SECS",
    "BORNE_KEYBOARD",
    "BORNE_STAFF_PIN_HASH",
    "BORNE_ENROLMENT_SECRET",
    "BORNE_DEVICE_NAME",
    "BORNE_HEARTBEAT_SECS",
];

/// A private D-Bus session bus (the single-instance plugin finds the
/// running app on it), stopped on drop.
pub struct SessionBus {
    pub address: String,
    _daemon: Group,
    _dir: tempfile::TempDir,
}

impl SessionBus {
    pub fn start() -> Result<SessionBus> {
        let dir = tempfile::tempdir()?;
        let socket = dir.path().join("bus");
        let address = format!("unix:path={}", socket.display());
        let daemon = Group::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile", &format!("--address={address}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .context("dbus-daemon (package dbus) is needed for this test")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            if Instant::now() > deadline {
                bail!("dbus-daemon did not open {}", socket.display());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(SessionBus { address, _daemon: daemon, _dir: dir })
    }
}

/// `[data-testid='screen'] [data-testid='id']`
pub fn scoped(screen: &str, id: &str) -> String {
    format!("[data-testid='{screen}'] [data-testid='{id}']")
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

/// Fails when a one-time code (6 digits) appears in `log` as a number of its
/// own. Six digits also occur by chance as the microseconds of a timestamp
/// (`12:01:02.123456Z`): those occurrences are not counted.
pub fn assert_no_code(what: &str, log: &str, code: &str) {
    let bytes = log.as_bytes();
    for (at, _) in log.match_indices(code) {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + code.len()).copied();
        let in_a_number = before.is_some_and(|b| b.is_ascii_digit()) || after.is_some_and(|b| b.is_ascii_digit());
        let timestamp_fraction = before == Some(b'.') && after == Some(b'Z');
        assert!(in_a_number || timestamp_fraction, "{what} contains a one-time code: {code:?}");
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

/// `text` with French typography's non-breaking spaces (before « ! ? : ; »,
/// inside « ») made plain: the tests look for words, not for the spaces
/// that keep punctuation off the start of a line (borne-content's
/// typography, tested there).
pub fn plain_spaces(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}
