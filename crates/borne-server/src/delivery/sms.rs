//! SMS through an HTTP gateway: `POST url` with `{"to", "from", "text"}`.

use super::config::{is_loopback_host, SmsGatewayConfig};
use super::DeliveryError;
use anyhow::{bail, Context};
use borne_core::Secret;
use serde::Serialize;
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

pub(super) struct SmsGateway {
    client: reqwest::Client,
    url: reqwest::Url,
    bearer_token: Option<Secret>,
    sender: String,
}

#[derive(Serialize)]
struct SmsBody<'a> {
    to: &'a str,
    from: &'a str,
    text: &'a str,
}

impl SmsGateway {
    pub(super) fn new(config: &SmsGatewayConfig) -> anyhow::Result<SmsGateway> {
        let url = reqwest::Url::parse(&config.url).context("sms_gateway.url is not a URL")?;
        let loopback = url.host_str().is_some_and(is_loopback_host);
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => bail!("sms_gateway.url: http:// is allowed on loopback only; use https://"),
            _ => bail!("sms_gateway.url must be https:// (or http:// on loopback)"),
        }
        if config.sender.trim().is_empty() {
            bail!("sms_gateway.sender is empty");
        }
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // A redirect would carry the message (and maybe the token) elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("sms gateway HTTP client")?;
        Ok(SmsGateway { client, url, bearer_token: config.bearer_token.clone(), sender: config.sender.clone() })
    }

    /// Any 2xx is accepted; anything else, and any transport failure, is an
    /// error that names neither the number nor the gateway's URL.
    pub(super) async fn send(&self, to_e164: &str, text: &str) -> Result<(), DeliveryError> {
        let mut request = self.client.post(self.url.clone()).json(&SmsBody { to: to_e164, from: &self.sender, text });
        if let Some(token) = &self.bearer_token {
            request = request.bearer_auth(token.expose());
        }
        match request.send().await {
            Ok(answer) if answer.status().is_success() => Ok(()),
            Ok(answer) => Err(DeliveryError::GatewayStatus(answer.status().as_u16())),
            Err(e) => Err(DeliveryError::GatewayUnreachable { timeout: e.is_timeout() }),
        }
    }
}
