//! The npm package's surface: every `#[wasm_bindgen]` export. Each reads
//! its JS arguments into checked settings (src/js/read.rs, then
//! `crate::options::parse`), runs `crate::run` over the runtime's `fetch`,
//! and gives the result as a plain object, or an `NcloudError`.

use super::parse::to_js;
use super::read;
use super::transport::Fetch;
use crate::actions::{self, Function};
use crate::client::Client;
use crate::encode;
use crate::error::{Error, ErrorKind, Result};
use crate::options::{self, Settings};
use crate::run;
use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(raw_module = "../error.js")]
extern "C" {
    /// The `NcloudError` for what the module reports.
    #[wasm_bindgen(js_name = fromModule)]
    fn from_module(kind: &str, message: &str, details: &JsValue, cause: &JsValue) -> JsValue;
}

/// An `NcloudError`'s fields besides its kind and message.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Details<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    attempts: u32,
    retryable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    option: Option<&'a str>,
}

/// The one conversion of an [`Error`] to the JS `NcloudError`.
fn ncloud_error(e: &Error) -> JsValue {
    let details = Details {
        status: e.status(),
        code: e.code(),
        request_id: e.request_id(),
        attempts: e.attempts(),
        retryable: e.retryable(),
        option: e.option(),
    };
    let details = to_js(&details).unwrap_or(JsValue::UNDEFINED);
    from_module(e.kind().as_str(), e.message(), &details, e.cause().unwrap_or(&JsValue::UNDEFINED))
}

fn result<T: Serialize>(v: &T) -> Result<JsValue> {
    to_js(v).map_err(|_| Error::new(ErrorKind::BadResponse, "the result could not be made a JS object"))
}

/// Nothing to set up; wasm-bindgen's instance reset (pkg/guard.js) calls the
/// start function whether or not the module has one.
#[wasm_bindgen(start)]
fn start_module() {}

/// What a call does once its settings are checked.
enum Op {
    Export,
    ExportLatest,
    /// The function's list (its `list` field names it).
    List,
    Call(String, Vec<(String, String)>),
    Find,
    Wait,
}

/// [`run_op`], its error with the secret hidden ([`Settings::hiding_secret`]).
async fn perform(function: &'static Function, op: Op, t: Fetch, s: Settings) -> Result<JsValue> {
    s.hiding_secret(run_op(function, op, &t, &s).await)
}

async fn run_op(function: &'static Function, op: Op, t: &Fetch, s: &Settings) -> Result<JsValue> {
    match op {
        Op::Export => result(&run::export_backup(t, s).await?),
        Op::ExportLatest => result(&run::export_latest_backup(t, s).await?),
        Op::List => {
            let (_, name) = function.list.unwrap_or_default();
            result(&run::list(t, function, s).await?.to_value(name))
        }
        Op::Call(action, params) => result(&crate::value::Value::Obj(run::call(t, s, &action, params).await?)),
        Op::Find => result(&run::find_exported_object(t, s).await?),
        Op::Wait => result(&run::wait_for_export(t, s).await?),
    }
}

/// Reads and checks the options now (so a bad one rejects before anything
/// is sent, and changing the object later changes nothing), then runs the
/// call. Always a promise: a refusal is a rejected one.
fn start(function: &'static Function, opts: &JsValue, client: Option<&Client>, op: Result<Op>) -> Promise {
    let prepared = op.and_then(|op| {
        let entries = read::options(opts, function, client.is_some())?;
        let s = options::parse(entries, function, client.map(Client::settings))?;
        Ok((op, Fetch::new(&s)?, s))
    });
    match prepared {
        Err(e) => Promise::reject(&ncloud_error(&e)),
        Ok((op, t, s)) => {
            future_to_promise(async move { perform(function, op, t, s).await.map_err(|e| ncloud_error(&e)) })
        }
    }
}

/// `call()`'s action name and parameters, checked and flattened NCP's way.
fn call_op(action: &JsValue, params: &JsValue) -> Result<Op> {
    let name = action.as_string().filter(|a| a.len() <= 100).unwrap_or_default();
    actions::check_action_name(&name)?;
    Ok(Op::Call(name, encode::flatten(&read::params(params)?)?))
}

fn sign(input: &JsValue, client: Option<&Client>) -> std::result::Result<JsValue, JsValue> {
    let signed = read::options(input, &actions::SIGN_REQUEST, client.is_some())
        .and_then(|entries| options::parse(entries, &actions::SIGN_REQUEST, client.map(Client::settings)))
        .and_then(|s| result(&super::parse::sign_request(&s)?));
    signed.map_err(|e| ncloud_error(&e))
}

/// Sends a backup file of a Cloud DB for PostgreSQL instance to an Object Storage bucket.
#[wasm_bindgen(js_name = exportBackup)]
pub fn export_backup(opts: JsValue) -> Promise {
    start(&actions::EXPORT_BACKUP, &opts, None, Ok(Op::Export))
}

/// Exports the instance's newest backup file, by `endTime`.
#[wasm_bindgen(js_name = exportLatestBackup)]
pub fn export_latest_backup(opts: JsValue) -> Promise {
    start(&actions::EXPORT_LATEST_BACKUP, &opts, None, Ok(Op::ExportLatest))
}

/// Lists the Cloud DB for PostgreSQL instances.
#[wasm_bindgen(js_name = listInstances)]
pub fn list_instances(opts: JsValue) -> Promise {
    start(&actions::LIST_INSTANCES, &opts, None, Ok(Op::List))
}

/// Lists the instances' backups.
#[wasm_bindgen(js_name = listBackups)]
pub fn list_backups(opts: JsValue) -> Promise {
    start(&actions::LIST_BACKUPS, &opts, None, Ok(Op::List))
}

/// Lists one instance's backup files.
#[wasm_bindgen(js_name = listBackupFiles)]
pub fn list_backup_files(opts: JsValue) -> Promise {
    start(&actions::LIST_BACKUP_FILES, &opts, None, Ok(Op::List))
}

/// Lists the Object Storage buckets the service can write to.
#[wasm_bindgen(js_name = listBuckets)]
pub fn list_buckets(opts: JsValue) -> Promise {
    start(&actions::LIST_BUCKETS, &opts, None, Ok(Op::List))
}

/// Calls any vpostgresql/v2 action; resolves to the unwrapped response object.
#[wasm_bindgen]
pub fn call(action: JsValue, params: JsValue, opts: JsValue) -> Promise {
    start(&actions::CALL, &opts, None, call_op(&action, &params))
}

/// The bucket's object for a backup file, or `null`.
#[wasm_bindgen(js_name = findExportedObject)]
pub fn find_exported_object(opts: JsValue) -> Promise {
    start(&actions::FIND_EXPORTED_OBJECT, &opts, None, Ok(Op::Find))
}

/// Waits until the bucket holds the backup file.
#[wasm_bindgen(js_name = waitForExport)]
pub fn wait_for_export(opts: JsValue) -> Promise {
    start(&actions::WAIT_FOR_EXPORT, &opts, None, Ok(Op::Wait))
}

/// Signs a request to any NCP API Gateway URL: `{ headers, timestamp }`.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(input: JsValue) -> std::result::Result<JsValue, JsValue> {
    sign(&input, None)
}

/// Credentials and settings once; the same functions without repeating
/// them. The secret is kept only as prepared HMAC keys.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    client: Client,
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> std::result::Result<JsClient, JsValue> {
        read::options(&config, &actions::NEW_CLIENT, false)
            .and_then(|entries| options::parse(entries, &actions::NEW_CLIENT, None))
            .map(|settings| JsClient { client: Client::from_settings(settings) })
            .map_err(|e| ncloud_error(&e))
    }

    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, opts: JsValue) -> Promise {
        start(&actions::EXPORT_BACKUP, &opts, Some(&self.client), Ok(Op::Export))
    }

    #[wasm_bindgen(js_name = exportLatestBackup)]
    pub fn export_latest_backup(&self, opts: JsValue) -> Promise {
        start(&actions::EXPORT_LATEST_BACKUP, &opts, Some(&self.client), Ok(Op::ExportLatest))
    }

    #[wasm_bindgen(js_name = listInstances)]
    pub fn list_instances(&self, opts: JsValue) -> Promise {
        start(&actions::LIST_INSTANCES, &opts, Some(&self.client), Ok(Op::List))
    }

    #[wasm_bindgen(js_name = listBackups)]
    pub fn list_backups(&self, opts: JsValue) -> Promise {
        start(&actions::LIST_BACKUPS, &opts, Some(&self.client), Ok(Op::List))
    }

    #[wasm_bindgen(js_name = listBackupFiles)]
    pub fn list_backup_files(&self, opts: JsValue) -> Promise {
        start(&actions::LIST_BACKUP_FILES, &opts, Some(&self.client), Ok(Op::List))
    }

    #[wasm_bindgen(js_name = listBuckets)]
    pub fn list_buckets(&self, opts: JsValue) -> Promise {
        start(&actions::LIST_BUCKETS, &opts, Some(&self.client), Ok(Op::List))
    }

    pub fn call(&self, action: JsValue, params: JsValue, opts: JsValue) -> Promise {
        start(&actions::CALL, &opts, Some(&self.client), call_op(&action, &params))
    }

    #[wasm_bindgen(js_name = findExportedObject)]
    pub fn find_exported_object(&self, opts: JsValue) -> Promise {
        start(&actions::FIND_EXPORTED_OBJECT, &opts, Some(&self.client), Ok(Op::Find))
    }

    #[wasm_bindgen(js_name = waitForExport)]
    pub fn wait_for_export(&self, opts: JsValue) -> Promise {
        start(&actions::WAIT_FOR_EXPORT, &opts, Some(&self.client), Ok(Op::Wait))
    }

    /// `signRequest` with the Client's key pair and, unless the input gives its own, its `clockOffsetMs`.
    #[wasm_bindgen(js_name = signRequest)]
    pub fn sign_request(&self, input: JsValue) -> std::result::Result<JsValue, JsValue> {
        sign(&input, Some(&self.client))
    }

    /// What `JSON.stringify(client)` shows: never the secret.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        let endpoint = self.client.settings().api_endpoint();
        let shown = Shown {
            access_key: self.client.access_key(),
            endpoint: endpoint.origin + &endpoint.prefix,
            secret_key: "<hidden>",
        };
        to_js(&shown).unwrap_or(JsValue::NULL)
    }

    /// What `String(client)` shows: never the secret.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_text(&self) -> String {
        format!("ncloud-pg-backup Client (accessKey {}, secret key hidden)", self.client.access_key())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    access_key: &'a str,
    endpoint: String,
    secret_key: &'a str,
}
