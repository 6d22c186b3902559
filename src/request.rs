//! A request built: final settings ([`Plan`]) in, a signed [`Request`] out.

use crate::actions::Action;
use crate::encode;
use crate::error::Result;
use crate::options::{missing, Endpoint, Format, Method, Settings};
use crate::sign::{decimal, Signer};
use std::borrow::Cow;
use std::rc::Rc;

pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Site `public`'s base URL, where requests go unless `site` or `endpoint` says otherwise.
pub const DEFAULT_ORIGIN: &str = "https://ncloud.apigw.ntruss.com";
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// An action's parameters as sent, in order.
pub type Params = Vec<(String, String)>;

/// Everything needed to send one action, defaults applied and checked.
#[derive(Debug)]
#[cfg_attr(test, derive(Clone))]
pub struct Plan {
    /// NCP's action name (borrowed from the table for every action but `call()`'s).
    pub action: Cow<'static, str>,
    /// Whether the answer must be `<action>Response`: every action but
    /// `call()`'s, for which NCP may use another `*Response` name.
    pub exact_answer: bool,
    /// The action's parameters, without `regionCode` and `responseFormatType`.
    pub params: Params,
    pub region_code: Option<String>,
    pub format: Format,
    pub method: Method,
    pub endpoint: Endpoint,
    pub access_key: String,
    pub signer: Rc<Signer>,
    pub timestamp: Option<u64>,
    pub clock_offset_ms: i64,
    pub timeout_ms: u32,
    pub max_retries: u32,
    pub retry_unsafe: bool,
}

impl Plan {
    /// Applies defaults and checks that credentials and the action's required
    /// parameters are there.
    pub fn new(action: &Action, ncp_action: Cow<'static, str>, s: Settings) -> Result<Plan> {
        let access_key = s.access_key.ok_or_else(|| missing("accessKey"))?;
        let signer = s.signer.ok_or_else(|| missing("secretKey"))?;
        for p in action.params.iter().filter(|p| p.required) {
            if !s.params.iter().any(|(n, _)| *n == p.name) {
                return Err(missing(p.name));
            }
        }
        Ok(Plan {
            action: ncp_action,
            exact_answer: !std::ptr::eq(action, &crate::actions::CALL),
            params: s.params.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            region_code: s.region_code,
            format: s.format.unwrap_or(Format::Json),
            method: s.method.unwrap_or(Method::Get),
            endpoint: s
                .endpoint
                .unwrap_or_else(|| Endpoint { origin: DEFAULT_ORIGIN.to_string(), prefix: String::new() }),
            access_key,
            signer,
            timestamp: s.timestamp,
            clock_offset_ms: s.clock_offset_ms.unwrap_or(0),
            timeout_ms: s.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            max_retries: s.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            retry_unsafe: s.retry_unsafe.unwrap_or(false),
        })
    }

    /// The timestamp to sign with: the fixed one if given, else the clock plus the offset.
    pub fn timestamp_at(&self, now_ms: f64) -> u64 {
        self.timestamp.unwrap_or_else(|| clock_timestamp(now_ms, self.clock_offset_ms))
    }

    /// Builds and signs the request for one attempt.
    pub fn request(&self, timestamp: u64) -> Request {
        let format = match self.format {
            Format::Json => "json",
            Format::Xml => "xml",
        };
        // Encoded straight from the plan: a request is built per attempt.
        let mut query =
            String::with_capacity(self.params.iter().map(|(k, v)| k.len() + v.len() + 2).sum::<usize>() + 48);
        if let Some(r) = &self.region_code {
            encode::push_pair(&mut query, "regionCode", r);
        }
        for (k, v) in &self.params {
            encode::push_pair(&mut query, k, v);
        }
        encode::push_pair(&mut query, "responseFormatType", format);
        let mut target = String::with_capacity(self.endpoint.prefix.len() + 32 + self.action.len() + query.len());
        target.push_str(&self.endpoint.prefix);
        target.push_str("/vpostgresql/v2/");
        target.push_str(&self.action);
        let body = match self.method {
            Method::Get => {
                target.push('?');
                target.push_str(&query);
                None
            }
            Method::Post => Some(query),
        };
        let mut url = String::with_capacity(self.endpoint.origin.len() + target.len());
        url.push_str(&self.endpoint.origin);
        url.push_str(&target);
        let headers = signed_headers(&self.signer, self.method.as_str(), &target, timestamp, &self.access_key);
        Request { method: self.method, url, target, timestamp, headers, body }
    }
}

/// The clock reading plus `clockOffsetMs`, in whole milliseconds.
pub fn clock_timestamp(now_ms: f64, offset_ms: i64) -> u64 {
    let t = now_ms.floor() + offset_ms as f64;
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

/// One signed HTTP request, ready for `fetch`.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// Path and query exactly as sent: what the signature covers.
    pub target: String,
    pub timestamp: u64,
    pub headers: [(&'static str, String); 3],
    /// For POST: the form body (not signed).
    pub body: Option<String>,
}

impl Request {
    pub fn content_type(&self) -> Option<&'static str> {
        self.body.as_ref().map(|_| "application/x-www-form-urlencoded")
    }
}

/// The request target of `url` when `url` is already in the form a WHATWG URL
/// parser (what `fetch` uses) leaves unchanged: lower-case http(s) scheme, an
/// authority without userinfo, a path, and only characters that are never
/// re-escaped, with no dot segments or fragment. `None` means "ask the parser".
pub fn plain_target(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let slash = crate::options::byte_pos(rest, b'/')?;
    let (authority, target) = rest.split_at(slash);
    let authority_ok = !authority.is_empty()
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    // `'` is escaped in the query of special schemes; backslashes, `#`,
    // spaces and non-ASCII are rewritten too; `/.` or `/%2e` may start a dot
    // segment. One pass over the bytes with a table: this runs for every signRequest.
    let t = target.as_bytes();
    for (i, &b) in t.iter().enumerate() {
        if !KEPT[usize::from(b)] {
            return None;
        }
        if b == b'/' {
            let next = t.get(i + 1..).unwrap_or_default();
            if next.starts_with(b".") || next.get(..3).is_some_and(|h| h.eq_ignore_ascii_case(b"%2e")) {
                return None;
            }
        }
    }
    authority_ok.then_some(target)
}

/// The bytes a URL parser leaves as they are in a path or query (ASCII
/// only). 256 entries, so that any byte indexes it.
const KEPT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'(' | b')')
            || matches!(c, b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@' | b'/' | b'%' | b'?');
        b += 1;
    }
    t
};

/// The three NCP auth headers for a request target.
pub fn signed_headers(
    signer: &Signer,
    method: &str,
    target: &str,
    timestamp: u64,
    access_key: &str,
) -> [(&'static str, String); 3] {
    let mut digits = [0u8; 20];
    let ts = std::str::from_utf8(decimal(timestamp, &mut digits)).unwrap_or_default().to_string();
    [
        ("x-ncp-apigw-timestamp", ts),
        ("x-ncp-iam-access-key", access_key.to_string()),
        ("x-ncp-apigw-signature-v2", signer.sign(method, target, timestamp, access_key)),
    ]
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::EXPORT;
    use crate::options::{parse, Opt, Scope};

    fn plan(extra: &[(&str, &str)]) -> Plan {
        let mut e: Vec<(&str, Opt)> = [
            ("accessKey", "AK"),
            ("secretKey", "SK"),
            ("cloudPostgresqlInstanceNo", "123"),
            ("fileName", "a b+c&d=e/f#g%h é"),
            ("bucketName", "bk"),
        ]
        .iter()
        .chain(extra.iter())
        .map(|&(k, v)| (k, Opt::Str(v)))
        .collect();
        e.dedup_by(|a, b| a.0 == b.0);
        Plan::new(&EXPORT, EXPORT.ncp.into(), parse(&e, Scope::Standalone(&EXPORT)).unwrap()).unwrap()
    }

    #[test]
    fn get_signs_the_exact_target() {
        let r = plan(&[("endpoint", "http://127.0.0.1:8787"), ("regionCode", "KR")]).request(1_700_000_000_000);
        assert_eq!(
            r.target,
            "/vpostgresql/v2/exportBackupToObjectStorage?regionCode=KR&cloudPostgresqlInstanceNo=123\
             &fileName=a%20b%2Bc%26d%3De%2Ff%23g%25h%20%C3%A9&bucketName=bk&responseFormatType=json"
        );
        assert_eq!(r.url, format!("http://127.0.0.1:8787{}", r.target));
        assert_eq!(r.body, None);
        let expected = Signer::new("SK").sign("GET", &r.target, 1_700_000_000_000, "AK");
        assert_eq!(r.headers[0], ("x-ncp-apigw-timestamp", "1700000000000".to_string()));
        assert_eq!(r.headers[1], ("x-ncp-iam-access-key", "AK".to_string()));
        assert_eq!(r.headers[2], ("x-ncp-apigw-signature-v2", expected));
    }

    #[test]
    fn post_signs_the_path_and_sends_a_form() {
        let r = plan(&[("method", "POST"), ("responseFormatType", "xml"), ("endpoint", "https://relay.example/ncp")])
            .request(5);
        assert_eq!(r.target, "/ncp/vpostgresql/v2/exportBackupToObjectStorage");
        assert_eq!(r.url, "https://relay.example/ncp/vpostgresql/v2/exportBackupToObjectStorage");
        assert!(r.body.as_deref().unwrap().ends_with("&bucketName=bk&responseFormatType=xml"));
        assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
        assert_eq!(r.headers[2].1, Signer::new("SK").sign("POST", &r.target, 5, "AK"));
    }

    #[test]
    fn defaults_and_clock() {
        let p = plan(&[]);
        assert_eq!(p.endpoint.origin, "https://ncloud.apigw.ntruss.com");
        assert_eq!((p.timeout_ms, p.max_retries, p.method, p.format), (30_000, 2, Method::Get, Format::Json));
        assert_eq!(p.timestamp_at(1000.7), 1000);
        let mut q = p.clone();
        q.clock_offset_ms = -400;
        assert_eq!(q.timestamp_at(1000.0), 600);
        q.timestamp = Some(42);
        assert_eq!(q.timestamp_at(1000.0), 42);
    }

    #[test]
    fn plain_targets_are_sliced_others_left_to_the_url_parser() {
        assert_eq!(plain_target("https://h.example:8/v/x?a=1&b=%20c"), Some("/v/x?a=1&b=%20c"));
        assert_eq!(plain_target("http://127.0.0.1:8787/vpostgresql/v2/a"), Some("/vpostgresql/v2/a"));
        for other in [
            "https://h",
            "HTTPS://h/x",
            "ftp://h/x",
            "https://u@h/x",
            "https://h/a b",
            "https://h/a#f",
            "https://h/a/../b",
            "https://h/a/%2e%2e/b",
            "https://h/x?q='",
            "https://h/é",
            "https://h\\x/y",
        ] {
            assert_eq!(plain_target(other), None, "{other}");
        }
    }

    #[test]
    fn missing_required_options_are_named() {
        let e = parse(&[("accessKey", Opt::Str("AK"))], Scope::Standalone(&EXPORT)).unwrap();
        let err = Plan::new(&EXPORT, EXPORT.ncp.into(), e).unwrap_err();
        assert_eq!(err.option.as_deref(), Some("secretKey"));
        assert!(err.message.contains("secretKey is required"));
    }
}
