//! What a response announces about the rate limit, read from its headers.
//!
//! v1 sends `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds until the allowance
//! is whole again, or the Unix time when it is) and, on a 429, `Retry-After`. v2 sends
//! `x-ratelimit-burst-capacity`, `-replenish-rate` (tokens per second) and `-remaining`,
//! and no `Retry-After` (V2_NOTES 8). Header names are case-insensitive, so the two
//! families share `remaining` and are told apart by their other headers.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::header::HeaderMap;

/// Values above this are Unix times, below it a number of seconds.
const UNIX_TIME_FROM: f64 = 1_000_000_000.0;

/// The numbers one response announces; `None` where it says nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Announced {
    /// Requests the bucket holds when full: v2 `burst-capacity`, else v1 `Limit`.
    pub capacity: Option<f64>,
    /// Tokens per second, v2 `replenish-rate`.
    pub rate: Option<f64>,
    /// At least this many tokens per second, as v1 implies: the requests spent,
    /// `Limit - Remaining`, are back by `Reset` (whole seconds, so maybe sooner).
    pub rate_at_least: Option<f64>,
    /// Requests left when the server answered.
    pub remaining: Option<f64>,
    /// `Retry-After`, as seconds or an HTTP date.
    pub retry_after: Option<Duration>,
    /// v1 `Reset`, as a wait from now.
    pub reset: Option<Duration>,
}

impl Announced {
    /// Reads every rate-limit header of `headers`.
    pub fn read(headers: &HeaderMap) -> Announced {
        let now = Utc::now();
        let limit = number(headers, "x-ratelimit-limit").filter(|l| *l > 0.0);
        let remaining = number(headers, "x-ratelimit-remaining");
        let reset = number(headers, "x-ratelimit-reset").map(|reset| {
            let seconds = if reset >= UNIX_TIME_FROM {
                reset - unix_seconds(now)
            } else {
                reset
            };
            Duration::from_secs_f64(seconds.max(0.0))
        });
        let v1_rate = match (limit, remaining, reset) {
            (Some(limit), Some(remaining), Some(reset))
                if remaining < limit && !reset.is_zero() =>
            {
                Some((limit - remaining) / reset.as_secs_f64())
            }
            _ => None,
        };
        Announced {
            capacity: number(headers, "x-ratelimit-burst-capacity")
                .filter(|c| *c > 0.0)
                .or(limit),
            rate: number(headers, "x-ratelimit-replenish-rate").filter(|r| *r > 0.0),
            rate_at_least: v1_rate,
            remaining,
            retry_after: headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after(v, now)),
            reset,
        }
    }
}

/// `Retry-After`: delay-seconds, or an HTTP date (IMF-fixdate, RFC 850 or asctime,
/// RFC 9110 10.2.3) taken as the wait from `now`; a date in the past waits nothing.
pub(super) fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(value, "%A, %d-%b-%y %H:%M:%S GMT").map(|d| d.and_utc())
        })
        .or_else(|_| {
            NaiveDateTime::parse_from_str(value, "%a %b %e %H:%M:%S %Y").map(|d| d.and_utc())
        })
        .ok()?;
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

fn unix_seconds(now: DateTime<Utc>) -> f64 {
    now.timestamp_millis() as f64 / 1000.0
}

fn number(headers: &HeaderMap, name: &str) -> Option<f64> {
    let value: f64 = headers.get(name)?.to_str().ok()?.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(value)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    pub(crate) fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
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
    fn v2_headers_are_taken_as_they_come() {
        let a = Announced::read(&headers(&[
            ("x-ratelimit-burst-capacity", "30"),
            ("x-ratelimit-replenish-rate", "30"),
            ("x-ratelimit-remaining", "12"),
            ("x-ratelimit-requested-tokens", "1"),
        ]));
        assert_eq!(a.capacity, Some(30.0));
        assert_eq!((a.rate, a.rate_at_least), (Some(30.0), None));
        assert_eq!(a.remaining, Some(12.0));
        assert_eq!((a.retry_after, a.reset), (None, None));
    }

    #[test]
    fn v1_headers_imply_a_rate_from_the_reset() {
        // 20 of 60 spent, whole again in 10 s: 2 per second.
        let a = Announced::read(&headers(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "40"),
            ("x-ratelimit-reset", "10"),
        ]));
        assert_eq!((a.capacity, a.rate), (Some(60.0), None));
        assert_eq!(a.rate_at_least, Some(2.0));
        assert_eq!(a.reset, Some(Duration::from_secs(10)));
        // A full allowance says nothing about the rate.
        let full = Announced::read(&headers(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "60"),
            ("x-ratelimit-reset", "10"),
        ]));
        assert_eq!(full.rate_at_least, None);
        // A Unix time for the reset.
        let at = (Utc::now().timestamp() + 30).to_string();
        let unix = Announced::read(&headers(&[("x-ratelimit-reset", &at)]));
        let reset = unix.reset.unwrap().as_secs_f64();
        assert!((28.0..=30.0).contains(&reset), "{reset}");
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:30Z")
            .unwrap()
            .with_timezone(&Utc);
        let in_30s = Some(Duration::from_secs(30));
        assert_eq!(retry_after("30", now), in_30s);
        assert_eq!(retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), in_30s);
        assert_eq!(
            retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now),
            in_30s
        );
        assert_eq!(retry_after("Wed Oct 21 07:28:00 2015", now), in_30s);
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-3", now), None);
    }
}
