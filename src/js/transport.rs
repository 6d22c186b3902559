//! The one place a request leaves the module: the runtime's `fetch` (or the
//! caller's), with a per-attempt timeout and the caller's AbortSignal.
//! No `window`: Workers and Node have none, so the global `fetch` is bound directly.

use super::convert::{get, signal_aborted};
use crate::engine::{RawResponse, Transport};
use crate::error::{Error, Kind, Result};
use crate::request::Request;
use js_sys::{Array, Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

/// Larger answers are refused before they are copied into wasm memory: NCP's
/// largest page (1000 instances) is well under this.
const MAX_BODY_CHARS: u32 = 5 * 1024 * 1024;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &Object) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

#[wasm_bindgen(module = "/js/abort.js")]
extern "C" {
    #[wasm_bindgen(js_name = whenAborted)]
    fn when_aborted(signal: &AbortSignal) -> Promise;
}

/// `promise`, unless `abort` (when given) rejects first.
fn race(promise: &JsValue, abort: Option<&Promise>) -> JsFuture {
    match abort {
        Some(abort) => JsFuture::from(Promise::race(&Array::of2(&Promise::resolve(promise), abort))),
        None => JsFuture::from(Promise::resolve(promise)),
    }
}

pub struct FetchTransport {
    pub fetch: Option<Function>,
    pub signal: Option<AbortSignal>,
}

impl FetchTransport {
    pub fn user_aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(signal_aborted)
    }

    async fn fetch_and_read(&self, req: &Request, signal: &AbortSignal) -> Result<RawResponse> {
        let init = Object::new();
        let headers = Object::new();
        for (name, value) in &req.headers {
            set(&headers, name, &JsValue::from_str(value));
        }
        if let Some(ct) = req.content_type() {
            set(&headers, "content-type", &JsValue::from_str(ct));
        }
        set(&init, "method", &JsValue::from_str(req.method.as_str()));
        set(&init, "headers", &headers);
        if let Some(body) = &req.body {
            set(&init, "body", &JsValue::from_str(body));
        }
        set(&init, "signal", signal);
        // The runtime's fetch honours the signal for the request and the body;
        // a caller's fetch may not, so its promises are raced against it.
        let abort = self.fetch.as_ref().map(|_| when_aborted(signal));
        let sent = match &self.fetch {
            Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init),
            None => global_fetch(&req.url, &init),
        };
        let response =
            race(&sent.map_err(|e| network(&e, req))?, abort.as_ref()).await.map_err(|e| network(&e, req))?;
        let not_a_response = || Error::new(Kind::BadResponse, "fetch resolved to something that is not a Response");
        let status =
            get(&response, "status").as_f64().filter(|s| (100.0..=599.0).contains(s)).ok_or_else(not_a_response)?
                as u16;
        let text: Function = get(&response, "text").dyn_into().map_err(|_| not_a_response().with_status(status))?;
        let body = race(&text.call0(&response).map_err(|e| network(&e, req))?, abort.as_ref())
            .await
            .map_err(|e| network(&e, req))?;
        let body: JsString = body
            .dyn_into()
            .map_err(|_| Error::new(Kind::BadResponse, "the response body is not text").with_status(status))?;
        if body.length() > MAX_BODY_CHARS {
            return Err(Error::new(
                Kind::BadResponse,
                "the response body is over 5 MiB; NCP does not send such answers",
            )
            .with_status(status));
        }
        // Only the statuses that are retried can ask for a wait.
        let retry_after = if matches!(status, 429 | 503) {
            let headers = get(&response, "headers");
            get(&headers, "get")
                .dyn_into::<Function>()
                .ok()
                .and_then(|f| f.call1(&headers, &JsValue::from_str("retry-after")).ok())
                .and_then(|v| v.as_string())
                .and_then(|v| crate::engine::retry_after_ms(&v))
        } else {
            None
        };
        Ok(RawResponse { status, body: String::from(body), retry_after_ms: retry_after })
    }
}

impl Transport for FetchTransport {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    async fn send(&self, req: &Request, timeout_ms: u32) -> Result<RawResponse> {
        if self.user_aborted() {
            return Err(aborted());
        }
        let controller = AbortController::new()
            .map_err(|_| Error::new(Kind::Network, "AbortController is missing in this runtime"))?;
        let abort: Function = get(&controller, "abort").unchecked_into::<Function>().bind0(&controller);
        let timer = set_timeout(&abort, timeout_ms);
        if let Some(s) = &self.signal {
            let _ = s.add_event_listener_with_callback("abort", &abort);
        }
        let result = self.fetch_and_read(req, &controller.signal()).await;
        clear_timeout(&timer);
        if let Some(s) = &self.signal {
            let _ = s.remove_event_listener_with_callback("abort", &abort);
        }
        result.map_err(|e| {
            if self.user_aborted() {
                aborted()
            } else if controller.signal().aborted() {
                let mut m = String::from("no answer within timeoutMs (");
                m.push_str(&crate::value::integer_text(f64::from(timeout_ms)).unwrap_or_default());
                m.push_str(" ms); raise timeoutMs or try again");
                Error::new(Kind::Timeout, m)
            } else {
                e
            }
        })
    }

    async fn sleep(&self, ms: u32) -> Result<()> {
        if ms > 0 && !self.user_aborted() {
            let mut timer = JsValue::UNDEFINED;
            let mut wake: Option<Function> = None;
            let slept = Promise::new(&mut |resolve, _reject| {
                timer = set_timeout(&resolve, ms);
                if let Some(s) = &self.signal {
                    let _ = s.add_event_listener_with_callback("abort", &resolve);
                }
                wake = Some(resolve);
            });
            let _ = JsFuture::from(slept).await;
            clear_timeout(&timer);
            if let (Some(s), Some(w)) = (&self.signal, &wake) {
                let _ = s.remove_event_listener_with_callback("abort", w);
            }
        }
        if self.user_aborted() {
            Err(aborted())
        } else {
            Ok(())
        }
    }
}

pub fn aborted() -> Error {
    Error::new(Kind::Aborted, "the request was aborted by the caller's signal")
}

/// A failed `fetch`: names the host and the runtime's reason (Node puts it in `cause`).
fn network(e: &JsValue, req: &Request) -> Error {
    let mut m = String::from("the request to ");
    let origin_end = req.url.len().saturating_sub(req.target.len());
    m.push_str(req.url.get(..origin_end).unwrap_or("NCP"));
    m.push_str(" failed: ");
    let reason = js_text(&get(e, "message"));
    if get(e, "name").as_string().as_deref() == Some("ReferenceError") {
        m.push_str("this runtime has no global fetch; pass the fetch option");
    } else {
        m.push_str(if reason.is_empty() { "network error" } else { &reason });
        let cause = get(e, "cause");
        let detail = js_text(&get(&cause, "code"));
        let detail = if detail.is_empty() { js_text(&get(&cause, "message")) } else { detail };
        if !detail.is_empty() {
            m.push_str(" (");
            m.push_str(&detail);
            m.push(')');
        }
    }
    Error::new(Kind::Network, m)
}

/// A short, single-line rendering of a JS string value.
fn js_text(v: &JsValue) -> String {
    match v.dyn_ref::<JsString>() {
        Some(s) if s.length() <= 500 => String::from(s).chars().filter(|c| !c.is_control()).collect(),
        _ => String::new(),
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
