//! The `borne-server` binary: `member add` refusals and success, then
//! `serve --demo` answering log-ins and stopping on SIGTERM, on each
//! database backend (`--database-url sqlite://…` and `postgres://…`).

#[macro_use]
mod common;

use common::{nir_with_key, Backend, TestDatabase, JEANNE};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_borne-server");

on_each_backend! {
    member_add_refuses_invalid_input_and_accepts_a_valid_member,
    serve_with_demo_members_answers_and_stops_on_sigterm,
    migrate_creates_the_schema_once,
}

fn member_add(db: &str, nir: &str, email: &str, birthdate: &str, password: &str) -> Output {
    Command::new(BIN)
        .args(["member", "add", "--database-url", db, "--nir", nir, "--email", email])
        .args(["--phone", "06 11 22 33 44", "--birthdate", birthdate, "--member-number", &format!("CLI-{email}")])
        .args(["--first-name", "Lucie", "--last-name", "Bernard", "--password", password])
        .env_remove("BORNE_DATABASE_URL")
        .env_remove("BORNE_MEMBER_PASSWORD")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn member_add_refuses_invalid_input_and_accepts_a_valid_member(backend: Backend) {
    let database = TestDatabase::create(&backend).await;
    let db = database.url();
    let nir = nir_with_key("2900133123456");
    let bad_key = format!("{}{:02}", &nir[..13], (nir[13..].parse::<u32>().unwrap() % 97) + 1);

    let refused = member_add(db, &bad_key, "lucie@exemple.fr", "05/01/1990", "Bernard2024");
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(err.contains("NIR") && err.contains("clé"), "{err}");
    assert!(!err.contains(&bad_key[..13]), "the message must not quote the NIR: {err}");

    let cases = [
        (nir.as_str(), "lucie@", "05/01/1990", "Bernard2024", "e-mail"),
        (nir.as_str(), "lucie@exemple.fr", "31/02/1990", "Bernard2024", "date de naissance"),
        (nir.as_str(), "lucie@exemple.fr", "05/01/1990", "bernard2024", "majuscule"),
        (nir.as_str(), "lucie@exemple.fr", "05/01/1990", "Court1", "8 caractères"),
    ];
    for (nir, email, date, password, expected) in cases {
        let o = member_add(db, nir, email, date, password);
        assert!(!o.status.success(), "{expected}");
        assert!(stderr(&o).contains(expected), "{expected}: {}", stderr(&o));
        assert!(!stderr(&o).contains(password), "{}", stderr(&o));
    }

    let ok = member_add(db, &nir, "Lucie@Exemple.fr", "05/01/1990", "Bernard2024");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let again = member_add(db, &nir, "autre@exemple.fr", "05/01/1990", "Bernard2024");
    assert!(!again.status.success());
    assert!(stderr(&again).contains("déjà"), "{}", stderr(&again));
}

async fn serve_with_demo_members_answers_and_stops_on_sigterm(backend: Backend) {
    let database = TestDatabase::create(&backend).await;
    let db = database.url();
    let nir = nir_with_key("2900133123456");
    let added = member_add(db, &nir, "lucie@exemple.fr", "05/01/1990", "Bernard2024");
    assert!(added.status.success(), "{}", stderr(&added));
    for _ in 0..2 {
        let seeded = Command::new(BIN).args(["seed-demo", "--database-url", db]).output().unwrap();
        assert!(seeded.status.success(), "{}", stderr(&seeded));
    }

    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo"])
        .env("BORNE_DATABASE_URL", db)
        .env("RUST_LOG", "debug")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines_rx) = mpsc::channel::<String>();
    let reader = BufReader::new(child.stderr.take().unwrap());
    let collector = std::thread::spawn(move || {
        let mut all = String::new();
        for line in reader.lines().map_while(Result::ok) {
            all.push_str(&line);
            all.push('\n');
            let _ = lines_tx.send(line);
        }
        all
    });
    let addr = loop {
        let line = lines_rx.recv_timeout(Duration::from_secs(60)).expect("the server never said where it listens");
        if let Some(rest) = line.split("server listening addr=").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };

    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    assert_eq!(http.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
    for (identifier, password) in [(nir.as_str(), "Bernard2024"), (JEANNE.email, JEANNE.password)] {
        let resp = http
            .post(format!("{base}/v1/login"))
            .json(&serde_json::json!({ "identifier": identifier, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let wrong = http
        .post(format!("{base}/v1/login"))
        .json(&serde_json::json!({ "identifier": JEANNE.nir, "password": "Mauvais2024" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    drop(http);

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status:?}");
    let log = collector.join().unwrap();
    assert!(log.contains("outcome=\"success\""), "{log}");
    for secret in [nir.as_str(), "lucie@exemple.fr", "Bernard2024", JEANNE.nir, JEANNE.email, JEANNE.password, "Mauvais2024", "1990-01-05"] {
        assert!(!log.contains(secret), "the server's stderr holds {secret:?}:\n{log}");
    }
}

/// `migrate` twice: the second run finds nothing to apply; the tables are
/// there for `member add` (which migrates too, and must not fail on an
/// up-to-date schema).
async fn migrate_creates_the_schema_once(backend: Backend) {
    let database = TestDatabase::create(&backend).await;
    for _ in 0..2 {
        let migrated = Command::new(BIN).args(["migrate", "--database-url", database.url()]).output().unwrap();
        assert!(migrated.status.success(), "{}", stderr(&migrated));
        assert!(String::from_utf8_lossy(&migrated.stdout).contains("migrations appliquées"));
    }
    let added = member_add(database.url(), &nir_with_key("1900133123456"), "migre@exemple.fr", "05/01/1990", "Migration2024");
    assert!(added.status.success(), "{}", stderr(&added));
    let unknown = Command::new(BIN).args(["migrate", "--database-url", "mysql://u@127.0.0.1/borne"]).output().unwrap();
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("sqlite://") && stderr(&unknown).contains("postgres://"), "{}", stderr(&unknown));
}
