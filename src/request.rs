//! A request to the Cloud DB for PostgreSQL API built and signed: settings
//! in ([`Plan`]), a signed [`Request`] out.

use crate::encode;
use crate::error::{Error, Result};
use crate::options::{Endpoint, Format, Method, Settings};
use crate::retry::Retry;
use crate::sign::Keys;
use std::rc::Rc;

pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The longest URL the package sends or signs, in characters. Each option
/// value may have 4096 characters, and percent-encoding makes a character of
/// up to 12 bytes of URL: the URLs of every function fit, `signRequest` takes
/// any of them, and servers refuse longer ones anyway.
pub const MAX_URL_LEN: usize = 64 * 1024;

/// One signed HTTP request, ready for `fetch`.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    /// For POST: the form body (not signed).
    pub body: Option<String>,
}

/// An action, its parameters and settings, defaults applied: what every
/// attempt is built from.
#[derive(Clone, Debug)]
pub struct Plan {
    /// NCP's action name: the last path segment.
    pub action: String,
    /// Whether the answer must be `<action>Response`: every action but
    /// `call()`'s, for which NCP may use another `*Response` name.
    pub exact_answer: bool,
    /// The action's parameters, without `regionCode` and `responseFormatType`.
    pub params: Vec<(String, String)>,
    pub region_code: Option<String>,
    pub format: Format,
    pub method: Method,
    pub endpoint: Endpoint,
    pub keys: Rc<Keys>,
    pub timestamp: Option<u64>,
    pub clock_offset_ms: i64,
    pub retry: Retry,
}

impl Plan {
    pub fn new(action: &str, exact_answer: bool, params: Vec<(String, String)>, s: &Settings) -> Result<Plan> {
        let plan = Plan {
            action: action.to_string(),
            exact_answer,
            params,
            region_code: s.region_code.clone(),
            format: s.format.unwrap_or(Format::Json),
            method: s.method.unwrap_or(Method::Get),
            endpoint: s.api_endpoint(),
            keys: s.keys()?.clone(),
            timestamp: s.timestamp,
            clock_offset_ms: s.clock_offset_ms.unwrap_or(0),
            retry: Retry::from(s),
        };
        let (url, _) = plan.url_and_body();
        if url.len() > MAX_URL_LEN {
            return Err(Error::invalid(
                "params",
                format!(
                    "the request's URL would be {} characters, over the {MAX_URL_LEN} a URL may have: send shorter \
                     values, or use method \"POST\"",
                    url.len()
                ),
            ));
        }
        Ok(plan)
    }

    /// Builds and signs the request for one attempt, at `now_ms` by the runtime's clock.
    pub fn request(&self, now_ms: f64) -> Request {
        let timestamp = self.timestamp.unwrap_or_else(|| clock_timestamp(now_ms, self.clock_offset_ms));
        let (url, body) = self.url_and_body();
        let target = url.get(self.endpoint.origin.len()..).unwrap_or_default();
        let mut headers = vec![
            ("x-ncp-apigw-timestamp", timestamp.to_string()),
            ("x-ncp-iam-access-key", self.keys.access_key().to_string()),
            ("x-ncp-apigw-signature-v2", self.keys.sign(self.method.as_str(), target, timestamp)),
        ];
        if body.is_some() {
            headers.push(("content-type", "application/x-www-form-urlencoded".to_string()));
        }
        Request { method: self.method.as_str(), url, headers, body }
    }

    /// The URL, and for POST the form body: `regionCode`, the parameters, then `responseFormatType`.
    fn url_and_body(&self) -> (String, Option<String>) {
        let region = self.region_code.as_deref().map(|r| ("regionCode", r));
        let params = self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let query =
            encode::form(region.into_iter().chain(params).chain([("responseFormatType", self.format.as_str())]));
        let path = format!("{}{}/vpostgresql/v2/{}", self.endpoint.origin, self.endpoint.prefix, self.action);
        match self.method {
            Method::Get => (format!("{path}?{query}"), None),
            Method::Post => (path, Some(query)),
        }
    }
}

/// The request target of `url` when `url` is already in the form a WHATWG
/// URL parser (what `fetch` uses) leaves unchanged: a lower-case http(s)
/// scheme, an authority without userinfo, and a path and query of only
/// characters it never re-escapes, with no dot segment, fragment or empty
/// query. `None` means "ask the parser" (`crate::js`), which costs a URL
/// object and two getters: `signRequest` is called per request.
pub fn plain_target(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let (authority, target) = rest.split_at(rest.find('/')?);
    let authority_ok = !authority.is_empty()
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let kept = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/%?".contains(&b);
    let dot_segment = target.as_bytes().split(|&b| b == b'/' || b == b'?').any(is_dot_segment);
    (authority_ok && target.bytes().all(kept) && !dot_segment && !target.ends_with('?')).then_some(target)
}

/// `.` or `..`, each dot maybe written `%2e` (any case): a segment URL parsers
/// resolve away, which would change a target after it was signed.
pub fn is_dot_segment(segment: &[u8]) -> bool {
    let dot = |s: &[u8]| s == b"." || s.eq_ignore_ascii_case(b"%2e");
    // No dot segment is longer than `%2e%2e` (6 bytes): a longer one, such as a whole query, is
    // refused before any split is tried.
    segment.len() <= 6
        && (dot(segment)
            || (1..segment.len()).any(|i| segment.split_at_checked(i).is_some_and(|(a, b)| dot(a) && dot(b))))
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

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::EXPORT_BACKUP;
    use crate::options::{parse, Opt};
    use crate::sign::v2::Signer;

    fn plan(extra: &[(&str, &str)]) -> Plan {
        let mut e: Vec<(String, Opt)> = [
            ("accessKey", "AK"),
            ("secretKey", "SK"),
            ("cloudPostgresqlInstanceNo", "123"),
            ("fileName", "a b+c&d=e/f#g%h é"),
            ("bucketName", "bk"),
        ]
        .iter()
        .map(|&(k, v)| (k.to_string(), Opt::Str(v.to_string())))
        .collect();
        for (k, v) in extra {
            e.retain(|(n, _)| n != k);
            e.push((k.to_string(), Opt::Str(v.to_string())));
        }
        let s = parse(e, &EXPORT_BACKUP, None).unwrap();
        let params = s.params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        Plan::new("exportBackupToObjectStorage", true, params, &s).unwrap()
    }

    fn header<'a>(r: &'a Request, name: &str) -> &'a str {
        r.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str()).unwrap()
    }

    #[test]
    fn get_signs_the_exact_target() {
        let mut p = plan(&[("endpoint", "http://127.0.0.1:8787"), ("regionCode", "KR")]);
        p.timestamp = Some(1_700_000_000_000);
        let r = p.request(0.0);
        let target = "/vpostgresql/v2/exportBackupToObjectStorage?regionCode=KR&cloudPostgresqlInstanceNo=123\
             &fileName=a%20b%2Bc%26d%3De%2Ff%23g%25h%20%C3%A9&bucketName=bk&responseFormatType=json";
        assert_eq!(r.url, format!("http://127.0.0.1:8787{target}"));
        assert_eq!(r.body, None);
        assert_eq!(header(&r, "x-ncp-apigw-timestamp"), "1700000000000");
        assert_eq!(header(&r, "x-ncp-iam-access-key"), "AK");
        assert_eq!(
            header(&r, "x-ncp-apigw-signature-v2"),
            Signer::new("SK").sign("GET", target, 1_700_000_000_000, "AK")
        );
    }

    #[test]
    fn post_signs_the_path_and_sends_a_form() {
        let r = plan(&[("method", "POST"), ("responseFormatType", "xml"), ("endpoint", "https://relay.example/ncp")])
            .request(5.0);
        assert_eq!(r.url, "https://relay.example/ncp/vpostgresql/v2/exportBackupToObjectStorage");
        assert!(r.body.as_deref().unwrap().ends_with("&bucketName=bk&responseFormatType=xml"));
        assert_eq!(header(&r, "content-type"), "application/x-www-form-urlencoded");
        let target = "/ncp/vpostgresql/v2/exportBackupToObjectStorage";
        assert_eq!(header(&r, "x-ncp-apigw-signature-v2"), Signer::new("SK").sign("POST", target, 5, "AK"));
    }

    #[test]
    fn defaults_and_clock() {
        let p = plan(&[]);
        assert_eq!(p.endpoint.origin, "https://ncloud.apigw.ntruss.com");
        assert_eq!(
            (p.retry.timeout_ms, p.retry.max_retries, p.method, p.format),
            (30_000, 2, Method::Get, Format::Json)
        );
        assert_eq!(clock_timestamp(1000.7, 0), 1000);
        assert_eq!(clock_timestamp(1000.0, -400), 600);
        assert_eq!(clock_timestamp(100.0, -400), 0);
    }

    #[test]
    fn dot_segments_in_every_spelling_and_nothing_longer() {
        let dots = [".", "%2e", "%2E"];
        for a in dots {
            assert!(is_dot_segment(a.as_bytes()), "{a}");
            for b in dots {
                assert!(is_dot_segment(format!("{a}{b}").as_bytes()), "{a}{b}");
            }
        }
        for not in ["", "...", "%2e%2e.", ".%2e%2e", "%2e%2e%2e", "a.", "%2f", "%2e%2f", "x=.", "%2e%2ex"] {
            assert!(!is_dot_segment(not.as_bytes()), "{not}");
        }
    }

    #[test]
    fn plain_targets_are_sliced_others_left_to_the_url_parser() {
        assert_eq!(plain_target("https://h.example:8/v/x?a=1&b=%20c"), Some("/v/x?a=1&b=%20c"));
        assert_eq!(plain_target("http://127.0.0.1:8787/vpostgresql/v2/a"), Some("/vpostgresql/v2/a"));
        assert_eq!(plain_target("https://h/.../%2e%2e%2e/a.b?x=."), Some("/.../%2e%2e%2e/a.b?x=."));
        for other in [
            "https://h",
            "HTTPS://h/x",
            "ftp://h/x",
            "https://u@h/x",
            "https://h/a b",
            "https://h/a#f",
            "https://h/a/../b",
            "https://h/a/%2e%2e/b",
            "https://h/a/.%2E/b",
            "https://h/a/%2E.?q",
            "https://h/a/.",
            "https://h/x?q='",
            "https://h/é",
            "https://h\\x/y",
            "https://h/x?",
        ] {
            assert_eq!(plain_target(other), None, "{other}");
        }
    }

    #[test]
    fn a_url_too_long_is_refused_before_sending() {
        let long = "가".repeat(4000); // 36,000 characters of URL
        let e = Plan::new(
            "exportBackupToObjectStorage",
            true,
            vec![("a".into(), long.clone()), ("b".into(), long)],
            &parse(
                vec![("accessKey".into(), Opt::Str("AK".into())), ("secretKey".into(), Opt::Str("SK".into()))],
                &crate::actions::CALL,
                None,
            )
            .unwrap(),
        )
        .unwrap_err();
        assert!(e.message().contains("over the 65536 a URL may have"), "{}", e.message());
    }
}
