//! Sending a request until it is answered or given up: the one async loop
//! that applies [`crate::retry`]'s decisions. It runs over a [`Transport`]:
//! the runtime's `fetch` in wasm (`crate::js::transport`), scripted answers
//! in the native tests.

use crate::error::{Error, ErrorKind, Result};
use crate::request::{Plan, Request};
use crate::response::{self, RawResponse};
use crate::retry::Retry;
use crate::sign::Keys;
use crate::storage::{Listing, Page};
use crate::value::Map;

/// Progress of a wait, for `onProgress`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// How many times the bucket was listed so far.
    pub checks: u32,
    pub elapsed_ms: f64,
    /// When the next check is, from now.
    pub next_check_in_ms: u32,
}

/// What the package needs of its runtime.
#[allow(async_fn_in_trait)] // used with one concrete transport per build, never boxed
pub trait Transport {
    /// One attempt: the answer as it came, or why none came (`network`,
    /// `timeout`, `aborted`), its `attempts` not yet set.
    async fn send(&self, request: &Request, timeout_ms: u32) -> Result<RawResponse>;
    /// Waits `ms`, or fails with `aborted` as soon as the caller's signal fires.
    async fn sleep(&self, ms: u32) -> Result<()>;
    /// The `aborted` error, if the caller's signal has fired.
    fn aborted(&self) -> Option<Error>;
    /// The runtime's clock, epoch milliseconds.
    fn now_ms(&self) -> f64;
    /// Uniform in [0, 1), for the jitter of retries.
    fn random(&self) -> f64;
    /// Reports a wait's progress to the caller.
    fn progress(&self, progress: &Progress);
}

/// Sends a request built anew (signed afresh) for every attempt, retrying when
/// it is safe; `read` turns an answer into a result or the error to decide on.
/// An answer refused is read again with the secret hidden in it, should it
/// repeat the secret: the error then quotes the hidden text, whole or cut.
async fn attempts<T: Transport, R>(
    t: &T,
    keys: &Keys,
    retry: &Retry,
    build: impl Fn(f64) -> Request,
    read: impl Fn(&RawResponse) -> Result<R>,
) -> Result<R> {
    let judge = |raw: &RawResponse| response::refuse_redirect(raw).and_then(|()| read(raw));
    let mut sent = 0;
    loop {
        if let Some(e) = t.aborted() {
            return Err(e.with_attempts(sent));
        }
        let request = build(t.now_ms());
        sent += 1;
        let mut retry_after = None;
        let outcome = t.send(&request, retry.timeout_ms).await.and_then(|raw| {
            retry_after = raw.retry_after_ms;
            // Should the hidden answer pass (the secret was what broke it), the first error
            // goes on: where the call returns, the secret is hidden in it (`Settings::hiding_secret`).
            judge(&raw).map_err(|e| hidden(keys, &raw).and_then(|hidden| judge(&hidden).err()).unwrap_or(e))
        });
        let e = match outcome {
            Ok(result) => return Ok(result),
            Err(e) if e.kind() == ErrorKind::Aborted => return Err(e.with_attempts(sent)),
            Err(e) => e,
        };
        let wait = retry.after_failure(e, sent, retry_after, t.random())?;
        if wait > 0 {
            t.sleep(wait).await.map_err(|e| e.with_attempts(sent))?;
        }
    }
}

/// `raw` with the secret hidden in its body and `Location`, if it holds it.
fn hidden(keys: &Keys, raw: &RawResponse) -> Option<RawResponse> {
    let body = keys.hide_secret(&raw.body);
    let location = raw.location.as_deref().and_then(|l| keys.hide_secret(l));
    if body.is_none() && location.is_none() {
        return None;
    }
    Some(RawResponse {
        status: raw.status,
        body: body.unwrap_or_else(|| raw.body.clone()),
        retry_after_ms: raw.retry_after_ms,
        location: location.or_else(|| raw.location.clone()),
    })
}

/// An action of the Cloud DB for PostgreSQL API: its unwrapped response
/// object and HTTP status.
pub async fn ncp<T: Transport>(t: &T, plan: &Plan) -> Result<(Map, u16)> {
    attempts(
        t,
        &plan.keys,
        &plan.retry,
        |now| plan.request(now),
        |raw| {
            let body = response::read(&plan.action, plan.exact_answer, raw.status, response::decode(&raw.body))?;
            Ok((body, raw.status))
        },
    )
    .await
}

/// One page of a bucket's listing.
pub async fn list_page<T: Transport>(t: &T, listing: &Listing, marker: Option<&str>) -> Result<Page> {
    attempts(t, &listing.keys, &listing.retry, |now| listing.request(marker, now), |raw| listing.read(raw)).await
}

/// A transport for the native tests: answers from a script, a clock that
/// moves by the waits, every request kept.
#[cfg(test)]
pub mod scripted {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    #[derive(Default)]
    pub struct Script {
        pub answers: RefCell<Vec<Result<RawResponse>>>,
        pub sent: RefCell<Vec<Request>>,
        pub slept: RefCell<Vec<u32>>,
        pub progress: RefCell<Vec<Progress>>,
        pub clock: Cell<f64>,
        /// Abort once this many requests were sent.
        pub abort_after: Cell<Option<usize>>,
    }

    pub fn ok(status: u16, body: &str) -> Result<RawResponse> {
        Ok(RawResponse { status, body: body.to_string(), retry_after_ms: None, location: None })
    }

    impl Script {
        pub fn new(answers: Vec<Result<RawResponse>>) -> Script {
            let s = Script { answers: RefCell::new(answers), ..Script::default() };
            s.clock.set(1_700_000_000_000.0);
            s
        }
    }

    impl Transport for Script {
        async fn send(&self, request: &Request, _timeout_ms: u32) -> Result<RawResponse> {
            self.sent.borrow_mut().push(request.clone());
            let mut answers = self.answers.borrow_mut();
            if answers.is_empty() {
                return Err(Error::new(ErrorKind::Network, "the script has no more answers"));
            }
            answers.remove(0)
        }
        async fn sleep(&self, ms: u32) -> Result<()> {
            self.slept.borrow_mut().push(ms);
            self.clock.set(self.clock.get() + f64::from(ms));
            Ok(())
        }
        fn aborted(&self) -> Option<Error> {
            let n = self.abort_after.get()?;
            (self.sent.borrow().len() >= n).then(|| Error::new(ErrorKind::Aborted, "aborted by the caller's signal"))
        }
        fn now_ms(&self) -> f64 {
            self.clock.get()
        }
        fn random(&self) -> f64 {
            0.5
        }
        fn progress(&self, progress: &Progress) {
            self.progress.borrow_mut().push(progress.clone());
        }
    }

    /// Runs a future that never waits on anything but the script (every
    /// step is ready at once) to its end.
    pub fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::scripted::{block_on, ok, Script};
    use super::*;
    use crate::actions::EXPORT_BACKUP;
    use crate::options::{parse, Opt};

    const SUCCESS: &str =
        r#"{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}"#;
    const THROTTLED: &str = r#"{"error":{"errorCode":"410","message":"Throttle Limited"}}"#;

    fn plan(max_retries: f64, retry_unsafe: bool) -> Plan {
        let e = [
            ("accessKey", Opt::Str("AK".into())),
            ("secretKey", Opt::Str("SK".into())),
            ("cloudPostgresqlInstanceNo", Opt::Str("1".into())),
            ("fileName", Opt::Str("f".into())),
            ("bucketName", Opt::Str("b".into())),
            ("maxRetries", Opt::Num(max_retries)),
            ("retryUnsafe", Opt::Bool(retry_unsafe)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let s = parse(e, &EXPORT_BACKUP, None).unwrap();
        Plan::new("exportBackupToObjectStorage", true, vec![], &s).unwrap()
    }

    fn throttled_with_retry_after(ms: u32) -> Result<RawResponse> {
        Ok(RawResponse { retry_after_ms: Some(ms), ..ok(429, THROTTLED).unwrap() })
    }

    #[test]
    fn retries_429_and_503_then_succeeds_signing_each_attempt_afresh() {
        let script = Script::new(vec![ok(429, THROTTLED), ok(503, "{}"), ok(200, SUCCESS)]);
        let (body, status) = block_on(ncp(&script, &plan(2.0, false))).unwrap();
        assert_eq!((body.text("requestId").as_deref(), status), (Some("r"), 200));
        assert_eq!(*script.slept.borrow(), vec![100, 200]);
        let sent = script.sent.borrow();
        assert_eq!(sent.len(), 3);
        assert_ne!(sent[0].headers[0], sent[1].headers[0], "a new timestamp");
        assert_ne!(sent[0].headers[2], sent[1].headers[2], "a new signature");
    }

    #[test]
    fn gives_up_after_max_retries_with_the_last_error() {
        let script = Script::new(vec![ok(429, THROTTLED), ok(429, THROTTLED), ok(429, THROTTLED)]);
        let e = block_on(ncp(&script, &plan(2.0, false))).unwrap_err();
        assert_eq!((e.kind(), e.attempts(), e.retryable(), e.status()), (ErrorKind::Throttled, 3, true, Some(429)));
    }

    #[test]
    fn never_retries_what_may_have_reached_the_service_unless_asked() {
        for answer in [
            ok(504, r#"{"error":{"errorCode":"510","message":"Endpoint Timeout"}}"#),
            ok(500, r#"{"responseError":{"returnCode":"1","returnMessage":"x"}}"#),
            Err(Error::new(ErrorKind::Network, "reset")),
            Err(Error::new(ErrorKind::Timeout, "slow")),
        ] {
            let script = Script::new(vec![answer, ok(200, SUCCESS)]);
            let e = block_on(ncp(&script, &plan(2.0, false))).unwrap_err();
            assert_eq!((e.attempts(), e.retryable()), (1, false), "{e:?}");
        }
        let script = Script::new(vec![Err(Error::new(ErrorKind::Timeout, "slow")), ok(200, SUCCESS)]);
        assert!(block_on(ncp(&script, &plan(2.0, true))).is_ok());
    }

    /// A redirect back to the same target would make one export run twice.
    #[test]
    fn a_redirect_is_never_followed_nor_retried() {
        for status in [302, 307, 308] {
            let redirect = RawResponse {
                status,
                body: String::new(),
                retry_after_ms: None,
                location: Some("http://127.0.0.1:9/vpostgresql/v2/exportBackupToObjectStorage".into()),
            };
            let script = Script::new(vec![Ok(redirect), ok(200, SUCCESS)]);
            let e = block_on(ncp(&script, &plan(2.0, true))).unwrap_err();
            assert_eq!((e.kind(), e.attempts(), e.status()), (ErrorKind::BadResponse, 1, Some(status)));
            assert_eq!(script.sent.borrow().len(), 1);
        }
    }

    #[test]
    fn retry_after_lengthens_the_wait_and_a_long_one_stops_retrying() {
        let script = Script::new(vec![throttled_with_retry_after(3000), ok(200, SUCCESS)]);
        assert!(block_on(ncp(&script, &plan(2.0, false))).is_ok());
        assert_eq!(*script.slept.borrow(), vec![3000]);
        let script = Script::new(vec![throttled_with_retry_after(60_000), ok(200, SUCCESS)]);
        let e = block_on(ncp(&script, &plan(2.0, false))).unwrap_err();
        assert_eq!((e.attempts(), e.retryable()), (1, true));
        assert!(script.slept.borrow().is_empty());
    }

    #[test]
    fn an_abort_stops_before_the_next_attempt() {
        let script = Script::new(vec![ok(429, THROTTLED), ok(200, SUCCESS)]);
        script.abort_after.set(Some(1));
        let e = block_on(ncp(&script, &plan(2.0, false))).unwrap_err();
        assert_eq!((e.kind(), e.attempts()), (ErrorKind::Aborted, 1));
        let script = Script::new(vec![ok(200, SUCCESS)]);
        script.abort_after.set(Some(0));
        assert_eq!(block_on(ncp(&script, &plan(2.0, false))).unwrap_err().attempts(), 0);
    }
}
