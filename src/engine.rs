//! Sending with retries, as a state machine the runtime drives (sans-IO).
//!
//! [`Exchange::request`] gives the signed request for the next attempt; the
//! runtime sends it (fetch, timeout, the caller's signal: `pkg/transport.js`)
//! and reports what happened to [`Exchange::outcome`], which says whether to
//! wait and send again or stop. No futures, timers or clock in here: the loop
//! is plain Rust, tested natively by driving it with made-up outcomes.

use crate::error::{Error, Kind, Result};
use crate::request::{Params, Plan, Request};
use crate::response::{self, Decoded};
use crate::value::Map;

/// What came back for one attempt, as the runtime read it.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// The body, decoded.
    pub body: Decoded,
    /// `Retry-After` (delta-seconds, or an HTTP date: `src/js/transport.rs`), as milliseconds.
    pub retry_after_ms: Option<u32>,
}

/// Parses a `Retry-After` header of delta-seconds. One too large for any
/// integer type is as long as can be (it ends the retries), not absent.
pub fn retry_after_ms(header: &str) -> Option<u32> {
    let h = header.trim_ascii();
    let secs = match crate::value::parse_unsigned(h, 10) {
        Some(secs) => secs,
        None if !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()) => u64::MAX,
        None => return None,
    };
    Some(u32::try_from(secs).unwrap_or(u32::MAX).saturating_mul(1000))
}

/// A successful answer: the unwrapped response object and how it got here.
#[derive(Debug)]
pub struct Reply {
    pub body: Map,
    pub status: u16,
    pub attempts: u32,
}

/// First backoff step and ceiling, in ms. Full jitter: wait a uniform random
/// time in [0, min(CAP, BASE·2^n)), as AWS's backoff study recommends.
const BASE_MS: f64 = 200.0;
const CAP_MS: f64 = 5_000.0;
/// The longest `Retry-After` honoured; a longer one ends the retries (the
/// error says retryable, and the caller decides when to come back).
const MAX_RETRY_AFTER_MS: u32 = 10_000;

pub fn backoff_ms(retry: u32, random: f64) -> u32 {
    let ceiling = (BASE_MS * f64::powi(2.0, retry.min(16) as i32)).min(CAP_MS);
    (ceiling * random.clamp(0.0, 1.0)) as u32
}

/// Whether a failed attempt may be sent again. 429 and 503 mean the backend
/// did not run the request; anything else may have reached the service, so
/// it is only retried when the caller opted in with `retryUnsafe`.
fn should_retry(e: &Error, retry_unsafe: bool) -> bool {
    e.retryable
        || (retry_unsafe
            && (matches!(e.kind, Kind::Network | Kind::Timeout) || matches!(e.status, Some(500 | 502 | 504))))
}

/// What to do after an attempt that did not end the exchange with an error.
#[derive(Debug)]
pub enum Step {
    /// Wait this many milliseconds (0: none), then send [`Exchange::request`] again.
    Retry(u32),
    Done(Reply),
}

/// One action's attempts: each signed afresh, retried when that is safe.
#[derive(Debug)]
pub struct Exchange {
    plan: Plan,
    attempts: u32,
}

impl Exchange {
    pub fn new(plan: Plan) -> Self {
        Exchange { plan, attempts: 0 }
    }

    /// The same action with other parameters (the next page), from its first attempt.
    pub fn restart(&mut self, params: Params) {
        self.plan.params = params;
        self.attempts = 0;
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The next attempt, signed at `now_ms` (the runtime's clock).
    pub fn request(&mut self, now_ms: f64) -> Request {
        self.attempts += 1;
        self.plan.request(self.plan.timestamp_at(now_ms))
    }

    /// Reads the attempt's outcome (`Err` for network failure, timeout or
    /// abort); `random` is uniform in [0, 1), for the backoff's jitter.
    pub fn outcome(&mut self, outcome: Result<RawResponse>, random: f64) -> Result<Step> {
        let attempts = self.attempts;
        let mut retry_after = None;
        let read = outcome.and_then(|raw| {
            retry_after = raw.retry_after_ms;
            let body = response::read(&self.plan.action, self.plan.exact_answer, raw.status, raw.body)?;
            Ok(Reply { body, status: raw.status, attempts })
        });
        let mut e = match read {
            Ok(reply) => return Ok(Step::Done(reply)),
            Err(e) => e,
        };
        e.attempts = attempts;
        e.retryable = e.retryable || matches!(e.status, Some(429 | 503));
        if attempts > self.plan.max_retries || !should_retry(&e, self.plan.retry_unsafe) {
            return Err(e);
        }
        if let Some(ms) = retry_after.filter(|&ms| ms > MAX_RETRY_AFTER_MS) {
            // Else the message's "retried automatically" would stand unexplained.
            e.message.push_str("; not retried: the server asked to wait ");
            e.message.push_str(&crate::value::integer_text(f64::from(ms.div_ceil(1000))).unwrap_or_default());
            e.message.push_str(" s (Retry-After), over the 10 s waited at most");
            return Err(e);
        }
        // The server's Retry-After, when it asks for longer than our backoff.
        Ok(Step::Retry(backoff_ms(attempts.saturating_sub(1), random).max(retry_after.unwrap_or(0))))
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::EXPORT;
    use crate::options::{parse, Opt, Scope};
    use crate::response::decode;
    use std::cell::RefCell;

    struct Fake {
        answers: RefCell<Vec<Result<RawResponse>>>,
        sent: RefCell<Vec<Request>>,
        slept: RefCell<Vec<u32>>,
        clock: RefCell<f64>,
    }

    impl Fake {
        fn new(answers: Vec<Result<RawResponse>>) -> Self {
            Fake {
                answers: RefCell::new(answers),
                sent: RefCell::default(),
                slept: RefCell::default(),
                clock: RefCell::new(1000.0),
            }
        }
    }

    impl Fake {
        /// Drives an exchange as `pkg/transport.js` does: send, report, wait, again.
        fn run(&self, plan: Plan) -> Result<Reply> {
            let mut exchange = Exchange::new(plan);
            loop {
                let req = exchange.request(*self.clock.borrow());
                self.sent.borrow_mut().push(req);
                let answer = self.answers.borrow_mut().remove(0);
                match exchange.outcome(answer, 0.5)? {
                    Step::Done(reply) => return Ok(reply),
                    Step::Retry(ms) => {
                        self.slept.borrow_mut().push(ms);
                        *self.clock.borrow_mut() += ms as f64;
                    }
                }
            }
        }
    }

    fn ok() -> Result<RawResponse> {
        Ok(RawResponse {
            status: 200,
            body: decode(
                r#"{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}"#,
            ),
            retry_after_ms: None,
        })
    }

    fn status(code: u16) -> Result<RawResponse> {
        Ok(RawResponse {
            status: code,
            body: decode(r#"{"error":{"errorCode":"410","message":"Throttle Limited"}}"#),
            retry_after_ms: None,
        })
    }

    fn throttled_with_retry_after(ms: u32) -> Result<RawResponse> {
        Ok(RawResponse { retry_after_ms: Some(ms), ..status(429).ok().unwrap() })
    }

    fn plan(max_retries: f64, unsafe_retry: bool) -> Plan {
        let e = vec![
            ("accessKey", Opt::Str("AK")),
            ("secretKey", Opt::Str("SK")),
            ("cloudPostgresqlInstanceNo", Opt::Str("1")),
            ("fileName", Opt::Str("f")),
            ("bucketName", Opt::Str("b")),
            ("maxRetries", Opt::Num(max_retries)),
            ("retryUnsafe", Opt::Bool(unsafe_retry)),
        ];
        Plan::new(&EXPORT, EXPORT.ncp.into(), parse(&e, Scope::Standalone(&EXPORT)).unwrap()).unwrap()
    }

    #[test]
    fn retries_429_and_503_then_succeeds_signing_each_attempt_afresh() {
        let fake = Fake::new(vec![status(429), status(503), ok()]);
        let reply = fake.run(plan(2.0, false)).unwrap();
        assert_eq!(reply.attempts, 3);
        assert_eq!(*fake.slept.borrow(), vec![100, 200]);
        let sent = fake.sent.borrow();
        assert_ne!(sent[0].timestamp, sent[1].timestamp);
        assert_ne!(sent[0].headers[2], sent[1].headers[2]);
    }

    #[test]
    fn gives_up_after_max_retries_with_the_last_error() {
        let fake = Fake::new(vec![status(429), status(429), status(429)]);
        let e = fake.run(plan(2.0, false)).err().unwrap();
        assert_eq!((e.kind, e.attempts, e.retryable, e.status), (Kind::Throttled, 3, true, Some(429)));
    }

    #[test]
    fn never_retries_what_may_have_reached_the_service() {
        for answer in [
            Ok(RawResponse {
                status: 504,
                body: decode(r#"{"error":{"errorCode":"510","message":"Endpoint Timeout"}}"#),
                retry_after_ms: None,
            }),
            Ok(RawResponse {
                status: 500,
                body: decode(r#"{"responseError":{"returnCode":"1","returnMessage":"x"}}"#),
                retry_after_ms: None,
            }),
            Err(Error::new(Kind::Network, "reset")),
            Err(Error::new(Kind::Timeout, "slow")),
        ] {
            let fake = Fake::new(vec![answer, ok()]);
            let e = fake.run(plan(2.0, false)).err().unwrap();
            assert_eq!((e.attempts, e.retryable), (1, false), "{e:?}");
        }
    }

    #[test]
    fn retry_unsafe_opts_in() {
        let fake = Fake::new(vec![Err(Error::new(Kind::Timeout, "slow")), ok()]);
        assert_eq!(fake.run(plan(2.0, true)).unwrap().attempts, 2);
    }

    #[test]
    fn zero_retries_sends_once() {
        let fake = Fake::new(vec![status(503), ok()]);
        assert_eq!(fake.run(plan(0.0, false)).err().unwrap().attempts, 1);
    }

    #[test]
    fn retry_after_lengthens_the_wait_and_a_long_one_stops_retrying() {
        let fake = Fake::new(vec![throttled_with_retry_after(3000), ok()]);
        assert_eq!(fake.run(plan(2.0, false)).unwrap().attempts, 2);
        assert_eq!(*fake.slept.borrow(), vec![3000]);
        let fake = Fake::new(vec![throttled_with_retry_after(60_000), ok()]);
        let e = fake.run(plan(2.0, false)).err().unwrap();
        assert_eq!((e.attempts, e.retryable), (1, true));
        assert!(fake.slept.borrow().is_empty());
        assert!(
            e.message
                .ends_with("; not retried: the server asked to wait 60 s (Retry-After), over the 10 s waited at most"),
            "{}",
            e.message
        );
        // With no retries left anyway, the message says nothing of it.
        let fake = Fake::new(vec![throttled_with_retry_after(60_000)]);
        assert!(!fake.run(plan(0.0, false)).err().unwrap().message.contains("not retried"));
        assert_eq!(retry_after_ms(" 2 "), Some(2000));
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        // Past u32 seconds, or past u64: as long as can be, so no retry.
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
