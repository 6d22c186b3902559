//! The JavaScript surface: every `#[wasm_bindgen]` export lives here. Each one
//! converts at the edge and delegates to the same path:
//! options → [`Plan`] → [`engine::execute`] → result shaped by [`actions`].

mod convert;
mod transport;

use crate::actions::{self, Action, CALL, EXPORT, LIST_BACKUPS, LIST_BACKUP_FILES, LIST_BUCKETS, LIST_INSTANCES};
use crate::encode;
use crate::engine;
use crate::error::{Error, Result};
use crate::options::{self, Scope, Settings};
use crate::request::{self, Plan};
use crate::value::{integer_text, Value};
pub use convert::parse_json;
use convert::{js_to_json, read_options, to_js, to_value};
use js_sys::{Array, Function, JsString, Object, Promise, Reflect};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use transport::FetchTransport;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Sends a backup file of a Cloud DB for PostgreSQL instance to an Object Storage bucket.
#[wasm_bindgen(js_name = exportBackup)]
pub fn export_backup(opts: JsValue) -> Promise {
    start(Job::prepare(None, &EXPORT, &opts, None))
}

/// Lists the Cloud DB for PostgreSQL instances (`getCloudPostgresqlInstanceList`).
#[wasm_bindgen(js_name = listInstances)]
pub fn list_instances(opts: JsValue) -> Promise {
    start(Job::prepare(None, &LIST_INSTANCES, &opts, None))
}

/// Lists the backups of every instance (`getCloudPostgresqlBackupList`).
#[wasm_bindgen(js_name = listBackups)]
pub fn list_backups(opts: JsValue) -> Promise {
    start(Job::prepare(None, &LIST_BACKUPS, &opts, None))
}

/// Lists one instance's backup files (`getCloudPostgresqlBackupDetailList`).
#[wasm_bindgen(js_name = listBackupFiles)]
pub fn list_backup_files(opts: JsValue) -> Promise {
    start(Job::prepare(None, &LIST_BACKUP_FILES, &opts, None))
}

/// Lists the Object Storage buckets the service can write to (`getCloudPostgresqlBucketList`).
#[wasm_bindgen(js_name = listBuckets)]
pub fn list_buckets(opts: JsValue) -> Promise {
    start(Job::prepare(None, &LIST_BUCKETS, &opts, None))
}

/// Calls any `vpostgresql/v2` action; returns the unwrapped response object.
#[wasm_bindgen]
pub fn call(action: JsValue, params: JsValue, opts: JsValue) -> Promise {
    start(Job::prepare(None, &CALL, &opts, Some((&action, &params))))
}

/// The one place a Rust future becomes a JS promise (rejecting with an
/// NcloudError). Not generic, so the promise glue exists once in the module.
/// The job was prepared synchronously: the caller's options are read when the
/// function is called, so changing the object afterwards changes nothing.
fn start(job: Result<Job>) -> Promise {
    match job {
        Ok(job) => {
            let work: Pin<Box<dyn Future<Output = Result<JsValue>>>> = Box::pin(job.run());
            wasm_bindgen_futures::future_to_promise(async move { work.await.map_err(to_js) })
        }
        Err(e) => Promise::reject(&to_js(e)),
    }
}

/// The fully validated path behind `signRequest` (pkg/api.js, which builds
/// the `{ headers, timestamp }` result): any input, read field by field.
/// Returns `[timestamp, accessKey, signature]`.
#[doc(hidden)]
#[wasm_bindgen(js_name = __signChecked)]
pub fn sign_checked(input: JsValue) -> std::result::Result<Array, JsValue> {
    sign(&input, None).map_err(to_js)
}

/// `signRequest`'s validated path, with the Client's credentials when called on one.
fn sign(input: &JsValue, client: Option<&ClientState>) -> Result<Array> {
    let o = read_options(input, "signRequest", false)?;
    let s = options::parse_sign(&o.entries, client_credentials(client))?;
    let (timestamp, signature) = signature(&s)?;
    Ok(Array::of3(
        &JsValue::from_f64(timestamp as f64),
        &JsValue::from_str(&s.access_key),
        &JsValue::from_str(&signature),
    ))
}

/// What both signing paths compute once the input is checked: the timestamp
/// (given, or the clock plus the offset) and the signature over the URL's target.
fn signature(s: &options::SignInput) -> Result<(u64, String)> {
    let target = url_target(&s.url)?;
    let timestamp = s.timestamp.unwrap_or_else(|| request::clock_timestamp(js_sys::Date::now(), s.clock_offset_ms));
    Ok((timestamp, s.signer.sign(&s.method, &target, timestamp, &s.access_key)))
}

fn client_credentials(client: Option<&ClientState>) -> Option<(&str, &crate::sign::Signer)> {
    client.and_then(|c| Some((c.settings.access_key.as_deref()?, c.settings.signer.as_deref()?)))
}

/// The fast path behind `signRequest` (pkg/api.js): the same checks as
/// [`sign`] on plain arguments, so the common call crosses into wasm once.
/// Returns the signature only; the caller already holds the other two headers.
/// `access_key`/`secret_key` are ignored (and may be empty) with a Client.
fn sign_parts(
    client: Option<&ClientState>,
    method: String,
    url: String,
    credentials: Option<(String, String)>,
    clock_offset_ms: Option<f64>,
    timestamp: f64,
) -> Result<String> {
    use options::Opt;
    let mut entries = vec![("method".to_string(), Opt::Str(method)), ("url".to_string(), Opt::Str(url))];
    if let Some((access_key, secret_key)) = credentials {
        entries.push(("accessKey".to_string(), Opt::Str(access_key)));
        entries.push(("secretKey".to_string(), Opt::Str(secret_key)));
    }
    // Before the timestamp: a bad offset is named as such, not as a bad timestamp.
    if let Some(offset) = clock_offset_ms {
        entries.push(("clockOffsetMs".to_string(), Opt::Num(offset)));
    }
    entries.push(("timestamp".to_string(), Opt::Num(timestamp)));
    let parsed = options::parse_sign(&entries, client_credentials(client));
    for (_, value) in entries {
        if let Opt::Str(s) = value {
            options::wipe(s); // the secret key among them
        }
    }
    Ok(signature(&parsed?)?.1)
}

#[doc(hidden)]
#[wasm_bindgen(js_name = __signParts)]
pub fn sign_parts_js(
    method: String,
    url: String,
    access_key: String,
    secret_key: String,
    clock_offset_ms: Option<f64>,
    timestamp: f64,
) -> std::result::Result<String, JsValue> {
    sign_parts(None, method, url, Some((access_key, secret_key)), clock_offset_ms, timestamp).map_err(to_js)
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
fn url_target(url: &str) -> Result<String> {
    if url.split('#').next().is_some_and(|u| u.ends_with('?')) {
        // Runtimes disagree on sending an empty query ("/x?" or "/x").
        return Err(Error::option("url", "url ends with an empty query (\"?\"); remove the \"?\""));
    }
    if let Some(target) = request::plain_target(url) {
        return Ok(target.to_string());
    }
    let bad =
        || Error::option("url", "url must be an absolute http(s) URL such as \"https://ncloud.apigw.ntruss.com/…\"");
    let u = JsUrl::new(url).map_err(|_| bad())?;
    if !matches!(u.protocol().as_str(), "http:" | "https:") {
        return Err(bad());
    }
    let mut target = u.pathname();
    target.push_str(&u.search());
    Ok(target)
}

/// Credentials and transport settings kept by a [`Client`]. The secret is
/// held only as a prepared HMAC key inside `settings.signer`.
struct ClientState {
    settings: Settings,
    fetch: Option<Function>,
}

/// Credentials and transport settings once; the same methods without repeating them.
#[wasm_bindgen]
pub struct Client {
    state: Rc<ClientState>,
}

#[wasm_bindgen]
impl Client {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> std::result::Result<Client, JsValue> {
        let read = || -> Result<Client> {
            let mut o = read_options(&config, "new Client", false)?;
            let settings = options::parse(&o.entries, Scope::ClientConfig)?;
            // Fail at construction, not at the first call.
            Plan::new(&actions::CALL, "", settings.clone())?;
            Ok(Client { state: Rc::new(ClientState { settings, fetch: o.fetch.take() }) })
        };
        read().map_err(to_js)
    }

    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, opts: JsValue) -> Promise {
        self.spawn(&EXPORT, opts)
    }

    #[wasm_bindgen(js_name = listInstances)]
    pub fn list_instances(&self, opts: JsValue) -> Promise {
        self.spawn(&LIST_INSTANCES, opts)
    }

    #[wasm_bindgen(js_name = listBackups)]
    pub fn list_backups(&self, opts: JsValue) -> Promise {
        self.spawn(&LIST_BACKUPS, opts)
    }

    #[wasm_bindgen(js_name = listBackupFiles)]
    pub fn list_backup_files(&self, opts: JsValue) -> Promise {
        self.spawn(&LIST_BACKUP_FILES, opts)
    }

    #[wasm_bindgen(js_name = listBuckets)]
    pub fn list_buckets(&self, opts: JsValue) -> Promise {
        self.spawn(&LIST_BUCKETS, opts)
    }

    pub fn call(&self, action: JsValue, params: JsValue, opts: JsValue) -> Promise {
        start(Job::prepare(Some(self.state.clone()), &CALL, &opts, Some((&action, &params))))
    }

    /// `signRequest`'s validated path with the Client's prepared key (see [`sign_checked`]).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __signChecked)]
    pub fn sign_checked(&self, input: JsValue) -> std::result::Result<Array, JsValue> {
        sign(&input, Some(&self.state)).map_err(to_js)
    }

    /// The fast path of `signRequest` (pkg/api.js), with the prepared key.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __signParts)]
    pub fn sign_parts(
        &self,
        method: String,
        url: String,
        clock_offset_ms: Option<f64>,
        timestamp: f64,
    ) -> std::result::Result<String, JsValue> {
        sign_parts(Some(&self.state), method, url, None, clock_offset_ms, timestamp).map_err(to_js)
    }

    /// The access key, for the headers the fast path builds.
    #[doc(hidden)]
    #[wasm_bindgen(getter = __accessKey)]
    pub fn access_key(&self) -> String {
        self.state.settings.access_key.clone().unwrap_or_default()
    }

    /// What `JSON.stringify(client)` shows: never the secret.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        let o = Object::new();
        let s = &self.state.settings;
        let _ = Reflect::set(&o, &"accessKey".into(), &JsValue::from_str(s.access_key.as_deref().unwrap_or("")));
        let origin = s.endpoint.as_ref().map(|e| e.origin.clone() + &e.prefix);
        let _ = Reflect::set(
            &o,
            &"endpoint".into(),
            &JsValue::from_str(origin.as_deref().unwrap_or("https://ncloud.apigw.ntruss.com")),
        );
        let _ = Reflect::set(&o, &"secretKey".into(), &JsValue::from_str("<hidden>"));
        o.into()
    }

    /// What `String(client)` shows: never the secret.
    #[wasm_bindgen(js_name = toString)]
    pub fn describe(&self) -> String {
        let mut s = String::from("ncloud-pg-backup Client (accessKey ");
        s.push_str(self.state.settings.access_key.as_deref().unwrap_or(""));
        s.push_str(", secret key hidden)");
        s
    }
}

impl Client {
    fn spawn(&self, action: &'static Action, opts: JsValue) -> Promise {
        start(Job::prepare(Some(self.state.clone()), action, &opts, None))
    }
}

/// `call()`'s action name and parameter object, checked and flattened NCP's way.
fn read_call(action: &JsValue, params: &JsValue) -> Result<(String, Vec<(String, String)>)> {
    let name = match action.dyn_ref::<JsString>() {
        Some(s) if s.length() <= 100 => String::from(s),
        _ => String::new(),
    };
    actions::check_action_name(&name)?;
    let params = if params.is_undefined() || params.is_null() {
        Vec::new()
    } else {
        let value = js_to_json(params, &mut convert::Budget::params()).ok_or_else(|| {
            Error::option(
                "params",
                "params must be a plain object of strings, whole numbers, booleans and arrays, at most 256 KiB",
            )
        })?;
        encode::flatten(&value)?
    };
    if params.iter().any(|(k, _)| k == "responseFormatType") {
        return Err(Error::option("params", "set responseFormatType as an option, not in params"));
    }
    Ok((name, params))
}

/// One call, read and checked: everything it needs is owned Rust data (plus
/// the caller's `fetch` and `signal`), so sending can happen later.
struct Job {
    action: &'static Action,
    plan: Plan,
    all_pages: bool,
    transport: FetchTransport,
}

impl Job {
    /// The one code path behind every function and Client method, up to sending.
    fn prepare(
        client: Option<Rc<ClientState>>,
        action: &'static Action,
        opts: &JsValue,
        call: Option<(&JsValue, &JsValue)>,
    ) -> Result<Job> {
        let call = call.map(|(name, params)| read_call(name, params)).transpose()?;
        let mut o = read_options(opts, action.function, client.is_some())?;
        let (settings, fetch) = match &client {
            Some(c) => {
                let own = options::parse(&o.entries, Scope::ClientCall(action))?;
                (c.settings.overlay(own), o.fetch.take().or_else(|| c.fetch.clone()))
            }
            None => (options::parse(&o.entries, Scope::Standalone(action))?, o.fetch.take()),
        };
        let all_pages = settings.all_pages.unwrap_or(false);
        let ncp = call.as_ref().map_or(action.ncp, |(name, _)| name.as_str()).to_string();
        let mut plan = Plan::new(action, &ncp, settings)?;
        if let Some((_, params)) = call {
            if plan.region_code.is_some() && params.iter().any(|(k, _)| k == "regionCode") {
                return Err(Error::option(
                    "regionCode",
                    "regionCode is given both as an option and in params; keep one",
                ));
            }
            plan.params = params;
        }
        let transport = FetchTransport { fetch, signal: o.signal.take() };
        if transport.user_aborted() {
            return Err(transport::aborted());
        }
        Ok(Job { action, plan, all_pages, transport })
    }

    /// Sends, and shapes the answer into the action's result.
    async fn run(self) -> Result<JsValue> {
        let Job { action, plan, all_pages, transport } = self;
        let result = if action.list_field.is_some() {
            list(&transport, action, plan, all_pages).await?
        } else {
            let reply = engine::execute(&transport, &plan).await?;
            if std::ptr::eq(action, &EXPORT) {
                actions::export_result(&reply.body, reply.status)
            } else {
                Value::Obj(reply.body)
            }
        };
        to_value(&result)
    }
}

/// One page, or with `allPages` every page from `pageNo` on.
async fn list(t: &FetchTransport, action: &'static Action, mut plan: Plan, all_pages: bool) -> Result<Value> {
    if !all_pages {
        let reply = engine::execute(t, &plan).await?;
        let (rid, total, items) = actions::list_page(action, &reply.body)?;
        return Ok(actions::list_result(action, rid, total, items));
    }
    let first = take_param(&mut plan.params, "pageNo").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let size = take_param(&mut plan.params, "pageSize").unwrap_or_else(|| "100".to_string());
    let (mut first_id, mut total, mut items) = (None, 0, Vec::new());
    // Bounded: NCP's pageSize is at most 1000, so this covers ten million rows.
    for page in first..first.saturating_add(10_000) {
        let mut p = plan.clone();
        p.params.push(("pageNo".to_string(), integer_text(page as f64).unwrap_or_default()));
        p.params.push(("pageSize".to_string(), size.clone()));
        let reply = engine::execute(t, &p).await?;
        let (rid, rows, mut got) = actions::list_page(action, &reply.body)?;
        first_id.get_or_insert(rid);
        total = rows;
        let n = got.len();
        items.append(&mut got);
        if n == 0 || items.len() as u64 >= total {
            break;
        }
    }
    if (items.len() as u64) < total {
        // A page came back empty before totalRows was reached: report what NCP gave.
        total = items.len() as u64;
    }
    Ok(actions::list_result(action, first_id.unwrap_or_default(), total, items))
}

fn take_param(params: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let i = params.iter().position(|(k, _)| k == name)?;
    Some(params.remove(i).1)
}
