//! When to send a request again, and after how long: plain decisions, no
//! clock or I/O (the loops in [`crate::send`] apply them).

use crate::error::{Error, ErrorKind};
use crate::options::Settings;
use crate::request::{DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS};

/// First backoff step and ceiling, in ms. Full jitter: wait a uniform random
/// time in [0, min(CAP, BASE·2^n)), as AWS's backoff study recommends.
const BASE_MS: f64 = 200.0;
const CAP_MS: f64 = 5_000.0;
/// The longest `Retry-After` honoured; a longer one ends the retries (the
/// error says retryable, and the caller decides when to come back).
pub const MAX_RETRY_AFTER_MS: u32 = 10_000;

/// How a request is retried, and how long each attempt may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retry {
    pub timeout_ms: u32,
    pub max_retries: u32,
    /// Also retry what may have reached the service (network errors,
    /// timeouts, 500/502/504): the caller's opt-in.
    pub retry_unsafe: bool,
}

impl From<&Settings> for Retry {
    fn from(s: &Settings) -> Retry {
        Retry {
            timeout_ms: s.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            max_retries: s.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            retry_unsafe: s.retry_unsafe.unwrap_or(false),
        }
    }
}

impl Retry {
    /// After attempt number `attempts` failed with `e`: how long to wait
    /// before the next, or the error to end with (its `attempts` set). 429
    /// and 503 mean the backend did not run the request; anything else may
    /// have reached the service, so it is sent again only with `retryUnsafe`.
    /// `random` is uniform in [0, 1), for the jitter.
    pub fn after_failure(
        &self,
        e: Error,
        attempts: u32,
        retry_after_ms: Option<u32>,
        random: f64,
    ) -> Result<u32, Error> {
        let did_not_run = e.retryable() || matches!(e.status(), Some(429 | 503));
        let mut e = e.with_attempts(attempts).with_retryable(did_not_run);
        let unsafe_ok = self.retry_unsafe
            && (matches!(e.kind(), ErrorKind::Network | ErrorKind::Timeout)
                || matches!(e.status(), Some(500 | 502 | 504)));
        if attempts > self.max_retries || !(did_not_run || unsafe_ok) {
            return Err(e);
        }
        if let Some(ms) = retry_after_ms.filter(|&ms| ms > MAX_RETRY_AFTER_MS) {
            e.push_message(&format!(
                "; not retried: the server asked to wait {} s (Retry-After), over the {} s waited at most",
                ms.div_ceil(1000),
                MAX_RETRY_AFTER_MS / 1000
            ));
            return Err(e);
        }
        Ok(backoff_ms(attempts.saturating_sub(1), random).max(retry_after_ms.unwrap_or(0)))
    }
}

pub fn backoff_ms(retry: u32, random: f64) -> u32 {
    let ceiling = (BASE_MS * f64::powi(2.0, retry.min(16) as i32)).min(CAP_MS);
    (ceiling * random.clamp(0.0, 1.0)) as u32
}

/// A `Retry-After` header of delta-seconds. One too large for any integer is
/// as long as can be (it ends the retries), not absent. (An HTTP date is read
/// by the runtime's date parser, in `crate::js`.)
pub fn retry_after_ms(header: &str) -> Option<u32> {
    let h = header.trim_ascii();
    if h.is_empty() || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = h.parse::<u64>().unwrap_or(u64::MAX);
    Some(u32::try_from(secs).unwrap_or(u32::MAX).saturating_mul(1000))
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(status: u16) -> Error {
        Error::new(ErrorKind::Gateway, "x").with_status(status)
    }

    const POLICY: Retry = Retry { timeout_ms: 1000, max_retries: 2, retry_unsafe: false };

    #[test]
    fn retries_429_and_503_until_max_retries() {
        assert_eq!(POLICY.after_failure(gateway(429), 1, None, 0.5), Ok(100));
        assert_eq!(POLICY.after_failure(gateway(503), 2, None, 0.5), Ok(200));
        let e = POLICY.after_failure(gateway(429), 3, None, 0.5).unwrap_err();
        assert_eq!((e.attempts(), e.retryable(), e.status()), (3, true, Some(429)));
    }

    #[test]
    fn never_retries_what_may_have_reached_the_service() {
        for e in [
            gateway(504),
            gateway(500),
            Error::new(ErrorKind::Network, "reset"),
            Error::new(ErrorKind::Timeout, "slow"),
            Error::new(ErrorKind::BadResponse, "redirect").with_status(307),
        ] {
            let e = POLICY.after_failure(e, 1, None, 0.5).unwrap_err();
            assert_eq!((e.attempts(), e.retryable()), (1, false), "{e:?}");
        }
    }

    #[test]
    fn retry_unsafe_opts_in_but_not_for_a_redirect() {
        let p = Retry { retry_unsafe: true, ..POLICY };
        assert!(p.after_failure(Error::new(ErrorKind::Timeout, "slow"), 1, None, 0.5).is_ok());
        assert!(p.after_failure(gateway(502), 1, None, 0.5).is_ok());
        assert!(p
            .after_failure(Error::new(ErrorKind::BadResponse, "redirect").with_status(307), 1, None, 0.5)
            .is_err());
    }

    #[test]
    fn retry_after_lengthens_the_wait_and_a_long_one_stops_retrying() {
        assert_eq!(POLICY.after_failure(gateway(429), 1, Some(3000), 0.5), Ok(3000));
        let e = POLICY.after_failure(gateway(429), 1, Some(60_000), 0.5).unwrap_err();
        assert_eq!((e.attempts(), e.retryable()), (1, true));
        assert!(
            e.message()
                .ends_with("; not retried: the server asked to wait 60 s (Retry-After), over the 10 s waited at most"),
            "{}",
            e.message()
        );
        // With no retries left anyway, the message says nothing of it.
        let e = POLICY.after_failure(gateway(429), 3, Some(60_000), 0.5).unwrap_err();
        assert!(!e.message().contains("not retried"));
    }

    #[test]
    fn retry_after_headers() {
        assert_eq!(retry_after_ms(" 2 "), Some(2000));
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        for huge in ["4294967295", "4294967296", "99999999999999999999"] {
            assert_eq!(retry_after_ms(huge), Some(u32::MAX), "{huge}");
        }
        assert_eq!(retry_after_ms(""), None);
        assert_eq!(retry_after_ms("12a"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(0, 1.0), 200);
        assert_eq!(backoff_ms(3, 1.0), 1600);
        assert_eq!(backoff_ms(30, 1.0), 5000);
        assert_eq!(backoff_ms(5, 0.0), 0);
    }
}
