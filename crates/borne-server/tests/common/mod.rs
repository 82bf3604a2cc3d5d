//! A real server over a fresh database, reached over loopback HTTP. The
//! databases (a SQLite file always, PostgreSQL when
//! `BORNE_TEST_POSTGRES_URL` is set) and [`on_each_backend!`] are in
//! `databases.rs`.
#![allow(dead_code, unused_macros)]

#[macro_use]
mod databases;

pub use databases::{Backend, TestDatabase};

mod captured_logs;
#[allow(unused_imports)]
pub use captured_logs::capture_logs;

use borne_core::Secret;
use borne_server::{Db, NewMember, RunningServer, ServerConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::SocketAddr;

pub struct Member {
    pub nir: &'static str,
    pub nir_typed: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
}

/// Key 34: 97 − (2780369123045 mod 97).
pub const JEANNE: Member = Member {
    nir: "278036912304534",
    nir_typed: "2 78 03 69 123 045 34",
    email: "jeanne.martin@exemple.fr",
    password: "Mutuelle2024",
    first_name: "Jeanne",
    last_name: "Martin",
};

/// Key 70: 97 − (1651119004118 mod 97), 2A counting as 19.
pub const PAUL: Member = Member {
    nir: "165112A00411870",
    nir_typed: "1 65 11 2A 004 118 70",
    email: "paul.durand@exemple.fr",
    password: "Adherent2024",
    first_name: "Paul",
    last_name: "Durand",
};

pub struct TestServer {
    pub server: RunningServer,
    /// What it was started with (secrets included), for a replica.
    pub config: ServerConfig,
    pub db: Db,
    pub http: reqwest::Client,
    pub base: String,
    /// Dropped last: the database outlives the server and the pool.
    pub database: TestDatabase,
}

/// Another instance over a [`TestServer`]'s database.
pub struct Replica {
    pub server: RunningServer,
    pub base: String,
}

impl Replica {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl TestServer {
    /// A server over a fresh SQLite file holding the demo members.
    pub async fn start() -> TestServer {
        TestServer::start_on(&Backend::Sqlite).await
    }

    /// A server over a fresh database of `backend` holding the demo members.
    /// Its clients are all on loopback and some fire dozens of requests at
    /// once: loopback is exempt from the per-address budgets, as an operator
    /// would set it (`exempt_loopback`; the default throttles loopback too).
    pub async fn start_on(backend: &Backend) -> TestServer {
        TestServer::start_with(backend, local_config()).await
    }

    /// Like [`TestServer::start_on`], with the demo outbox on: the e-mails
    /// and SMS it sends can be read at `GET /dev/outbox`.
    pub async fn with_outbox(backend: &Backend) -> TestServer {
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("error").try_init();
        let mut config = local_config();
        config.delivery.outbox = true;
        TestServer::start_with(backend, config).await
    }

    pub async fn start_with(backend: &Backend, config: ServerConfig) -> TestServer {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        borne_server::demo::seed(&db).await.unwrap();
        let server = borne_server::spawn(db.clone(), SocketAddr::from(([127, 0, 0, 1], 0)), config.clone())
            .await
            .unwrap();
        let base = format!("http://{}", server.addr);
        TestServer { server, config, db, http: reqwest::Client::new(), base, database }
    }

    /// The single integer a SQL query answers, read straight from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(self.database.url()).await.unwrap();
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
        n
    }

    /// Waits (20 s at most) until `sql` counts at least `n`.
    pub async fn until(&self, sql: &str, n: i64) {
        for _ in 0..1000 {
            if self.count(sql).await >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("never reached {n}: {sql}");
    }

    /// Jeanne's forgotten-password form, matching: 202.
    pub async fn forgot_jeanne(&self) {
        let body = json!({ "identifier": JEANNE.nir, "member_number": JEANNE_NUMBER, "email": JEANNE.email });
        let resp = self.http.post(self.url("/v1/password/forgot")).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::ACCEPTED);
    }

    /// Runs a statement straight on the database (to age a code, say).
    pub async fn exec(&self, sql: &str) {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(self.database.url()).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }

    /// A second instance of this server over the same database, with the
    /// same configuration (pepper and device key secret included): two
    /// replicas behind a load balancer. Its demo outbox is its own.
    pub async fn replica(&self) -> Replica {
        let db = migrated(&self.database).await;
        let server = borne_server::spawn(db, SocketAddr::from(([127, 0, 0, 1], 0)), self.config.clone()).await.unwrap();
        Replica { base: format!("http://{}", server.addr), server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, identifier: &str, password: &str) -> Answer {
        let resp = self
            .http
            .post(self.url("/v1/login"))
            .json(&json!({ "identifier": identifier, "password": password }))
            .send()
            .await
            .unwrap();
        Answer::read(resp).await
    }

    pub async fn session(&self, token: &str) -> Answer {
        Answer::read(self.http.get(self.url("/v1/session")).bearer_auth(token).send().await.unwrap()).await
    }

    pub async fn logout(&self, token: &str) -> Answer {
        Answer::read(self.http.post(self.url("/v1/logout")).bearer_auth(token).send().await.unwrap()).await
    }

    /// Adds a member with the given credentials (any valid NIR).
    pub async fn add(&self, nir: &str, email: &str, password: &str) -> i64 {
        add_member(&self.db, nir, email, password).await
    }
}

/// Adds a member with the given credentials (any valid NIR) to `db`.
pub async fn add_member(db: &Db, nir: &str, email: &str, password: &str) -> i64 {
    db.add_member(&NewMember {
        nir: nir.into(),
        email: email.into(),
        phone: None,
        birthdate: "01/01/1990".into(),
        member_number: format!("T-{nir}"),
        first_name: "Test".into(),
        last_name: "Adhérent".into(),
        password: Secret::new(password),
    })
    .await
    .unwrap()
}

pub const JEANNE_NUMBER: &str = "MPN-000123";
pub const OUTBOX_KEY: &str = "clé de la file d'attente des messages, assez longue";

/// A server sending e-mails to an SMTP relay on `smtp_port` of loopback (up
/// or not), retrying from 200 ms up to 1 s, with a set outbox key.
pub fn relay_config(smtp_port: u16) -> ServerConfig {
    let mut config = local_config();
    config.delivery.smtp = Some(borne_server::delivery::SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(smtp_port),
        tls: borne_server::delivery::Tls::None,
        username: None,
        password: None,
    });
    config.delivery.retry_first_ms = 200;
    config.delivery.retry_max_secs = 1;
    config.outbox_key = Secret::new(OUTBOX_KEY);
    config
}

/// The default configuration, loopback exempt from the per-address budgets.
pub fn local_config() -> ServerConfig {
    let mut config = ServerConfig::default();
    config.throttle.exempt_loopback = true;
    config
}

/// Connects to `database` and applies the migrations.
pub async fn migrated(database: &TestDatabase) -> Db {
    let db = Db::connect(database.url()).await.unwrap_or_else(|e| panic!("{}: {e:#}", database.backend_name()));
    db.migrate().await.unwrap_or_else(|e| panic!("{}: {e:#}", database.backend_name()));
    db
}

/// The router of a server over a fresh database of `backend` holding the
/// demo members, driven without a socket (`tower::ServiceExt::oneshot`):
/// what a [`TestServer`] answers, for the tests that need no listening
/// socket, no outbox worker and no shutdown. Each request comes from a
/// loopback peer ([`LOOPBACK_PEER`], as `ConnectInfo`, which the server's
/// own socket would set), exempt from the per-address budgets as with
/// [`local_config`].
pub struct TestRouter {
    pub router: axum::Router,
    pub db: Db,
    pub metrics: std::sync::Arc<borne_server::Metrics>,
    /// Dropped last.
    pub database: TestDatabase,
}

/// The client address of a [`TestRouter`]'s requests.
pub const LOOPBACK_PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 50_000);

impl TestRouter {
    pub async fn on(backend: &Backend) -> TestRouter {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        borne_server::demo::seed(&db).await.unwrap();
        let state = borne_server::AppState::new(db.clone(), local_config()).unwrap();
        TestRouter { metrics: state.metrics(), router: borne_server::router(state), db, database }
    }

    /// One request with these headers and no body.
    pub async fn oneshot(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.send(method, path, headers, axum::body::Body::empty()).await
    }

    /// One request with these headers and this body.
    pub async fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<axum::body::Body>) -> Answer {
        let mut request = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer_of(self.router.clone(), request.body(body.into()).unwrap()).await
    }

    /// A JSON POST, with a bearer token if given.
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: &Value) -> Answer {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let mut headers = vec![("content-type", "application/json")];
        headers.extend(authorization.as_deref().map(|a| ("authorization", a)));
        self.send("POST", path, &headers, body.to_string()).await
    }

    pub async fn login(&self, identifier: &str, password: &str) -> Answer {
        self.post("/v1/login", None, &json!({ "identifier": identifier, "password": password })).await
    }

    pub async fn session(&self, token: &str) -> Answer {
        self.oneshot("GET", "/v1/session", &[("authorization", &format!("Bearer {token}"))]).await
    }

    pub async fn logout(&self, token: &str) -> Answer {
        self.oneshot("POST", "/v1/logout", &[("authorization", &format!("Bearer {token}"))]).await
    }

    /// Adds a member with the given credentials (any valid NIR).
    pub async fn add(&self, nir: &str, email: &str, password: &str) -> i64 {
        add_member(&self.db, nir, email, password).await
    }
}

/// `router`'s answer to `request`, sent from [`LOOPBACK_PEER`]; usable from
/// spawned tasks (a clone of the router each).
pub async fn answer_of(router: axum::Router, mut request: axum::http::Request<axum::body::Body>) -> Answer {
    use tower::ServiceExt;
    request.extensions_mut().insert(axum::extract::ConnectInfo(SocketAddr::from(LOOPBACK_PEER)));
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Answer::from_text(status, retry_after, String::from_utf8(bytes.to_vec()).unwrap())
}

impl Answer {
    fn from_text(status: StatusCode, retry_after: Option<String>, text: String) -> Answer {
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Answer { status, body, retry_after }
    }

    pub async fn read(resp: reqwest::Response) -> Answer {
        let status = resp.status();
        let retry_after = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        Answer::from_text(status, retry_after, resp.text().await.unwrap())
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_else(|| panic!("no error code in {:?} {}", self.status, self.body))
    }

    pub fn token(&self) -> String {
        self.body["token"].as_str().unwrap_or_else(|| panic!("no token in {:?} {}", self.status, self.body)).to_owned()
    }
}

/// A valid NIR built from 12 digits after the sex digit.
pub fn nir_with_key(body13: &str) -> String {
    format!("{body13}{:02}", borne_core::nir::compute_key(body13))
}

/// Runs `n` copies of `f` (given their index) released together by a barrier
/// (the concurrency tests: requests fired at once, not in a loop).
pub async fn at_once<F, Fut, T>(n: usize, f: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let barrier = barrier.clone();
            let work = f(i);
            tokio::spawn(async move {
                barrier.wait().await;
                work.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
