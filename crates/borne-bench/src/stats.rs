//! Percentiles of latencies.

use std::time::Duration;

/// Nearest-rank percentile (`p` in 0..=100) of ascending `sorted`; zero when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn median(sorted: &[Duration]) -> Duration {
    percentile(sorted, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn nearest_rank() {
        let hundred: Vec<u64> = (1..=100).collect();
        let d = ms(&hundred);
        assert_eq!(percentile(&d, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&d, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&d, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&d, 0.0), Duration::from_millis(1));
        assert_eq!(median(&ms(&[7])), Duration::from_millis(7));
        assert_eq!(percentile(&ms(&[1, 2, 3]), 99.0), Duration::from_millis(3));
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
    }
}
