//! The `borne-server` binary: `member add` refusals and success, then
//! `serve --demo` answering log-ins and stopping on SIGTERM.

mod common;

use common::{nir_with_key, JEANNE};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_borne-server");

fn database_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("cli.db").display())
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

#[test]
fn member_add_refuses_invalid_input_and_accepts_a_valid_member() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_url(&dir);
    let nir = nir_with_key("2900133123456");
    let bad_key = format!("{}{:02}", &nir[..13], (nir[13..].parse::<u32>().unwrap() % 97) + 1);

    let refused = member_add(&db, &bad_key, "lucie@exemple.fr", "05/01/1990", "Bernard2024");
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
        let o = member_add(&db, nir, email, date, password);
        assert!(!o.status.success(), "{expected}");
        assert!(stderr(&o).contains(expected), "{expected}: {}", stderr(&o));
        assert!(!stderr(&o).contains(password), "{}", stderr(&o));
    }

    let ok = member_add(&db, &nir, "Lucie@Exemple.fr", "05/01/1990", "Bernard2024");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let again = member_add(&db, &nir, "autre@exemple.fr", "05/01/1990", "Bernard2024");
    assert!(!again.status.success());
    assert!(stderr(&again).contains("déjà"), "{}", stderr(&again));
}

#[tokio::test]
async fn serve_with_demo_members_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_url(&dir);
    let nir = nir_with_key("2900133123456");
    let added = member_add(&db, &nir, "lucie@exemple.fr", "05/01/1990", "Bernard2024");
    assert!(added.status.success(), "{}", stderr(&added));
    for _ in 0..2 {
        let seeded = Command::new(BIN).args(["seed-demo", "--database-url", &db]).output().unwrap();
        assert!(seeded.status.success(), "{}", stderr(&seeded));
    }

    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo"])
        .env("BORNE_DATABASE_URL", &db)
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
