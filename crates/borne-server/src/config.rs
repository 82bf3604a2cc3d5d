//! What an operator may tune.

use borne_core::support::Support;
use std::time::Duration;

/// Default lifetime of a session token.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(30 * 60);

#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Lifetime of a session token from log-in (`expires_in_secs`).
    pub session_ttl: Duration,
    /// Contact details quoted in error messages.
    pub support: Support,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { session_ttl: DEFAULT_SESSION_TTL, support: Support::default() }
    }
}
