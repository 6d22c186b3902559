//! Sending through the runtime's `fetch`: one [`Fetch`] per call, with
//! every attempt's timeout, the caller's `AbortSignal`, and the waits
//! between attempts.
//!
//! Each attempt has an `AbortController` of its own, aborted by a
//! `setTimeout` after `timeoutMs` or by the caller's signal, and cleaned up
//! when the attempt is dropped ([`Attempt`]). A caller's `fetch` may ignore
//! its signal, so every promise of an attempt is raced against that signal.
//! What comes back is read defensively (a caller's `fetch` may resolve to
//! anything), its body bounded while it is read.

use crate::error::{Error, ErrorKind, Result};
use crate::options::Settings;
use crate::request::Request;
use crate::response::{one_line, RawResponse};
use crate::retry;
use crate::send::{Progress, Transport};
use crate::sign::Keys;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, RequestRedirect};

/// Larger answers are refused as they arrive, before they are held whole.
/// NCP's largest page, 1000 instances in XML, is a few MiB.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

#[cfg(feature = "js")]
#[wasm_bindgen(raw_module = "../guard.js")]
extern "C" {
    /// Whether an exception escaped the module meanwhile (pkg/guard.js): a
    /// call still running in its instance then stops before sending more.
    #[wasm_bindgen(js_name = instanceBroken)]
    fn instance_broken() -> bool;
}

/// One call's way out: the `fetch` to use, the caller's signal, `onProgress`.
pub struct Fetch {
    fetch: Function,
    /// The caller's `fetch`, which may ignore its signal: its promises are raced against it.
    callers: bool,
    cancel: Option<Cancel>,
    on_progress: Option<Function>,
    /// To hide the secret in what a failed `fetch` says (a caller's may repeat it).
    keys: Option<Rc<Keys>>,
}

impl Fetch {
    /// The caller's `fetch`, else the global one (looked up now, so a test
    /// double put in place later is used): none is `invalid_options` before
    /// anything is sent.
    pub fn new(s: &Settings) -> Result<Fetch> {
        let fetch = match &s.fetch {
            Some(f) => f.clone(),
            None => get(&js_sys::global(), "fetch"),
        };
        // `typeof`, not `instanceof`: a Proxy's trap would run, and could throw through the module.
        if !fetch.is_function() {
            return Err(Error::invalid(
                "fetch",
                "this runtime has no global fetch: pass the fetch option, a function with fetch's signature",
            ));
        }
        let cancel = match &s.signal {
            Some(signal) => Some(Cancel::new(signal.clone())?),
            None => None,
        };
        let on_progress = s.on_progress.clone().filter(JsValue::is_function).map(JsCast::unchecked_into);
        let keys = s.keys().ok().cloned();
        Ok(Fetch { fetch: fetch.unchecked_into(), callers: s.fetch.is_some(), cancel, on_progress, keys })
    }

    /// Why an attempt failed: the caller's abort, its own timeout, or the network.
    fn failure(&self, attempt: &Attempt, thrown: JsValue, url: &str) -> Error {
        if let Some(e) = self.aborted() {
            return e;
        }
        if attempt.controller.signal().aborted() {
            let m = format!("no answer within timeoutMs ({} ms); raise timeoutMs or try again", attempt.timeout_ms);
            return Error::new(ErrorKind::Timeout, m);
        }
        let keys = self.keys.as_deref();
        let reason = text_of(&get(&thrown, "message"), keys);
        let cause = get(&thrown, "cause");
        let detail = [text_of(&get(&cause, "code"), keys), text_of(&get(&cause, "message"), keys)]
            .into_iter()
            .find(|d| !d.is_empty());
        let mut m = format!(
            "the request to {} failed: {}",
            origin_of(url),
            if reason.is_empty() { "network error" } else { &reason }
        );
        if let Some(d) = detail {
            m.push_str(&format!(" ({d})"));
        }
        let e = Error::new(ErrorKind::Network, m);
        if self.shows_secret(&thrown) {
            e
        } else {
            e.with_cause(thrown)
        }
    }

    /// Whether a text the runtime's error shows (itself, its message, its
    /// cause's message or code) holds the secret: then it is not passed on.
    fn shows_secret(&self, thrown: &JsValue) -> bool {
        let Some(keys) = &self.keys else { return false };
        let cause = get(thrown, "cause");
        [thrown.clone(), get(thrown, "message"), get(&cause, "message"), get(&cause, "code")].iter().any(|v| {
            match v.dyn_ref::<js_sys::JsString>() {
                Some(s) if s.length() <= 1 << 20 => keys.hide_secret(&String::from(s)).is_some(),
                Some(_) => true, // too long to look through
                None => false,
            }
        })
    }

    /// Reads the answer: status, the two headers a decision needs, the body.
    async fn read(&self, response: JsValue, race: &Race) -> Result<RawResponse> {
        let not_a_response =
            || Error::new(ErrorKind::BadResponse, "fetch resolved to something that is not a Response");
        let status = get(&response, "status").as_f64().ok_or_else(not_a_response)?;
        // A browser shows a redirect not followed as an "opaqueredirect" with status 0.
        let opaque = get(&response, "type").as_string().as_deref() == Some("opaqueredirect");
        let status = if opaque {
            0
        } else if (100.0..=599.0).contains(&status) {
            status as u16
        } else {
            return Err(not_a_response());
        };
        let retry_after_ms = matches!(status, 429 | 503)
            .then(|| header(&response, "retry-after"))
            .flatten()
            .and_then(|v| retry::retry_after_ms(&v).or_else(|| http_date_ms(&v)));
        let location = (status == 0 || (300..400).contains(&status)).then(|| header(&response, "location")).flatten();
        let body =
            if location.is_some() || status == 0 { String::new() } else { self.body(&response, status, race).await? };
        Ok(RawResponse { status, body, retry_after_ms, location })
    }

    /// The body as text, refused once it is over [`MAX_BODY_BYTES`]. From its
    /// stream when it has one (a `Response`), else from `text()` (a test double's).
    async fn body(&self, response: &JsValue, status: u16, race: &Race) -> Result<String> {
        let too_large = || {
            Error::new(ErrorKind::BadResponse, format!("the response body is over {} MiB", MAX_BODY_BYTES >> 20))
                .with_status(status)
        };
        let unreadable =
            || Error::new(ErrorKind::BadResponse, "the response body could not be read").with_status(status);
        // A declared length the runtime holds the body to (HTTP framing) is
        // bound enough: read it whole, one await instead of one per chunk.
        let declared = header(response, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let stream = get(response, "body");
        if stream.is_object() && declared.is_none() {
            let reader = call(&stream, "getReader", &[]).map_err(|_| unreadable())?;
            let mut bytes = Vec::new();
            loop {
                let chunk = race.settle(call(&reader, "read", &[]).map_err(|_| unreadable())?).await?;
                if get(&chunk, "done").is_truthy() {
                    break;
                }
                let piece = get(&chunk, "value");
                if !js_sys::ArrayBuffer::is_view(&piece) {
                    return Err(unreadable());
                }
                let piece = Uint8Array::new(&piece);
                if bytes.len() + piece.length() as usize > MAX_BODY_BYTES {
                    let _ = call(&reader, "cancel", &[]);
                    return Err(too_large());
                }
                bytes.extend_from_slice(&piece.to_vec());
            }
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
        if !get(response, "text").is_function() {
            return Ok(String::new());
        }
        let text = race.settle(call(response, "text", &[]).map_err(|_| unreadable())?).await?;
        match text.dyn_ref::<js_sys::JsString>() {
            Some(t) if t.length() as usize > MAX_BODY_BYTES => Err(too_large()),
            Some(t) => Ok(String::from(t)),
            None => Err(Error::new(ErrorKind::BadResponse, "the response body is not text").with_status(status)),
        }
    }
}

impl Transport for Fetch {
    async fn send(&self, request: &Request, timeout_ms: u32) -> Result<RawResponse> {
        let attempt = Attempt::new(timeout_ms, self.cancel.as_ref())?;
        let init = RequestInit::new();
        init.set_method(request.method);
        let headers = Object::new();
        for (name, value) in &request.headers {
            let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
        }
        init.set_headers(&headers);
        if let Some(body) = &request.body {
            init.set_body(&JsValue::from_str(body));
        }
        init.set_signal(Some(&attempt.controller.signal()));
        // Never followed: a redirected export could run twice (response.rs refuses it).
        init.set_redirect(RequestRedirect::Manual);
        let race = Race::new(&attempt.controller.signal(), self.callers);
        let sent = self.fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(&request.url), &init);
        let answer = match sent {
            Ok(p) => race.settle_value(&p).await,
            Err(thrown) => Err(thrown),
        };
        let response = answer.map_err(|thrown| self.failure(&attempt, thrown, &request.url))?;
        match self.read(response, &race).await {
            Err(e) if e.kind() == ErrorKind::Aborted => Err(self.failure(&attempt, JsValue::UNDEFINED, &request.url)),
            other => other,
        }
    }

    async fn sleep(&self, ms: u32) -> Result<()> {
        let mut resolve = None;
        let waited = Promise::new(&mut |res, _| resolve = Some(res));
        let Some(resolve) = resolve else { return Ok(()) };
        let _timer = Timer::set(ms, &resolve);
        match &self.cancel {
            Some(c) => Race::new(&c.controller.signal(), true)
                .settle_value(&waited)
                .await
                .map(|_| ())
                .map_err(|_| aborted_error(&c.signal)),
            None => JsFuture::from(waited).await.map(|_| ()).map_err(|_| aborted_error(&JsValue::UNDEFINED)),
        }
    }

    fn aborted(&self) -> Option<Error> {
        #[cfg(feature = "js")]
        if instance_broken() {
            return Some(Error::new(ErrorKind::BadResponse, "the call was cut short: the module is restarted"));
        }
        let c = self.cancel.as_ref()?;
        c.controller.signal().aborted().then(|| aborted_error(&c.signal))
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn progress(&self, progress: &Progress) {
        if let (Some(f), Ok(v)) = (&self.on_progress, super::parse::to_js(progress)) {
            let _ = f.call1(&JsValue::UNDEFINED, &v); // a throwing onProgress does not stop the wait
        }
    }
}

fn aborted_error(signal: &JsValue) -> Error {
    let e = Error::new(ErrorKind::Aborted, "the request was aborted by the caller's signal");
    match get(signal, "reason") {
        r if r.is_undefined() => e,
        reason => e.with_cause(reason),
    }
}

/// One attempt's controller, aborted by its timeout or by the caller's
/// signal; the timer and the link go when the attempt does.
struct Attempt {
    controller: AbortController,
    timeout_ms: u32,
    _timer: Timer,
    _link: Option<Listener>,
}

impl Attempt {
    fn new(timeout_ms: u32, cancel: Option<&Cancel>) -> Result<Attempt> {
        let controller = new_controller()?;
        // Aborted with the runtime's default reason: why is told from whose signal fired (`Fetch::failure`).
        let abort = get(&controller, "abort").unchecked_into::<Function>().bind0(&controller);
        let timer = Timer::set(timeout_ms, &abort);
        let link = cancel.map(|c| Listener::add(&c.controller.signal(), &abort));
        Ok(Attempt { controller, timeout_ms, _timer: timer, _link: link })
    }
}

fn new_controller() -> Result<AbortController> {
    AbortController::new().map_err(|_| Error::new(ErrorKind::Network, "this runtime has no AbortController"))
}

/// A `setTimeout` of a JS function, cleared when dropped.
struct Timer(JsValue);

impl Timer {
    fn set(ms: u32, f: &Function) -> Timer {
        Timer(set_timeout(f, i32::try_from(ms).unwrap_or(i32::MAX)))
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.0);
    }
}

/// An "abort" listener (a JS function), removed when dropped.
struct Listener {
    target: AbortSignal,
    f: Function,
}

impl Listener {
    fn add(target: &AbortSignal, f: &Function) -> Listener {
        let _ = target.add_event_listener_with_callback("abort", f);
        Listener { target: target.clone(), f: f.clone() }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback("abort", &self.f);
    }
}

/// Settles a promise, or fails as soon as `signal` aborts, whichever comes
/// first: for the waits, and for a caller's `fetch`, which may ignore its
/// signal. The runtime's `fetch` honours it, so its promises are awaited as they are.
struct Race {
    signal: AbortSignal,
    aborted: Option<(Promise, Listener)>,
}

impl Race {
    fn new(signal: &AbortSignal, needed: bool) -> Race {
        let aborted = needed.then(|| {
            let mut reject = None;
            let aborted = Promise::new(&mut |_, rej| reject = Some(rej));
            let reject: Function = reject.unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into());
            let listener = Listener::add(signal, &reject);
            if signal.aborted() {
                let _ = reject.call0(&JsValue::UNDEFINED);
            }
            (aborted, listener)
        });
        Race { signal: signal.clone(), aborted }
    }

    async fn settle_value(&self, p: &JsValue) -> std::result::Result<JsValue, JsValue> {
        let p = Promise::resolve(p);
        match &self.aborted {
            Some((aborted, _)) => JsFuture::from(Promise::race(&Array::of2(&p, aborted))).await,
            None => JsFuture::from(p).await,
        }
    }

    /// [`Race::settle_value`], an abort as `aborted` and another rejection as unreadable.
    async fn settle(&self, p: JsValue) -> Result<JsValue> {
        self.settle_value(&p).await.map_err(|e| {
            if self.signal.aborted() {
                Error::new(ErrorKind::Aborted, "aborted")
            } else {
                Error::new(ErrorKind::BadResponse, "the response body could not be read").with_cause(e)
            }
        })
    }
}

/// A call's own controller, aborted when the caller's signal is: what every
/// attempt and wait of the call listens to. The caller's signal itself gets
/// one listener however many calls share it ([`Watched`]), so that no
/// runtime warns of too many listeners. It is the caller's object, so it is
/// only read and called through `Reflect` (an odd one cannot throw through the module).
struct Cancel {
    signal: JsValue,
    controller: AbortController,
    id: u32,
}

impl Cancel {
    fn new(signal: JsValue) -> Result<Cancel> {
        let controller = new_controller()?;
        if get(&signal, "aborted").is_truthy() {
            controller.abort();
        }
        // Borrowed only inside these calls. A signal of the caller's own making can run its code
        // in addEventListener; a call it makes there is left unwatched rather than panicking.
        let id = WATCHED.with(|w| w.try_borrow_mut().map(|mut w| w.subscribe(&signal, &controller)).unwrap_or(0));
        Ok(Cancel { signal, controller, id })
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        WATCHED.with(|w| w.try_borrow_mut().map(|mut w| w.unsubscribe(&self.signal, self.id)).unwrap_or(()));
    }
}

thread_local! {
    static WATCHED: RefCell<Watched> = RefCell::new(Watched::default());
}

/// The callers' signals now watched, each with one listener and the calls'
/// controllers it aborts.
#[derive(Default)]
struct Watched {
    signals: Vec<Watch>,
    next_id: u32,
}

struct Watch {
    signal: JsValue,
    listener: Closure<dyn FnMut()>,
    calls: Vec<(u32, AbortController)>,
}

impl Watched {
    fn subscribe(&mut self, signal: &JsValue, controller: &AbortController) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        let id = self.next_id;
        match self.signals.iter_mut().find(|w| w.signal == *signal) {
            Some(w) => w.calls.push((id, controller.clone())),
            None => {
                let watched = signal.clone();
                let listener = Closure::<dyn FnMut()>::new(move || {
                    // Taken out first: aborting runs the calls' own listeners.
                    let calls = WATCHED.with(|w| w.try_borrow().map(|w| w.calls_of(&watched)).unwrap_or_default());
                    for c in calls {
                        c.abort();
                    }
                });
                let _ = call(signal, "addEventListener", &[JsValue::from_str("abort"), listener.as_ref().clone()]);
                self.signals.push(Watch { signal: signal.clone(), listener, calls: vec![(id, controller.clone())] });
            }
        }
        id
    }

    fn calls_of(&self, signal: &JsValue) -> Vec<AbortController> {
        self.signals
            .iter()
            .filter(|w| w.signal == *signal)
            .flat_map(|w| w.calls.iter().map(|(_, c)| c.clone()))
            .collect()
    }

    fn unsubscribe(&mut self, signal: &JsValue, id: u32) {
        let Some(i) = self.signals.iter().position(|w| w.signal == *signal) else { return };
        let Some(w) = self.signals.get_mut(i) else { return };
        w.calls.retain(|(call_id, _)| *call_id != id);
        if w.calls.is_empty() {
            let _ = call(signal, "removeEventListener", &[JsValue::from_str("abort"), w.listener.as_ref().clone()]);
            self.signals.swap_remove(i);
        }
    }
}

/// A property, `undefined` when reading it throws (a Proxy, a getter) or `target` has none.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !(target.is_object() || target.is_function()) {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A response header's value, `None` when absent or unreadable.
fn header(response: &JsValue, name: &str) -> Option<String> {
    call(&get(response, "headers"), "get", &[JsValue::from_str(name)]).ok().and_then(|v| v.as_string())
}

/// `target[name](...args)`, an exception as `Err`.
fn call(target: &JsValue, name: &str, args: &[JsValue]) -> std::result::Result<JsValue, JsValue> {
    let f = get(target, name);
    if !f.is_function() {
        return Err(JsValue::UNDEFINED);
    }
    f.unchecked_into::<Function>().apply(target, &args.iter().collect::<Array>())
}

/// A short, single-line rendering of a JS string value, the secret hidden
/// before it is cut short.
fn text_of(v: &JsValue, keys: Option<&Keys>) -> String {
    match v.dyn_ref::<js_sys::JsString>() {
        Some(s) if s.length() <= 500 => {
            let text = String::from(s);
            one_line(&keys.and_then(|k| k.hide_secret(&text)).unwrap_or(text))
        }
        _ => String::new(),
    }
}

fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url.get(after_scheme..).and_then(|rest| rest.find('/')).map_or(url.len(), |i| after_scheme + i);
    url.get(..end).unwrap_or(url)
}

/// `Retry-After` as an HTTP date: the milliseconds until then, by the
/// runtime's `Date.parse`; a date past is no wait.
fn http_date_ms(header: &str) -> Option<u32> {
    let at = js_sys::Date::parse(header);
    at.is_finite().then(|| (at - js_sys::Date::now()).clamp(0.0, f64::from(u32::MAX)) as u32)
}
