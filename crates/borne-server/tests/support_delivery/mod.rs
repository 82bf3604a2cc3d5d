//! Real receivers on loopback for the messages the server sends: a minimal
//! SMTP server (enough of RFC 5321 for a client: greeting, EHLO/HELO,
//! AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and an HTTP SMS gateway.
//! Both record what they receive; `next()` waits for it (10 s at most, then
//! the test fails).

#![allow(dead_code)]

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Mutex};

const WAIT: Duration = Duration::from_secs(10);

/// One message as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The envelope sender, without the angle brackets.
    pub mail_from: String,
    /// The envelope recipients, without the angle brackets.
    pub rcpt_to: Vec<String>,
    /// `(user, password)` from AUTH PLAIN, when the client authenticated.
    pub auth: Option<(String, String)>,
    /// The message as sent after DATA (headers and body, dot-unstuffed).
    pub data: Vec<u8>,
}

impl ReceivedMail {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.data).expect("a parsable RFC 5322 message")
    }
}

/// How the SMTP server answers `RCPT TO`.
#[derive(Clone, Copy)]
pub enum Rcpt {
    Accept,
    /// `550 5.1.1 <address>: mailbox unavailable` (the reply quotes the
    /// address, as real servers do).
    Reject,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    received: Mutex<mpsc::UnboundedReceiver<ReceivedMail>>,
}

/// A loopback port nobody listens on (yet): a relay that is down.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    pub async fn start(rcpt: Rcpt) -> SmtpServer {
        SmtpServer::start_on(0, rcpt).await
    }

    /// On a given loopback port: a relay coming up where the server expects it.
    pub async fn start_on(port: u16, rcpt: Rcpt) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if let Err(e) = session(stream, rcpt, tx).await {
                        eprintln!("test SMTP session ended: {e}");
                    }
                });
            }
        });
        SmtpServer { addr, received: Mutex::new(rx) }
    }

    /// The next message received.
    pub async fn next(&self) -> ReceivedMail {
        self.next_within(WAIT).await
    }

    /// The next message received within `wait`.
    pub async fn next_within(&self, wait: Duration) -> ReceivedMail {
        let mut rx = self.received.lock().await;
        tokio::time::timeout(wait, rx.recv()).await.expect("no e-mail reached the SMTP server").unwrap()
    }

    /// A message that arrived already, if any (does not wait).
    pub async fn try_next(&self) -> Option<ReceivedMail> {
        self.received.lock().await.try_recv().ok()
    }
}

fn angle_address(arg: &str) -> String {
    let start = arg.find('<').map(|i| i + 1).unwrap_or(0);
    let end = arg[start..].find('>').map(|i| start + i).unwrap_or(arg.len());
    arg[start..end].trim().to_string()
}

async fn session(stream: TcpStream, rcpt: Rcpt, tx: mpsc::UnboundedSender<ReceivedMail>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 localhost ESMTP test server\r\n").await?;
    let mut mail = ReceivedMail { mail_from: String::new(), rcpt_to: Vec::new(), auth: None, data: Vec::new() };
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        let (verb, arg) = text.split_once(' ').unwrap_or((&text, ""));
        let reply: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => "250-localhost greets you\r\n250-AUTH PLAIN\r\n250 SIZE 1000000\r\n".into(),
            "HELO" => "250 localhost\r\n".into(),
            "AUTH" => {
                let (mechanism, initial) = arg.split_once(' ').unwrap_or((arg, ""));
                if !mechanism.eq_ignore_ascii_case("PLAIN") {
                    "504 5.5.4 mechanism not supported\r\n".into()
                } else {
                    let encoded = if initial.is_empty() {
                        write.write_all(b"334 \r\n").await?;
                        line.clear();
                        lines.read_until(b'\n', &mut line).await?;
                        String::from_utf8_lossy(&line).trim().to_string()
                    } else {
                        initial.to_string()
                    };
                    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap_or_default();
                    let parts: Vec<String> = decoded.split(|b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
                    match parts.as_slice() {
                        [_authzid, user, password] => {
                            mail.auth = Some((user.clone(), password.clone()));
                            "235 2.7.0 authenticated\r\n".into()
                        }
                        _ => "501 5.5.2 malformed AUTH PLAIN\r\n".into(),
                    }
                }
            }
            "MAIL" => {
                mail.mail_from = angle_address(arg);
                mail.rcpt_to.clear();
                "250 2.1.0 ok\r\n".into()
            }
            "RCPT" => {
                let to = angle_address(arg);
                match rcpt {
                    Rcpt::Accept => {
                        mail.rcpt_to.push(to);
                        "250 2.1.5 ok\r\n".into()
                    }
                    Rcpt::Reject => format!("550 5.1.1 <{to}>: mailbox unavailable\r\n"),
                }
            }
            "DATA" => {
                if mail.rcpt_to.is_empty() {
                    "554 5.5.1 no valid recipients\r\n".into()
                } else {
                    write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                    let mut data = Vec::new();
                    loop {
                        line.clear();
                        if lines.read_until(b'\n', &mut line).await? == 0 {
                            return Ok(());
                        }
                        if line == b".\r\n" {
                            break;
                        }
                        // Dot-unstuffing (RFC 5321 §4.5.2).
                        let content = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
                        data.extend_from_slice(content);
                    }
                    mail.data = data;
                    let _ = tx.send(mail.clone());
                    "250 2.0.0 queued\r\n".into()
                }
            }
            "RSET" => {
                mail = ReceivedMail { mail_from: String::new(), rcpt_to: Vec::new(), auth: mail.auth.clone(), data: Vec::new() };
                "250 2.0.0 ok\r\n".into()
            }
            "NOOP" => "250 2.0.0 ok\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not recognized\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// One request as the SMS gateway received it.
#[derive(Debug, Clone)]
pub struct ReceivedSms {
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: serde_json::Value,
    /// What the gateway answered it.
    pub answered: StatusCode,
}

/// An HTTP SMS gateway on loopback: `POST /sms` records the request and
/// answers `status`.
pub struct SmsGateway {
    pub addr: SocketAddr,
    received: Mutex<mpsc::UnboundedReceiver<ReceivedSms>>,
}

#[derive(Clone)]
struct GatewayState {
    /// The answers to give, in order; the last one then forever.
    script: std::sync::Arc<std::sync::Mutex<Vec<StatusCode>>>,
    tx: mpsc::UnboundedSender<ReceivedSms>,
}

async fn receive(State(state): State<GatewayState>, headers: HeaderMap, Json(body): Json<serde_json::Value>) -> (StatusCode, Json<serde_json::Value>) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let status = {
        let mut script = state.script.lock().unwrap();
        if script.len() > 1 { script.remove(0) } else { script[0] }
    };
    let _ = state.tx.send(ReceivedSms { authorization: header("authorization"), content_type: header("content-type"), body, answered: status });
    (status, Json(serde_json::json!({"id": "msg-1"})))
}

impl SmsGateway {
    pub async fn start(status: StatusCode) -> SmsGateway {
        SmsGateway::start_scripted(vec![status]).await
    }

    /// Answers `script[0]`, then `script[1]`…, then the last one forever.
    pub async fn start_scripted(script: Vec<StatusCode>) -> SmsGateway {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        let state = GatewayState { script: std::sync::Arc::new(std::sync::Mutex::new(script)), tx };
        let app = Router::new().route("/sms", post(receive)).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });
        SmsGateway { addr, received: Mutex::new(rx) }
    }

    pub fn url(&self) -> String {
        format!("http://{}/sms", self.addr)
    }

    pub async fn next(&self) -> ReceivedSms {
        let mut rx = self.received.lock().await;
        tokio::time::timeout(WAIT, rx.recv()).await.expect("no SMS reached the gateway").unwrap()
    }

    /// A request that arrived already, if any (does not wait).
    pub async fn try_next(&self) -> Option<ReceivedSms> {
        self.received.lock().await.try_recv().ok()
    }
}
