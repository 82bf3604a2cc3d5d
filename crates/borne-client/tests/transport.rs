//! How the client reads a backend that is down or answers outside the
//! contract: real sockets on loopback, raw HTTP answers.

use borne_client::Client;
use borne_core::{BorneError, Identifier, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `answer` verbatim to every connection, on a free loopback port.
async fn raw_server(answer: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(answer.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn who() -> Identifier {
    Identifier::parse("jeanne.martin@exemple.fr").unwrap()
}

#[tokio::test]
async fn closed_port_is_backend_unavailable() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let c = Client::new(&url).unwrap();
    assert_eq!(c.login(&who(), &Secret::new("x")).await.unwrap_err(), BorneError::BackendUnavailable);
    assert_eq!(c.session(&Secret::new("t")).await.unwrap_err(), BorneError::BackendUnavailable);
    assert!(!c.is_ready().await);
}

#[tokio::test]
async fn html_error_page_is_backend_unavailable() {
    let url = raw_server("HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 13\r\nconnection: close\r\n\r\n<h1>oops</h1>").await;
    let c = Client::new(&url).unwrap();
    assert_eq!(c.login(&who(), &Secret::new("x")).await.unwrap_err(), BorneError::BackendUnavailable);
}

#[tokio::test]
async fn throttling_without_a_body_keeps_retry_after() {
    let url = raw_server("HTTP/1.1 429 Too Many Requests\r\nretry-after: 42\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
    let c = Client::new(&url).unwrap();
    assert_eq!(c.login(&who(), &Secret::new("x")).await.unwrap_err(), BorneError::TooManyRequests { retry_after_secs: 42 });
}

#[tokio::test]
async fn garbage_success_body_is_unexpected() {
    let url = raw_server("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{\"a\":1}").await;
    let c = Client::new(&url).unwrap();
    assert_eq!(c.login(&who(), &Secret::new("x")).await.unwrap_err(), BorneError::Unexpected);
}

#[tokio::test]
async fn contract_error_body_decides() {
    let url = raw_server("HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: 63\r\nconnection: close\r\n\r\n{\"code\":\"wrong_password\",\"message\":\"m\",\"attempts_left\":2}      ").await;
    let c = Client::new(&url).unwrap();
    assert_eq!(c.login(&who(), &Secret::new("x")).await.unwrap_err(), BorneError::WrongPassword { attempts_left: 2 });
}
