//! One token bucket: the pace of one endpoint group of one company, shared by every
//! request to that group from every read and thread of the process.
//!
//! Requests take a token before they go ([`Bucket::acquire`]); those that must wait
//! queue in arrival order behind a fair lock, and the first in line sleeps until its
//! token is there (or until the bucket changes), so they leave one by one, never all
//! together. Every response feeds what it announces back ([`Permit::observe`]); a 429
//! empties the bucket, pauses it and halves its rate ([`Permit::too_many_requests`]).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::headers::Announced;
use crate::deadline;

/// Personio's hub asks clients to wait at least a second after a 429.
const MIN_WAIT_AFTER_429: Duration = Duration::from_secs(1);
/// The longest single wait: a pause or a refill never holds a request longer; past it
/// the request goes and the server decides.
pub const MAX_WAIT: Duration = Duration::from_secs(120);
/// Rates stay within these bounds (tokens per second), whatever a header says.
const MIN_RATE: f64 = 0.001;
const MAX_RATE: f64 = 1_000_000.0;
/// A release after a wait is delayed by up to this share of the wait, at most
/// [`MAX_JITTER`], so that clients that learned the same pause do not all go at once.
/// Tokens keep refilling meanwhile, so the jitter does not add up over a queue.
const JITTER: f64 = 0.1;
const MAX_JITTER: Duration = Duration::from_millis(250);

/// What a bucket holds and how fast it refills.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests that may go at once when the bucket is full.
    pub burst: f64,
    /// Tokens added per second.
    pub per_second: f64,
}

/// The token bucket of one endpoint group.
#[derive(Debug)]
pub struct Bucket {
    name: String,
    /// Held by the first in line while it waits: tokio's mutex is fair, so waiters
    /// leave in the order they came.
    queue: tokio::sync::Mutex<()>,
    /// Wakes the first in line when a response changes the bucket.
    changed: Notify,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    limits: Limits,
    tokens: f64,
    /// When `tokens` was last brought up to date.
    updated: Instant,
    /// No request leaves before this (after a 429).
    paused_until: Option<Instant>,
    /// The pause ends with at least one token: the server said to try again then.
    retry_granted: bool,
    /// Sequence number of the next request; requests are numbered as they leave.
    next_seq: u64,
    /// Requests sent and not answered yet, each with how many answers had come when
    /// it left.
    in_flight: BTreeMap<u64, u64>,
    /// Answers so far.
    answered: u64,
    /// (answer number, request) of the answers that came while a request now in
    /// flight was out: its `remaining` may not count them.
    recent: VecDeque<(u64, u64)>,
    /// The latest request whose `remaining` was taken: an older answer is stale.
    applied_seq: Option<u64>,
    /// Requests numbered below this were sent before the last slowdown: their 429s
    /// say nothing about the pace since.
    slowed_from_seq: u64,
    /// The largest v1 lower bound on the rate since the last 429 or change of limit:
    /// each one holds, so the largest is the best.
    rate_at_least: Option<f64>,
}

/// A request may not wait as long as its bucket asks: it would pass the call's deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverDeadline {
    /// The endpoint group, e.g. `/v1/company/employees`.
    pub group: String,
    /// How long the request would have to wait.
    pub wait: Duration,
}

/// The token of one request, held until its answer is read.
#[derive(Debug)]
pub struct Permit {
    bucket: Arc<Bucket>,
    seq: u64,
}

impl Bucket {
    /// A full bucket named `name` (for messages) with `limits` until a server says more.
    pub fn new(name: impl Into<String>, limits: Limits) -> Arc<Bucket> {
        Arc::new(Bucket {
            name: name.into(),
            queue: tokio::sync::Mutex::new(()),
            changed: Notify::new(),
            state: Mutex::new(State {
                limits,
                tokens: limits.burst,
                updated: Instant::now(),
                paused_until: None,
                retry_granted: false,
                next_seq: 0,
                in_flight: BTreeMap::new(),
                answered: 0,
                recent: VecDeque::new(),
                applied_seq: None,
                slowed_from_seq: 0,
                rate_at_least: None,
            }),
        })
    }

    /// The group this bucket paces.
    #[cfg(test)]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The limits believed now: the prior, or what the server announced last.
    #[cfg(test)]
    pub fn limits(&self) -> Limits {
        self.state().limits
    }

    /// Requests that may go at once when the bucket is full, as believed now.
    pub fn burst(&self) -> f64 {
        self.state().limits.burst
    }

    /// Waits in line for a token. Fails at once, without waiting, when the wait would
    /// pass the current call's deadline.
    pub async fn acquire(self: &Arc<Self>) -> Result<Permit, OverDeadline> {
        let _turn = self.queue.lock().await;
        let mut forced = false;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let now = Instant::now();
            let wait = {
                let mut state = self.state();
                let wait = state.wait(now);
                if wait.is_zero() || forced {
                    state.tokens -= 1.0;
                    let seq = state.next_seq;
                    state.next_seq += 1;
                    let answered = state.answered;
                    state.in_flight.insert(seq, answered);
                    return Ok(Permit {
                        bucket: self.clone(),
                        seq,
                    });
                }
                wait
            };
            let capped = wait.min(MAX_WAIT);
            let sleep = capped
                + capped
                    .mul_f64(JITTER * rand::random::<f64>())
                    .min(MAX_JITTER);
            if deadline::allows(sleep) == Some(false) {
                return Err(OverDeadline {
                    group: self.name.clone(),
                    wait,
                });
            }
            tokio::select! {
                () = tokio::time::sleep(sleep) => forced = wait > MAX_WAIT,
                () = &mut changed => {}
            }
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// Adds the tokens refilled since the last update.
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.limits.per_second).min(self.limits.burst);
        self.updated = now;
    }

    /// How long until a token can be taken (zero: now).
    fn wait(&mut self, now: Instant) -> Duration {
        self.refill(now);
        if let Some(until) = self.paused_until {
            if now < until {
                return until - now;
            }
            self.paused_until = None;
        }
        if std::mem::take(&mut self.retry_granted) {
            self.tokens = self.tokens.max(1.0);
        }
        // A hair of tolerance, so that float rounding never adds a second tiny wait.
        let missing = 1.0 - 1e-9 - self.tokens;
        if missing <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(missing / self.limits.per_second)
        }
    }

    /// Requests before `seq` answered since `seq` left.
    fn answered_late(&self, seq: u64) -> usize {
        let Some(&left_at) = self.in_flight.get(&seq) else {
            return 0;
        };
        self.recent
            .iter()
            .filter(|(answer, earlier)| *answer >= left_at && *earlier < seq)
            .count()
    }

    /// Request `seq` is answered: it leaves the flight and joins the recent answers,
    /// which keep only what a request still in flight may need.
    fn answer(&mut self, seq: u64) {
        self.in_flight.remove(&seq);
        self.recent.push_back((self.answered, seq));
        self.answered += 1;
        let oldest = self
            .in_flight
            .values()
            .min()
            .copied()
            .unwrap_or(self.answered);
        while self
            .recent
            .front()
            .is_some_and(|(answer, _)| *answer < oldest)
        {
            self.recent.pop_front();
        }
    }

    /// Takes what an answer to request `seq` announces: limits replace what was
    /// believed, larger or smaller (v1's implied rate: the largest since the last 429
    /// or change of limit); `remaining` counts unless a later request's answer came
    /// first, less every other request the server may not have counted yet: those
    /// still in flight, and those sent before `seq` and answered since it left
    /// (requests on several connections arrive in any order, so an earlier one may
    /// have reached the server after it). That leaves a few tokens unused at the
    /// server, not a lower rate.
    fn apply(&mut self, announced: &Announced, seq: u64, now: Instant) {
        self.refill(now);
        if let Some(burst) = announced.capacity {
            let burst = burst.max(1.0);
            if burst != self.limits.burst {
                self.rate_at_least = None;
            }
            self.limits.burst = burst;
        }
        if let Some(rate) = announced.rate {
            self.limits.per_second = rate.clamp(MIN_RATE, MAX_RATE);
        } else if let Some(bound) = announced.rate_at_least {
            let best = self.rate_at_least.map_or(bound, |known| known.max(bound));
            self.rate_at_least = Some(best);
            self.limits.per_second = best.clamp(MIN_RATE, MAX_RATE);
        }
        if let Some(remaining) = announced.remaining {
            if self.applied_seq.is_none_or(|applied| seq > applied) {
                let others = self.in_flight.len().saturating_sub(1) + self.answered_late(seq);
                self.tokens = remaining - others as f64;
                self.applied_seq = Some(seq);
            }
        }
        self.tokens = self.tokens.clamp(-self.limits.burst, self.limits.burst);
    }
}

impl Permit {
    /// Feeds the answer's headers (any status but 429) to the bucket.
    pub fn observe(self, headers: &HeaderMap) {
        let announced = Announced::read(headers);
        if announced == Announced::default() {
            return;
        }
        self.bucket
            .state()
            .apply(&announced, self.seq, Instant::now());
        self.bucket.changed.notify_waiters();
    }

    /// Takes a 429: the bucket is emptied and paused until `Retry-After` (or v1's reset,
    /// or one token at the new rate), at least 1 s and at most [`MAX_WAIT`], and its
    /// rate is halved (once per slowdown: a 429 to a request sent before the last one
    /// does not halve again) until headers announce a rate. Returns how long the group
    /// is paused from now.
    pub fn too_many_requests(self, headers: &HeaderMap) -> Duration {
        let announced = Announced::read(headers);
        let now = Instant::now();
        let pause = {
            let mut state = self.bucket.state();
            state.apply(&announced, self.seq, now);
            state.tokens = state.tokens.min(0.0);
            state.applied_seq = state.applied_seq.max(Some(self.seq));
            if self.seq >= state.slowed_from_seq {
                state.limits.per_second = (state.limits.per_second / 2.0).max(MIN_RATE);
                state.slowed_from_seq = state.next_seq;
                state.rate_at_least = None;
            }
            let wait = announced
                .retry_after
                .or(announced.reset)
                .unwrap_or_else(|| Duration::from_secs_f64(1.0 / state.limits.per_second))
                .clamp(MIN_WAIT_AFTER_429, MAX_WAIT);
            let until = state
                .paused_until
                .filter(|until| *until > now + wait)
                .unwrap_or(now + wait);
            state.paused_until = Some(until);
            state.retry_granted = true;
            until - now
        };
        self.bucket.changed.notify_waiters();
        pause
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.bucket.state().answer(self.seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::headers::tests::headers;

    const SECOND: Duration = Duration::from_secs(1);

    fn limits(burst: f64, per_second: f64) -> Limits {
        Limits { burst, per_second }
    }

    fn bucket(burst: f64, per_second: f64) -> Arc<Bucket> {
        Bucket::new("test", limits(burst, per_second))
    }

    /// Takes `n` tokens one after another and drops them unanswered; returns how long
    /// that took.
    async fn take(bucket: &Arc<Bucket>, n: usize) -> Duration {
        let start = Instant::now();
        for _ in 0..n {
            bucket.acquire().await.unwrap();
        }
        start.elapsed()
    }

    /// Answers the next request with a 429 that says `Retry-After: retry_after`;
    /// returns the pause it set.
    async fn answer_429_retry_after(bucket: &Arc<Bucket>, retry_after: &str) -> Duration {
        let permit = bucket.acquire().await.unwrap();
        permit.too_many_requests(&headers(&[("retry-after", retry_after)]))
    }

    fn near(actual: Duration, expected: Duration) -> bool {
        // Releases after a wait carry up to 10 % jitter.
        actual >= expected && actual <= expected.mul_f64(1.1) + Duration::from_millis(1)
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_leave_one_by_one_in_arrival_order() {
        let bucket = bucket(1.0, 1.0);
        let start = Instant::now();
        take(&bucket, 1).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..5 {
            let (bucket, order) = (bucket.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let permit = bucket.acquire().await.unwrap();
                order.lock().unwrap().push((i, start.elapsed()));
                drop(permit);
            }));
            // Let it join the queue before the next one arrives.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        let ids: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4], "first come, first served");
        for pair in order.windows(2) {
            let gap = pair[1].1 - pair[0].1;
            // One token a second, never two at once; jitter moves a release by < 0.1 s.
            assert!(
                gap >= Duration::from_millis(850) && gap <= Duration::from_millis(1150),
                "{order:?}"
            );
        }
        let last = order[4].1;
        assert!(
            last >= 5 * SECOND && last <= Duration::from_millis(5600),
            "{last:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn announced_room_is_used_fully() {
        let bucket = bucket(10.0, 10.0);
        let permit = bucket.acquire().await.unwrap();
        permit.observe(&headers(&[
            ("x-ratelimit-burst-capacity", "30"),
            ("x-ratelimit-replenish-rate", "30"),
            ("x-ratelimit-remaining", "29"),
        ]));
        assert_eq!(bucket.limits(), limits(30.0, 30.0));
        let start = Instant::now();
        take(&bucket, 29).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "29 left means 29 now");
        take(&bucket, 30).await;
        assert!(near(start.elapsed(), SECOND), "{:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn announced_scarcity_is_obeyed_before_any_429() {
        // v2: 1 a second, nothing left.
        let bucket = bucket(10.0, 10.0);
        bucket.acquire().await.unwrap().observe(&headers(&[
            ("x-ratelimit-burst-capacity", "2"),
            ("x-ratelimit-replenish-rate", "1"),
            ("x-ratelimit-remaining", "0"),
        ]));
        let waited = take(&bucket, 3).await;
        assert!(near(waited, 3 * SECOND), "{waited:?}");

        // v1: 5 a window, 1 left, whole again in 8 s (4 spent: 0.5 a second).
        let bucket = bucket_after(&[
            ("x-ratelimit-limit", "5"),
            ("x-ratelimit-remaining", "1"),
            ("x-ratelimit-reset", "8"),
        ])
        .await;
        assert_eq!(bucket.limits(), limits(5.0, 0.5));
        let waited = take(&bucket, 2).await;
        assert!(near(waited, 2 * SECOND), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn v1_rates_keep_the_best_bound_until_a_429() {
        let bucket = bucket(15.0, 5.0);
        let v1 = |remaining: &str, reset: &str| {
            headers(&[
                ("x-ratelimit-limit", "5"),
                ("x-ratelimit-remaining", remaining),
                ("x-ratelimit-reset", reset),
            ])
        };
        // 1 spent, back within 1 s: at least 1 a second; 2 spent within 1 s: at least 2.
        bucket.acquire().await.unwrap().observe(&v1("4", "1"));
        assert_eq!(bucket.limits().per_second, 1.0);
        bucket.acquire().await.unwrap().observe(&v1("3", "1"));
        assert_eq!(bucket.limits().per_second, 2.0);
        // A weaker bound later does not lower it.
        bucket.acquire().await.unwrap().observe(&v1("2", "3"));
        assert_eq!(bucket.limits().per_second, 2.0);
        // A 429 halves it and forgets the bounds; the next bound counts again.
        bucket
            .acquire()
            .await
            .unwrap()
            .too_many_requests(&v1("0", "3"));
        assert_eq!(bucket.limits().per_second, 1.0);
        bucket.acquire().await.unwrap().observe(&v1("4", "1"));
        assert_eq!(bucket.limits().per_second, 1.0);
        bucket.acquire().await.unwrap().observe(&v1("3", "1"));
        assert_eq!(bucket.limits().per_second, 2.0);
    }

    async fn bucket_after(pairs: &[(&'static str, &str)]) -> Arc<Bucket> {
        let bucket = bucket(15.0, 5.0);
        bucket.acquire().await.unwrap().observe(&headers(pairs));
        bucket
    }

    #[tokio::test(start_paused = true)]
    async fn remaining_counts_requests_in_flight_and_ignores_stale_answers() {
        let bucket = bucket(10.0, 0.01);
        let first = bucket.acquire().await.unwrap();
        let second = bucket.acquire().await.unwrap();
        let third = bucket.acquire().await.unwrap();
        // The first answer says 5 left; two more requests are out: 3.
        first.observe(&headers(&[("x-ratelimit-remaining", "5")]));
        assert!((bucket.state().tokens - 3.0).abs() < 0.01);
        // The third (latest) answer says 2 left; the second is still out, and the
        // first, answered since the third left, may have reached the server after it: 0.
        third.observe(&headers(&[("x-ratelimit-remaining", "2")]));
        assert!(bucket.state().tokens.abs() < 0.01);
        // The second answer comes last and is stale.
        second.observe(&headers(&[("x-ratelimit-remaining", "7")]));
        assert!(bucket.state().tokens.abs() < 0.01);
        assert!(bucket.state().in_flight.is_empty());
        assert!(
            bucket.state().recent.is_empty(),
            "nothing in flight needs them"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_earlier_request_that_reached_the_server_later_is_not_spent_twice() {
        // The server holds 5. The second request overtakes the first on the way: the
        // server counts it first (4 left), then the first (3 left). The first's answer
        // comes back first; the second's answer, the latest request, says 4.
        let bucket = bucket(5.0, 0.001);
        let first = bucket.acquire().await.unwrap();
        let second = bucket.acquire().await.unwrap();
        first.observe(&headers(&[("x-ratelimit-remaining", "3")]));
        second.observe(&headers(&[("x-ratelimit-remaining", "4")]));
        // 3 are left at the server: three go now, the fourth waits.
        let start = Instant::now();
        take(&bucket, 3).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        let waits = tokio::time::timeout(SECOND, bucket.acquire()).await;
        assert!(waits.is_err(), "a fourth token now would meet a 429");
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_empties_pauses_and_halves_once_per_slowdown() {
        let bucket = bucket(10.0, 4.0);
        let early = bucket.acquire().await.unwrap();
        let also_early = bucket.acquire().await.unwrap();
        let pause = early.too_many_requests(&HeaderMap::new());
        assert_eq!(
            pause, SECOND,
            "no header: one token at the halved rate, >= 1 s"
        );
        assert_eq!(bucket.limits().per_second, 2.0);
        // A 429 to a request sent before the slowdown does not halve again.
        also_early.too_many_requests(&HeaderMap::new());
        assert_eq!(bucket.limits().per_second, 2.0);

        let start = Instant::now();
        let late = bucket.acquire().await.unwrap();
        assert!(near(start.elapsed(), SECOND), "{:?}", start.elapsed());
        // A 429 to a request sent since halves again.
        late.too_many_requests(&HeaderMap::new());
        assert_eq!(bucket.limits().per_second, 1.0);
        // Everyone is slowed: after the pause, one a second.
        let waited = take(&bucket, 3).await;
        assert!(
            waited >= Duration::from_millis(2900) && waited <= Duration::from_millis(3500),
            "{waited:?}"
        );
        // Headers that announce a rate replace the slowdown.
        bucket
            .acquire()
            .await
            .unwrap()
            .observe(&headers(&[("x-ratelimit-replenish-rate", "4")]));
        assert_eq!(bucket.limits().per_second, 4.0);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_as_an_http_date_pauses_everyone() {
        let bucket = bucket(10.0, 10.0);
        let at = (chrono::Utc::now() + chrono::TimeDelta::seconds(30))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let pause = answer_429_retry_after(&bucket, &at).await;
        assert!(pause > 28 * SECOND && pause <= 30 * SECOND, "{pause:?}");
        let waited = take(&bucket, 1).await;
        assert!(near(waited, pause), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn waits_are_bounded() {
        let bucket = bucket(10.0, 10.0);
        let pause = answer_429_retry_after(&bucket, "3600").await;
        assert_eq!(pause, MAX_WAIT);
        // A rate of one a day still lets a request go after MAX_WAIT.
        let slow = bucket_after(&[
            ("x-ratelimit-burst-capacity", "1"),
            ("x-ratelimit-replenish-rate", "0.00001"),
            ("x-ratelimit-remaining", "0"),
        ])
        .await;
        let waited = take(&slow, 1).await;
        assert!(near(waited, MAX_WAIT), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_fails_at_once() {
        let bucket = bucket(10.0, 10.0);
        answer_429_retry_after(&bucket, "60").await;
        let start = Instant::now();
        let outcome = deadline::within(Duration::from_secs(30), "the read", async {
            Ok(bucket.acquire().await)
        })
        .await
        .unwrap();
        let refused = outcome.unwrap_err();
        assert_eq!(refused.group, "test");
        assert_eq!(refused.wait, 60 * SECOND);
        assert_eq!(start.elapsed(), Duration::ZERO);
        // With time enough, it waits.
        let permit = deadline::within(Duration::from_secs(90), "the read", async {
            Ok(bucket.acquire().await)
        })
        .await
        .unwrap();
        assert!(permit.is_ok());
        assert!(near(start.elapsed(), 60 * SECOND));
    }
}
