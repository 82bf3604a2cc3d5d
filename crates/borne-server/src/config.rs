//! What an operator may tune.

use borne_core::support::Support;
use borne_core::Secret;
use std::time::Duration;

/// The app's deep link to its reset step, which the web pages offer
/// (« Ouvrir dans l'application Borne Adhérent »); the token is appended.
pub const DEFAULT_RESET_LINK_BASE: &str = "borne://reset?token=";
/// The insurer profile (`content/profiles/`) whose wording the messages use
/// when none is configured.
pub const DEFAULT_PROFILE: &str = "mpn";
/// Default lifetime of a session token.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(30 * 60);

#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Lifetime of a session token from log-in (`expires_in_secs`).
    pub session_ttl: Duration,
    /// Contact details quoted in error messages and messages' signatures.
    pub support: Support,
    /// The insurer profile (`mpn`, `mgen`: `content/profiles/`) whose
    /// templates the e-mails and SMS are written from
    /// (`content/messages/<profile>.<lang>.toml`). Default: `mpn`.
    pub profile: String,
    /// The language of the e-mails and SMS. Default: French.
    pub language: borne_core::Lang,
    /// Key of the hashes of one-time codes and temporary passwords (codes
    /// have few values: a database leak alone must not reveal them). Random
    /// per process by default; set it in production so that codes survive a
    /// restart and are checked alike by every instance.
    pub pepper: Secret,
    /// Key of the queued messages' content at rest (`crate::outbox`): any
    /// string of 32 characters or more. Random per process by default: set
    /// it, the same on every replica, so that messages queued before a
    /// restart can still be sent.
    pub outbox_key: Secret,
    /// The start of the app's deep link (`borne://reset?token=`), offered by
    /// the web pages to members who have the app; the token is appended.
    pub reset_link_base: String,
    /// The insurer's public address of this server (`https://…`, or
    /// `http://` on loopback), where the e-mails' links lead: the web pages
    /// that set a new password (`/compte/mot-de-passe`, `crate::http::pages`).
    /// Unset, [`crate::spawn`] uses the address it listens on (the demo
    /// server's own loopback address).
    pub public_url: Option<String>,
    /// E-mail (SMTP), SMS (HTTP gateway) and, in demo mode only, the outbox.
    pub delivery: crate::delivery::DeliveryConfig,
    /// Kiosk enrolment secret, admin token, device-key secret.
    pub devices: crate::devices::DeviceConfig,
    /// Request budgets per client address and per kiosk.
    pub throttle: crate::throttle::ThrottleConfig,
    /// The operator's reverse proxies (addresses or networks), whose
    /// `X-Forwarded-For` gives the client's address. Empty by default: the
    /// header is then ignored ([`crate::client`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Who may read `GET /metrics` (the TCP peer's address): loopback by
    /// default. Its counters move when a public form matched an account, so
    /// it must not be public.
    pub metrics_from: Vec<ipnet::IpNet>,
}

/// 256 random bits, for a per-process pepper.
pub fn random_pepper() -> Secret {
    crate::proofs::random_token()
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            session_ttl: DEFAULT_SESSION_TTL,
            support: Support::default(),
            profile: DEFAULT_PROFILE.into(),
            language: borne_core::Lang::Fr,
            pepper: random_pepper(),
            outbox_key: random_pepper(),
            reset_link_base: DEFAULT_RESET_LINK_BASE.into(),
            public_url: None,
            delivery: crate::delivery::DeliveryConfig::default(),
            devices: crate::devices::DeviceConfig::default(),
            throttle: crate::throttle::ThrottleConfig::default(),
            trusted_proxies: Vec::new(),
            metrics_from: vec!["127.0.0.0/8".parse().expect("a network"), "::1/128".parse().expect("a network")],
        }
    }
}

/// `url` checked as a public address: `https://host[:port][/path]`, or
/// `http://` to a loopback host (a demo, a test); no query, no fragment.
/// Answered without its trailing `/`.
pub fn public_url(url: &str) -> anyhow::Result<String> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").ok_or_else(|| anyhow::anyhow!("public_url {url:?} is not an http(s):// address"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let hostname = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    anyhow::ensure!(!hostname.is_empty() && !rest.contains(['?', '#', ' ', '"', '<', '>', '\\']), "public_url {url:?} is not an address like https://adherents.example.fr");
    let loopback = hostname == "localhost" || hostname.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" => Ok(url.to_owned()),
        "http" if loopback => Ok(url.to_owned()),
        _ => anyhow::bail!("public_url {url:?} must start with https:// (http:// only on loopback)"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_urls_are_https_or_loopback() {
        assert_eq!(super::public_url("https://adherents.mpn.example/").unwrap(), "https://adherents.mpn.example");
        assert_eq!(super::public_url("https://mpn.example:8443/espace").unwrap(), "https://mpn.example:8443/espace");
        assert_eq!(super::public_url("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(super::public_url("http://[::1]:8080").unwrap(), "http://[::1]:8080");
        assert_eq!(super::public_url("http://localhost:1").unwrap(), "http://localhost:1");
        for bad in ["http://adherents.mpn.example", "ftp://x.example", "adherents.mpn.example", "https://", "https://x.example/?a=1", "https://x.example/#f"] {
            assert!(super::public_url(bad).is_err(), "{bad}");
        }
    }
}
