//! E-mail over SMTP (lettre, tokio, rustls).

use super::config::{is_loopback_host, SmtpConfig, Tls};
use super::templates::Rendered;
use super::DeliveryError;
use anyhow::{bail, Context};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP conversation may take (connection, TLS, every reply).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A relay, one connection per message (a handful of messages a minute: no pool).
pub(super) struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpSender {
    pub(super) fn new(config: &SmtpConfig) -> anyhow::Result<SmtpSender> {
        if config.host.trim().is_empty() {
            bail!("smtp.host is empty");
        }
        let builder = match config.tls {
            Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str()),
            Tls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .context("smtp: STARTTLS parameters for this host")?,
            Tls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).context("smtp: TLS parameters for this host")?,
        };
        let mut builder = builder.port(config.port()).timeout(Some(SMTP_TIMEOUT));
        match (&config.username, &config.password) {
            (Some(user), Some(password)) => {
                if config.tls == Tls::None && !is_loopback_host(&config.host) {
                    bail!("smtp: refusing to send credentials without TLS to a host that is not loopback (set tls = \"starttls\" or \"tls\")");
                }
                builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
            }
            (None, None) => {}
            _ => bail!("smtp: username and password go together"),
        }
        Ok(SmtpSender { transport: builder.build() })
    }

    pub(super) async fn send(&self, from: &Mailbox, to: Mailbox, rendered: &Rendered) -> Result<(), DeliveryError> {
        let email = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(rendered.subject.clone().unwrap_or_default())
            // `<random@this host>`: some relays score mail without one as spam.
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(rendered.text.clone())
            .map_err(|_| DeliveryError::Build)?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| smtp_error(&e))
    }
}

/// The kind of failure and the reply code only: a server's reply text may
/// quote the recipient's address.
fn smtp_error(e: &lettre::transport::smtp::Error) -> DeliveryError {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_tls() {
        "tls"
    } else if e.is_permanent() {
        "permanent"
    } else if e.is_transient() {
        "transient"
    } else if e.is_response() {
        "unexpected reply"
    } else if e.is_client() {
        "client"
    } else {
        "connection"
    };
    DeliveryError::Smtp { kind, code: e.status().map(|c| c.to_string()) }
}
