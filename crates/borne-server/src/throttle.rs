//! Request throttling per client address and per kiosk device, with
//! separate budgets, through the maintained `governor` crate (GCRA, keyed
//! rate limiters). Over budget: 429 `too_many_requests` with `Retry-After`
//! (seconds).
//!
//! - Per address, two budgets: the sensitive endpoints (log-in, password,
//!   codes, unlock, registration, device enrolment, admin: where secrets are
//!   guessed or messages sent) and everything else, unknown paths included.
//!   The address is [`crate::client::ClientAddress`] (the peer, or what a
//!   trusted proxy forwarded); IPv6 addresses count per /64.
//! - Per device (requests whose kiosk signature was verified): one budget,
//!   whatever the address.
//!
//! These budgets are kept in each replica's memory, on purpose: they shed
//! load, they are not a security rule's state (the lockout, the code tries,
//! the unlock identity limits and the message budgets are in the database,
//! shared by every replica). Behind a load balancer spreading one address
//! over N replicas, that address gets up to N times each budget
//! (docs/security.md has the arithmetic).
//!
//! The limiters live here; the middleware that applies them is
//! `http/middleware/throttle.rs` (`by_address`, `by_device`). Order of the
//! layers: `by_address` outermost (after the address is resolved; it also
//! bounds unsigned floods before any signature is checked), then the
//! signature check, then `by_device`. Kiosks behind
//! one NAT address share its address budgets: size them for the number of
//! kiosks of a branch.
//!
//! Loopback clients are throttled like any other by default: behind a
//! reverse proxy on the same host every client would look local. The app's
//! embedded demo server, and tests that fire dozens of requests from
//! 127.0.0.1, set [`ThrottleConfig::exempt_loopback`] explicitly.
//!
//! Memory: when more than [`ThrottleConfig::max_tracked`] keys are held,
//! the keys whose budget has refilled completely are forgotten
//! (`retain_recent`: no information is lost), at most once a second, and
//! every minute by the maintenance task. Keys still within their window are
//! kept, so a flood from more distinct addresses than `max_tracked` within a
//! minute can hold more (about 100 bytes each).
//! Log lines carry the kind of limit and, for addresses, a keyed hash
//! (`client`, per process) rather than the address.

use borne_core::support::Support;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::RngCore;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A budget: `burst` requests at once, refilled at `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub per_minute: u32,
    pub burst: u32,
}

impl Budget {
    fn quota(self) -> Quota {
        let one = NonZeroU32::MIN;
        Quota::per_minute(NonZeroU32::new(self.per_minute).unwrap_or(one)).allow_burst(NonZeroU32::new(self.burst).unwrap_or(one))
    }
}

#[derive(Clone, Debug)]
pub struct ThrottleConfig {
    /// False: nothing is throttled.
    pub enabled: bool,
    /// Loopback clients (127.0.0.0/8, ::1) skip the address budgets. False
    /// by default (module docs).
    pub exempt_loopback: bool,
    /// Per address, every endpoint but the sensitive ones.
    pub per_address: Budget,
    /// Per address, the sensitive endpoints ([`is_sensitive`]).
    pub per_address_sensitive: Budget,
    /// Per verified device, every endpoint.
    pub per_device: Budget,
    /// Keys held before the refilled ones are forgotten.
    pub max_tracked: usize,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            enabled: true,
            exempt_loopback: false,
            per_address: Budget { per_minute: 60, burst: 20 },
            per_address_sensitive: Budget { per_minute: 10, burst: 10 },
            per_device: Budget { per_minute: 120, burst: 60 },
            max_tracked: 100_000,
        }
    }
}

/// The endpoints where secrets are guessed or messages are sent.
pub fn is_sensitive(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    matches!(path, "/v1/login" | "/v1/register" | "/v1/devices" | "/compte/mot-de-passe")
        || path.starts_with("/v1/unlock")
        || ["/v1/password/", "/v1/codes/", "/v1/admin/"].iter().any(|p| path.starts_with(p))
}

/// The limiters the throttling middleware applies. Cheap to clone.
#[derive(Clone)]
pub struct Throttle {
    inner: Arc<Inner>,
}

struct Inner {
    config: ThrottleConfig,
    support: Support,
    general: DefaultKeyedRateLimiter<IpAddr>,
    sensitive: DefaultKeyedRateLimiter<IpAddr>,
    devices: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    /// Key of the `client` tags in log lines.
    tag_key: [u8; 32],
    warned_no_address: AtomicBool,
    /// For the once-a-second sweep of [`Throttle::take`].
    started: std::time::Instant,
    last_sweep: std::sync::atomic::AtomicU64,
}

impl Throttle {
    pub fn new(config: ThrottleConfig, support: Support) -> Throttle {
        let mut tag_key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut tag_key);
        Throttle {
            inner: Arc::new(Inner {
                general: RateLimiter::keyed(config.per_address.quota()),
                sensitive: RateLimiter::keyed(config.per_address_sensitive.quota()),
                devices: RateLimiter::keyed(config.per_device.quota()),
                clock: DefaultClock::default(),
                config,
                support,
                tag_key,
                warned_no_address: AtomicBool::new(false),
                started: std::time::Instant::now(),
                last_sweep: std::sync::atomic::AtomicU64::new(u64::MAX),
            }),
        }
    }

    /// Takes one request from `key`'s budget; else the seconds until one is back.
    fn take<K: Hash + Eq + Clone>(&self, limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), u64> {
        // At most once a second (a full sweep locks every shard), however
        // many requests arrive while the table is over its size.
        if limiter.len() > self.inner.config.max_tracked {
            let second = self.inner.started.elapsed().as_secs();
            if self.inner.last_sweep.swap(second, Ordering::Relaxed) != second {
                limiter.retain_recent();
            }
        }
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.inner.clock.now());
            wait.as_secs_f64().ceil().max(1.0) as u64
        })
    }

    /// Takes one request from an address's budget, the sensitive one or the
    /// general one; else the seconds until one is back.
    pub(crate) fn take_address(&self, ip: IpAddr, sensitive: bool) -> Result<(), u64> {
        let limiter = if sensitive { &self.inner.sensitive } else { &self.inner.general };
        self.take(limiter, &ip)
    }

    /// Takes one request from a kiosk's budget; else the seconds until one is back.
    pub(crate) fn take_device(&self, device_id: &str) -> Result<(), u64> {
        self.take(&self.inner.devices, &device_id.to_owned())
    }

    pub(crate) fn config(&self) -> &ThrottleConfig {
        &self.inner.config
    }

    pub(crate) fn support(&self) -> &Support {
        &self.inner.support
    }

    /// A keyed hash of the address, for log lines.
    pub(crate) fn client_tag(&self, ip: IpAddr) -> String {
        hex::encode(&crate::hashing::hmac_sha256(&self.inner.tag_key, &[ip.to_string().as_bytes()])[..6])
    }

    /// Says once per process that requests carry no client address (every
    /// client then shares one address budget).
    pub(crate) fn warn_no_address_once(&self) {
        if !self.inner.warned_no_address.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "no client address (serve with into_make_service_with_connect_info): \
                 every client shares one address budget"
            );
        }
    }

    /// Forgets the keys whose budget has refilled (the maintenance task's).
    pub(crate) fn forget_refilled(&self) {
        self.inner.general.retain_recent();
        self.inner.sensitive.retain_recent();
        self.inner.devices.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(max_tracked: usize) -> Throttle {
        Throttle::new(ThrottleConfig { max_tracked, ..ThrottleConfig::default() }, Support::default())
    }

    fn addr(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn sensitive_endpoints_are_the_ones_where_secrets_are_guessed_or_messages_sent() {
        for p in [
            "/v1/login",
            "/v1/login/",
            "/v1/password/forgot",
            "/v1/password/reset",
            "/v1/password/change",
            "/v1/codes/verify",
            "/v1/unlock",
            "/v1/unlock/send",
            "/v1/register",
            "/v1/devices",
            "/v1/admin/devices",
        ] {
            assert!(is_sensitive(p), "{p}");
        }
        for p in ["/v1/session", "/v1/logout", "/v1/devices/heartbeat", "/healthz", "/readyz", "/v1/loginx", "/"] {
            assert!(!is_sensitive(p), "{p}");
        }
    }

    #[test]
    fn a_budget_allows_its_burst_then_says_when_to_come_back() {
        let t = throttle(100);
        // 6 a minute: one request every 10 s, 3 at once.
        let limiter: DefaultKeyedRateLimiter<IpAddr> = RateLimiter::keyed(Budget { per_minute: 6, burst: 3 }.quota());
        for _ in 0..3 {
            assert_eq!(t.take(&limiter, &addr(1)), Ok(()));
        }
        let wait = t.take(&limiter, &addr(1)).unwrap_err();
        assert!((9..=10).contains(&wait), "{wait}");
        // Another key has its own budget.
        assert_eq!(t.take(&limiter, &addr(2)), Ok(()));
    }

    #[test]
    fn the_defaults_throttle_loopback_too() {
        assert!(!ThrottleConfig::default().exempt_loopback);
    }

    #[test]
    fn client_tags_hide_the_address_and_are_stable() {
        let t = throttle(10);
        let ip = IpAddr::from([203, 0, 113, 7]);
        assert_eq!(t.client_tag(ip), t.client_tag(ip));
        assert_ne!(t.client_tag(ip), t.client_tag(IpAddr::from([203, 0, 113, 8])));
        assert_eq!(t.client_tag(ip).len(), 12);
    }
}
