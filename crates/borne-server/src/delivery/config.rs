//! How messages leave the server: an SMTP relay for e-mails, an HTTP gateway
//! for SMS, and (demo only) an in-memory outbox.

use borne_core::Secret;
use serde::Deserialize;

/// Where messages go. Every field has a default, so a TOML table or
/// environment may set only what it needs:
///
/// ```toml
/// [delivery]
/// from = "MPN <ne-pas-repondre@mpn.example>"
/// smtp = { host = "smtp.mpn.example", tls = "starttls", username = "borne", password = "…" }
/// sms_gateway = { url = "https://sms.mpn.example/v1/messages", bearer_token = "…", sender = "MPN" }
/// ```
///
/// With neither a transport nor the outbox, sending is an error (logged), not
/// a silent drop.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms_gateway: Option<SmsGatewayConfig>,
    /// The `From:` of e-mails (`Name <address>` or a bare address).
    pub from: String,
    /// Keep every message sent in memory, readable at `GET /dev/outbox` from
    /// loopback. **Demo mode only**: the outbox holds codes, links and
    /// temporary passwords in clear, by design (the demo and the end-to-end
    /// tests read them there). Never on by default.
    pub outbox: bool,
    /// The first retry of a temporary failure waits this long (milliseconds),
    /// then each one twice as long as the one before, at most
    /// `retry_max_secs`, with jitter (`crate::outbox::RetryPolicy`).
    pub retry_first_ms: u64,
    pub retry_max_secs: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            smtp: None,
            sms_gateway: None,
            from: DEFAULT_FROM.into(),
            outbox: false,
            retry_first_ms: 5_000,
            retry_max_secs: 600,
        }
    }
}

impl DeliveryConfig {
    pub fn retry_policy(&self) -> crate::outbox::RetryPolicy {
        crate::outbox::RetryPolicy {
            first: std::time::Duration::from_millis(self.retry_first_ms.max(1)),
            max: std::time::Duration::from_secs(self.retry_max_secs.max(1)),
        }
    }
}

/// A `From:` that says what it is; operators set their own.
pub const DEFAULT_FROM: &str = "Borne Adhérent <ne-pas-repondre@borne-adherent.invalid>";

/// An SMTP relay.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 587 with `starttls`, 465 with `tls`, 25 with `none`.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: Tls,
    /// Both or neither with `password`. Credentials are refused with
    /// `tls = "none"` unless the relay is on loopback.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
}

impl SmtpConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            Tls::None => 25,
            Tls::Starttls => 587,
            Tls::Tls => 465,
        })
    }
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// Plain text: a relay on the same machine (or a test server).
    None,
    /// Plain connection upgraded with STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// An HTTP SMS gateway: `POST url` with the JSON body
/// `{"to": "+33612345678", "from": sender, "text": "…"}`, optionally with
/// `Authorization: Bearer <bearer_token>`. Any 2xx answer means accepted.
/// The URL must be `https://`, or `http://` on loopback.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsGatewayConfig {
    pub url: String,
    #[serde(default)]
    pub bearer_token: Option<Secret>,
    /// The sender name or number shown on the phone.
    pub sender: String,
}

/// `localhost`, `127.0.0.0/8`, `::1` (brackets allowed): where plain text
/// cannot be read by anyone else.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().map(|ip| ip.to_canonical().is_loopback()).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1"] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in ["smtp.example.org", "10.0.0.1", "0.0.0.0", "localhost.example.org", ""] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn ports_follow_the_protection() {
        let mut c = SmtpConfig { host: "h".into(), port: None, tls: Tls::default(), username: None, password: None };
        assert_eq!((c.tls, c.port()), (Tls::Starttls, 587));
        c.tls = Tls::Tls;
        assert_eq!(c.port(), 465);
        c.tls = Tls::None;
        assert_eq!(c.port(), 25);
        c.port = Some(2525);
        assert_eq!(c.port(), 2525);
    }
}
