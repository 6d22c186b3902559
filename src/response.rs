//! The answer read: a body (JSON or XML, whatever was asked for) becomes the
//! action's response object, or an [`Error`] that says what happened.
//!
//! Both formats end up as the same [`Value`]: lists are always
//! arrays, sizes and counts numbers, `is*` flags booleans.

use crate::error::{Error, Kind, Result};
use crate::value::{integer_text, parse_unsigned, Map, Value};
use crate::{json, xml};

/// An answer's body parsed into a [`Value`] (by [`decode`], or in wasm by
/// the runtime's `JSON.parse` where the text is), or what it was instead.
pub type Decoded = std::result::Result<Value, &'static str>;

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
    let code = field(&inner, "returnCode");
    if (!code.is_empty() && code != "0") || status >= 400 {
        return Err(service_error(status, &inner));
    }
    // NCP's every answer carries a returnCode ("0" for success); without
    // one (or with one that is not a string or a whole number), success
    // cannot be told from anything else.
    if code.is_empty() {
        return Err(bad(status, "no returnCode"));
    }
    Ok(inner)
}

/// `{ "<action>Response": {...} }` → the inner value. Unless `exact` (for
/// `call()` on an action NCP answers under another name), a single
/// `*Response` key is accepted.
fn unwrap_response(action: &str, exact: bool, mut root: Map) -> Option<Value> {
    let mut key = String::with_capacity(action.len() + 8);
    key.push_str(action);
    key.push_str("Response");
    if let Some(v) = root.remove(&key) {
        return Some(v);
    }
    if !exact && root.len() == 1 {
        let (k, v) = root.into_vec().into_iter().next()?;
        return if k.ends_with("Response") { Some(v) } else { None };
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
        let starts = |p: &str| t.as_bytes().get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()));
        if starts("<!doctype html") || starts("<html") {
            return Err("an HTML page (a proxy or load balancer answered, not NCP)");
        }
        return xml::parse(t).ok_or("XML that does not parse (truncated?)");
    }
    Err("a body that is neither JSON nor XML")
}

fn bad(status: u16, what: &str) -> Error {
    // A 429 means too many requests whoever sent it (a proxy in front of
    // NCP, say) and whatever its body: throttled, as NCP's own are.
    let throttled = status == 429;
    let mut m =
        String::from(if throttled { "too many requests: HTTP " } else { "NCP's answer could not be read: HTTP " });
    m.push_str(&integer_text(f64::from(status)).unwrap_or_default());
    m.push_str(" with ");
    m.push_str(what);
    if throttled {
        m.push_str("; slow down (429s are retried automatically up to maxRetries)");
    }
    Error::new(if throttled { Kind::Throttled } else { Kind::BadResponse }, m).with_status(status)
}

/// `{"errorCode":"200","message":"Authentication Failed","details":"…"}` from the API Gateway.
fn gateway_error(status: u16, e: &Map) -> Error {
    let code = field(e, "errorCode");
    let kind = match code.as_str() {
        "200" => Kind::Auth,
        "210" => Kind::Permission,
        "300" => Kind::NotFound,
        "400" | "410" | "420" => Kind::Throttled,
        "" => match status {
            401 => Kind::Auth,
            403 => Kind::Permission,
            404 => Kind::NotFound,
            429 => Kind::Throttled,
            _ => Kind::Gateway,
        },
        _ => Kind::Gateway,
    };
    let hint = match kind {
        Kind::Auth => {
            "check that accessKey and secretKey are a matching pair and that this machine's clock is within \
             5 minutes of NCP's (clockOffsetMs corrects a skewed clock)"
        }
        Kind::Permission => {
            "the key is not allowed to call this action: grant the sub account Cloud DB for PostgreSQL permissions"
        }
        Kind::NotFound => "no such API path: check endpoint or site, and the action name",
        Kind::Throttled => "too many requests: slow down (429s are retried automatically up to maxRetries)",
        _ => "NCP's gateway could not complete the request; try again later",
    };
    let mut m = headline(&field(e, "message"), "API Gateway error", "gateway errorCode", &code, status);
    let details = field(e, "details");
    if !details.is_empty() {
        m.push_str(": ");
        push_ncp_text(&mut m, &details);
    }
    m.push_str(". ");
    m.push_str(hint);
    let mut err = Error::new(kind, m).with_status(status);
    err.code = Some(code).filter(|c| !c.is_empty());
    err
}

/// `{"returnCode":"5001017","returnMessage":"…"}` from the service itself
/// (a `responseError`, or an answer whose returnCode is not "0"), with its
/// `requestId` when it has one.
fn service_error(status: u16, e: &Map) -> Error {
    let code = field(e, "returnCode");
    let mut m = headline(
        &field(e, "returnMessage"),
        "Cloud DB for PostgreSQL refused the request",
        "returnCode",
        &code,
        status,
    );
    if code == "5001017" {
        m.push_str(". Check cloudPostgresqlInstanceNo: listInstances() shows the instances this key can see");
    }
    let mut err = Error::new(Kind::Service, m).with_status(status);
    err.code = Some(code).filter(|c| !c.is_empty());
    err.request_id = Some(field(e, "requestId")).filter(|r| !r.is_empty());
    err
}

/// `"<NCP's message> (<label> <code>, HTTP <status>)"`.
fn headline(message: &str, fallback: &str, label: &str, code: &str, status: u16) -> String {
    let mut m = String::new();
    push_ncp_text(&mut m, non_empty(message, fallback));
    m.push_str(" (");
    m.push_str(label);
    m.push(' ');
    push_ncp_text(&mut m, non_empty(code, "none"));
    m.push_str(", HTTP ");
    m.push_str(&integer_text(f64::from(status)).unwrap_or_default());
    m.push(')');
    m
}

/// The answer's own words, as one line of at most 300 characters (and "…"
/// when cut): a server can put anything there, of any length. Control
/// characters, line and paragraph separators and bidirectional overrides
/// (which can make a log line read as something else) become spaces.
fn push_ncp_text(m: &mut String, text: &str) {
    for (i, c) in text.chars().enumerate() {
        if i == 300 {
            m.push('…');
            break;
        }
        let odd = c.is_control() || matches!(c, '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        m.push(if odd { ' ' } else { c });
    }
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.is_empty() {
        fallback
    } else {
        s
    }
}

/// A field as text, whether NCP sent it as a string or a number.
pub fn field(map: &Map, key: &str) -> String {
    match map.get(key) {
        Some(Value::Str(s)) => s.clone(),
        Some(Value::Num(n)) => integer_text(*n).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Sizes, counts and the like: numbers whatever the format.
fn is_numeric_field(key: &str) -> bool {
    key == "totalRows"
        || key == "pageNo"
        || key == "pageSize"
        || ["Size", "Count", "Period", "Port", "Retention"].iter().any(|s| key.ends_with(s))
}

/// `isHa`, `isBackup`, …: booleans whatever the format.
fn is_flag_field(key: &str) -> bool {
    key.len() > 2 && key.starts_with("is") && key.as_bytes().get(2).is_some_and(|b| b.is_ascii_uppercase())
}

fn normalize_map(map: &mut Map, depth: usize) {
    for (k, v) in map.iter_mut() {
        normalize(k, v, depth + 1);
    }
}

fn normalize(key: &str, v: &mut Value, depth: usize) {
    if depth > 64 {
        return;
    }
    if key.ends_with("List") && !v.is_array() {
        *v = match std::mem::replace(v, Value::Null) {
            Value::Null => Value::Arr(Vec::new()),
            Value::Str(s) if s.is_empty() => Value::Arr(Vec::new()),
            one => Value::Arr(vec![one]),
        };
    }
    match v {
        Value::Obj(map) => normalize_map(map, depth),
        Value::Arr(items) => {
            for item in items {
                normalize("", item, depth + 1);
            }
        }
        Value::Str(s) if is_numeric_field(key) => {
            if let Some(n) = number(s) {
                *v = Value::Num(n);
            }
        }
        Value::Str(s) if is_flag_field(key) => match s.as_str() {
            "true" => *v = Value::Bool(true),
            "false" => *v = Value::Bool(false),
            _ => {}
        },
        _ => {}
    }
}

/// NCP's sizes and counts are whole numbers (Java Integer/Long); anything
/// else stays the string it was. (No float parsing: it costs module size.)
fn number(s: &str) -> Option<f64> {
    let t = s.trim_ascii();
    match t.strip_prefix('-') {
        // i64's range, as Java's Long: down to -2^63, up to 2^63 - 1.
        // `0.0 - n`, not `-n`: "-0" is 0, not -0.
        Some(digits) if !digits.starts_with('+') => {
            parse_unsigned(digits, 10).filter(|&n| n <= 1 << 63).map(|n| 0.0 - n as f64)
        }
        Some(_) => None,
        None => parse_unsigned(t, 10).filter(|&n| n < 1 << 63).map(|n| n as f64),
    }
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
    fn numbers_are_read_as_java_longs_like_str_parse_i64() {
        for t in ["0", "-5", "+3", " 12 ", "9223372036854775807", "9223372036854775808", "-9223372036854775808"] {
            assert_eq!(number(t), t.trim().parse::<i64>().ok().map(|n| n as f64), "{t}");
        }
        for t in ["-9223372036854775809", "-+3", "1.5", "", "-", "12a"] {
            assert_eq!(number(t), None, "{t}");
        }
        assert!(number("-0").is_some_and(f64::is_sign_positive), "-0 reads as 0");
    }

    fn json(v: serde_json::Value) -> Value {
        Value::from(v)
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
        assert_eq!(item.get("fileName"), Some(&Value::str("f 1")));
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
            (401, "200", Kind::Auth),
            (401, "210", Kind::Permission),
            (404, "300", Kind::NotFound),
            (400, "100", Kind::Gateway),
            (429, "400", Kind::Throttled),
            (429, "410", Kind::Throttled),
            (429, "420", Kind::Throttled),
            (413, "430", Kind::Gateway),
            (503, "500", Kind::Gateway),
            (504, "510", Kind::Gateway),
            (500, "900", Kind::Gateway),
        ];
        for (status, code, kind) in cases {
            let j = format!(r#"{{"error":{{"errorCode":"{code}","message":"M","details":"D"}}}}"#);
            let x = format!("<error><errorCode>{code}</errorCode><message>M</message><details>D</details></error>");
            for body in [j, x] {
                let e = read_text("a", true, status, &body).unwrap_err();
                assert_eq!((e.kind, e.status, e.code.as_deref()), (kind, Some(status), Some(code)), "{body}");
                assert!(e.message.starts_with("M (gateway errorCode"), "{}", e.message);
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
            assert_eq!((e.kind, e.code.as_deref(), e.status), (Kind::Service, Some("5001017"), Some(400)));
            assert!(e.message.contains("listInstances()"));
        }
        // A 200 whose returnCode is not 0 is a failure too, and keeps its requestId.
        let e = read_text("a", true, 200, r#"{"aResponse":{"requestId":"q","returnCode":"1","returnMessage":"no"}}"#)
            .unwrap_err();
        assert_eq!((e.kind, e.request_id.as_deref()), (Kind::Service, Some("q")));
        // So does a responseError that carries one.
        let e = read_text("a", true, 400, r#"{"responseError":{"requestId":"rq","returnCode":"1"}}"#).unwrap_err();
        assert_eq!(e.request_id.as_deref(), Some("rq"));
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
            assert!(e.message.len() < 1000, "{} bytes", e.message.len());
            assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
            assert!(e.message.contains("x…"), "{}", e.message);
        }
        // NCP's code too; and separators and bidirectional overrides as spaces.
        let e = read_text("a", true, 400, &format!(r#"{{"responseError":{{"returnCode":"1\n{long}"}}}}"#)).unwrap_err();
        assert!(e.message.len() < 1000 && !e.message.contains('\n'), "{} bytes", e.message.len());
        let e = read_text(
            "a",
            true,
            400,
            r#"{"responseError":{"returnCode":"1","returnMessage":"a\u2028b\u202ec\u2066d"}}"#,
        )
        .unwrap_err();
        assert!(e.message.starts_with("a b c d (returnCode 1"), "{}", e.message);
        let e = read_text("a", true, 401, r#"{"error":{"errorCode":"200","message":"a\nb","details":"line1\nline2"}}"#)
            .unwrap_err();
        assert!(e.message.starts_with("a b (gateway errorCode 200, HTTP 401): line1 line2. "), "{}", e.message);
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
            assert_eq!((e.kind, e.status), (Kind::BadResponse, Some(status)), "{body:?}");
        }
        // A 429 is throttled whatever its body (a proxy's, say).
        for body in ["{}", "<html><body>Too Many Requests</body></html>", ""] {
            let e = read_text("a", true, 429, body).unwrap_err();
            assert_eq!((e.kind, e.status), (Kind::Throttled, Some(429)), "{body:?}");
            assert!(e.message.starts_with("too many requests: HTTP 429 with "), "{}", e.message);
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
        assert_eq!(e.kind, Kind::BadResponse);
        assert!(e.message.contains("without the action's response object"), "{}", e.message);
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
            assert_eq!(e.kind, Kind::BadResponse, "{inner}");
            assert!(e.message.ends_with("with no returnCode"), "{}", e.message);
        }
        assert!(read_text("a", true, 200, r#"{"aResponse":{"returnCode":0}}"#).is_ok());
        let xml = read_text("a", true, 200, "<aResponse><returnCode>0</returnCode></aResponse>");
        assert!(xml.is_ok());
    }

    #[test]
    fn deep_json_is_refused_not_overflowed() {
        let body = "[".repeat(100_000);
        assert_eq!(read_text("a", true, 200, &body).unwrap_err().kind, Kind::BadResponse);
    }
}
