//! Options in, validated settings out.
//!
//! The wasm edge turns the caller's JS object into `(name, Opt)` pairs; this
//! module checks every one of them before anything is sent: required options,
//! types, ranges, unknown names (with a "did you mean" hint), control
//! characters (no header or parameter injection), `endpoint` and `site`.
//! Messages name the option and what to pass; they never echo a value, so a
//! secret pasted into the wrong field cannot leak through an error.

use crate::actions::{Action, Param, ParamType};
use crate::error::{Error, Result};
use crate::sign::Signer;
use crate::value::{integer_text, parse_unsigned};
use std::rc::Rc;

/// One option value as it arrived from JS. A string is borrowed from the
/// options' text (src/options_text.rs), which its owner wipes: reading an
/// object copies no name and no value, and only the values kept are copied
/// out of it (README, Benchmarks).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Opt<'a> {
    Str(&'a str),
    Num(f64),
    Bool(bool),
    Func,
    Signal,
    /// Any other JS value, by its type name (`"object"`, `"array"`, …).
    Other(&'static str),
}

impl Opt<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Opt::Str(_) => "a string",
            Opt::Num(_) => "a number",
            Opt::Bool(_) => "a boolean",
            Opt::Func => "a function",
            Opt::Signal => "an AbortSignal",
            Opt::Other(t) => t,
        }
    }
}

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

/// Where requests go: `origin` is `scheme://host[:port]`, `prefix` a path
/// prefix without a trailing slash (often empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub origin: String,
    pub prefix: String,
}

impl Endpoint {
    /// The base URL of an NCP site.
    pub fn site(name: &str) -> Option<Endpoint> {
        let origin = match name {
            "public" => crate::request::DEFAULT_ORIGIN,
            "gov" => "https://ncloud.apigw.gov-ntruss.com",
            "fin" => "https://fin-ncloud.apigw.fin-ntruss.com",
            _ => return None,
        };
        Some(Endpoint { origin: origin.to_string(), prefix: String::new() })
    }

    /// Parses `scheme://host[:port][/prefix]`. Refuses what a runtime's URL
    /// parser would rewrite (dot segments, characters it would escape), since
    /// the signed target must be the target sent.
    pub fn parse(url: &str) -> Option<Endpoint> {
        let (scheme, rest) = if let Some(r) = strip_prefix_ci(url, "https://") {
            ("https://", r)
        } else if let Some(r) = strip_prefix_ci(url, "http://") {
            ("http://", r)
        } else {
            return None;
        };
        let (authority, path) = match byte_pos(rest, b'/') {
            Some(i) => rest.split_at_checked(i)?,
            None => (rest, ""),
        };
        let (host, port) = split_port(authority)?;
        let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        } else {
            !host.is_empty()
                && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                && !host.starts_with('.')
                && !host.starts_with('-')
        };
        if !host_ok {
            return None;
        }
        let path = path.trim_end_matches('/');
        let path_ok = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b))
            && !path.as_bytes().split(|&b| b == b'/').any(is_dot_segment);
        if !path_ok || path.as_bytes().windows(2).any(|w| w == b"//") {
            return None;
        }
        let mut origin = String::with_capacity(url.len());
        origin.push_str(scheme);
        origin.push_str(&host.to_ascii_lowercase());
        if let Some(p) = port {
            origin.push(':');
            origin.push_str(p);
        }
        Some(Endpoint { origin, prefix: path.to_string() })
    }
}

/// `.` or `..`, also spelled with `%2e`: URL parsers remove such segments,
/// which would change the target after it was signed.
fn is_dot_segment(seg: &[u8]) -> bool {
    // One or two dots, each "." or "%2e" (any case): at most 6 bytes.
    let mut dots = 0;
    let mut rest = seg;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    dots == 1 || dots == 2
}

/// Where the ASCII byte `b` first occurs in `s`: a plain scan, without the
/// character searcher (and its memchr) that `str::find` brings into the module.
pub fn byte_pos(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|c| c == b)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Splits `host:port`, checking the port is 1..=65535. IPv6 hosts keep their brackets.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let colon = if authority.starts_with('[') {
        let close = byte_pos(authority, b']')?;
        match authority.get(close + 1..)? {
            "" => None,
            rest if rest.starts_with(':') => Some(close + 1),
            _ => return None,
        }
    } else {
        authority.bytes().rposition(|b| b == b':')
    };
    match colon {
        None => Some((authority, None)),
        Some(i) => {
            let port = authority.get(i + 1..)?;
            let n: u32 = if port.len() <= 5 && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                u32::try_from(parse_unsigned(port, 10)?).ok()?
            } else {
                return None;
            };
            if n == 0 || n > 65535 {
                return None;
            }
            Some((authority.get(..i)?, Some(port)))
        }
    }
}

/// Settings read from one options object. Every field is optional here;
/// [`Plan`](crate::plan::Plan) applies defaults and checks what is required.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub access_key: Option<String>,
    pub signer: Option<Rc<Signer>>,
    pub region_code: Option<String>,
    pub format: Option<Format>,
    pub method: Option<Method>,
    pub endpoint: Option<Endpoint>,
    pub timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
    pub timestamp: Option<u64>,
    pub clock_offset_ms: Option<i64>,
    pub retry_unsafe: Option<bool>,
    pub all_pages: Option<bool>,
    /// `signRequest`'s upper-case HTTP method (any, not just GET or POST) and URL.
    pub http_method: Option<String>,
    pub url: Option<String>,
    /// The action's own parameters (`fileName`, `pageNo`, …), in the action's order.
    pub params: Vec<(&'static str, String)>,
}

/// What `signRequest` needs: the URL's target is taken by the caller.
#[derive(Debug)]
pub struct SignInput {
    pub method: String,
    pub url: String,
    pub access_key: String,
    pub signer: Rc<Signer>,
    pub timestamp: Option<u64>,
    /// The input's, else (on a Client) the Client's; none means 0.
    pub clock_offset_ms: Option<i64>,
}

/// Validates `signRequest({ method, url, accessKey, secretKey, timestamp? })`
/// with the same reader as every other options object. With `client`
/// credentials (`Client#signRequest`), the entries may not repeat them.
pub fn parse_sign(entries: &[(&str, Opt)], client: Option<(&str, &Rc<Signer>)>) -> Result<SignInput> {
    let s = parse(entries, if client.is_some() { Scope::ClientSign } else { Scope::Sign })?;
    let (access_key, signer) = match client {
        Some((key, prepared)) => (Some(key.to_string()), Some(prepared.clone())),
        None => (s.access_key, s.signer),
    };
    Ok(SignInput {
        method: s.http_method.ok_or_else(|| missing("method"))?,
        url: s.url.ok_or_else(|| missing("url"))?,
        access_key: access_key.ok_or_else(|| missing("accessKey"))?,
        signer: signer.ok_or_else(|| missing("secretKey"))?,
        timestamp: s.timestamp,
        clock_offset_ms: s.clock_offset_ms,
    })
}

/// `invalid_options` for a required option that is missing, saying what to pass.
pub fn missing(name: &str) -> Error {
    Error::option(name, join3(name, " is required: pass ", describe(name)))
}

/// `timestamp`: epoch milliseconds, a whole number JS can hold exactly.
pub fn timestamp_ms(value: &Opt) -> Result<u64> {
    Ok(integer("timestamp", value, 0.0, 9_007_199_254_740_991.0)? as u64)
}

/// `clockOffsetMs`: a whole number of milliseconds, at most about 1000 days.
pub fn clock_offset(value: &Opt) -> Result<i64> {
    Ok(integer("clockOffsetMs", value, -86_400_000_000.0, 86_400_000_000.0)? as i64)
}

fn access_key_text(value: &Opt) -> Result<String> {
    let v = text("accessKey", value)?;
    check_access_key(&v)?;
    Ok(v)
}

/// `signRequest`'s `method`: an upper-case HTTP method.
pub fn check_method(method: &str) -> Result<()> {
    if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(&method) {
        Ok(())
    } else {
        Err(Error::option("method", "method must be an upper-case HTTP method such as \"GET\" or \"POST\""))
    }
}

/// An access key is printable ASCII (checked after [`check_text`]).
pub fn check_access_key(access_key: &str) -> Result<()> {
    if access_key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(Error::option("accessKey", "accessKey must be the ASCII access key from the NCP console (no spaces)"))
    }
}

/// Which options an object may hold.
#[derive(Clone, Copy)]
pub enum Scope {
    /// A free function such as `exportBackup(opts)`: credentials, transport, the action's params.
    Standalone(&'static Action),
    /// `new Client(config)`: credentials and transport defaults.
    ClientConfig,
    /// A Client method: transport overrides and the action's params, no credentials.
    ClientCall(&'static Action),
    /// `signRequest(input)`: method, url, credentials, timestamp, clockOffsetMs.
    Sign,
    /// `Client#signRequest(input)`: the same without credentials.
    ClientSign,
}

const CREDENTIALS: &[&str] = &["accessKey", "secretKey"];
const TRANSPORT: &[&str] = &[
    "regionCode",
    "responseFormatType",
    "method",
    "site",
    "endpoint",
    "timeoutMs",
    "maxRetries",
    "clockOffsetMs",
    "fetch",
    "retryUnsafe",
];
const PER_CALL: &[&str] = &["signal", "timestamp"];
const SIGN: &[&str] = &["method", "url", "timestamp", "clockOffsetMs"];

impl Scope {
    fn allows(self, name: &str) -> bool {
        let in_set = |set: &[&str]| set.contains(&name);
        match self {
            Scope::Standalone(a) => in_set(CREDENTIALS) || in_set(TRANSPORT) || in_set(PER_CALL) || a.accepts(name),
            Scope::ClientConfig => in_set(CREDENTIALS) || in_set(TRANSPORT),
            Scope::ClientCall(a) => in_set(TRANSPORT) || in_set(PER_CALL) || a.accepts(name),
            Scope::Sign => in_set(CREDENTIALS) || in_set(SIGN),
            Scope::ClientSign => in_set(SIGN),
        }
    }

    /// An object whose credentials come from a Client.
    fn on_client(self) -> bool {
        matches!(self, Scope::ClientCall(_) | Scope::ClientSign)
    }

    /// `signRequest`'s input: `method` is any HTTP method, and `url` is read.
    fn signs(self) -> bool {
        matches!(self, Scope::Sign | Scope::ClientSign)
    }

    fn names(self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = Vec::new();
        if !self.on_client() {
            v.extend_from_slice(CREDENTIALS);
        }
        if self.signs() {
            v.extend_from_slice(SIGN);
            return v;
        }
        v.extend_from_slice(TRANSPORT);
        if let Scope::Standalone(a) | Scope::ClientCall(a) = self {
            v.extend_from_slice(PER_CALL);
            v.extend(a.params.iter().map(|p| p.name));
            if a.list_field.is_some() {
                v.push("allPages");
            }
        }
        v
    }
}

/// The longest option string accepted. NCP values are short; the bound keeps
/// a runaway value from exhausting the module's memory.
pub const MAX_VALUE_LEN: usize = 4096;

/// How many of an options object's keys are read. Every scope allows fewer
/// names than this (a test checks it), and an object's keys are distinct, so
/// the first name [`parse_over`] refuses is always among them: reading no
/// further gives the same error, and an object with a million keys cannot
/// fill the module's memory with copies before it is refused.
pub const MAX_OPTION_KEYS: usize = 64;

/// Validates one options object. `entries` are the object's own keys in order.
pub fn parse(entries: &[(&str, Opt)], scope: Scope) -> Result<Settings> {
    parse_over(entries, scope, Settings::default())
}

/// [`parse`], with every setting the entries give replacing `base`'s (a
/// Client's settings under one call's options).
pub fn parse_over(entries: &[(&str, Opt)], scope: Scope, base: Settings) -> Result<Settings> {
    let mut s = base;
    let mut site: Option<Endpoint> = None;
    let mut endpoint_given = false;
    for (name, value) in entries {
        if !scope.allows(name) {
            return Err(unknown(name, scope, entries));
        }
        let name = *name;
        match name {
            "accessKey" => s.access_key = Some(access_key_text(value)?),
            "secretKey" => s.signer = Some(Rc::new(prepare_key(checked(name, value)?))),
            "regionCode" => s.region_code = Some(text(name, value)?),
            "responseFormatType" => {
                s.format = Some(match checked(name, value)? {
                    "json" => Format::Json,
                    "xml" => Format::Xml,
                    _ => return Err(Error::option(name, "responseFormatType must be \"json\" or \"xml\"")),
                })
            }
            "method" if scope.signs() => {
                let m = text(name, value)?;
                check_method(&m)?;
                s.http_method = Some(m);
            }
            "method" => {
                s.method = Some(match checked(name, value)? {
                    "GET" => Method::Get,
                    "POST" => Method::Post,
                    _ => return Err(Error::option(name, "method must be \"GET\" or \"POST\" (upper case)")),
                })
            }
            "url" => s.url = Some(text(name, value)?),
            "site" => {
                site = Some(
                    Endpoint::site(checked(name, value)?)
                        .ok_or_else(|| Error::option(name, "site must be \"public\", \"gov\" or \"fin\""))?,
                )
            }
            "endpoint" => {
                endpoint_given = true;
                s.endpoint = Some(Endpoint::parse(checked(name, value)?).ok_or_else(|| {
                    Error::option(
                        name,
                        "endpoint must be an http(s) URL with a host, an optional port and path prefix, and no query, \
                         such as \"https://ncloud.apigw.ntruss.com\" or \"http://127.0.0.1:8787\"",
                    )
                })?)
            }
            "timeoutMs" => s.timeout_ms = Some(integer(name, value, 1.0, 2_147_483_647.0)? as u32),
            "maxRetries" => s.max_retries = Some(integer(name, value, 0.0, 10.0)? as u32),
            "timestamp" => s.timestamp = Some(timestamp_ms(value)?),
            "clockOffsetMs" => s.clock_offset_ms = Some(clock_offset(value)?),
            "retryUnsafe" => s.retry_unsafe = Some(boolean(name, value)?),
            "allPages" => s.all_pages = Some(boolean(name, value)?),
            "fetch" => {
                if *value != Opt::Func {
                    return Err(wrong_type(name, "a function with fetch's signature", value));
                }
            }
            "signal" => {
                if *value != Opt::Signal {
                    return Err(wrong_type(name, "an AbortSignal (from new AbortController().signal)", value));
                }
            }
            _ => {
                // Only the action's own parameters are left (`allows` checked the name).
                if let Some(p) = action_param(scope, name) {
                    s.params.push((p.name, param(p, value)?));
                }
            }
        }
    }
    if let Some(site) = site {
        if endpoint_given {
            return Err(Error::option(
                "site",
                "pass either site or endpoint, not both (endpoint already names the host)",
            ));
        }
        s.endpoint = Some(site);
    }
    if let Scope::Standalone(a) | Scope::ClientCall(a) = scope {
        // Keep the action's declared order whatever order the caller used
        // (a handful of names: picked in order rather than sorted).
        let mut ordered = Vec::with_capacity(s.params.len());
        for p in a.params {
            if let Some(i) = s.params.iter().position(|(n, _)| *n == p.name) {
                ordered.push(s.params.swap_remove(i));
            }
        }
        ordered.append(&mut s.params);
        s.params = ordered;
    }
    Ok(s)
}

fn action_param(scope: Scope, name: &str) -> Option<&'static Param> {
    match scope {
        Scope::Standalone(a) | Scope::ClientCall(a) => a.params.iter().find(|p| p.name == name),
        Scope::ClientConfig | Scope::Sign | Scope::ClientSign => None,
    }
}

fn param(p: &Param, value: &Opt) -> Result<String> {
    match p.ty {
        ParamType::Text => text(p.name, value),
        ParamType::Integer { min, max } => {
            // NCP sends numbers as strings at times; accept a digit string too.
            let n = match value {
                Opt::Str(s) if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) => {
                    parse_unsigned(s, 10).map_or(f64::NAN, |n| n as f64)
                }
                _ => integer(p.name, value, min, max)?,
            };
            if !(n >= min && n <= max) {
                return Err(range(p.name, min, max));
            }
            Ok(integer_text(n.trunc()).unwrap_or_default())
        }
    }
}

/// A non-blank string without control characters, copied out of the options' text.
pub fn text(name: &str, value: &Opt) -> Result<String> {
    checked(name, value).map(str::to_string)
}

/// [`text`], still in the options' text: for a value that is read but not kept.
fn checked<'a>(name: &str, value: &Opt<'a>) -> Result<&'a str> {
    match *value {
        Opt::Str(s) => check_text(name, s).map(|()| s),
        other => Err(wrong_type(name, "a string", &other)),
    }
}

/// What [`text`] checks of a string value.
pub fn check_text(name: &str, s: &str) -> Result<()> {
    // Blank: only (Unicode) white space. A value that starts with a visible
    // ASCII character (nearly all) is not, which spares the scan.
    let visible_first = s.as_bytes().first().is_some_and(u8::is_ascii_graphic);
    if !visible_first && s.chars().all(char::is_whitespace) {
        return Err(Error::option(name, join3(name, " is empty: pass ", describe(name))));
    }
    if s.len() > MAX_VALUE_LEN {
        return Err(Error::option(name, join3(name, " is too long (over 4096 bytes): pass ", describe(name))));
    }
    if has_control(s) {
        return Err(Error::option(
            name,
            join3(
                name,
                " contains a control character (such as a newline or tab); remove it: ",
                "values are sent in headers and the query",
            ),
        ));
    }
    Ok(())
}

/// The HMAC key prepared from a secret (read in place from the options'
/// text, which its owner wipes), then the stack the key setup used wiped
/// (it copies the padded key block by value).
fn prepare_key(secret: &str) -> Signer {
    let signer = Signer::new(secret);
    scrub_stack();
    signer
}

/// Zeroes the stack region the calls just made from here have used.
#[inline(never)]
pub fn scrub_stack() {
    // 1 KiB, zeroed in one fill. The key setup's copies lie within the
    // first 512 bytes (tests/secret-memory.test.mjs fails below that); twice
    // that for margin. It runs on every keyed signRequest, so not more.
    // black_box makes the zeros observable, so the fill cannot be dropped;
    // a plain fill is a single memory.fill, where zeroize's volatile stores
    // were a loop of 128 (measured: 2.8 % of a keyed signRequest).
    let area = [0u64; 128];
    std::hint::black_box(&area);
}

/// Whether `s` holds a control character (Unicode Cc: U+0000–U+001F,
/// U+007F, U+0080–U+009F). A byte scan: this runs on every signed URL.
pub fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    if b.iter().any(|&c| c < 0x20 || c == 0x7f) {
        return true;
    }
    // U+0080–U+009F are 0xC2 0x80–0x9F in UTF-8; ASCII text (the common case) has no 0xC2.
    !s.is_ascii() && b.windows(2).any(|w| matches!(w, [0xc2, 0x80..=0x9f]))
}

fn integer(name: &str, value: &Opt, min: f64, max: f64) -> Result<f64> {
    match value {
        Opt::Num(n) if n.is_finite() && n.fract() == 0.0 => {
            if *n >= min && *n <= max {
                Ok(*n)
            } else {
                Err(range(name, min, max))
            }
        }
        Opt::Num(_) => Err(Error::option(name, join3(name, " must be a whole number", ""))),
        other => Err(wrong_type(name, "a number", other)),
    }
}

fn boolean(name: &str, value: &Opt) -> Result<bool> {
    match value {
        Opt::Bool(b) => Ok(*b),
        other => Err(wrong_type(name, "true or false", other)),
    }
}

fn range(name: &str, min: f64, max: f64) -> Error {
    let mut m = String::new();
    m.push_str(name);
    m.push_str(" must be a whole number from ");
    m.push_str(&integer_text(min).unwrap_or_default());
    m.push_str(" to ");
    m.push_str(&integer_text(max).unwrap_or_default());
    Error::option(name, m)
}

fn wrong_type(name: &str, expected: &str, got: &Opt) -> Error {
    let mut m = String::new();
    m.push_str(name);
    m.push_str(" must be ");
    m.push_str(expected);
    m.push_str(", got ");
    m.push_str(got.type_name());
    Error::option(name, m)
}

fn join3(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len());
    s.push_str(a);
    s.push_str(b);
    s.push_str(c);
    s
}

/// What a required option holds and where to find it.
pub fn describe(name: &str) -> &'static str {
    match name {
        "accessKey" => "the access key from the NCP console (My Account > API keys)",
        "secretKey" => "the secret key paired with the access key",
        "cloudPostgresqlInstanceNo" => "the instance number from listInstances()",
        "fileName" => "the backup file name from listBackupFiles()",
        "bucketName" => "the Object Storage bucket name from listBuckets()",
        "regionCode" => "a region code such as \"KR\", or omit it for NCP's default region",
        "method" => "the HTTP method, such as \"GET\"",
        "url" => "the full request URL, such as \"https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList\"",
        _ => "a non-empty value",
    }
}

/// Unknown names longer than this many bytes (the longest known one is 31)
/// are not echoed: such a "name" is more likely a value put where a name
/// goes, and could be a secret (NCP's secret keys are 40 characters). Up to
/// here, so that NCP's own longer names (`cloudPostgresqlServerInstanceNoList`,
/// 35, a filter that only `call()` takes) are shown when given to a function.
const MAX_SHOWN_NAME: usize = 36;
/// What such a name is called instead (and a name too long to copy, `crate::options_text`).
pub const TOO_LONG_TO_SHOW: &str = "(a name too long to show)";

/// What a name that is the object's own `secretKey` is called instead.
const SECRET_AS_NAME: &str = "(the secret key)";

/// `invalid_options` for a name this object may not hold, with the nearest
/// known name. `entries`: the whole object, whose `secretKey` (before or
/// after the name) is never shown as a name. (A Client's is not known here,
/// only its prepared key: a name under 37 bytes that is one is shown.)
fn unknown(name: &str, scope: Scope, entries: &[(&str, Opt)]) -> Error {
    let secret = entries.iter().any(|(n, v)| *n == "secretKey" && matches!(v, Opt::Str(s) if *s == name));
    // No hint is lost: a name this long is too far from every known one for one.
    let name = if secret {
        SECRET_AS_NAME
    } else if name.len() > MAX_SHOWN_NAME {
        TOO_LONG_TO_SHOW
    } else {
        name
    };
    let mut m = String::new();
    if CREDENTIALS.contains(&name) && scope.on_client() {
        m.push_str(name);
        m.push_str(" is set once on the Client; create another Client to use other credentials");
        return Error::option(name, m);
    }
    unknown_among(name, &scope.names())
}

fn unknown_among(name: &str, candidates: &[&str]) -> Error {
    let mut m = String::from("unknown option ");
    m.push_str(&quote(name));
    if let Some(best) = nearest(name, candidates) {
        m.push_str(": did you mean ");
        m.push_str(best);
        m.push('?');
    } else {
        m.push_str("; known options:");
        for (i, c) in candidates.iter().enumerate() {
            m.push_str(if i == 0 { " " } else { ", " });
            m.push_str(c);
        }
    }
    Error::option(name, m)
}

/// Quotes an unknown option name (at most [`MAX_SHOWN_NAME`] bytes) for a message, without control characters.
fn quote(name: &str) -> String {
    let mut q = String::from("\"");
    q.extend(name.chars().filter(|c| !c.is_control()));
    q.push('"');
    q
}

/// The candidate closest to `name` by case-insensitive edit distance, if close enough.
pub fn nearest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = distance(name, c);
        if best.map_or(true, |(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (name.chars().count() / 3).clamp(1, 4);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

/// Levenshtein distance over bytes, ASCII case folded: the candidates are
/// ASCII option names (both sides are cut at 64 bytes). One row on the stack;
/// every index is below 65 by construction.
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes().get(..64).unwrap_or(b.as_bytes());
    let mut row = [0usize; 65];
    for (j, slot) in row.iter_mut().enumerate() {
        *slot = j;
    }
    for (i, ca) in a.bytes().take(64).enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(!ca.eq_ignore_ascii_case(cb))).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::EXPORT;
    use crate::error::Kind;

    fn s(v: &str) -> Opt<'_> {
        Opt::Str(v)
    }

    fn entries<'a>(list: &[(&'a str, Opt<'a>)]) -> Vec<(&'a str, Opt<'a>)> {
        list.to_vec()
    }

    fn full() -> Vec<(&'static str, Opt<'static>)> {
        entries(&[
            ("accessKey", s("AK")),
            ("secretKey", s("SK")),
            ("cloudPostgresqlInstanceNo", s("1234567")),
            ("fileName", s("backup.tar")),
            ("bucketName", s("bucket")),
        ])
    }

    fn err(list: Vec<(&'static str, Opt<'static>)>) -> Error {
        parse(&list, Scope::Standalone(&EXPORT)).unwrap_err()
    }

    fn with(
        mut base: Vec<(&'static str, Opt<'static>)>,
        k: &'static str,
        v: Opt<'static>,
    ) -> Vec<(&'static str, Opt<'static>)> {
        base.retain(|(n, _)| *n != k);
        base.push((k, v));
        base
    }

    #[test]
    fn accepts_the_minimal_set_in_action_order() {
        let mut list = full();
        list.reverse();
        let st = parse(&list, Scope::Standalone(&EXPORT)).unwrap();
        let names: Vec<&str> = st.params.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["cloudPostgresqlInstanceNo", "fileName", "bucketName"]);
        assert_eq!(st.access_key.as_deref(), Some("AK"));
    }

    /// What makes reading only [`MAX_OPTION_KEYS`] of an object's keys safe:
    /// no scope allows that many names, so a refused one is always among them.
    #[test]
    fn every_scope_allows_fewer_names_than_are_read() {
        use crate::actions::{CALL, LIST_BACKUPS, LIST_BACKUP_FILES, LIST_BUCKETS, LIST_INSTANCES};
        let mut scopes = vec![Scope::ClientConfig, Scope::Sign, Scope::ClientSign];
        for a in [&EXPORT, &LIST_INSTANCES, &LIST_BACKUPS, &LIST_BACKUP_FILES, &LIST_BUCKETS, &CALL] {
            scopes.extend([Scope::Standalone(a), Scope::ClientCall(a)]);
        }
        for scope in scopes {
            let names = scope.names();
            assert!(names.iter().all(|n| scope.allows(n)));
            assert!(names.len() < MAX_OPTION_KEYS, "{} names", names.len());
        }
        // And parse_over refuses the first name it does not allow, whatever follows.
        let names: Vec<String> = (0..MAX_OPTION_KEYS).map(|i| format!("k{i}")).collect();
        let entries: Vec<(&str, Opt)> = names.iter().map(|n| (n.as_str(), Opt::Str("v"))).collect();
        let e = parse(&entries, Scope::Standalone(&EXPORT)).unwrap_err();
        assert!(e.message.contains("\"k0\""), "{}", e.message);
    }

    #[test]
    fn unknown_option_gets_a_hint() {
        let e = err(with(full(), "bucketname", s("x")));
        assert_eq!(e.kind, Kind::InvalidOptions);
        assert!(e.message.contains("did you mean bucketName?"), "{}", e.message);
        let e = err(with(full(), "acessKey", s("x")));
        assert!(e.message.contains("did you mean accessKey?"), "{}", e.message);
        let e = err(with(full(), "zzzzzzzzzz", s("x")));
        assert!(e.message.contains("known options:"), "{}", e.message);
    }

    #[test]
    fn a_long_unknown_name_is_not_echoed() {
        // A secret key put where a name goes (NCP's are 40 characters).
        let secret = "Z9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF9eD8cB7aA";
        let e = err(with(full(), secret, s("x")));
        assert_eq!(e.option.as_deref(), Some("(a name too long to show)"));
        assert!(!e.message.contains(&secret[..8]), "{}", e.message);
        // Up to 36 characters the name is shown, control characters left out.
        let name = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{7}y"; // 36 bytes
        let e = err(with(full(), name, s("x")));
        assert_eq!(e.option.as_deref(), Some(name));
        assert!(e.message.contains("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy\""), "{}", e.message);
        let e = err(with(full(), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", s("x"))); // 37 bytes
        assert_eq!(e.option.as_deref(), Some("(a name too long to show)"));
        // NCP's list filters, which only call() takes, are shown when given to a function.
        let e = parse(
            &[("cloudPostgresqlServerInstanceNoList", s("x"))],
            Scope::Standalone(&crate::actions::LIST_INSTANCES),
        )
        .unwrap_err();
        assert_eq!(e.option.as_deref(), Some("cloudPostgresqlServerInstanceNoList"));
        // No hint is lost: over 36 bytes, a name is more than 4 edits from every known one (the longest is 31).
        assert!(nearest("cloudPostgresqlServerInstanceNoXXXXXX", &["cloudPostgresqlServerInstanceNo"]).is_none());
    }

    #[test]
    fn the_objects_own_secret_key_is_never_shown_as_a_name() {
        let secret = "short-secret";
        // After secretKey and before it, on every scope that reads one.
        let after = with(with(full(), "secretKey", s(secret)), secret, s("x"));
        let mut before = after.clone();
        before.rotate_right(1);
        for list in [after, before] {
            let e = err(list.clone());
            assert_eq!(e.option.as_deref(), Some("(the secret key)"));
            assert!(!e.message.contains(secret), "{}", e.message);
        }
        let config = [("accessKey", s("AK")), (secret, s("x")), ("secretKey", s(secret))];
        let e = parse(&config, Scope::ClientConfig).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("(the secret key)"));
        let e = parse_sign(&[("secretKey", s(secret)), (secret, Opt::Bool(true))], None).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("(the secret key)"));
        // Another object's name that merely looks like a key is still shown.
        assert_eq!(err(with(full(), "short-secret", s("x"))).option.as_deref(), Some("short-secret"));
    }

    #[test]
    fn wrong_types_and_blank_values() {
        let e = err(with(full(), "fileName", Opt::Num(3.0)));
        assert_eq!(e.option.as_deref(), Some("fileName"));
        assert!(e.message.contains("must be a string, got a number"), "{}", e.message);
        let e = err(with(full(), "fileName", s("   ")));
        assert!(e.message.contains("listBackupFiles()"), "{}", e.message);
        let e = err(with(full(), "fileName", s("\u{3000}\u{a0} ")));
        assert!(e.message.contains("is empty"), "Unicode white space is blank too: {}", e.message);
        let e = err(with(full(), "timeoutMs", s("100")));
        assert!(e.message.contains("must be a number"), "{}", e.message);
        let e = err(with(full(), "timeoutMs", Opt::Num(f64::NAN)));
        assert!(e.message.contains("whole number"), "{}", e.message);
        let e = err(with(full(), "maxRetries", Opt::Num(11.0)));
        assert!(e.message.contains("from 0 to 10"), "{}", e.message);
        let e = err(with(full(), "signal", Opt::Other("an object")));
        assert!(e.message.contains("AbortSignal"), "{}", e.message);
        let e = err(with(full(), "fetch", s("fetch")));
        assert!(e.message.contains("function"), "{}", e.message);
    }

    #[test]
    fn control_characters_are_refused_without_echoing_the_value() {
        let e = err(with(full(), "bucketName", s("b\r\nx-evil: 1")));
        assert!(e.message.contains("control character"));
        assert!(!e.message.contains("evil"));
        let e = err(with(full(), "secretKey", s("TOPSECRET\n")));
        assert_eq!(e.option.as_deref(), Some("secretKey"));
        assert!(!e.message.contains("TOPSECRET"));
        let e = err(with(full(), "accessKey", s("AK with space")));
        assert_eq!(e.option.as_deref(), Some("accessKey"));
    }

    #[test]
    fn enums_site_and_endpoint() {
        assert!(err(with(full(), "method", s("get"))).message.contains("\"GET\" or \"POST\""));
        assert!(err(with(full(), "responseFormatType", s("yaml"))).message.contains("json"));
        assert!(err(with(full(), "site", s("mars"))).message.contains("public"));
        let both = with(with(full(), "site", s("gov")), "endpoint", s("http://127.0.0.1:1"));
        assert!(err(both).message.contains("either site or endpoint"));
        let st = parse(&with(full(), "site", s("fin")), Scope::Standalone(&EXPORT)).unwrap();
        assert_eq!(st.endpoint.unwrap().origin, "https://fin-ncloud.apigw.fin-ntruss.com");
    }

    #[test]
    fn endpoint_parsing() {
        let e = Endpoint::parse("HTTP://Example.COM:8080/relay/ncp/").unwrap();
        assert_eq!(e, Endpoint { origin: "http://example.com:8080".into(), prefix: "/relay/ncp".into() });
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
        ] {
            assert!(Endpoint::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn client_scopes() {
        let cfg =
            parse(&entries(&[("accessKey", s("AK")), ("secretKey", s("SK")), ("site", s("gov"))]), Scope::ClientConfig)
                .unwrap();
        assert!(cfg.signer.is_some());
        let e = parse(&entries(&[("fileName", s("x"))]), Scope::ClientConfig).unwrap_err();
        assert!(e.message.contains("unknown option"));
        let e = parse(&entries(&[("secretKey", s("x"))]), Scope::ClientCall(&EXPORT)).unwrap_err();
        assert!(e.message.contains("set once on the Client"));
        let over = |list: &[(&str, Opt)]| parse_over(&entries(list), Scope::ClientCall(&EXPORT), cfg.clone());
        let merged = over(&[("timeoutMs", Opt::Num(5.0))]).unwrap();
        assert_eq!(merged.timeout_ms, Some(5));
        assert_eq!(merged.access_key.as_deref(), Some("AK"));
        assert_eq!(merged.endpoint.unwrap().origin, "https://ncloud.apigw.gov-ntruss.com");
        // A call's site or endpoint replaces the Client's; both in one call are refused.
        assert_eq!(
            over(&[("site", s("fin"))]).unwrap().endpoint.unwrap().origin,
            "https://fin-ncloud.apigw.fin-ntruss.com"
        );
        assert_eq!(
            over(&[("endpoint", s("http://127.0.0.1:9"))]).unwrap().endpoint.unwrap().origin,
            "http://127.0.0.1:9"
        );
        let both = over(&[("site", s("fin")), ("endpoint", s("http://127.0.0.1:9"))]).unwrap_err();
        assert!(both.message.contains("either site or endpoint"));
    }

    #[test]
    fn integer_params_accept_digit_strings() {
        use crate::actions::LIST_BACKUP_FILES;
        let list = entries(&[("cloudPostgresqlInstanceNo", s("1")), ("pageNo", s("2")), ("pageSize", Opt::Num(50.0))]);
        let st = parse(&list, Scope::ClientCall(&LIST_BACKUP_FILES)).unwrap();
        assert_eq!(st.params[1], ("pageNo", "2".to_string()));
        let bad = entries(&[("pageSize", Opt::Num(1001.0))]);
        assert!(parse(&bad, Scope::ClientCall(&LIST_BACKUP_FILES)).is_err());
        let bad = entries(&[("pageSize", s("-1"))]);
        assert!(parse(&bad, Scope::ClientCall(&LIST_BACKUP_FILES)).is_err());
    }

    #[test]
    fn sign_input() {
        let ok =
            entries(&[("method", s("PUT")), ("url", s("https://x/y")), ("accessKey", s("AK")), ("secretKey", s("SK"))]);
        let got = parse_sign(&ok, None).unwrap();
        assert_eq!((got.method.as_str(), got.url.as_str(), got.timestamp), ("PUT", "https://x/y", None));
        let e = parse_sign(&entries(&[("methd", s("GET"))]), None).unwrap_err();
        assert!(e.message.contains("did you mean method?"), "{}", e.message);
        let e = parse_sign(&entries(&[("method", s("get"))]), None).unwrap_err();
        assert!(e.message.contains("upper-case"));
        let e = parse_sign(&entries(&[("method", s("GET")), ("url", s("u"))]), None).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("accessKey"));
        let key = Rc::new(Signer::new("SK"));
        let only = entries(&[("method", s("GET")), ("url", s("u"))]);
        assert_eq!(parse_sign(&only, Some(("AK", &key))).unwrap().access_key, "AK");
        let e = parse_sign(&entries(&[("secretKey", s("x"))]), Some(("AK", &key))).unwrap_err();
        assert!(e.message.contains("set once on the Client"));
    }

    #[test]
    fn control_characters_match_unicode_cc() {
        for c in (0u32..0x110000).filter_map(char::from_u32).filter(|c| (*c as u32) < 0x800) {
            assert_eq!(has_control(&format!("a{c}b")), c.is_control(), "U+{:04X}", c as u32);
        }
        assert!(!has_control("백업 é ~"));
    }

    #[test]
    fn nearest_names() {
        assert_eq!(nearest("filename", &["fileName", "bucketName"]), Some("fileName"));
        assert_eq!(nearest("timeout", &["timeoutMs", "timestamp"]), Some("timeoutMs"));
        assert_eq!(nearest("qqqq", &["fileName"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("BUCKETNAME", "bucketName"), 0);
    }
}
