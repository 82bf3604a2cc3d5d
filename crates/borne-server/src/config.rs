//! What an operator may tune.

use borne_core::support::Support;
use borne_core::Secret;
use std::time::Duration;

/// Where the e-mail's link leads: the app's reset step (deep link).
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
    /// The start of the link sent by e-mail; the token is appended. The app
    /// registers the `borne://` scheme (deep link to the reset step).
    pub reset_link_base: String,
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
            delivery: crate::delivery::DeliveryConfig::default(),
            devices: crate::devices::DeviceConfig::default(),
            throttle: crate::throttle::ThrottleConfig::default(),
            trusted_proxies: Vec::new(),
            metrics_from: vec!["127.0.0.0/8".parse().expect("a network"), "::1/128".parse().expect("a network")],
        }
    }
}
