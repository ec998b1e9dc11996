//! Shared pacing fed by Personio's rate-limit headers.
//!
//! Personio announces its limits in headers (v1 `X-RateLimit-*`, v2 `x-ratelimit-*`)
//! and sometimes `Retry-After`. When one request learns that the bucket is empty, every
//! concurrent request of the same client waits, instead of each one hitting 429 in turn.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// Personio's hub asks clients to wait at least a second after a 429.
const MIN_WAIT_AFTER_429: Duration = Duration::from_secs(1);
/// The longest pause a header can impose on us.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// The instant before which no request of this client may start.
#[derive(Debug, Default)]
pub struct RateLimiter {
    not_before: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// Waits until requests may go again.
    pub async fn ready(&self) {
        let until = *self.not_before.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }

    /// Reads the headers of a successful response: an empty bucket pauses everyone
    /// until it refills.
    pub fn observe(&self, headers: &HeaderMap) {
        if header_number(headers, "x-ratelimit-remaining") == Some(0.0) {
            if let Some(wait) = refill_wait(headers) {
                self.pause(wait);
            }
        }
    }

    /// Reads a 429 and returns how long to wait before retrying; everyone waits as long.
    /// `attempt` counts from 0 and stretches the wait when the headers say nothing.
    pub fn on_too_many_requests(&self, headers: &HeaderMap, attempt: u32) -> Duration {
        let wait = header_number(headers, "retry-after")
            .map(|seconds| Duration::from_secs_f64(seconds.min(MAX_WAIT.as_secs_f64())))
            .or_else(|| refill_wait(headers))
            .unwrap_or_else(|| backoff(MIN_WAIT_AFTER_429, attempt))
            .max(MIN_WAIT_AFTER_429)
            .min(MAX_WAIT);
        self.pause(wait);
        wait
    }

    fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait.min(MAX_WAIT);
        let mut slot = self.not_before.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none_or(|current| current < until) {
            *slot = Some(until);
        }
    }
}

/// How long until the bucket has a token again, from whichever header says so.
fn refill_wait(headers: &HeaderMap) -> Option<Duration> {
    if let Some(reset) = header_number(headers, "x-ratelimit-reset") {
        // Either seconds to wait or a Unix time, depending on the endpoint.
        let seconds = if reset > 1_000_000_000.0 {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            reset - now
        } else {
            reset
        };
        return Some(Duration::from_secs_f64(
            seconds.clamp(0.0, MAX_WAIT.as_secs_f64()),
        ));
    }
    let rate = header_number(headers, "x-ratelimit-replenish-rate")?;
    (rate > 0.0).then(|| Duration::from_secs_f64((1.0 / rate).min(MAX_WAIT.as_secs_f64())))
}

fn header_number(headers: &HeaderMap, name: &str) -> Option<f64> {
    let value: f64 = headers.get(name)?.to_str().ok()?.trim().parse().ok()?;
    value.is_finite().then_some(value.max(0.0))
}

/// Exponential backoff from `base`, doubled per attempt, capped at 30 s, with up to 25 %
/// jitter so that concurrent retries spread out.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1u32 << attempt.min(16));
    let capped = exponential.min(Duration::from_secs(30));
    let jitter = rand::random::<f64>() * 0.25;
    capped.mul_f64(1.0 + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn retry_after_wins() {
        let limiter = RateLimiter::default();
        let wait = limiter.on_too_many_requests(
            &headers(&[("retry-after", "3"), ("x-ratelimit-reset", "10")]),
            0,
        );
        assert_eq!(wait, Duration::from_secs(3));
    }

    #[test]
    fn v2_replenish_rate_gives_at_least_a_second() {
        let limiter = RateLimiter::default();
        let wait =
            limiter.on_too_many_requests(&headers(&[("x-ratelimit-replenish-rate", "10")]), 0);
        assert_eq!(wait, MIN_WAIT_AFTER_429);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = backoff(Duration::from_millis(100), 0);
        let later = backoff(Duration::from_millis(100), 4);
        assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(125));
        assert!(later >= Duration::from_millis(1600));
        assert!(backoff(Duration::from_secs(1), 30) <= Duration::from_millis(37_500));
    }
}
