//! Message delivery: e-mails over SMTP, SMS through an HTTP gateway, and in
//! demo mode an outbox readable at `GET /dev/outbox` (loopback only).
//!
//! The account procedures queue their messages in the database
//! ([`crate::outbox`]), so that no HTTP answer waits for a mail server, nor
//! reveals by its timing whether a message was sent, and no message is lost
//! when a relay is down or the process stops; the outbox's worker sends them
//! with [`Delivery::email`] and [`Delivery::sms`].
//!
//! Logs carry the message's kind, the channel and the outcome: never the
//! text, the address or the number.

mod account_templates;
mod config;
mod email;
mod outbox;
mod sealed;
mod sms;
mod templates;

pub use config::{DeliveryConfig, SmsGatewayConfig, SmtpConfig, Tls, DEFAULT_FROM};
pub use outbox::{dev_router, OutboxEntry, OUTBOX_CAPACITY};
pub use sealed::Sealer;
pub use templates::{
    default_templates, Message, Rendered, PASSWORD_CHANGED_SUBJECT, REGISTRATION_SUBJECT, RESET_PASSWORD_SUBJECT, UNLOCK_SUBJECT,
};

use anyhow::Context;
use borne_content::messages::MessageTemplates;
use borne_core::support::Support;
use email::SmtpSender;
use lettre::message::Mailbox;
use outbox::Outbox;
use serde::{Deserialize, Serialize};
use sms::SmsGateway;
use std::sync::Arc;

/// How a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a message was not delivered. The texts name no address, number,
/// content or gateway URL: they may be logged as they are.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeliveryError {
    #[error("no {0} transport is configured and the demo outbox is off: message not sent")]
    NotConfigured(Channel),
    #[error("a {kind} message is written for {written_for}, not for {requested}")]
    WrongChannel { kind: &'static str, written_for: Channel, requested: Channel },
    #[error("the recipient's {0} address is not valid")]
    InvalidRecipient(Channel),
    #[error("the e-mail could not be built")]
    Build,
    #[error("SMTP delivery failed ({kind}{})", code.as_deref().map(|c| format!(", reply {c}")).unwrap_or_default())]
    Smtp { kind: &'static str, code: Option<String> },
    #[error("the SMS gateway answered HTTP {0}")]
    GatewayStatus(u16),
    #[error("the SMS gateway could not be reached{}", if *timeout { " (timeout)" } else { "" })]
    GatewayUnreachable { timeout: bool },
}

/// Sends messages. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Delivery {
    inner: Arc<Inner>,
}

struct Inner {
    support: Support,
    templates: MessageTemplates,
    from: Mailbox,
    smtp: Option<SmtpSender>,
    sms: Option<SmsGateway>,
    outbox: Option<Outbox>,
}

impl Delivery {
    /// Checks the configuration (the `From:` address, the gateway URL's
    /// scheme, credentials only over TLS or on loopback) and builds the
    /// transports. Connects to nothing yet. Messages are written from MPN's
    /// French templates (the default profile).
    pub fn new(config: DeliveryConfig, support: Support) -> anyhow::Result<Delivery> {
        Delivery::with_templates(config, support, default_templates().clone())
    }

    /// As [`Delivery::new`], the messages written from `templates` (one
    /// insurer profile, one language: `borne_content::messages`).
    pub fn with_templates(config: DeliveryConfig, support: Support, templates: MessageTemplates) -> anyhow::Result<Delivery> {
        let from: Mailbox = config.from.parse().context("delivery.from is not an e-mail address")?;
        let smtp = config.smtp.as_ref().map(SmtpSender::new).transpose()?;
        let sms = config.sms_gateway.as_ref().map(SmsGateway::new).transpose()?;
        let outbox = config.outbox.then(Outbox::default);
        if outbox.is_some() {
            tracing::warn!("demo outbox on: messages (codes included) are kept in memory and served at GET /dev/outbox to loopback");
        }
        tracing::info!(smtp = smtp.is_some(), sms_gateway = sms.is_some(), outbox = outbox.is_some(), "message delivery configured");
        Ok(Delivery { inner: Arc::new(Inner { support, templates, from, smtp, sms, outbox }) })
    }

    /// The insurer's contacts the messages are signed with.
    pub fn support(&self) -> &Support {
        &self.inner.support
    }

    /// Sends an e-mail message to `to` and waits for the relay's answer. With
    /// the outbox on, the message is kept there first (even if no relay is
    /// configured, which is then a success).
    pub async fn email(&self, to: &str, msg: &Message) -> Result<(), DeliveryError> {
        check_channel(msg, Channel::Email)?;
        let mailbox: Mailbox = to.parse().map_err(|_| DeliveryError::InvalidRecipient(Channel::Email))?;
        let rendered = msg.render_with(&self.inner.templates, &self.inner.support);
        if let Some(outbox) = &self.inner.outbox {
            outbox.push(Channel::Email, msg.kind(), to, rendered.subject.as_deref(), &rendered.text);
        }
        match &self.inner.smtp {
            Some(smtp) => smtp.send(&self.inner.from, mailbox, &rendered).await,
            None if self.inner.outbox.is_some() => Ok(()),
            None => Err(DeliveryError::NotConfigured(Channel::Email)),
        }
    }

    /// Sends an SMS message to `to_e164` (`+33612345678`) and waits for the
    /// gateway's answer. Outbox as for [`Delivery::email`].
    pub async fn sms(&self, to_e164: &str, msg: &Message) -> Result<(), DeliveryError> {
        check_channel(msg, Channel::Sms)?;
        if !is_e164(to_e164) {
            return Err(DeliveryError::InvalidRecipient(Channel::Sms));
        }
        let rendered = msg.render_with(&self.inner.templates, &self.inner.support);
        if let Some(outbox) = &self.inner.outbox {
            outbox.push(Channel::Sms, msg.kind(), to_e164, None, &rendered.text);
        }
        match &self.inner.sms {
            Some(gateway) => gateway.send(to_e164, &rendered.text).await,
            None if self.inner.outbox.is_some() => Ok(()),
            None => Err(DeliveryError::NotConfigured(Channel::Sms)),
        }
    }

    /// The demo outbox, oldest first and newest last; `None` when it is off.
    pub fn outbox(&self) -> Option<Vec<OutboxEntry>> {
        self.inner.outbox.as_ref().map(Outbox::entries)
    }
}

fn check_channel(msg: &Message, requested: Channel) -> Result<(), DeliveryError> {
    let written_for = msg.channel();
    if written_for == requested {
        Ok(())
    } else {
        Err(DeliveryError::WrongChannel { kind: msg.kind(), written_for, requested })
    }
}

/// `+` then 8 to 15 digits, the first not 0 (E.164).
fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else { return false };
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_numbers() {
        assert!(is_e164("+33612345678"));
        for bad in ["0612345678", "+33 6 12 34 56 78", "+0612345678", "+3361", "", "+"] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn errors_name_no_recipient_nor_content() {
        let e = DeliveryError::Smtp { kind: "permanent", code: Some("550".into()) };
        assert_eq!(e.to_string(), "SMTP delivery failed (permanent, reply 550)");
        assert_eq!(DeliveryError::GatewayStatus(500).to_string(), "the SMS gateway answered HTTP 500");
    }

    #[test]
    fn configuration_is_checked() {
        let support = Support::default();
        let bad_from = DeliveryConfig { from: "not an address".into(), ..DeliveryConfig::default() };
        assert!(Delivery::new(bad_from, support.clone()).is_err());

        let plain_remote_gateway = DeliveryConfig {
            sms_gateway: Some(SmsGatewayConfig { url: "http://sms.example.org/send".into(), bearer_token: None, sender: "MPN".into() }),
            ..DeliveryConfig::default()
        };
        assert!(Delivery::new(plain_remote_gateway, support.clone()).is_err(), "http:// off loopback");

        let credentials_in_clear = DeliveryConfig {
            smtp: Some(SmtpConfig {
                host: "smtp.example.org".into(),
                port: None,
                tls: Tls::None,
                username: Some("u".into()),
                password: Some(borne_core::Secret::new("p")),
            }),
            ..DeliveryConfig::default()
        };
        assert!(Delivery::new(credentials_in_clear, support.clone()).is_err(), "credentials without TLS off loopback");

        let half_credentials = DeliveryConfig {
            smtp: Some(SmtpConfig { host: "smtp.example.org".into(), port: None, tls: Tls::Starttls, username: Some("u".into()), password: None }),
            ..DeliveryConfig::default()
        };
        assert!(Delivery::new(half_credentials, support.clone()).is_err());

        assert!(Delivery::new(DeliveryConfig::default(), support).is_ok(), "the default `From:` parses");
    }

    #[test]
    fn config_reads_from_serde() {
        let c: DeliveryConfig = serde_json::from_value(serde_json::json!({
            "from": "MPN <ne-pas-repondre@mpn.example>",
            "smtp": {"host": "smtp.mpn.example", "tls": "tls", "username": "u", "password": "p"},
            "sms_gateway": {"url": "https://sms.mpn.example/v1", "bearer_token": "t", "sender": "MPN"}
        }))
        .unwrap();
        let smtp = c.smtp.as_ref().unwrap();
        assert_eq!((smtp.tls, smtp.port()), (Tls::Tls, 465));
        assert_eq!(c.sms_gateway.as_ref().unwrap().bearer_token.as_ref().unwrap().expose(), "t");
        assert!(!c.outbox, "the outbox is off unless asked for");
        assert!(!format!("{c:?}").contains("\"p\""), "Debug masks the SMTP password");
        assert!(serde_json::from_value::<DeliveryConfig>(serde_json::json!({"outbx": true})).is_err(), "typos are refused");
    }
}
