//! The JavaScript surface: every `#[wasm_bindgen]` export lives here. Each one
//! converts at the edge and delegates to the same path:
//! options → [`Plan`] → [`Call`] (sent by `pkg/transport.js`) → result shaped by [`actions`].

mod convert;
mod fast;
mod transport;

use crate::actions::{self, Action, CALL, EXPORT, LIST_BACKUPS, LIST_BACKUP_FILES, LIST_BUCKETS, LIST_INSTANCES};
use crate::call::{Call, Next};
use crate::encode;
use crate::error::{Error, Result};
use crate::options::{self, Scope, Settings};
use crate::options_text::{self, OptionsText};
use crate::request::{self, Params, Plan};
pub use convert::parse_json;
use convert::{js_to_json, to_js, to_value};
use js_sys::Array;
use std::borrow::Cow;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use wasm_bindgen::prelude::*;

/// Nothing to set up: wasm-bindgen's instance reset (pkg/instance.js) calls the
/// start function whether or not the module has one, so it has an empty one.
#[wasm_bindgen(start)]
fn start() {}

/// The functions `pkg/api.js` exports, by name.
const FUNCTIONS: [&Action; 6] = [&EXPORT, &LIST_INSTANCES, &LIST_BACKUPS, &LIST_BACKUP_FILES, &LIST_BUCKETS, &CALL];

/// `exportBackup(opts)`, the list functions and `call(action, params, opts)`
/// (`function` "call"), up to sending: the options are read and checked now,
/// when the function is called, so changing the object afterwards changes
/// nothing. `pkg/transport.js` runs the job. One export for all of them:
/// each export costs its own wasm-bindgen shim. `opts`, here and in every
/// export that takes options, is the UTF-8 of the text `readOptions`
/// (js/values.js) read them into (the `fetch` and `signal` options stay in
/// JS), made an [`OptionsText`] before anything else, so it is wiped on every path.
#[doc(hidden)]
#[wasm_bindgen(js_name = __job)]
pub fn job(function: &str, opts: Vec<u8>, action: JsValue, params: JsValue) -> std::result::Result<Job, JsValue> {
    Job::prepare(None, function, OptionsText::new(opts), &action, &params).map_err(to_js)
}

/// The options read from their text and checked by `check`. The text and
/// every copy made from it (the secret key among them) are wiped before this
/// returns, so before the caller calls out to JS (the URL parser, the error's
/// constructor, a getter of `call()`'s parameters): an exception that unwinds
/// through the module's frames, such as a JS stack overflow, would skip their
/// clean-up. What is kept is checked settings, the secret only as a prepared key.
fn checked_options<T>(
    text: OptionsText,
    function: &str,
    optional: bool,
    check: impl FnOnce(&[(&str, options::Opt)]) -> Result<T>,
) -> Result<T> {
    options_text::read(&text, function, optional).and_then(|o| check(&o.entries))
}

/// The fully validated path behind `signRequest` (pkg/api.js, which builds
/// the `{ headers, timestamp }` result): any input, read field by field.
/// Returns `[timestamp, accessKey, signature]`.
#[doc(hidden)]
#[wasm_bindgen(js_name = __signChecked)]
pub fn sign_checked(input: Vec<u8>) -> std::result::Result<Array, JsValue> {
    sign(OptionsText::new(input), None).map_err(to_js)
}

/// `signRequest`'s validated path, with the Client's credentials when called on one.
fn sign(input: OptionsText, client: Option<&ClientState>) -> Result<Array> {
    let mut s = checked_options(input, "signRequest", false, |o| options::parse_sign(o, client_credentials(client)))?;
    if let Some(c) = client {
        s.clock_offset_ms = s.clock_offset_ms.or(c.settings.clock_offset_ms);
    }
    let (timestamp, signature) = signature(&s)?;
    Ok(Array::of3(
        &JsValue::from_f64(timestamp as f64),
        &JsValue::from_str(&s.access_key),
        &JsValue::from_str(&signature),
    ))
}

/// What the validated path computes once the input is checked: the timestamp
/// (given, or the clock plus the offset) and the signature over the URL's target.
fn signature(s: &options::SignInput) -> Result<(u64, String)> {
    let target = url_target(&s.url)?;
    let timestamp =
        s.timestamp.unwrap_or_else(|| request::clock_timestamp(js_sys::Date::now(), s.clock_offset_ms.unwrap_or(0)));
    Ok((timestamp, s.signer.sign(&s.method, &target, timestamp, &s.access_key)))
}

fn client_credentials(client: Option<&ClientState>) -> Option<(&str, &Rc<crate::sign::Signer>)> {
    client.and_then(|c| Some((c.settings.access_key.as_deref()?, c.settings.signer.as_ref()?)))
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = URL)]
    type JsUrl;
    #[wasm_bindgen(constructor, js_class = "URL", catch)]
    fn new(url: &str) -> std::result::Result<JsUrl, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn protocol(this: &JsUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn pathname(this: &JsUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn search(this: &JsUrl) -> String;
}

/// The request target `fetch` will send for `url`. A URL already in the form
/// the runtime's URL parser leaves unchanged is sliced here; anything else
/// (escapes to add, dot segments, no path, …) is left to that parser, so the
/// signature covers exactly what goes on the wire.
fn url_target(url: &str) -> Result<Cow<'_, str>> {
    // As URL parsers do: else "…/x? " would pass the empty-query check below
    // and be sent as "…/x?". Control characters were refused already, so
    // only spaces are left to trim.
    let url = url.trim_ascii();
    if let Some(target) = sliced_target(url) {
        return Ok(Cow::Borrowed(target));
    }
    let before_fragment = url.get(..options::byte_pos(url, b'#').unwrap_or(url.len())).unwrap_or(url);
    if before_fragment.ends_with('?') {
        // Runtimes disagree on sending an empty query ("/x?" or "/x").
        return Err(Error::option("url", "url ends with an empty query (\"?\"); remove the \"?\""));
    }
    let bad =
        || Error::option("url", "url must be an absolute http(s) URL such as \"https://ncloud.apigw.ntruss.com/…\"");
    let u = JsUrl::new(url).map_err(|_| bad())?;
    if !matches!(u.protocol().as_str(), "http:" | "https:") {
        return Err(bad());
    }
    let mut target = u.pathname();
    target.push_str(&u.search());
    Ok(Cow::Owned(target))
}

/// A hash of the last endpoint origin the runtime's URL parser took (FNV-1a).
static PARSED_ORIGIN_HASH: AtomicU64 = AtomicU64::new(0);

/// `invalid_options` unless the runtime's URL parser takes the endpoint's
/// origin. [`options::Endpoint::parse`] checks the host's characters only, so
/// a host that no URL parser takes (`256.0.0.1`, `[1:2]`, `xn--a`) would fail
/// only in fetch, as if a request had been sent. A call to the origin the
/// last one checked (most calls) makes no call out to JS; were another origin
/// to share its hash, fetch would still refuse it, as a network error.
fn check_endpoint(settings: &Settings) -> Result<()> {
    let Some(e) = &settings.endpoint else { return Ok(()) };
    let hash =
        e.origin.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    if PARSED_ORIGIN_HASH.load(Relaxed) != hash {
        JsUrl::new(&e.origin)
            .map_err(|_| Error::option("endpoint", "endpoint's host is not a valid host name or IP address"))?;
        PARSED_ORIGIN_HASH.store(hash, Relaxed);
    }
    Ok(())
}

/// The target of a URL that needs no parser (see [`request::plain_target`])
/// and does not end in an empty query, which [`url_target`] refuses. A plain
/// target has no fragment, so its end is the URL's end. Both signing paths
/// slice through here.
fn sliced_target(url: &str) -> Option<&str> {
    request::plain_target(url).filter(|t| !t.ends_with('?'))
}

/// Credentials and transport settings kept by a [`Client`] (its `fetch`
/// stays in JS, with the rest of the Client). The secret is held only as a
/// prepared HMAC key inside `settings.signer`.
struct ClientState {
    settings: Settings,
}

/// Credentials and transport settings once; the same methods without repeating them.
#[wasm_bindgen]
pub struct Client {
    state: Rc<ClientState>,
}

#[wasm_bindgen]
impl Client {
    #[wasm_bindgen(constructor)]
    pub fn new(config: Vec<u8>) -> std::result::Result<Client, JsValue> {
        let config = OptionsText::new(config);
        let settings = checked_options(config, "new Client", false, |o| options::parse(o, Scope::ClientConfig));
        let read = || -> Result<Client> {
            let settings = settings?;
            // Fail at construction, not at the first call.
            check_endpoint(&settings)?;
            Plan::new(&actions::CALL, Cow::Borrowed(""), settings.clone())?;
            Ok(Client { state: Rc::new(ClientState { settings }) })
        };
        read().map_err(to_js)
    }

    /// The Client's methods, up to sending (see [`job`]).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __job)]
    pub fn job(
        &self,
        function: &str,
        opts: Vec<u8>,
        action: JsValue,
        params: JsValue,
    ) -> std::result::Result<Job, JsValue> {
        Job::prepare(Some(self.state.clone()), function, OptionsText::new(opts), &action, &params).map_err(to_js)
    }

    /// `signRequest`'s validated path with the Client's prepared key (see [`sign_checked`]).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __signChecked)]
    pub fn sign_checked(&self, input: Vec<u8>) -> std::result::Result<Array, JsValue> {
        sign(OptionsText::new(input), Some(&self.state)).map_err(to_js)
    }

    /// The fast path of `signRequest` with the prepared key (see [`fast`]).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __signFast)]
    pub fn sign_fast(&self, method_len: usize, url_len: usize, clock_offset_ms: Option<f64>, timestamp: f64) -> usize {
        fast::sign(Some(&self.state), [method_len, url_len, 0, 0], clock_offset_ms, timestamp)
    }

    /// The access key and where the Client sends requests, as
    /// `accessKey + "\n" + endpoint` (neither can hold a line break): for the
    /// headers the fast path builds and for what `JSON.stringify(client)` and
    /// `String(client)` show (pkg/api.js; never the secret). One getter for
    /// both: each export costs its own wasm-bindgen shim.
    #[doc(hidden)]
    #[wasm_bindgen(getter = __shown)]
    pub fn shown(&self) -> String {
        let s = &self.state.settings;
        let mut out = s.access_key.clone().unwrap_or_default();
        out.push('\n');
        match &s.endpoint {
            Some(e) => {
                out.push_str(&e.origin);
                out.push_str(&e.prefix);
            }
            None => out.push_str(request::DEFAULT_ORIGIN),
        }
        out
    }
}

/// `call()`'s action name and parameter object, checked and flattened NCP's way.
fn read_call(action: &JsValue, params: &JsValue) -> Result<(String, Params)> {
    let name = convert::short_string(action, 100).unwrap_or_default();
    actions::check_action_name(&name)?;
    let params = if params.is_undefined() || params.is_null() {
        Vec::new()
    } else {
        let value = js_to_json(params, &mut convert::Budget::params()).ok_or_else(|| {
            Error::option(
                "params",
                "params must be a plain object of strings (no lone surrogates), whole numbers, booleans and arrays, \
                 of at most about 85,000 characters in all",
            )
        })?;
        encode::flatten(&value)?
    };
    if params.iter().any(|(k, _)| k == "responseFormatType") {
        return Err(Error::option("params", "set responseFormatType as an option, not in params"));
    }
    Ok((name, params))
}

/// One call, read and checked: the [`Call`] state machine. `pkg/transport.js`
/// asks it what to send, sends it (with the caller's `fetch` and `signal`),
/// and reports back until it gives the result or throws the NcloudError.
#[doc(hidden)]
#[wasm_bindgen]
pub struct Job {
    call: Call,
}

impl Job {
    /// The one code path behind every function and Client method, up to sending.
    fn prepare(
        client: Option<Rc<ClientState>>,
        function: &str,
        opts: OptionsText,
        call_action: &JsValue,
        call_params: &JsValue,
    ) -> Result<Job> {
        let action = FUNCTIONS
            .into_iter()
            .find(|a| a.function == function)
            .ok_or_else(|| Error::option("function", "no such function in this package"))?;
        // The options are read and checked before `call()`'s action and
        // parameters, which calls out to JS (see `checked_options`); their
        // errors still come second.
        let settings = checked_options(opts, action.function, client.is_some(), |o| match &client {
            Some(c) => options::parse_over(o, Scope::ClientCall(action), c.settings.clone()),
            None => options::parse(o, Scope::Standalone(action)),
        });
        let call = std::ptr::eq(action, &CALL).then(|| read_call(call_action, call_params)).transpose()?;
        let settings = settings?;
        check_endpoint(&settings)?;
        let all_pages = settings.all_pages.unwrap_or(false);
        let (ncp, call_params) = match call {
            Some((name, params)) => (Cow::Owned(name), Some(params)),
            None => (Cow::Borrowed(action.ncp), None),
        };
        let mut plan = Plan::new(action, ncp, settings)?;
        if let Some(params) = call_params {
            if plan.region_code.is_some() && params.iter().any(|(k, _)| k == "regionCode") {
                return Err(Error::option(
                    "regionCode",
                    "regionCode is given both as an option and in params; keep one",
                ));
            }
            plan.params = params;
        }
        Ok(Job { call: Call::new(action, plan, all_pages) })
    }
}

/// What `pkg/transport.js` calls, attempt by attempt.
#[wasm_bindgen]
impl Job {
    /// The per-attempt timeout, in milliseconds.
    #[wasm_bindgen(getter = timeoutMs)]
    pub fn timeout_ms(&self) -> u32 {
        self.call.plan().timeout_ms
    }

    /// The next request, signed now, as one string of lines (one string
    /// crosses to JS faster than nine): url, method, body (empty for GET),
    /// then each header's name and value. None of them can hold a line break:
    /// options with control characters are refused, and the rest is
    /// percent-encoded, digits or base64.
    pub fn request(&mut self) -> String {
        let req = self.call.request(js_sys::Date::now());
        let mut out = String::with_capacity(req.url.len() + req.body.as_ref().map_or(0, String::len) + 160);
        for part in [req.url.as_str(), req.method.as_str(), req.body.as_deref().unwrap_or("")] {
            out.push_str(part);
            out.push('\n');
        }
        let content_type = req.content_type().map(|ct| ("content-type", ct.to_string()));
        for (name, value) in req.headers.iter().chain(content_type.iter()) {
            out.push_str(name);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
        out.pop();
        out
    }

    /// How the attempt went: `why` is absent when fetch gave an answer
    /// (`response`, and its `text()` as `text`), else "aborted", "timeout" or
    /// "network" (`response` is then what fetch threw). Returns the
    /// milliseconds to wait before the next request, or, once the call is
    /// done, its result (an object); throws the NcloudError. One export for
    /// all three outcomes: each export costs its own wasm-bindgen shim.
    pub fn report(
        &mut self,
        why: Option<String>,
        response: JsValue,
        text: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let outcome = match why {
            None => transport::read_answer(&response, &text),
            Some(why) => {
                let plan = self.call.plan();
                Err(transport::failure(&why, &response, &plan.endpoint.origin, plan.timeout_ms))
            }
        };
        match self.call.outcome(outcome, js_sys::Math::random()).map_err(to_js)? {
            Next::Send(ms) => Ok(JsValue::from(ms)),
            Next::Done(value) => to_value(&value).map_err(to_js),
        }
    }
}
