//! A device server for the tests: the device routes and the three
//! middleware functions, layered as the server does, over a fresh database
//! (SQLite or PostgreSQL, `on_each_backend!`), driven without a socket
//! (`tower::ServiceExt::oneshot`), each request carrying its client's
//! address as the `ConnectInfo` a served socket would set.
#![allow(dead_code, unused_macros)]

#[path = "../common/databases.rs"]
#[macro_use]
mod databases;
pub use databases::{Backend, TestDatabase};
#[path = "../common/captured_logs.rs"]
mod captured_logs;
#[allow(unused_imports)]
pub use captured_logs::capture_logs;

use axum::middleware::from_fn_with_state;
use borne_core::support::Support;
use borne_core::Secret;
use borne_server::devices::{self, DeviceAuth, DeviceConfig};
use borne_server::throttle::{Throttle, ThrottleConfig};
use borne_server::{middleware, Db};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const ENROLMENT_SECRET: &str = "inscription-des-bornes-2024";
pub const ADMIN_TOKEN: &str = "jeton-administrateur-de-test";

pub struct Harness {
    /// A client on 127.0.0.1.
    pub http: Client,
    /// The database, to look at what is stored (dropped with the last instance).
    pub database: Arc<TestDatabase>,
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<String>,
}

/// The router as seen from one client address.
#[derive(Clone)]
pub struct Client {
    router: axum::Router,
    peer: SocketAddr,
}

/// A request being written (the few calls of reqwest's builder the tests use).
pub struct Request {
    client: Client,
    request: axum::http::request::Builder,
    body: Vec<u8>,
}

impl Client {
    pub fn get(&self, path: &str) -> Request {
        self.request("GET", path)
    }

    pub fn post(&self, path: &str) -> Request {
        self.request("POST", path)
    }

    fn request(&self, method: &str, path: &str) -> Request {
        Request { client: self.clone(), request: axum::http::Request::builder().method(method).uri(path), body: Vec::new() }
    }
}

impl Request {
    pub fn header(self, name: &str, value: impl AsRef<str>) -> Request {
        Request { request: self.request.header(name, value.as_ref()), ..self }
    }

    pub fn json(self, body: &Value) -> Request {
        Request { body: serde_json::to_vec(body).unwrap(), ..self }.header("content-type", "application/json")
    }

    pub fn body(self, body: impl Into<Vec<u8>>) -> Request {
        Request { body: body.into(), ..self }
    }

    pub fn bearer_auth(self, token: &str) -> Request {
        self.header("authorization", format!("Bearer {token}"))
    }

    pub fn basic_auth(self, user: &str, password: Option<&str>) -> Request {
        use base64::Engine;
        let pair = format!("{user}:{}", password.unwrap_or(""));
        self.header("authorization", format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
    }

    /// Sent from the client's address: the answer.
    pub async fn send(self) -> Answer {
        use tower::ServiceExt;
        let mut request = self.request.body(axum::body::Body::from(self.body)).unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(self.client.peer));
        let response = self.client.router.oneshot(request).await.unwrap();
        let status = response.status();
        let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Answer { status, body, retry_after }
    }
}

impl Answer {

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_else(|| panic!("no error code in {:?} {}", self.status, self.body))
    }

    /// A 429 with `Retry-After` in whole seconds, the same as in the body.
    pub fn assert_throttled(&self) {
        assert_eq!(self.status, StatusCode::TOO_MANY_REQUESTS, "{}", self.body);
        assert_eq!(self.code(), "too_many_requests");
        let secs: u64 = self.retry_after.as_deref().expect("Retry-After").parse().expect("Retry-After in seconds");
        assert!(secs >= 1);
        assert_eq!(self.body["retry_after_secs"], json!(secs));
    }
}

pub fn device_config() -> DeviceConfig {
    DeviceConfig {
        enrolment_secret: Some(Secret::new(ENROLMENT_SECRET)),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        key_secret: Secret::new("clé-de-dérivation-des-bornes"),
        require_signature: false,
    }
}

/// Throttling as configured by default (loopback counts too), made explicit.
pub fn loopback_counts(config: ThrottleConfig) -> ThrottleConfig {
    ThrottleConfig { exempt_loopback: false, ..config }
}

/// Throttling as configured by default, except that loopback is exempt (as
/// an operator may set it): for the tests that are not about throttling.
pub fn loopback_exempt() -> ThrottleConfig {
    ThrottleConfig { exempt_loopback: true, ..ThrottleConfig::default() }
}

impl Harness {
    pub async fn start(backend: &Backend, devices: DeviceConfig, throttle: ThrottleConfig) -> Harness {
        let database = Arc::new(TestDatabase::create(backend).await);
        let db = Db::connect(database.url()).await.unwrap();
        db.migrate().await.unwrap();
        Harness::serve(db, database, devices, throttle).await
    }

    /// A second server over the same database (a restart, another instance).
    pub async fn another_instance(&self, devices: DeviceConfig) -> Harness {
        let db = Db::connect(self.database.url()).await.unwrap();
        Harness::serve(db, self.database.clone(), devices, loopback_exempt()).await
    }

    /// Runs `sql` straight on the database, with text parameters.
    pub async fn exec(&self, sql: &str, binds: &[&str]) {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(self.database.url()).await.unwrap();
        binds.iter().fold(sqlx::query(sql), |q, b| q.bind(b.to_string())).execute(&mut conn).await.unwrap();
    }

    /// The rows of two text columns `sql` selects.
    pub async fn pairs(&self, sql: &str) -> Vec<(String, String)> {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(self.database.url()).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    }

    /// Everything the database holds, as bytes to search: the SQLite file
    /// (and its WAL), or every row of every table of PostgreSQL as text.
    pub async fn everything_stored(&self) -> Vec<u8> {
        use sqlx::{Connection, Row};
        if let Some(path) = self.database.url().strip_prefix("sqlite://") {
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            return bytes;
        }
        let mut conn = sqlx::PgConnection::connect(self.database.url()).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let mut bytes = Vec::new();
        for table in tables {
            for row in sqlx::query(&format!("SELECT t::text FROM \"{table}\" t")).fetch_all(&mut conn).await.unwrap() {
                bytes.extend(row.get::<String, _>(0).into_bytes());
            }
        }
        bytes
    }

    async fn serve(db: Db, database: Arc<TestDatabase>, devices: DeviceConfig, throttle: ThrottleConfig) -> Harness {
        let auth = DeviceAuth::new(db, devices, Support::default());
        let limiter = Throttle::new(throttle, Support::default());
        let app = borne_server::device_routes::<DeviceAuth>()
            .with_state(auth.clone())
            .layer(from_fn_with_state(limiter.clone(), middleware::throttle::by_device))
            .layer(from_fn_with_state(auth, middleware::signature::verify_signature))
            .layer(from_fn_with_state(limiter, middleware::throttle::by_address));
        let http = Client { router: app, peer: SocketAddr::from(([127, 0, 0, 1], 50_000)) };
        Harness { http, database }
    }

    /// A client from another loopback address.
    pub fn client_from(&self, ip: [u8; 4]) -> Client {
        Client { peer: SocketAddr::from((IpAddr::from(ip), 50_000)), ..self.http.clone() }
    }

    pub async fn enrol_with(&self, client: &Client, secret: &str, name: &str) -> Answer {
        let body = json!({ "enrolment_secret": secret, "name": name });
        client.post("/v1/devices").json(&body).send().await
    }

    /// Enrols a kiosk: (device id, device key).
    pub async fn enrol(&self, name: &str) -> (String, Secret) {
        let a = self.enrol_with(&self.http, ENROLMENT_SECRET, name).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        (a.body["device_id"].as_str().unwrap().to_owned(), Secret::new(a.body["device_key"].as_str().unwrap()))
    }

    /// A POST signed as the server expects, with `timestamp` and `body`.
    pub async fn signed_post(&self, path: &str, device_id: &str, key: &Secret, timestamp: i64, body: &[u8]) -> Answer {
        let signature = devices::sign(key, "POST", path, timestamp, body).unwrap();
        self.post_with_signature(path, device_id, timestamp, &signature, body).await
    }

    pub async fn post_with_signature(&self, path: &str, device_id: &str, timestamp: i64, signature: &str, body: &[u8]) -> Answer {
        self.http
            .post(path)
            .header("content-type", "application/json")
            .header("X-Borne-Device", device_id)
            .header("X-Borne-Timestamp", timestamp.to_string())
            .header("X-Borne-Signature", signature)
            .body(body.to_vec())
            .send()
            .await
    }

    pub async fn heartbeat(&self, device_id: &str, key: &Secret, version: &str, detail: &str) -> Answer {
        let body = heartbeat_body(version, true, detail);
        self.signed_post("/v1/devices/heartbeat", device_id, key, now(), &body).await
    }

    pub async fn admin_list(&self, token: Option<&str>) -> Answer {
        let mut req = self.http.get("/v1/admin/devices");
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await
    }

    /// The admin list's line of `device_id`.
    pub async fn status_of(&self, device_id: &str) -> Value {
        let list = self.admin_list(Some(ADMIN_TOKEN)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        list.body.as_array().unwrap().iter().find(|d| d["device_id"] == json!(device_id)).cloned().expect("device listed")
    }
}

pub fn heartbeat_body(version: &str, healthy: bool, detail: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "version": version, "healthy": healthy, "detail": detail })).unwrap()
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}
