//! The answer read: a body (JSON or XML, whatever was asked for) becomes the
//! action's response object, or an [`Error`] that says what happened.
//!
//! Both formats end up as the same [`Value`]: lists are always arrays, sizes
//! and counts numbers (or `null` when NCP's value is empty or not a number),
//! `is*` flags booleans.

use crate::error::{Error, ErrorKind, Result};
use crate::value::{Map, Value};
use crate::{json, xml};

/// An answer's body parsed into a [`Value`], or what it was instead.
pub type Decoded = std::result::Result<Value, &'static str>;

/// What came back for one attempt.
#[derive(Debug)]
pub struct RawResponse {
    /// 0 for a redirect a browser would not show (`opaqueredirect`).
    pub status: u16,
    pub body: String,
    /// `Retry-After`, as milliseconds.
    pub retry_after_ms: Option<u32>,
    /// `Location`, for a redirect.
    pub location: Option<String>,
}

/// Refuses a redirect: NCP's gateway does not redirect, and following one
/// would send an export twice. Never retried.
pub fn refuse_redirect(raw: &RawResponse) -> Result<()> {
    if raw.status != 0 && !(300..400).contains(&raw.status) {
        return Ok(());
    }
    let to = raw.location.as_deref().map(|l| format!(" to {}", one_line(l))).unwrap_or_default();
    // A browser shows a redirect it did not follow as status 0, with no Location.
    let status = if raw.status == 0 { String::new() } else { format!(" (HTTP {})", raw.status) };
    let m = format!(
        "the server answered with a redirect{to}{status}, which is never followed: a redirected export could run \
         twice; check endpoint (storageEndpoint, for Object Storage)"
    );
    Err(Error::new(ErrorKind::BadResponse, m).with_status(raw.status))
}

/// Reads an answer to `action` from its decoded body. On success returns the
/// unwrapped, normalised `<action>Response` object; unless `exact`, a body
/// whose one key is another `*Response` is taken too (`call()`).
pub fn read(action: &str, exact: bool, status: u16, root: Decoded) -> Result<Map> {
    let root = match root {
        Ok(Value::Obj(root)) => root,
        Ok(_) => return Err(bad(status, "a JSON value that is not an object")),
        Err(what) => return Err(bad(status, what)),
    };
    let empty = Map::new();
    if let Some(e) = root.get("error") {
        return Err(gateway_error(status, e.as_object().unwrap_or(&empty)));
    }
    if let Some(e) = root.get("responseError") {
        return Err(service_error(status, e.as_object().unwrap_or(&empty)));
    }
    let mut inner = match unwrap_response(action, exact, root) {
        Some(Value::Obj(inner)) => inner,
        _ if status >= 400 => return Err(bad(status, "an error body of a shape NCP does not use")),
        _ => return Err(bad(status, "a body without the action's response object")),
    };
    normalize_map(&mut inner, 0);
    let code = inner.text("returnCode").unwrap_or_default();
    if (!code.is_empty() && code != "0") || status >= 400 {
        return Err(service_error(status, &inner));
    }
    // NCP's every answer carries a returnCode ("0" for success); without
    // one, success cannot be told from anything else.
    if code.is_empty() {
        return Err(bad(status, "no returnCode"));
    }
    Ok(inner)
}

/// `{ "<action>Response": {...} }` → the inner value. Unless `exact` (for
/// `call()` on an action NCP answers under another name), a single
/// `*Response` key is accepted.
fn unwrap_response(action: &str, exact: bool, mut root: Map) -> Option<Value> {
    if let Some(v) = root.remove(&format!("{action}Response")) {
        return Some(v);
    }
    if !exact && root.len() == 1 {
        let (k, v) = root.into_vec().into_iter().next()?;
        return k.ends_with("Response").then_some(v);
    }
    None
}

/// Parses JSON or XML; the error names what the body was instead.
pub fn decode(body: &str) -> Decoded {
    // JSON's and XML's white space is ASCII.
    let t = body.trim_start_matches('\u{feff}').trim_ascii_start();
    if t.is_empty() {
        return Err("an empty body");
    }
    if t.starts_with('{') || t.starts_with('[') {
        return json::parse(t);
    }
    if t.starts_with('<') {
        let head = t.get(..14).unwrap_or(t).to_ascii_lowercase();
        if head.starts_with("<!doctype html") || head.starts_with("<html") {
            return Err("an HTML page (a proxy or load balancer answered, not NCP)");
        }
        return xml::parse(t).ok_or("XML that does not parse (truncated?)");
    }
    Err("a body that is neither JSON nor XML")
}

fn bad(status: u16, what: &str) -> Error {
    // A 429 means too many requests whoever sent it (a proxy in front of
    // NCP, say) and whatever its body: throttled, as NCP's own are.
    if status == 429 {
        let m = format!(
            "too many requests: HTTP 429 with {what}; slow down (429s are retried automatically up to maxRetries)"
        );
        return Error::new(ErrorKind::Throttled, m).with_status(status);
    }
    Error::new(ErrorKind::BadResponse, format!("NCP's answer could not be read: HTTP {status} with {what}"))
        .with_status(status)
}

/// `{"errorCode":"200","message":"Authentication Failed","details":"…"}` from the API Gateway.
fn gateway_error(status: u16, e: &Map) -> Error {
    let code = e.text("errorCode").unwrap_or_default();
    let kind = match code.as_str() {
        "200" => ErrorKind::Auth,
        "210" => ErrorKind::Permission,
        "300" => ErrorKind::NotFound,
        "400" | "410" | "420" => ErrorKind::Throttled,
        "" => match status {
            401 => ErrorKind::Auth,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::Throttled,
            _ => ErrorKind::Gateway,
        },
        _ => ErrorKind::Gateway,
    };
    let hint = match (kind, code.as_str()) {
        (ErrorKind::Auth, _) => {
            "check that accessKey and secretKey are a matching pair and that this machine's clock is within \
             5 minutes of NCP's (clockOffsetMs corrects a skewed clock)"
        }
        (ErrorKind::Permission, _) => {
            "the key is not allowed to call this action: grant the sub account Cloud DB for PostgreSQL permissions"
        }
        (ErrorKind::NotFound, _) => "no such API path: check endpoint or site, and the action name",
        (ErrorKind::Throttled, _) => "too many requests: slow down (429s are retried automatically up to maxRetries)",
        (_, "100") => "NCP's gateway could not read the request: check the parameters' values",
        (_, "430") => "the request is too large for NCP's gateway: send fewer or shorter parameters",
        _ => "NCP's gateway could not complete the request; try again later",
    };
    let mut m = headline(e.text("message"), "API Gateway error", "gateway errorCode", &code, status);
    if let Some(details) = e.text("details").filter(|d| !d.is_empty()) {
        m.push_str(": ");
        m.push_str(&one_line(&details));
    }
    m.push_str(". ");
    m.push_str(hint);
    Error::new(kind, m).with_status(status).with_code(Some(code))
}

/// `{"returnCode":"5001017","returnMessage":"…"}` from the service itself
/// (a `responseError`, or an answer whose returnCode is not "0"), with its
/// `requestId` when it has one.
fn service_error(status: u16, e: &Map) -> Error {
    let code = e.text("returnCode").unwrap_or_default();
    let mut m =
        headline(e.text("returnMessage"), "Cloud DB for PostgreSQL refused the request", "returnCode", &code, status);
    if code == "5001017" {
        m.push_str(". Check cloudPostgresqlInstanceNo: listInstances() shows the instances this key can see");
    }
    Error::new(ErrorKind::Service, m).with_status(status).with_code(Some(code)).with_request_id(e.text("requestId"))
}

/// `"<NCP's message> (<label> <code>, HTTP <status>)"`.
fn headline(message: Option<String>, fallback: &str, label: &str, code: &str, status: u16) -> String {
    let message = message.filter(|m| !m.is_empty()).unwrap_or_else(|| fallback.to_string());
    let code = if code.is_empty() { "none" } else { code };
    format!("{} ({label} {}, HTTP {status})", one_line(&message), one_line(code))
}

/// The answer's own words, as one line of at most 300 characters (and "…"
/// when cut): a server can put anything there, of any length. Control
/// characters, line and paragraph separators and bidirectional overrides
/// (which can make a log line read as something else) become spaces.
pub fn one_line(text: &str) -> String {
    let mut m = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 300 {
            m.push('…');
            break;
        }
        let odd = c.is_control() || matches!(c, '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        m.push(if odd { ' ' } else { c });
    }
    m
}

/// Sizes, counts and the like: numbers whatever the format.
fn is_numeric_field(key: &str) -> bool {
    matches!(key, "totalRows" | "pageNo" | "pageSize")
        || ["Size", "Count", "Period", "Port", "Retention"].iter().any(|s| key.ends_with(s))
}

/// `isHa`, `isBackup`, …: booleans whatever the format.
fn is_flag_field(key: &str) -> bool {
    key.len() > 2 && key.starts_with("is") && key.as_bytes().get(2).is_some_and(u8::is_ascii_uppercase)
}

fn normalize_map(map: &mut Map, depth: usize) {
    for (k, v) in map.iter_mut() {
        normalize(k, v, depth + 1);
    }
}

fn normalize(key: &str, v: &mut Value, depth: usize) {
    if depth > json::MAX_DEPTH {
        return;
    }
    if key.ends_with("List") {
        *v = Value::Arr(list_items(key, std::mem::replace(v, Value::Null)));
    }
    match v {
        Value::Obj(map) => normalize_map(map, depth),
        Value::Arr(items) => {
            for item in items {
                normalize("", item, depth + 1);
            }
        }
        Value::Str(s) if is_numeric_field(key) => *v = number(s).map_or(Value::Null, Value::Num),
        Value::Str(s) if is_flag_field(key) => match s.as_str() {
            "true" => *v = Value::Bool(true),
            "false" => *v = Value::Bool(false),
            _ => {}
        },
        _ => {}
    }
}

/// The `*List` field `list` as its items. An array is one; nothing or an
/// empty string is none; an object of one field that holds an object or array,
/// or that is named as the list's item (`accessControlGroupNo` in
/// `accessControlGroupNoList`), is the wrapper NCP sometimes sends instead of
/// an array (`{"cloudPostgresqlBackup": {…}}`, as in XML) and stands for what
/// it holds; any other value is one item.
fn list_items(list: &str, v: Value) -> Vec<Value> {
    let item_name = list.strip_suffix("List");
    let wrapper = |(name, held): &(String, Value)| {
        matches!(held, Value::Obj(_) | Value::Arr(_)) || Some(name.as_str()) == item_name
    };
    match v {
        Value::Arr(items) => items,
        Value::Null => Vec::new(),
        Value::Str(s) if s.is_empty() => Vec::new(),
        Value::Obj(map) if map.len() == 1 && map.iter().next().is_some_and(wrapper) => {
            match map.into_vec().into_iter().next() {
                Some((_, Value::Arr(items))) => items,
                Some((_, item)) => vec![item],
                None => Vec::new(),
            }
        }
        one => vec![one],
    }
}

/// A whole number in decimal (NCP's sizes and counts are Java integers and
/// longs), as the JS number nearest to it, as `JSON.parse` reads a JSON
/// number; `None` for anything else.
fn number(s: &str) -> Option<f64> {
    let t = s.trim_ascii();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = match digits.parse::<u64>() {
        Ok(n) => n as f64,
        Err(_) => digits.bytes().fold(0.0, |n, b| n * 10.0 + f64::from(b - b'0')),
    };
    Some(if negative { 0.0 - n } else { n })
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    /// [`read`] of a body as text.
    fn read_text(action: &str, exact: bool, status: u16, body: &str) -> Result<Map> {
        read(action, exact, status, decode(body))
    }

    #[test]
    fn numbers_are_read_as_json_parse_reads_them() {
        for t in ["0", "-5", "+3", " 12 ", "9223372036854775807", "-9223372036854775808", "123456789012345678901234"] {
            let json: f64 = serde_json::from_str(t.trim().trim_start_matches('+')).unwrap();
            assert_eq!(number(t), Some(json), "{t}");
        }
        for t in ["-+3", "1.5", "", "-", "12a", "N/A"] {
            assert_eq!(number(t), None, "{t}");
        }
        assert!(number("-0").is_some_and(f64::is_sign_positive), "-0 reads as 0");
    }

    /// A size or count that is empty or not a number is null, in both formats.
    #[test]
    fn a_numeric_field_that_is_not_a_number_is_null() {
        let x = read_text(
            "a",
            true,
            200,
            "<aResponse><returnCode>0</returnCode><backupSize></backupSize><fileCount>N/A</fileCount>\
             <totalRows>12345678901234567890</totalRows></aResponse>",
        )
        .unwrap();
        assert_eq!(x.get("backupSize"), Some(&Value::Null));
        assert_eq!(x.get("fileCount"), Some(&Value::Null));
        assert_eq!(x.number("totalRows"), Some(12345678901234567890.0));
    }

    /// NCP's gov example sends a one-item list as an object wrapping the item.
    #[test]
    fn a_list_sent_as_a_wrapper_object_is_its_items() {
        let body = r#"{"aResponse":{"returnCode":"0","cloudPostgresqlBackupList":{"cloudPostgresqlBackup":{"backupSize":"7"}},
            "otherList":{"item":[{"x":1},{"x":2}]},"plainList":{"x":"1","y":"2"},"emptyList":"",
            "accessControlGroupNoList":{"accessControlGroupNo":"104321"},"oneFieldList":{"name":"a"}}}"#;
        let v = read_text("a", true, 200, body).unwrap();
        assert_eq!(v.get("cloudPostgresqlBackupList"), Some(&json(serde_json::json!([{"backupSize": 7.0}]))));
        assert_eq!(v.get("otherList"), Some(&json(serde_json::json!([{"x": 1}, {"x": 2}]))));
        assert_eq!(v.get("plainList"), Some(&json(serde_json::json!([{"x": "1", "y": "2"}]))));
        assert_eq!(v.get("emptyList"), Some(&json(serde_json::json!([]))));
        // A list of strings: the wrapper is named as the list's item.
        assert_eq!(v.get("accessControlGroupNoList"), Some(&json(serde_json::json!(["104321"]))));
        assert_eq!(v.get("oneFieldList"), Some(&json(serde_json::json!([{"name": "a"}]))));
    }

    #[test]
    fn redirects_are_refused_naming_the_location() {
        let raw = |status, location: Option<&str>| RawResponse {
            status,
            body: String::new(),
            retry_after_ms: None,
            location: location.map(String::from),
        };
        for status in [301, 302, 303, 307, 308] {
            let e = refuse_redirect(&raw(status, Some("https://elsewhere.example/x"))).unwrap_err();
            assert_eq!((e.kind(), e.status(), e.retryable()), (ErrorKind::BadResponse, Some(status), false));
            assert!(e.message().contains("redirect to https://elsewhere.example/x"), "{}", e.message());
        }
        let e = refuse_redirect(&raw(0, None)).unwrap_err();
        assert!(e.message().contains("never followed"), "{}", e.message());
        assert!(refuse_redirect(&raw(200, None)).is_ok() && refuse_redirect(&raw(404, None)).is_ok());
    }

    #[test]
    fn gateway_errors_without_details() {
        let e =
            read_text("a", true, 404, r#"{"error":{"errorCode":"300","message":"Not Found Exception"}}"#).unwrap_err();
        assert_eq!((e.kind(), e.code()), (ErrorKind::NotFound, Some("300")));
        assert!(
            e.message().starts_with("Not Found Exception (gateway errorCode 300, HTTP 404). no such API path"),
            "{}",
            e.message()
        );
        let e = read_text("a", true, 400, r#"{"error":{"errorCode":"100","message":"Bad Request Exception"}}"#)
            .unwrap_err();
        assert!(e.message().ends_with("check the parameters' values"), "{}", e.message());
    }

    fn json(v: serde_json::Value) -> Value {
        serde_json::from_value(v).unwrap()
    }

    const LIST: &str = "getCloudPostgresqlBackupDetailList";

    #[test]
    fn json_and_xml_give_the_same_object() {
        let json_body = r#"{"getCloudPostgresqlBackupDetailListResponse":{"requestId":"r","returnCode":"0","returnMessage":"success",
            "totalRows":1,"cloudPostgresqlBackupDetailList":[{"fileName":"f 1","backupSize":"1024","dataStorageSize":2048,"isX":"true"}]}}"#;
        let xml_body = "<?xml version=\"1.0\"?><getCloudPostgresqlBackupDetailListResponse><requestId>r</requestId>\
            <returnCode>0</returnCode><returnMessage>success</returnMessage><totalRows>1</totalRows>\
            <cloudPostgresqlBackupDetailList><cloudPostgresqlBackupDetail><fileName>f 1</fileName><backupSize>1024</backupSize>\
            <dataStorageSize>2048</dataStorageSize><isX>true</isX></cloudPostgresqlBackupDetail></cloudPostgresqlBackupDetailList>\
            </getCloudPostgresqlBackupDetailListResponse>";
        let a = read_text(LIST, true, 200, json_body).unwrap();
        let b = read_text(LIST, true, 200, xml_body).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.get("totalRows"), Some(&Value::Num(1.0)));
        let Some(Value::Arr(items)) = a.get("cloudPostgresqlBackupDetailList") else { panic!("list") };
        let item = items[0].as_object().unwrap();
        assert_eq!(item.get("backupSize"), Some(&Value::Num(1024.0)));
        assert_eq!(item.get("isX"), Some(&Value::Bool(true)));
        assert_eq!(item.get("fileName"), Some(&Value::Str("f 1".into())));
    }

    #[test]
    fn empty_lists_in_both_formats() {
        let x = read_text(
            LIST,
            true,
            200,
            "<getCloudPostgresqlBackupDetailListResponse><returnCode>0</returnCode><totalRows>0</totalRows>\
            <cloudPostgresqlBackupDetailList/></getCloudPostgresqlBackupDetailListResponse>",
        )
        .unwrap();
        assert_eq!(x.get("cloudPostgresqlBackupDetailList"), Some(&Value::Arr(vec![])));
        let j = read_text(LIST, true, 200, r#"{"getCloudPostgresqlBackupDetailListResponse":{"returnCode":"0","cloudPostgresqlBackupDetailList":null}}"#).unwrap();
        assert_eq!(j.get("cloudPostgresqlBackupDetailList"), Some(&json(serde_json::json!([]))));
    }

    #[test]
    fn gateway_errors_in_json_and_xml() {
        let cases = [
            (401, "200", ErrorKind::Auth),
            (401, "210", ErrorKind::Permission),
            (404, "300", ErrorKind::NotFound),
            (400, "100", ErrorKind::Gateway),
            (429, "400", ErrorKind::Throttled),
            (429, "410", ErrorKind::Throttled),
            (429, "420", ErrorKind::Throttled),
            (413, "430", ErrorKind::Gateway),
            (503, "500", ErrorKind::Gateway),
            (504, "510", ErrorKind::Gateway),
            (500, "900", ErrorKind::Gateway),
        ];
        for (status, code, kind) in cases {
            let j = format!(r#"{{"error":{{"errorCode":"{code}","message":"M","details":"D"}}}}"#);
            let x = format!("<error><errorCode>{code}</errorCode><message>M</message><details>D</details></error>");
            for body in [j, x] {
                let e = read_text("a", true, status, &body).unwrap_err();
                assert_eq!((e.kind(), e.status(), e.code()), (kind, Some(status), Some(code)), "{body}");
                assert!(e.message().starts_with("M (gateway errorCode"), "{}", e.message());
            }
        }
    }

    #[test]
    fn service_errors_in_json_and_xml() {
        let j = r#"{"responseError":{"returnCode":"5001017","returnMessage":"No instance"}}"#;
        let x =
            "<responseError><returnCode>5001017</returnCode><returnMessage>No instance</returnMessage></responseError>";
        for body in [j, x] {
            let e = read_text("a", true, 400, body).unwrap_err();
            assert_eq!((e.kind(), e.code(), e.status()), (ErrorKind::Service, Some("5001017"), Some(400)));
            assert!(e.message().contains("listInstances()"));
        }
        // A 200 whose returnCode is not 0 is a failure too, and keeps its requestId.
        let e = read_text("a", true, 200, r#"{"aResponse":{"requestId":"q","returnCode":"1","returnMessage":"no"}}"#)
            .unwrap_err();
        assert_eq!((e.kind(), e.request_id()), (ErrorKind::Service, Some("q")));
        // So does a responseError that carries one.
        let e = read_text("a", true, 400, r#"{"responseError":{"requestId":"rq","returnCode":"1"}}"#).unwrap_err();
        assert_eq!(e.request_id(), Some("rq"));
    }

    #[test]
    fn the_answers_own_words_are_one_bounded_line() {
        let long = "x".repeat(100_000);
        let bodies = [
            format!(r#"{{"error":{{"errorCode":"200","message":"a\nb","details":"{long}"}}}}"#),
            format!(r#"{{"responseError":{{"returnCode":"1","returnMessage":"c\u0000\u001b[31md\r\n{long}"}}}}"#),
        ];
        for body in bodies {
            let e = read_text("a", true, 401, &body).unwrap_err();
            assert!(e.message().len() < 1000, "{} bytes", e.message().len());
            assert!(!e.message().chars().any(char::is_control), "{:?}", e.message());
            assert!(e.message().contains("x…"), "{}", e.message());
        }
        // NCP's code too; and separators and bidirectional overrides as spaces.
        let e = read_text("a", true, 400, &format!(r#"{{"responseError":{{"returnCode":"1\n{long}"}}}}"#)).unwrap_err();
        assert!(e.message().len() < 1000 && !e.message().contains('\n'), "{} bytes", e.message().len());
        let e = read_text(
            "a",
            true,
            400,
            r#"{"responseError":{"returnCode":"1","returnMessage":"a\u2028b\u202ec\u2066d"}}"#,
        )
        .unwrap_err();
        assert!(e.message().starts_with("a b c d (returnCode 1"), "{}", e.message());
        let e = read_text("a", true, 401, r#"{"error":{"errorCode":"200","message":"a\nb","details":"line1\nline2"}}"#)
            .unwrap_err();
        assert!(e.message().starts_with("a b (gateway errorCode 200, HTTP 401): line1 line2. "), "{}", e.message());
    }

    #[test]
    fn odd_bodies_are_bad_responses_with_status() {
        for (status, body) in [
            (502, "<!DOCTYPE html><html><body>Bad Gateway</body></html>"),
            (200, "<HTML>oops</HTML>"),
            (200, r#"{"aResponse":{"requestId":"#),
            (200, ""),
            (200, "   "),
            (200, "plain text"),
            (200, "[1,2]"),
            (200, r#"{"other":{}}"#),
            (500, r#"{"unexpected":true,"x":1}"#),
            (200, "<aResponse><x></aResponse>"),
        ] {
            let e = read_text("a", true, status, body).unwrap_err();
            assert_eq!((e.kind(), e.status()), (ErrorKind::BadResponse, Some(status)), "{body:?}");
        }
        // A 429 is throttled whatever its body (a proxy's, say).
        for body in ["{}", "<html><body>Too Many Requests</body></html>", ""] {
            let e = read_text("a", true, 429, body).unwrap_err();
            assert_eq!((e.kind(), e.status()), (ErrorKind::Throttled, Some(429)), "{body:?}");
            assert!(e.message().starts_with("too many requests: HTTP 429 with "), "{}", e.message());
        }
    }

    #[test]
    fn call_accepts_a_single_response_key() {
        let v = read_text("x", false, 200, r#"{"somethingResponse":{"returnCode":"0","portCount":"3"}}"#).unwrap();
        assert_eq!(v.get("portCount"), Some(&Value::Num(3.0)));
    }

    /// A named action takes only its own answer: another action's (a relay
    /// or a cache mixing answers up) is not a success.
    #[test]
    fn a_named_action_takes_only_its_own_answer() {
        let other =
            r#"{"getCloudPostgresqlBucketListResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}"#;
        let e = read_text("exportBackupToObjectStorage", true, 200, other).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        assert!(e.message().contains("without the action's response object"), "{}", e.message());
        assert!(read_text("getCloudPostgresqlBucketList", true, 200, other).is_ok());
        // Not exact, as for call(): any single *Response is taken.
        assert!(read_text("exportBackupToObjectStorage", false, 200, other).is_ok());
    }

    /// Success is a returnCode of "0" (or 0); none, or one of another type, is unreadable.
    #[test]
    fn success_needs_a_return_code() {
        for inner in
            [r#"{}"#, r#"{"returnCode":1.5}"#, r#"{"returnCode":true}"#, r#"{"returnCode":{}}"#, r#"{"returnCode":""}"#]
        {
            let body = format!(r#"{{"aResponse":{inner}}}"#);
            let e = read_text("a", true, 200, &body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadResponse, "{inner}");
            assert!(e.message().ends_with("with no returnCode"), "{}", e.message());
        }
        assert!(read_text("a", true, 200, r#"{"aResponse":{"returnCode":0}}"#).is_ok());
        let xml = read_text("a", true, 200, "<aResponse><returnCode>0</returnCode></aResponse>");
        assert!(xml.is_ok());
    }

    #[test]
    fn deep_json_is_refused_not_overflowed() {
        let body = "[".repeat(100_000);
        assert_eq!(read_text("a", true, 200, &body).unwrap_err().kind(), ErrorKind::BadResponse);
    }
}
