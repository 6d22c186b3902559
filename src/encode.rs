//! Percent-encoding (RFC 3986) and NCP's flattening of list parameters.
//!
//! Everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded
//! as `%XX` of its UTF-8 bytes, so the query we sign is byte-for-byte the query
//! that `fetch` puts on the wire: no runtime re-encodes an already encoded
//! query. The same text serves as an `application/x-www-form-urlencoded` body.

use crate::error::{Error, Result};
use crate::value::{integer_text, Value};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `s` to `out`, percent-encoded: runs of unreserved characters in
/// one copy each (most of a query), the other bytes as `%XX`.
pub fn push_encoded(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            continue;
        }
        // `start..i` is plain ASCII, or empty (then `get` gives nothing,
        // wherever it lies): never a cut through a character.
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push('%');
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// Appends `k=v` to the form `out` (`k1=v1&k2=v2`), each side percent-encoded.
pub fn push_pair(out: &mut String, k: &str, v: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    push_encoded(out, k);
    out.push('=');
    push_encoded(out, v);
}

/// Flattens a `call()` parameter object the way NCP's SDKs do:
/// `{a: "x", list: ["p", "q"], rules: [{port: 22}]}` becomes
/// `a=x`, `list.1=p`, `list.2=q`, `rules.1.port=22`. `null` is skipped.
pub fn flatten(params: &Value) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    match params {
        Value::Null => {}
        Value::Obj(map) => {
            for (k, v) in map.iter() {
                flatten_into(&mut out, k.clone(), v, 0)?;
            }
        }
        _ => return Err(Error::option("params", "params must be an object such as { pageNo: 1 }")),
    }
    Ok(out)
}

fn flatten_into(out: &mut Vec<(String, String)>, name: String, v: &Value, depth: u32) -> Result<()> {
    if depth > 8 {
        return Err(Error::option("params", "params are nested too deeply (more than 8 levels)"));
    }
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push((name, if *b { "true" } else { "false" }.to_string())),
        Value::Num(n) => match integer_text(*n) {
            Some(text) => out.push((name, text)),
            None => {
                return Err(Error::option(
                    "params",
                    "params numbers must be whole numbers; pass other numbers as strings",
                ))
            }
        },
        Value::Str(s) => {
            if crate::options::has_control(s) || crate::options::has_control(&name) {
                return Err(Error::option(
                    "params",
                    "params contain a control character (such as a newline); remove it",
                ));
            }
            out.push((name, s.clone()))
        }
        Value::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_into(out, join(&name, &integer_text((i + 1) as f64).unwrap_or_default()), item, depth + 1)?;
            }
        }
        Value::Obj(map) => {
            for (k, item) in map.iter() {
                flatten_into(out, join(&name, k), item, depth + 1)?;
            }
        }
    }
    Ok(())
}

fn join(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + 1 + b.len());
    s.push_str(a);
    s.push('.');
    s.push_str(b);
    s
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: serde_json::Value) -> Value {
        Value::from(v)
    }

    fn enc(s: &str) -> String {
        let mut o = String::new();
        push_encoded(&mut o, s);
        o
    }

    #[test]
    fn keeps_only_unreserved() {
        assert_eq!(enc("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(enc("a b+c&d=e/f#g%h?i"), "a%20b%2Bc%26d%3De%2Ff%23g%25h%3Fi");
        assert_eq!(enc("!*'()"), "%21%2A%27%28%29");
    }

    #[test]
    fn encodes_utf8_bytes() {
        assert_eq!(enc("백업"), "%EB%B0%B1%EC%97%85");
        assert_eq!(enc("é😀"), "%C3%A9%F0%9F%98%80");
    }

    #[test]
    fn pairs_keep_order() {
        let mut form = String::new();
        push_pair(&mut form, "b", "2");
        assert_eq!(form, "b=2");
        push_pair(&mut form, "a", "x y");
        assert_eq!(form, "b=2&a=x%20y");
    }

    #[test]
    fn flattens_lists_like_ncp() {
        let v = json(
            serde_json::json!({"ids": ["1", "2"], "rules": [{"ip": "0.0.0.0/0", "port": 22}], "on": true, "skip": null}),
        );
        let got = flatten(&v).unwrap();
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            got,
            vec![("ids.1", "1"), ("ids.2", "2"), ("rules.1.ip", "0.0.0.0/0"), ("rules.1.port", "22"), ("on", "true"),]
        );
    }

    #[test]
    fn flatten_rejects_control_characters() {
        assert!(flatten(&json(serde_json::json!({"a": "x\r\ny"}))).is_err());
        assert!(flatten(&json(serde_json::json!({"a\n": "x"}))).is_err());
        assert!(flatten(&json(serde_json::json!({"a": 1.5}))).is_err());
    }

    #[test]
    fn flatten_rejects_non_objects_and_deep_nesting() {
        assert_eq!(flatten(&json(serde_json::json!([1]))).unwrap_err().option.as_deref(), Some("params"));
        let mut deep = serde_json::json!("x");
        for _ in 0..20 {
            deep = serde_json::json!([deep]);
        }
        assert!(flatten(&json(serde_json::json!({ "a": deep }))).is_err());
    }
}
