//! "Renvoyer": the same message again, not before
//! [`RESEND_COOLDOWN_SECS`] after the last one.

use borne_core::procedures::RESEND_COOLDOWN_SECS;
use borne_core::BorneError;
use std::time::{Duration, Instant};

/// Refused with the seconds left (at least 1) while the cooldown runs.
pub fn check(last_sent: Option<Instant>, now: Instant) -> Result<(), BorneError> {
    let Some(last) = last_sent else { return Ok(()) };
    let wait = Duration::from_secs(RESEND_COOLDOWN_SECS).saturating_sub(now.saturating_duration_since(last));
    if wait.is_zero() {
        return Ok(());
    }
    // Rounded up: "59.2 s left" is said "60 s".
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    Err(BorneError::TooManyRequests { retry_after_secs: secs.max(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_until_the_cooldown_is_over() {
        let sent = Instant::now();
        assert_eq!(check(None, sent), Ok(()));
        assert_eq!(check(Some(sent), sent), Err(BorneError::TooManyRequests { retry_after_secs: RESEND_COOLDOWN_SECS }));
        let almost = sent + Duration::from_millis(RESEND_COOLDOWN_SECS * 1000 - 300);
        assert_eq!(check(Some(sent), almost), Err(BorneError::TooManyRequests { retry_after_secs: 1 }));
        assert_eq!(check(Some(sent), sent + Duration::from_secs(RESEND_COOLDOWN_SECS)), Ok(()));
    }
}
