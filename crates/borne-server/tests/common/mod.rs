//! A real server over a real SQLite file in a temporary directory, reached
//! over loopback HTTP.
#![allow(dead_code)]

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
    pub db: Db,
    pub http: reqwest::Client,
    pub base: String,
    pub dir: tempfile::TempDir,
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl TestServer {
    /// A server whose database holds the demo members.
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("test.db").display())).await.unwrap();
        db.migrate().await.unwrap();
        borne_server::demo::seed(&db).await.unwrap();
        let server = borne_server::spawn(db.clone(), SocketAddr::from(([127, 0, 0, 1], 0)), ServerConfig::default())
            .await
            .unwrap();
        let base = format!("http://{}", server.addr);
        TestServer { server, db, http: reqwest::Client::new(), base, dir }
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
        self.db
            .add_member(&NewMember {
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
}

impl Answer {
    pub async fn read(resp: reqwest::Response) -> Answer {
        let status = resp.status();
        let retry_after = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Answer { status, body, retry_after }
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
