//! What a fetch attempt gave, read into the [`engine`](crate::engine)'s terms.
//! `pkg/transport.js` does the sending (fetch, per-attempt timeout, the
//! caller's signal, waits) and hands the module either the `Response` and its
//! text, or the reason the attempt failed; everything it hands over is checked
//! here, since a caller's `fetch` may resolve to anything.

use super::convert::{answer_body, get, short_string};
use crate::engine::RawResponse;
use crate::error::{Error, Kind, Result};
use crate::value::integer_text;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Larger answers are refused before they are copied into wasm memory. NCP's
/// largest page, 1000 instances in XML, is a few MiB (6.5 MiB in the
/// simulator with four servers an instance); this leaves room above that.
pub const MAX_BODY_CHARS: u32 = 16 * 1024 * 1024;

/// The answer to one attempt: `response` is what fetch resolved to, `text`
/// what its `text()` resolved to (`undefined` when it has none).
pub fn read_answer(response: &JsValue, text: &JsValue) -> Result<RawResponse> {
    let not_a_response = || Error::new(Kind::BadResponse, "fetch resolved to something that is not a Response");
    let status =
        get(response, "status").as_f64().filter(|s| (100.0..=599.0).contains(s)).ok_or_else(not_a_response)? as u16;
    let body = match answer_body(text, MAX_BODY_CHARS) {
        Some(body) => body,
        None if text.is_string() => {
            return Err(Error::new(Kind::BadResponse, "the response body is over 16 MiB").with_status(status))
        }
        None if get(response, "text").is_function() => {
            return Err(Error::new(Kind::BadResponse, "the response body is not text").with_status(status))
        }
        None => return Err(not_a_response().with_status(status)),
    };
    // Only the statuses that are retried can ask for a wait.
    let retry_after = if matches!(status, 429 | 503) {
        let headers = get(response, "headers");
        get(&headers, "get")
            .dyn_into::<Function>()
            .ok()
            .and_then(|f| f.call1(&headers, &JsValue::from_str("retry-after")).ok())
            .and_then(|v| v.as_string())
            .and_then(|v| crate::engine::retry_after_ms(&v).or_else(|| http_date_ms(&v)))
    } else {
        None
    };
    Ok(RawResponse { status, body, retry_after_ms: retry_after })
}

/// `Retry-After` as an HTTP date (RFC 9110 allows it as well as seconds): the
/// milliseconds until then, by the runtime's `Date.parse`; a date past is no wait.
fn http_date_ms(header: &str) -> Option<u32> {
    let at = js_sys::Date::parse(header);
    at.is_finite().then(|| (at - js_sys::Date::now()).clamp(0.0, f64::from(u32::MAX)) as u32)
}

/// Why an attempt failed, as `pkg/transport.js` tells it.
pub fn failure(why: &str, error: &JsValue, origin: &str, timeout_ms: u32) -> Error {
    match why {
        "aborted" => aborted(),
        "timeout" => {
            let mut m = String::from("no answer within timeoutMs (");
            m.push_str(&integer_text(f64::from(timeout_ms)).unwrap_or_default());
            m.push_str(" ms); raise timeoutMs or try again");
            Error::new(Kind::Timeout, m)
        }
        _ => network(error, origin),
    }
}

fn aborted() -> Error {
    Error::new(Kind::Aborted, "the request was aborted by the caller's signal")
}

/// A failed `fetch`: names the host and the runtime's reason (Node puts it in `cause`).
fn network(e: &JsValue, origin: &str) -> Error {
    let mut m = String::from("the request to ");
    m.push_str(origin);
    m.push_str(" failed: ");
    let reason = js_text(&get(e, "message"));
    m.push_str(if reason.is_empty() { "network error" } else { &reason });
    let cause = get(e, "cause");
    let detail = js_text(&get(&cause, "code"));
    let detail = if detail.is_empty() { js_text(&get(&cause, "message")) } else { detail };
    if !detail.is_empty() {
        m.push_str(" (");
        m.push_str(&detail);
        m.push(')');
    }
    Error::new(Kind::Network, m)
}

/// A short, single-line rendering of a JS string value.
fn js_text(v: &JsValue) -> String {
    short_string(v, 500).map(|s| s.chars().filter(|c| !c.is_control()).collect()).unwrap_or_default()
}
