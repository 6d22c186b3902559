//! Options in, checked settings out.
//!
//! The statics below are the one table of option names, types and limits;
//! each function in [`crate::actions`] lists the ones it takes. A JS options
//! object (read by `crate::js`) or the Rust API's builders become `(name,
//! Opt)` pairs, and [`parse`] checks every one before anything is sent:
//! types, ranges, unknown names (with a "did you mean"), control characters
//! (no header or parameter injection), `endpoint` and `site`. Messages name
//! the option and what to pass; they never echo a value, so a secret pasted
//! into the wrong field cannot leak through an error.

use crate::actions::Function;
use crate::error::{Error, Result};
use crate::request::{is_dot_segment, MAX_URL_LEN};
use crate::sign::Keys;
use crate::suggest;
use std::rc::Rc;
use zeroize::{Zeroize, Zeroizing};

/// A JS function or `AbortSignal` the module holds for the caller. Natively
/// (the unit tests) there are none, and a unit value stands in.
#[cfg(target_arch = "wasm32")]
pub type Host = wasm_bindgen::JsValue;
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Host;

/// One option value as it arrived. Strings are wiped when it is dropped: one
/// of them may be the secret key.
#[derive(Debug)]
pub enum Opt {
    Str(String),
    Num(f64),
    Bool(bool),
    Func(Host),
    Signal(Host),
    /// Any other value, by what it is (`"an object"`, `"an array"`, …).
    Other(&'static str),
}

impl Drop for Opt {
    fn drop(&mut self) {
        if let Opt::Str(s) = self {
            s.zeroize();
        }
    }
}

impl Opt {
    fn type_name(&self) -> &'static str {
        match self {
            Opt::Str(_) => "a string",
            Opt::Num(_) => "a number",
            Opt::Bool(_) => "a boolean",
            Opt::Func(_) => "a function",
            Opt::Signal(_) => "an AbortSignal",
            Opt::Other(t) => t,
        }
    }
}

/// How an option's value is checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    /// A non-blank string of at most [`MAX_VALUE_LEN`] characters, without control characters.
    Text,
    /// [`Ty::Text`], printable ASCII (no spaces).
    AccessKey,
    /// [`Ty::Text`], kept only as prepared HMAC keys.
    SecretKey,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An upper-case HTTP method (`signRequest`'s `method`).
    HttpMethod,
    /// A whole number in this range (for NCP's parameters, a digit string too).
    Int {
        min: f64,
        max: f64,
    },
    Bool,
    Function,
    Signal,
    /// An http(s) URL: scheme, host, optional port and path prefix, nothing more.
    Url,
    /// [`Ty::Text`] of up to [`MAX_URL_LEN`] characters: a whole request URL.
    RequestUrl,
}

/// One option: its name, how it is checked, and what a caller should pass.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    pub ty: Ty,
    /// An NCP request parameter (sent as is), rather than a setting of the package.
    pub param: bool,
    /// Where the value comes from, for the messages of a missing or empty one.
    pub hint: &'static str,
}

const fn setting(name: &'static str, ty: Ty, hint: &'static str) -> Spec {
    Spec { name, ty, param: false, hint }
}

const fn param(name: &'static str, ty: Ty, hint: &'static str) -> Spec {
    Spec { name, ty, param: true, hint }
}

const I32_MAX: f64 = 2_147_483_647.0;
const ANY: &str = "a non-empty value";

pub static ACCESS_KEY: Spec =
    setting("accessKey", Ty::AccessKey, "the access key from the NCP console (My Account > Manage API keys)");
pub static SECRET_KEY: Spec = setting("secretKey", Ty::SecretKey, "the secret key paired with the access key");
pub static REGION_CODE: Spec =
    setting("regionCode", Ty::Text, "a region code such as \"KR\", or omit it for NCP's default region");
pub static RESPONSE_FORMAT_TYPE: Spec = setting("responseFormatType", Ty::OneOf(&["json", "xml"]), ANY);
pub static METHOD: Spec = setting("method", Ty::OneOf(&["GET", "POST"]), ANY);
pub static SITE: Spec = setting("site", Ty::OneOf(&["public", "gov", "fin"]), ANY);
pub static ENDPOINT: Spec = setting("endpoint", Ty::Url, ANY);
pub static TIMEOUT_MS: Spec = setting("timeoutMs", Ty::Int { min: 1.0, max: I32_MAX }, ANY);
pub static MAX_RETRIES: Spec = setting("maxRetries", Ty::Int { min: 0.0, max: 10.0 }, ANY);
pub static CLOCK_OFFSET_MS: Spec =
    setting("clockOffsetMs", Ty::Int { min: -86_400_000_000.0, max: 86_400_000_000.0 }, ANY);
pub static FETCH: Spec = setting("fetch", Ty::Function, ANY);
pub static RETRY_UNSAFE: Spec = setting("retryUnsafe", Ty::Bool, ANY);
pub static STORAGE_ENDPOINT: Spec = setting("storageEndpoint", Ty::Url, ANY);
pub static STORAGE_REGION: Spec = setting("storageRegion", Ty::Text, "a region name such as \"kr-standard\"");
pub static SIGNAL: Spec = setting("signal", Ty::Signal, ANY);
pub static TIMESTAMP: Spec = setting("timestamp", Ty::Int { min: 0.0, max: 9_007_199_254_740_991.0 }, ANY);
pub static ALL_PAGES: Spec = setting("allPages", Ty::Bool, ANY);
pub static SKIP_EXISTING: Spec = setting("skipExisting", Ty::Bool, ANY);
pub static INTERVAL_MS: Spec = setting("intervalMs", Ty::Int { min: 1.0, max: I32_MAX }, ANY);
pub static ON_PROGRESS: Spec = setting("onProgress", Ty::Function, ANY);
pub static SIGN_METHOD: Spec = setting("method", Ty::HttpMethod, "the HTTP method, such as \"GET\"");
pub static URL: Spec = setting(
    "url",
    Ty::RequestUrl,
    "the full request URL, such as \"https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList\"",
);

pub static INSTANCE_NO: Spec = param("cloudPostgresqlInstanceNo", Ty::Text, "the instance number from listInstances()");
pub static FILE_NAME: Spec = param("fileName", Ty::Text, "the backup file name from listBackupFiles()");
pub static BUCKET_NAME: Spec = param("bucketName", Ty::Text, "the Object Storage bucket name from listBuckets()");
pub static ZONE_CODE: Spec = param("zoneCode", Ty::Text, ANY);
pub static VPC_NO: Spec = param("vpcNo", Ty::Text, ANY);
pub static SUBNET_NO: Spec = param("subnetNo", Ty::Text, ANY);
pub static SERVICE_NAME: Spec = param("cloudPostgresqlServiceName", Ty::Text, ANY);
pub static SERVER_NAME: Spec = param("cloudPostgresqlServerName", Ty::Text, ANY);
pub static SERVER_INSTANCE_NO: Spec = param("cloudPostgresqlServerInstanceNo", Ty::Text, ANY);
pub static PAGE_NO: Spec = param("pageNo", Ty::Int { min: 0.0, max: I32_MAX }, ANY);
pub static PAGE_SIZE: Spec = param("pageSize", Ty::Int { min: 1.0, max: 1000.0 }, ANY);

/// The key pair: a function's options or a Client's, never a Client's call.
pub const CREDENTIALS: &[&Spec] = &[&ACCESS_KEY, &SECRET_KEY];
/// Where and how the Cloud DB for PostgreSQL API is called.
pub const TRANSPORT: &[&Spec] = &[
    &REGION_CODE,
    &RESPONSE_FORMAT_TYPE,
    &METHOD,
    &SITE,
    &ENDPOINT,
    &TIMEOUT_MS,
    &MAX_RETRIES,
    &CLOCK_OFFSET_MS,
    &FETCH,
    &RETRY_UNSAFE,
];
/// Where Object Storage is.
pub const STORAGE: &[&Spec] = &[&STORAGE_ENDPOINT, &STORAGE_REGION];
/// What belongs to one call only.
pub const PER_CALL: &[&Spec] = &[&SIGNAL, &TIMESTAMP];
/// The list functions' paging.
pub const PAGING: &[&Spec] = &[&PAGE_NO, &PAGE_SIZE, &ALL_PAGES];

/// The longest option string accepted, in characters (UTF-16 units). NCP
/// values are short; the bound keeps a runaway value from exhausting memory.
pub const MAX_VALUE_LEN: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }
}

/// An NCP site: where its API Gateway and Object Storage are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Site {
    #[default]
    Public,
    Gov,
    Fin,
}

impl Site {
    fn parse(name: &str) -> Option<Site> {
        match name {
            "public" => Some(Site::Public),
            "gov" => Some(Site::Gov),
            "fin" => Some(Site::Fin),
            _ => None,
        }
    }

    /// The API Gateway's base URL.
    pub fn api(self) -> Endpoint {
        Endpoint::origin(match self {
            Site::Public => "https://ncloud.apigw.ntruss.com",
            Site::Gov => "https://ncloud.apigw.gov-ntruss.com",
            Site::Fin => "https://fin-ncloud.apigw.fin-ntruss.com",
        })
    }

    /// Object Storage's region name (NCP's Object Storage overview of each site).
    pub fn storage_region(self) -> &'static str {
        match self {
            Site::Public => "kr-standard",
            Site::Gov => "gov-standard",
            Site::Fin => "fin-standard",
        }
    }

    /// Object Storage's endpoint (as NCP's Terraform provider has them).
    pub fn storage(self) -> Endpoint {
        Endpoint::origin(match self {
            Site::Public => "https://kr.object.ncloudstorage.com",
            Site::Gov => "https://kr.object.gov-ncloudstorage.com",
            Site::Fin => "https://kr.object.fin-ncloudstorage.com",
        })
    }
}

/// Where requests go: `origin` is `scheme://host[:port]`, `prefix` a path
/// prefix without a trailing slash (often empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub origin: String,
    pub prefix: String,
}

impl Endpoint {
    fn origin(origin: &str) -> Endpoint {
        Endpoint { origin: origin.to_string(), prefix: String::new() }
    }

    /// The host and port, as sent in the `Host` header.
    pub fn authority(&self) -> &str {
        self.origin.split_once("://").map_or(&self.origin, |(_, a)| a)
    }

    /// Parses `scheme://host[:port][/prefix]`. Refuses what a runtime's URL
    /// parser would rewrite (dot segments, characters it would escape), since
    /// the signed target must be the target sent.
    pub fn parse(url: &str) -> Option<Endpoint> {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        let (scheme, rest) = if lower.starts_with("https://") {
            ("https://", url.get(8..)?)
        } else if lower.starts_with("http://") {
            ("http://", url.get(7..)?)
        } else {
            return None;
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = split_port(authority)?;
        let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        } else {
            !host.is_empty()
                && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                && !host.starts_with(['.', '-'])
        };
        let path = path.trim_end_matches('/');
        let path_ok = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b))
            && !path.as_bytes().split(|&b| b == b'/').any(is_dot_segment)
            && !path.contains("//");
        if !host_ok || !path_ok {
            return None;
        }
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        Some(Endpoint { origin: format!("{scheme}{}{port}", host.to_ascii_lowercase()), prefix: path.to_string() })
    }
}

/// Splits `host:port`, checking the port is 1..=65535. IPv6 hosts keep their brackets.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let colon = if authority.starts_with('[') {
        let close = authority.find(']')?;
        match authority.get(close + 1..)? {
            "" => None,
            rest if rest.starts_with(':') => Some(close + 1),
            _ => return None,
        }
    } else {
        authority.rfind(':')
    };
    let Some(i) = colon else { return Some((authority, None)) };
    let port = authority.get(i + 1..)?;
    let n: u32 = if (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit()) {
        port.parse().ok()?
    } else {
        return None;
    };
    (1..=65535).contains(&n).then_some((authority.get(..i)?, Some(port)))
}

/// Where the Cloud DB for PostgreSQL API is: a site, or an endpoint of the caller's.
#[derive(Clone, Debug, PartialEq)]
pub enum Base {
    Site(Site),
    Endpoint(Endpoint),
}

/// Settings read from one options object, every field optional: a Client's
/// settings under a call's ([`Settings::over`]), then each function applies
/// its defaults.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub keys: Option<Rc<Keys>>,
    pub region_code: Option<String>,
    pub format: Option<Format>,
    pub method: Option<Method>,
    pub base: Option<Base>,
    pub timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
    pub clock_offset_ms: Option<i64>,
    pub retry_unsafe: Option<bool>,
    pub fetch: Option<Host>,
    pub storage_endpoint: Option<Endpoint>,
    pub storage_region: Option<String>,
    pub signal: Option<Host>,
    pub timestamp: Option<u64>,
    pub all_pages: Option<bool>,
    pub skip_existing: Option<bool>,
    pub interval_ms: Option<u32>,
    pub on_progress: Option<Host>,
    /// `signRequest`'s method (any HTTP method) and URL.
    pub http_method: Option<String>,
    pub url: Option<String>,
    /// NCP's request parameters (`fileName`, `pageNo`, …), in the function's order.
    pub params: Vec<(&'static str, String)>,
}

impl Settings {
    /// These settings, with what they leave unset taken from `base` (a
    /// Client's). A call's `site` or `endpoint` replaces the Client's.
    pub fn over(self, base: &Settings) -> Settings {
        let b = base.clone();
        Settings {
            keys: self.keys.or(b.keys),
            region_code: self.region_code.or(b.region_code),
            format: self.format.or(b.format),
            method: self.method.or(b.method),
            base: self.base.or(b.base),
            timeout_ms: self.timeout_ms.or(b.timeout_ms),
            max_retries: self.max_retries.or(b.max_retries),
            clock_offset_ms: self.clock_offset_ms.or(b.clock_offset_ms),
            retry_unsafe: self.retry_unsafe.or(b.retry_unsafe),
            fetch: self.fetch.or(b.fetch),
            storage_endpoint: self.storage_endpoint.or(b.storage_endpoint),
            storage_region: self.storage_region.or(b.storage_region),
            signal: self.signal.or(b.signal),
            timestamp: self.timestamp.or(b.timestamp),
            all_pages: self.all_pages.or(b.all_pages),
            skip_existing: self.skip_existing.or(b.skip_existing),
            interval_ms: self.interval_ms.or(b.interval_ms),
            on_progress: self.on_progress.or(b.on_progress),
            http_method: self.http_method.or(b.http_method),
            url: self.url.or(b.url),
            params: if self.params.is_empty() { b.params } else { self.params },
        }
    }

    /// `done`, its error with the secret key hidden wherever it repeats it:
    /// an answer's text, a `fetch` error, or one of the call's own values (a
    /// secret given as `fileName` by mistake). For what a call returns.
    pub fn hiding_secret<T>(&self, done: Result<T>) -> Result<T> {
        match &self.keys {
            Some(keys) => done.map_err(|e| e.hiding_secret(keys)),
            None => done,
        }
    }

    /// An NCP parameter's value, if given.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The key pair, or the error that says which half is missing.
    pub fn keys(&self) -> Result<&Rc<Keys>> {
        self.keys.as_ref().ok_or_else(|| missing(&ACCESS_KEY))
    }

    /// The API Gateway's base URL.
    pub fn api_endpoint(&self) -> Endpoint {
        match &self.base {
            Some(Base::Endpoint(e)) => e.clone(),
            Some(Base::Site(site)) => site.api(),
            None => Site::Public.api(),
        }
    }

    /// The site given, else the public one (also with an endpoint of the caller's).
    pub fn site(&self) -> Site {
        match self.base {
            Some(Base::Site(site)) => site,
            _ => Site::Public,
        }
    }

    /// Object Storage's endpoint: `storageEndpoint`, else the site's.
    pub fn storage(&self) -> Endpoint {
        self.storage_endpoint.clone().unwrap_or_else(|| self.site().storage())
    }
}

/// Checks one options object for `function`, whose entries are the object's
/// own keys in order (those holding `undefined` or `null` left out). On a
/// Client (`client`: its settings), the credentials come from the Client and
/// may not be given again.
pub fn parse(mut entries: Vec<(String, Opt)>, function: &Function, client: Option<&Settings>) -> Result<Settings> {
    let mut s = Settings::default();
    let mut access_key = None;
    let mut secret_key: Option<Zeroizing<String>> = None;
    let mut site_given = false;
    let mut endpoint_given = false;
    let mut params = Vec::new();
    for i in 0..entries.len() {
        let spec = match entries.get(i).map(|(name, _)| (name.as_str(), function.find(name, client.is_none()))) {
            Some((_, Some(spec))) => spec,
            Some((name, None)) => {
                let secret = secret_key.as_deref().map(String::as_str);
                return Err(unknown(name, function, client.is_some(), &entries, secret));
            }
            None => break,
        };
        let Some((_, value)) = entries.get_mut(i) else { break };
        match (spec.name, check(spec, value)?) {
            (name, Checked::Text(t)) if spec.param => params.push((name, t)),
            ("secretKey", Checked::Text(t)) => secret_key = Some(Zeroizing::new(t)),
            ("accessKey", Checked::Text(t)) => access_key = Some(t),
            ("regionCode", Checked::Text(t)) => s.region_code = Some(t),
            ("responseFormatType", Checked::Text(t)) => {
                s.format = Some(if t == "xml" { Format::Xml } else { Format::Json })
            }
            ("method", Checked::Text(t)) if spec.ty == Ty::HttpMethod => s.http_method = Some(t),
            ("method", Checked::Text(t)) => s.method = Some(if t == "POST" { Method::Post } else { Method::Get }),
            ("site", Checked::Text(t)) => {
                site_given = true;
                s.base = Site::parse(&t).map(Base::Site);
            }
            ("endpoint", Checked::Url(e)) => {
                endpoint_given = true;
                s.base = Some(Base::Endpoint(e));
            }
            ("storageEndpoint", Checked::Url(e)) => s.storage_endpoint = Some(e),
            ("storageRegion", Checked::Text(t)) => s.storage_region = Some(t),
            ("url", Checked::Text(t)) => s.url = Some(t),
            ("timeoutMs", Checked::Int(n)) => s.timeout_ms = Some(n as u32),
            ("maxRetries", Checked::Int(n)) => s.max_retries = Some(n as u32),
            ("clockOffsetMs", Checked::Int(n)) => s.clock_offset_ms = Some(n as i64),
            ("timestamp", Checked::Int(n)) => s.timestamp = Some(n as u64),
            ("intervalMs", Checked::Int(n)) => s.interval_ms = Some(n as u32),
            ("retryUnsafe", Checked::Bool(b)) => s.retry_unsafe = Some(b),
            ("allPages", Checked::Bool(b)) => s.all_pages = Some(b),
            ("skipExisting", Checked::Bool(b)) => s.skip_existing = Some(b),
            ("fetch", Checked::Host(f)) => s.fetch = Some(f),
            ("signal", Checked::Host(h)) => s.signal = Some(h),
            ("onProgress", Checked::Host(f)) => s.on_progress = Some(f),
            _ => {} // no option has another name and type (a test checks the table)
        }
    }
    if site_given && endpoint_given {
        return Err(Error::invalid("site", "pass either site or endpoint, not both (endpoint already names the host)"));
    }
    // The function's declared order, whatever order the caller used.
    for spec in function.specs() {
        if let Some(i) = params.iter().position(|(n, _)| *n == spec.name) {
            s.params.push(params.remove(i));
        }
    }
    s.keys = match (access_key, secret_key) {
        (Some(access), Some(secret)) => Some(Rc::new(Keys::new(access, &secret, function.uses()))),
        (None, None) => None,
        (None, Some(_)) => return Err(missing(&ACCESS_KEY)),
        (Some(_), None) => return Err(missing(&SECRET_KEY)),
    };
    let s = match client {
        Some(c) => s.over(c),
        None => s,
    };
    if client.is_none() {
        s.keys()?; // every function signs
    }
    if let Some(spec) = function.required.iter().find(|spec| !given(&s, spec)) {
        return Err(missing(spec));
    }
    Ok(s)
}

/// A value checked against its option's type.
enum Checked {
    Text(String),
    Int(f64),
    Bool(bool),
    Host(Host),
    Url(Endpoint),
}

fn check(spec: &Spec, value: &mut Opt) -> Result<Checked> {
    Ok(match spec.ty {
        Ty::Text | Ty::SecretKey | Ty::RequestUrl => Checked::Text(text(spec, value)?),
        Ty::AccessKey => Checked::Text(access_key_text(spec, value)?),
        Ty::OneOf(_) => Checked::Text(one_of(spec, value)?.to_string()),
        Ty::HttpMethod => {
            let m = text(spec, value)?;
            check_http_method(&m)?;
            Checked::Text(m)
        }
        Ty::Int { .. } if spec.param => Checked::Text(param_text(spec, value)?),
        Ty::Int { .. } => Checked::Int(integer(spec, value)?),
        Ty::Bool => Checked::Bool(boolean(spec, value)?),
        Ty::Function => Checked::Host(function_value(spec, value)?),
        Ty::Signal => Checked::Host(signal(spec, value)?),
        Ty::Url => Checked::Url(url(spec, value)?),
    })
}

/// Whether a required option was given: an NCP parameter, or `signRequest`'s method and url.
fn given(s: &Settings, spec: &Spec) -> bool {
    match spec.name {
        _ if spec.param => s.param(spec.name).is_some(),
        "method" => s.http_method.is_some(),
        "url" => s.url.is_some(),
        _ => true,
    }
}

/// `invalid_options` for a required option that is missing, saying what to pass.
pub fn missing(spec: &Spec) -> Error {
    Error::invalid(spec.name, format!("{} is required: pass {}", spec.name, spec.hint))
}

fn access_key_text(spec: &Spec, value: &mut Opt) -> Result<String> {
    let v = text(spec, value)?;
    if v.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(v)
    } else {
        Err(Error::invalid(spec.name, "accessKey must be the ASCII access key from the NCP console (no spaces)"))
    }
}

/// `signRequest`'s `method`: an upper-case HTTP method.
fn check_http_method(method: &str) -> Result<()> {
    if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(&method) {
        Ok(())
    } else {
        Err(Error::invalid("method", "method must be an upper-case HTTP method such as \"GET\" or \"POST\""))
    }
}

/// A string value checked by [`check_text`], taken out of the entry.
fn text(spec: &Spec, value: &mut Opt) -> Result<String> {
    check_string(spec, value)?;
    match value {
        Opt::Str(s) => Ok(std::mem::take(s)),
        _ => Err(wrong_type(spec, "a string", value)),
    }
}

fn check_string(spec: &Spec, value: &Opt) -> Result<()> {
    match value {
        Opt::Str(s) => check_text(spec, s),
        other => Err(wrong_type(spec, "a string", other)),
    }
}

fn one_of<'a>(spec: &Spec, value: &'a Opt) -> Result<&'a str> {
    let Ty::OneOf(choices) = spec.ty else { return Err(wrong_type(spec, "a string", value)) };
    let described = || {
        let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
        Error::invalid(spec.name, format!("{} must be {}", spec.name, join_or(&quoted)))
    };
    match value {
        Opt::Str(s) => choices.iter().find(|c| **c == s.as_str()).copied().ok_or_else(described),
        other => Err(wrong_type(spec, "a string", other)),
    }
}

fn url(spec: &Spec, value: &mut Opt) -> Result<Endpoint> {
    let raw = text(spec, value)?;
    let endpoint = Endpoint::parse(&raw).ok_or_else(|| {
        Error::invalid(
            spec.name,
            format!(
                "{} must be an http(s) URL with a host, an optional port and path prefix, and no query, \
                 such as \"https://ncloud.apigw.ntruss.com\" or \"http://127.0.0.1:8787\"",
                spec.name
            ),
        )
    })?;
    #[cfg(target_arch = "wasm32")]
    if !crate::js::url_parses(&endpoint.origin) {
        return Err(Error::invalid(spec.name, format!("{}'s host is not a valid host name or IP address", spec.name)));
    }
    Ok(endpoint)
}

/// An NCP parameter as sent: text, or a whole number (NCP sends numbers as
/// strings at times, so a digit string is taken too).
fn param_text(spec: &Spec, value: &mut Opt) -> Result<String> {
    let Ty::Int { min, max } = spec.ty else { return text(spec, value) };
    let n = match value {
        Opt::Str(s) if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<u64>().map_or(f64::NAN, |n| n as f64)
        }
        _ => integer(spec, value)?,
    };
    if !(min..=max).contains(&n) {
        return Err(range(spec, min, max));
    }
    Ok((n as i64).to_string())
}

fn integer(spec: &Spec, value: &Opt) -> Result<f64> {
    let Ty::Int { min, max } = spec.ty else { return Err(wrong_type(spec, "a number", value)) };
    match value {
        Opt::Num(n) if n.is_finite() && n.fract() == 0.0 => {
            if (min..=max).contains(n) {
                Ok(*n + 0.0) // -0 is 0
            } else {
                Err(range(spec, min, max))
            }
        }
        Opt::Num(_) => Err(Error::invalid(spec.name, format!("{} must be a whole number", spec.name))),
        other => Err(wrong_type(spec, "a number", other)),
    }
}

fn boolean(spec: &Spec, value: &Opt) -> Result<bool> {
    match value {
        Opt::Bool(b) => Ok(*b),
        other => Err(wrong_type(spec, "true or false", other)),
    }
}

fn function_value(spec: &Spec, value: &Opt) -> Result<Host> {
    let expected = if spec.name == "fetch" { "a function with fetch's signature" } else { "a function" };
    match value {
        Opt::Func(f) => Ok(f.clone()),
        other => Err(wrong_type(spec, expected, other)),
    }
}

fn signal(spec: &Spec, value: &Opt) -> Result<Host> {
    match value {
        Opt::Signal(s) => Ok(s.clone()),
        other => Err(wrong_type(spec, "an AbortSignal (from new AbortController().signal)", other)),
    }
}

fn range(spec: &Spec, min: f64, max: f64) -> Error {
    Error::invalid(spec.name, format!("{} must be a whole number from {} to {}", spec.name, min as i64, max as i64))
}

fn wrong_type(spec: &Spec, expected: &str, got: &Opt) -> Error {
    Error::invalid(spec.name, format!("{} must be {expected}, got {}", spec.name, got.type_name()))
}

/// The longest string an option takes, in characters (UTF-16 units).
pub fn max_len(spec: &Spec) -> usize {
    if spec.ty == Ty::RequestUrl {
        MAX_URL_LEN
    } else {
        MAX_VALUE_LEN
    }
}

/// What every string option must be: not blank, not too long, no control characters.
pub fn check_text(spec: &Spec, s: &str) -> Result<()> {
    if s.chars().all(char::is_whitespace) {
        return Err(Error::invalid(spec.name, format!("{} is empty: pass {}", spec.name, spec.hint)));
    }
    let max = max_len(spec);
    // UTF-16 units never outnumber UTF-8 bytes: only a long string needs counting.
    if s.len() > max && s.encode_utf16().count() > max {
        return Err(Error::invalid(
            spec.name,
            format!("{} is too long (over {max} characters): pass {}", spec.name, spec.hint),
        ));
    }
    if has_control(s) {
        return Err(Error::invalid(
            spec.name,
            format!(
                "{} contains a control character (such as a newline or tab); remove it: values are sent in \
                 headers and the query",
                spec.name
            ),
        ));
    }
    Ok(())
}

/// Whether `s` holds a control character (Unicode Cc). ASCII text, the usual
/// case, is scanned by bytes (decoding every character was a tenth of a signature).
pub fn has_control(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_control()) || (!s.is_ascii() && s.chars().any(char::is_control))
}

/// Unknown names longer than this many bytes (the longest known one is 31)
/// are not echoed: such a "name" is more likely a value put where a name
/// goes, and could be a secret (NCP's secret keys are 40 characters). Up to
/// here, so that NCP's own longer names (`cloudPostgresqlServerInstanceNoList`,
/// 35, a filter that only `call()` takes) are shown when given to a function.
const MAX_SHOWN_NAME: usize = 36;
pub const TOO_LONG_TO_SHOW: &str = "(a name too long to show)";
const SECRET_AS_NAME: &str = "(the secret key)";

/// `invalid_options` for a name `function` does not take, with the nearest
/// known ones. A name that is the same object's `secretKey` (`secret`, when
/// it was read already) is never shown.
fn unknown(name: &str, function: &Function, on_client: bool, entries: &[(String, Opt)], secret: Option<&str>) -> Error {
    let is_secret =
        secret == Some(name) || entries.iter().any(|(n, v)| n == "secretKey" && matches!(v, Opt::Str(s) if s == name));
    let shown = if is_secret {
        SECRET_AS_NAME.to_string()
    } else if name.len() > MAX_SHOWN_NAME {
        TOO_LONG_TO_SHOW.to_string()
    } else {
        name.to_string()
    };
    if on_client && CREDENTIALS.iter().any(|c| c.name == name) {
        return Error::invalid(
            name,
            format!("{name} is set once on the Client; create another Client to use other credentials"),
        );
    }
    let known: Vec<&str> = function.specs_for(!on_client).map(|s| s.name).collect();
    let quoted: String = shown.chars().filter(|c| !c.is_control()).collect();
    let mut m = format!("unknown option \"{quoted}\" for {}", function.name);
    let hints = if shown == name { suggest::nearest(name, &known) } else { Vec::new() };
    if hints.is_empty() {
        m.push_str("; known options: ");
        m.push_str(&known.join(", "));
    } else {
        m.push_str(": did you mean ");
        m.push_str(&join_or(&hints));
        m.push('?');
    }
    Error::invalid(&shown, m)
}

/// `a`, `a or b`, `a, b or c`.
fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{EXPORT_BACKUP, LIST_BACKUP_FILES, LIST_INSTANCES, NEW_CLIENT, SIGN_REQUEST};
    use crate::error::ErrorKind;

    fn s(v: &str) -> Opt {
        Opt::Str(v.to_string())
    }

    fn entries(list: Vec<(&str, Opt)>) -> Vec<(String, Opt)> {
        list.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn full() -> Vec<(String, Opt)> {
        entries(vec![
            ("accessKey", s("AK")),
            ("secretKey", s("SK")),
            ("cloudPostgresqlInstanceNo", s("1234567")),
            ("fileName", s("backup.tar")),
            ("bucketName", s("bucket")),
        ])
    }

    fn with(mut base: Vec<(String, Opt)>, k: &str, v: Opt) -> Vec<(String, Opt)> {
        base.retain(|(n, _)| n != k);
        base.push((k.to_string(), v));
        base
    }

    fn err(list: Vec<(String, Opt)>) -> Error {
        parse(list, &EXPORT_BACKUP, None).unwrap_err()
    }

    #[test]
    fn accepts_the_minimal_set_in_the_functions_order() {
        let mut list = full();
        list.reverse();
        let st = parse(list, &EXPORT_BACKUP, None).unwrap();
        let names: Vec<&str> = st.params.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["cloudPostgresqlInstanceNo", "fileName", "bucketName"]);
        assert_eq!(st.keys().unwrap().access_key(), "AK");
    }

    #[test]
    fn unknown_option_gets_a_hint() {
        let e = err(with(full(), "bucketname", s("x")));
        assert_eq!(e.kind(), ErrorKind::InvalidOptions);
        assert!(e.message().contains("did you mean bucketName?"), "{}", e.message());
        let e = err(with(full(), "name", s("x")));
        assert!(e.message().contains("did you mean fileName or bucketName?"), "{}", e.message());
        let e = err(with(full(), "zzzzzzzzzz", s("x")));
        assert!(e.message().contains("known options: accessKey, secretKey, regionCode"), "{}", e.message());
    }

    #[test]
    fn a_long_unknown_name_is_not_echoed() {
        let secret = "Z9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF9eD8cB7aA";
        let e = err(with(full(), secret, s("x")));
        assert_eq!(e.option(), Some(TOO_LONG_TO_SHOW));
        assert!(!e.message().contains(&secret[..8]), "{}", e.message());
        let name = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{7}y"; // 36 bytes
        let e = err(with(full(), name, s("x")));
        assert_eq!(e.option(), Some(name));
        assert!(e.message().contains("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy\""), "{}", e.message());
        let e = parse(
            entries(vec![("cloudPostgresqlServerInstanceNoList", s("x"))]),
            &LIST_INSTANCES,
            Some(&Settings::default()),
        )
        .unwrap_err();
        assert_eq!(e.option(), Some("cloudPostgresqlServerInstanceNoList"));
    }

    #[test]
    fn the_objects_own_secret_key_is_never_shown_as_a_name() {
        let secret = "short-secret";
        let after = with(with(full(), "secretKey", s(secret)), secret, s("x"));
        let e = err(after);
        assert_eq!(e.option(), Some(SECRET_AS_NAME));
        assert!(!e.message().contains(secret), "{}", e.message());
        let mut before = with(full(), "secretKey", s(secret));
        before.insert(0, (secret.to_string(), s("x")));
        assert_eq!(err(before).option(), Some(SECRET_AS_NAME));
        assert_eq!(err(with(full(), "short-secret", s("x"))).option(), Some("short-secret"));
    }

    #[test]
    fn wrong_types_and_blank_values() {
        let e = err(with(full(), "fileName", Opt::Num(3.0)));
        assert_eq!(e.option(), Some("fileName"));
        assert!(e.message().contains("must be a string, got a number"), "{}", e.message());
        let e = err(with(full(), "fileName", s("   ")));
        assert!(e.message().contains("listBackupFiles()"), "{}", e.message());
        let e = err(with(full(), "fileName", s("\u{3000}\u{a0} ")));
        assert!(e.message().contains("is empty"), "{}", e.message());
        let e = err(with(full(), "fileName", s(&"가".repeat(4097))));
        assert!(e.message().contains("over 4096 characters"), "{}", e.message());
        let e = err(with(full(), "timeoutMs", s("100")));
        assert!(e.message().contains("must be a number"), "{}", e.message());
        let e = err(with(full(), "timeoutMs", Opt::Num(f64::NAN)));
        assert!(e.message().contains("whole number"), "{}", e.message());
        let e = err(with(full(), "maxRetries", Opt::Num(11.0)));
        assert!(e.message().contains("from 0 to 10"), "{}", e.message());
        let e = err(with(full(), "signal", Opt::Other("an object")));
        assert!(e.message().contains("AbortSignal"), "{}", e.message());
        let e = err(with(full(), "fetch", s("fetch")));
        assert!(e.message().contains("function"), "{}", e.message());
    }

    #[test]
    fn control_characters_are_refused_without_echoing_the_value() {
        let e = err(with(full(), "bucketName", s("b\r\nx-evil: 1")));
        assert!(e.message().contains("control character"));
        assert!(!e.message().contains("evil"));
        let e = err(with(full(), "secretKey", s("TOPSECRET\n")));
        assert_eq!(e.option(), Some("secretKey"));
        assert!(!e.message().contains("TOPSECRET"));
        let e = err(with(full(), "accessKey", s("AK with space")));
        assert_eq!(e.option(), Some("accessKey"));
        assert!(has_control("a\u{85}b") && !has_control("백업 é ~"));
    }

    #[test]
    fn enums_site_and_endpoint() {
        assert!(err(with(full(), "method", s("get"))).message().contains("\"GET\" or \"POST\""));
        assert!(err(with(full(), "responseFormatType", s("yaml"))).message().contains("\"json\" or \"xml\""));
        assert!(err(with(full(), "site", s("mars"))).message().contains("\"public\", \"gov\" or \"fin\""));
        let both = with(with(full(), "site", s("gov")), "endpoint", s("http://127.0.0.1:1"));
        assert!(err(both).message().contains("either site or endpoint"));
        let st = parse(with(full(), "site", s("fin")), &EXPORT_BACKUP, None).unwrap();
        assert_eq!(st.api_endpoint().origin, "https://fin-ncloud.apigw.fin-ntruss.com");
        assert_eq!(st.storage().origin, "https://kr.object.fin-ncloudstorage.com");
    }

    #[test]
    fn endpoint_parsing() {
        let e = Endpoint::parse("HTTP://Example.COM:8080/relay/ncp/").unwrap();
        assert_eq!(e, Endpoint { origin: "http://example.com:8080".into(), prefix: "/relay/ncp".into() });
        assert_eq!(e.authority(), "example.com:8080");
        assert_eq!(Endpoint::parse("http://[::1]:9/").unwrap().origin, "http://[::1]:9");
        for bad in [
            "ftp://x",
            "http://",
            "http://a b",
            "http://x:0",
            "http://x:99999",
            "http://x:8a",
            "http://x/?q=1",
            "http://x/#f",
            "http://x/a/../b",
            "http://user@x",
            "//x",
            "x",
            "http://x/%2e%2e",
            "http://x/a/%2E%2e/b",
            "http://x/a/.%2e",
            "http://x/a b",
            "http://[zz]",
            "http://x//y",
            "http://é.example",
        ] {
            assert!(Endpoint::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn client_config_and_calls() {
        let cfg = parse(
            entries(vec![
                ("accessKey", s("AK")),
                ("secretKey", s("SK")),
                ("site", s("gov")),
                ("timeoutMs", Opt::Num(9.0)),
            ]),
            &NEW_CLIENT,
            None,
        )
        .unwrap();
        assert!(cfg.keys.is_some());
        let e = parse(entries(vec![("fileName", s("x"))]), &NEW_CLIENT, None).unwrap_err();
        assert!(e.message().contains("unknown option"));
        let e = parse(entries(vec![("secretKey", s("x"))]), &EXPORT_BACKUP, Some(&cfg)).unwrap_err();
        assert!(e.message().contains("set once on the Client"));
        let over = |list: Vec<(&str, Opt)>| {
            let mut l =
                entries(vec![("cloudPostgresqlInstanceNo", s("1")), ("fileName", s("f")), ("bucketName", s("b"))]);
            l.extend(entries(list));
            parse(l, &EXPORT_BACKUP, Some(&cfg))
        };
        let merged = over(vec![("maxRetries", Opt::Num(5.0))]).unwrap();
        assert_eq!((merged.max_retries, merged.timeout_ms), (Some(5), Some(9)));
        assert_eq!(merged.api_endpoint().origin, "https://ncloud.apigw.gov-ntruss.com");
        assert_eq!(
            over(vec![("site", s("fin"))]).unwrap().api_endpoint().origin,
            "https://fin-ncloud.apigw.fin-ntruss.com"
        );
        assert_eq!(
            over(vec![("endpoint", s("http://127.0.0.1:9"))]).unwrap().api_endpoint().origin,
            "http://127.0.0.1:9"
        );
        let both = over(vec![("site", s("fin")), ("endpoint", s("http://127.0.0.1:9"))]).unwrap_err();
        assert!(both.message().contains("either site or endpoint"));
        let missing_file = parse(entries(vec![("cloudPostgresqlInstanceNo", s("1"))]), &EXPORT_BACKUP, Some(&cfg));
        assert_eq!(missing_file.unwrap_err().option(), Some("fileName"));
    }

    #[test]
    fn integer_params_accept_digit_strings() {
        let cfg = Settings::default();
        let list =
            entries(vec![("cloudPostgresqlInstanceNo", s("1")), ("pageNo", s("2")), ("pageSize", Opt::Num(50.0))]);
        let st = parse(list, &LIST_BACKUP_FILES, Some(&cfg)).unwrap();
        assert_eq!(st.params[1], ("pageNo", "2".to_string()));
        let bad = entries(vec![("cloudPostgresqlInstanceNo", s("1")), ("pageSize", Opt::Num(1001.0))]);
        assert!(parse(bad, &LIST_BACKUP_FILES, Some(&cfg)).is_err());
        let bad = entries(vec![("cloudPostgresqlInstanceNo", s("1")), ("pageSize", s("-1"))]);
        assert!(parse(bad, &LIST_BACKUP_FILES, Some(&cfg)).is_err());
    }

    #[test]
    fn sign_input() {
        let ok = entries(vec![
            ("method", s("PUT")),
            ("url", s("https://x/y")),
            ("accessKey", s("AK")),
            ("secretKey", s("SK")),
        ]);
        let got = parse(ok, &SIGN_REQUEST, None).unwrap();
        assert_eq!((got.http_method.as_deref(), got.url.as_deref()), (Some("PUT"), Some("https://x/y")));
        let e = parse(entries(vec![("methd", s("GET"))]), &SIGN_REQUEST, None).unwrap_err();
        assert!(e.message().contains("did you mean method?"), "{}", e.message());
        let e = parse(
            entries(vec![("method", s("get")), ("url", s("u")), ("accessKey", s("AK")), ("secretKey", s("SK"))]),
            &SIGN_REQUEST,
            None,
        )
        .unwrap_err();
        assert!(e.message().contains("upper-case"));
        let e = parse(entries(vec![("method", s("GET")), ("url", s("u"))]), &SIGN_REQUEST, None).unwrap_err();
        assert_eq!(e.option(), Some("accessKey"));
        let e =
            parse(entries(vec![("accessKey", s("AK")), ("secretKey", s("SK")), ("url", s("u"))]), &SIGN_REQUEST, None)
                .unwrap_err();
        assert_eq!(e.option(), Some("method"));
    }
}
