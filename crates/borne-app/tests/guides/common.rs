//! The reference server for these tests and what they read from it.

use borne_app::{App, ManualClock, Stepper};
use borne_client::Client;
use borne_core::Secret;
use std::sync::Arc;

pub const JEANNE_NIR: &str = "2 78 03 69 123 045 34";
pub const JEANNE_EMAIL: &str = "jeanne.martin@exemple.fr";
pub const JEANNE_PASSWORD: &str = "Mutuelle2024";
pub const JEANNE_NUMBER: &str = "MPN-000123";
pub const JEANNE_BIRTH: &str = "15/03/1978";
pub const JEANNE_SMS: &str = "+33612345678";
/// Overseas mobile: his unlock uses his e-mail automatically.
pub const MARC_NIR: &str = "1 72 04 67 482 031 71";
pub const MARC_EMAIL: &str = "marc.petit@exemple.fr";
pub const MARC_BIRTH: &str = "08/04/1972";
pub const NEW: &str = "Colibri-Vert-42";

pub struct Harness {
    pub app: App,
    pub clock: Arc<ManualClock>,
    /// Another client of the same server (the member elsewhere).
    pub client: Client,
    _server: borne_server::RunningServer,
    _dir: tempfile::TempDir,
}

pub async fn start() -> Harness {
    start_with("mpn").await
}

pub async fn start_with(profile: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let server = borne_server::demo::serve(dir.path(), borne_server::demo::config()).await.unwrap();
    let client = Client::new(&format!("http://{}", server.addr)).unwrap();
    let clock = Arc::new(ManualClock::new());
    let app = App::with_clock(client.clone(), borne_content::profile(profile).unwrap(), clock.clone());
    Harness { app, clock, client, _server: server, _dir: dir }
}

impl Harness {
    /// The newest text sent to `to` once more than `previous` were.
    pub async fn message_to(&self, to: &str, previous: usize) -> String {
        for _ in 0..300 {
            let mine: Vec<_> = self.client.demo_outbox().await.unwrap().into_iter().filter(|m| m.to == to).collect();
            if mine.len() > previous {
                return mine.last().unwrap().text.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("nothing sent");
    }

    /// Three wrong passwords through the app: the account is blocked.
    pub async fn block(&self, nir: &str) {
        for _ in 0..3 {
            let _ = self.app.login(nir, Secret::new("Mauvais1Passe")).await;
        }
        assert_eq!(self.app.login(nir, Secret::new("Mauvais1Passe")).await.unwrap_err().code, borne_app::ErrorCode::AccountBlocked);
    }
}

pub fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a code").to_owned()
}

/// The temporary password of the SMS: the word after "temporaire".
pub fn temporary_password_in(sms: &str) -> String {
    let after = sms.split("temporaire").nth(1).expect("the SMS names the temporary password");
    after.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| !w.is_empty()).unwrap().to_owned()
}

/// The app's link of an e-mail, as a member who has the app gets it: the
/// e-mail's link is the server's web page (`…/compte/mot-de-passe?token=…`),
/// which offers « Ouvrir dans l'application Borne Adhérent », the
/// `borne://reset?token=…` link read here from that page.
pub async fn link_in(text: &str) -> String {
    let start = text.find("http://").expect("the page's link in the e-mail");
    let page = text[start..].split(char::is_whitespace).next().unwrap().to_owned();
    assert!(page.contains("/compte/mot-de-passe?token="), "{page}");
    let html = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let rest = page.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        let mut stream = std::net::TcpStream::connect(host).expect("the server's page");
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert!(html.starts_with("HTTP/1.0 200") || html.starts_with("HTTP/1.1 200"), "{html}");
    let anchor = html.find("data-testid=\"open-app\"").expect("« Ouvrir dans l'application Borne Adhérent »");
    let href = html[..anchor].rfind("href=\"").expect("its address") + 6;
    html[href..href + html[href..].find('"').unwrap()].replace("&#38;", "&").replace("&amp;", "&")
}

/// A code that is not `code`.
pub fn wrong(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// (procedure, step, total) of a stepper.
pub fn pos(s: &Option<Stepper>) -> (&'static str, usize, usize) {
    let s = s.as_ref().expect("a stepper");
    (s.procedure.as_str(), s.step, s.total)
}

pub fn secret(s: &str) -> Secret {
    Secret::new(s)
}
