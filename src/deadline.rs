//! The deadline of one call: every page, retry and rate-limit wait of a read must end
//! by it. Requests learn it from a task-local, so that waiting on a rate limit can go
//! on for as long as the call may take and no longer.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{ApiFailure, Error, Result};

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `call` (named `what` in the error) and fails it once `limit` has passed.
pub async fn within<T>(
    limit: Duration,
    what: &str,
    call: impl Future<Output = Result<T>>,
) -> Result<T> {
    let deadline = Instant::now() + limit;
    match tokio::time::timeout_at(deadline, DEADLINE.scope(deadline, call)).await {
        Ok(done) => done,
        Err(_) => Err(Error::Network(ApiFailure {
            status: None,
            trace_id: None,
            message: format!(
                "{what} did not finish within its deadline of {} s (the deadline option)",
                limit.as_secs_f64()
            ),
            endpoint: String::new(),
        })),
    }
}

/// Whether a pause of `wait` still ends before the current call's deadline (`None`
/// outside a call).
pub fn allows(wait: Duration) -> Option<bool> {
    DEADLINE
        .try_with(|deadline| Instant::now() + wait < *deadline)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_call_past_its_deadline_fails_and_waits_know_it() {
        let slow = within(Duration::from_secs(5), "the read", async {
            assert_eq!(allows(Duration::from_secs(4)), Some(true));
            assert_eq!(allows(Duration::from_secs(6)), Some(false));
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok(())
        });
        let error = slow.await.unwrap_err();
        assert!(error.to_string().contains("deadline of 5 s"), "{error}");
        assert_eq!(allows(Duration::ZERO), None);
    }
}
