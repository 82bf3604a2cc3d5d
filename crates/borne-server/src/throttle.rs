//! Request throttling: token buckets in memory, per client address and per
//! kiosk device, with separate budgets. Over budget: 429 `too_many_requests`
//! with `Retry-After` (seconds).
//!
//! - Per address, two budgets: the sensitive endpoints (log-in, password,
//!   codes, unlock, registration, device enrolment, admin: where secrets are
//!   guessed or messages sent) and everything else, unknown paths included.
//!   IPv6 addresses count per /64 (one subscriber's network).
//! - Per device (requests whose signature [`crate::devices::verify_signature`]
//!   verified): one budget, whatever the address.
//!
//! Order of the layers: [`by_address`] outermost (it also bounds unsigned
//! floods before any signature is checked), then the signature check, then
//! [`by_device`]. Kiosks behind one NAT address share its address budgets:
//! size them for the number of kiosks of a branch.
//!
//! Loopback clients are exempt from the address budgets by default
//! ([`ThrottleConfig::exempt_loopback`]): the app's demo mode, the end-to-end
//! tests and the server's tests all call from 127.0.0.1, some with dozens of
//! concurrent log-ins, and a local client is not the remote guesser these
//! budgets are for. Behind a reverse proxy on the same host every client
//! would look local, and exempt: set `exempt_loopback = false` there
//! (the proxy's forwarded address is not trusted by this server).
//!
//! Memory is bounded by [`ThrottleConfig::max_tracked`]: when the table is
//! full, buckets that have refilled completely are forgotten (no information
//! is lost), then, if still full, the least recently used tenth.
//! Log lines carry the kind of limit and, for addresses, a keyed hash
//! (`client`, per process) rather than the address.

use crate::devices::{hex, hmac_sha256, SignedDevice};
use crate::http::ApiFailure;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use borne_core::support::Support;
use borne_core::BorneError;
use rand::RngCore;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A token bucket: `burst` requests at once, refilled at `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub per_minute: u32,
    pub burst: u32,
}

#[derive(Clone, Debug)]
pub struct ThrottleConfig {
    /// False: nothing is throttled.
    pub enabled: bool,
    /// Loopback clients (127.0.0.0/8, ::1) skip the address budgets (module docs).
    pub exempt_loopback: bool,
    /// Per address, every endpoint but the sensitive ones.
    pub per_address: Budget,
    /// Per address, the sensitive endpoints ([`is_sensitive`]).
    pub per_address_sensitive: Budget,
    /// Per verified device, every endpoint.
    pub per_device: Budget,
    /// Buckets kept in memory at most.
    pub max_tracked: usize,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            enabled: true,
            exempt_loopback: true,
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
    matches!(path, "/v1/login" | "/v1/register" | "/v1/devices")
        || path.starts_with("/v1/unlock")
        || ["/v1/password/", "/v1/codes/", "/v1/admin/"].iter().any(|p| path.starts_with(p))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Class {
    General,
    Sensitive,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr, Class),
    Device(String),
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
    /// When the bucket will be full again: from then on it is the same as no bucket.
    full_at: Instant,
}

/// The limiter shared by the middleware functions. Cheap to clone.
#[derive(Clone)]
pub struct Throttle {
    inner: Arc<Inner>,
}

struct Inner {
    config: ThrottleConfig,
    support: Support,
    buckets: Mutex<HashMap<Key, Bucket>>,
    /// Key of the `client` tags in log lines.
    tag_key: [u8; 32],
    warned_no_address: AtomicBool,
}

impl Throttle {
    pub fn new(config: ThrottleConfig, support: Support) -> Throttle {
        let mut tag_key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut tag_key);
        Throttle {
            inner: Arc::new(Inner {
                config,
                support,
                buckets: Mutex::new(HashMap::new()),
                tag_key,
                warned_no_address: AtomicBool::new(false),
            }),
        }
    }

    /// Takes one token from `key`'s bucket; else the seconds until one is back.
    fn take(&self, key: Key, budget: Budget, now: Instant) -> Result<(), u64> {
        let burst = f64::from(budget.burst.max(1));
        let rate = f64::from(budget.per_minute.max(1)) / 60.0;
        let mut buckets = self.inner.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if !buckets.contains_key(&key) {
            make_room(&mut buckets, self.inner.config.max_tracked.max(1), now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: burst, updated: now, full_at: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        let tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.updated = now;
        if tokens >= 1.0 {
            bucket.tokens = tokens - 1.0;
            bucket.full_at = now + std::time::Duration::from_secs_f64((burst - bucket.tokens) / rate);
            Ok(())
        } else {
            bucket.tokens = tokens;
            Err(((1.0 - tokens) / rate).ceil().max(1.0) as u64)
        }
    }

    fn refuse(&self, retry_after_secs: u64) -> Response {
        ApiFailure::new(BorneError::TooManyRequests { retry_after_secs }, &self.inner.support).into_response()
    }

    fn client_tag(&self, ip: IpAddr) -> String {
        hex(&hmac_sha256(&self.inner.tag_key, &[ip.to_string().as_bytes()])[..6])
    }

    /// The address a bucket is kept for: IPv4 (mapped ones too) as is, IPv6 per /64.
    fn address_key(&self, req: &Request) -> Option<IpAddr> {
        match req.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(addr)) => Some(match addr.ip().to_canonical() {
                IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
                v4 => v4,
            }),
            None => {
                if !self.inner.warned_no_address.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        "no client address (serve with into_make_service_with_connect_info): \
                         every client shares one address budget"
                    );
                }
                None
            }
        }
    }
}

fn make_room(buckets: &mut HashMap<Key, Bucket>, max: usize, now: Instant) {
    if buckets.len() < max {
        return;
    }
    buckets.retain(|_, b| b.full_at > now);
    if buckets.len() < max {
        return;
    }
    let mut updated: Vec<Instant> = buckets.values().map(|b| b.updated).collect();
    let k = (updated.len() / 10).max(1);
    let (_, threshold, _) = updated.select_nth_unstable(k - 1);
    let threshold = *threshold;
    buckets.retain(|_, b| b.updated > threshold);
}

/// Middleware: the per-address budgets. Layer it outermost.
pub async fn by_address(State(throttle): State<Throttle>, req: Request, next: Next) -> Response {
    let config = &throttle.inner.config;
    if !config.enabled {
        return next.run(req).await;
    }
    let ip = throttle.address_key(&req);
    if config.exempt_loopback && ip.is_some_and(|ip| ip.is_loopback()) {
        return next.run(req).await;
    }
    let ip = ip.unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
    let (class, budget, limit) = if is_sensitive(req.uri().path()) {
        (Class::Sensitive, config.per_address_sensitive, "address_sensitive")
    } else {
        (Class::General, config.per_address, "address")
    };
    match throttle.take(Key::Address(ip, class), budget, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            tracing::info!(limit, client = %throttle.client_tag(ip), retry_after_secs, outcome = "throttled", "request throttled");
            throttle.refuse(retry_after_secs)
        }
    }
}

/// Middleware: the per-device budget, for requests whose signature was
/// verified. Layer it inside [`crate::devices::verify_signature`].
pub async fn by_device(State(throttle): State<Throttle>, req: Request, next: Next) -> Response {
    let config = &throttle.inner.config;
    let device_id = match req.extensions().get::<SignedDevice>() {
        Some(device) if config.enabled => device.device_id.clone(),
        _ => return next.run(req).await,
    };
    match throttle.take(Key::Device(device_id.clone()), config.per_device, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            tracing::info!(limit = "device", device_id, retry_after_secs, outcome = "throttled", "request throttled");
            throttle.refuse(retry_after_secs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn throttle(max_tracked: usize) -> Throttle {
        Throttle::new(ThrottleConfig { max_tracked, ..ThrottleConfig::default() }, Support::default())
    }

    fn addr(last: u8) -> Key {
        Key::Address(IpAddr::from([192, 0, 2, last]), Class::General)
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
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let t = throttle(100);
        let budget = Budget { per_minute: 6, burst: 3 };
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.take(addr(1), budget, t0), Ok(()));
        }
        // 6 a minute: one token every 10 s.
        assert_eq!(t.take(addr(1), budget, t0), Err(10));
        assert_eq!(t.take(addr(1), budget, t0 + Duration::from_secs(4)), Err(6));
        assert_eq!(t.take(addr(1), budget, t0 + Duration::from_secs(10)), Ok(()));
        // Another key has its own bucket.
        assert_eq!(t.take(addr(2), budget, t0), Ok(()));
    }

    #[test]
    fn the_table_stays_bounded() {
        let t = throttle(10);
        let budget = Budget { per_minute: 60, burst: 5 };
        let t0 = Instant::now();
        for i in 0..50u8 {
            assert_eq!(t.take(addr(i), budget, t0 + Duration::from_millis(u64::from(i))), Ok(()));
            assert!(t.inner.buckets.lock().unwrap().len() <= 10);
        }
        // Refilled buckets are forgotten first: after 2 s every bucket is full again.
        t.take(addr(200), budget, t0 + Duration::from_secs(2)).unwrap();
        assert_eq!(t.inner.buckets.lock().unwrap().len(), 1);
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
