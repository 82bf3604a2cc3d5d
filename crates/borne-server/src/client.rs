//! Who is asking: the client address of a request (through the operator's
//! trusted proxies only), and the client a per-client limit counts.
//!
//! The address is the TCP peer's, unless the peer is one of
//! [`crate::ServerConfig::trusted_proxies`] (an explicit list; empty by
//! default): then it is the right-most address of `X-Forwarded-For` that is
//! not itself a trusted proxy (each proxy appends the address it saw, so
//! everything left of the last untrusted hop may be forged). A forwarding
//! header from any other peer is ignored. [`resolve_address`] stores the
//! result as a [`ClientAddress`] request extension for the throttle, the
//! per-client limits and the logs' client tags.

use crate::devices::SignedDevice;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// The client's address, as [`resolve_address`] found it (a request extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The operator's reverse proxies, whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(Arc::new(nets))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer` carrying these
    /// `X-Forwarded-For` values (module docs).
    pub fn client_of(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        // From the right: each trusted hop vouches for the one on its left,
        // until the first that is not trusted (the client), or the first
        // that cannot be read (then the last trusted hop is all we know).
        let mut client = peer;
        for hop in forwarded_for.iter().flat_map(|v| v.split(',')).rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// Middleware, outermost: sets [`ClientAddress`] when the server was served
/// with `into_make_service_with_connect_info::<SocketAddr>()`.
pub async fn resolve_address(State(proxies): State<TrustedProxies>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let forwarded: Vec<&str> =
            req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let client = proxies.client_of(peer.ip(), &forwarded);
        req.extensions_mut().insert(ClientAddress(client));
    }
    next.run(req).await
}

/// The unit an address-based limit counts: IPv4 as is, IPv6 per /64 (one
/// subscriber's network).
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

/// The client a per-client limit counts: the kiosk whose signature was
/// verified, else the client's address (per /64 for IPv6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClientId(String);

impl ClientId {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    fn of(parts: &Parts) -> ClientId {
        if let Some(device) = parts.extensions.get::<SignedDevice>() {
            return ClientId(format!("device:{}", device.device_id));
        }
        let resolved = parts.extensions.get::<ClientAddress>().map(|ClientAddress(ip)| *ip);
        let peer = || parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
        match resolved.or_else(peer) {
            Some(ip) => ClientId(format!("address:{}", address_key(ip))),
            None => ClientId("address:unknown".into()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(ClientId::of(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_of(ip("127.0.0.1"), &["203.0.113.9"]), ip("127.0.0.1"), "not trusted by default");
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]);
        assert_eq!(proxies.client_of(ip("192.0.2.1"), &["203.0.113.9"]), ip("192.0.2.1"), "an untrusted peer's header is ignored");
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &["203.0.113.9"]), ip("203.0.113.9"));
        // A forged left-most entry: the right-most untrusted hop wins.
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &["198.51.100.1, 203.0.113.9, 10.0.0.7"]), ip("203.0.113.9"));
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &["198.51.100.1", "203.0.113.9"]), ip("203.0.113.9"));
        // Garbage, or nothing: the peer.
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &["n'importe quoi"]), ip("10.0.0.2"));
        // Garbage left of the client's hop does not hide the client.
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &["unknown, 203.0.113.9"]), ip("203.0.113.9"));
        // Garbage right of it: the last trusted hop.
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &["203.0.113.9, 10.0.0.7:443, 10.0.0.3"]), ip("10.0.0.3"));
        assert_eq!(proxies.client_of(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
        assert_eq!(proxies.client_of(ip("::ffff:10.0.0.2"), &["203.0.113.9"]), ip("203.0.113.9"), "IPv4-mapped peers");
    }

    #[test]
    fn ipv6_counts_per_64() {
        assert_eq!(address_key(ip("2001:db8:1:2:3:4:5:6")), ip("2001:db8:1:2::"));
        assert_eq!(address_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
