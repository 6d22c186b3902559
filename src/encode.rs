//! Percent-encoding (RFC 3986) and NCP's flattening of list parameters.
//!
//! Everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded
//! as `%XX` of its UTF-8 bytes, so the query we sign is byte for byte the
//! query that `fetch` puts on the wire: no runtime re-encodes an already
//! encoded query. The same text serves as an `application/x-www-form-urlencoded`
//! body, and as AWS signature v4's canonical form.

use crate::error::{Error, Result};
use crate::value::{integer_text, Value};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `s` to `out`, percent-encoded.
pub fn push_encoded(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// `s` percent-encoded, `/` kept: a URL path of several segments.
pub fn path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, segment) in s.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded(&mut out, segment);
    }
    out
}

/// `k1=v1&k2=v2`, each side percent-encoded, in the order given.
pub fn form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        push_encoded(&mut out, k);
        out.push('=');
        push_encoded(&mut out, v);
    }
    out
}

/// Flattens a `call()` parameter object the way NCP's SDKs do:
/// `{a: "x", list: ["p", "q"], rules: [{port: 22}]}` becomes
/// `a=x`, `list.1=p`, `list.2=q`, `rules.1.port=22`. `null` is skipped. Two
/// keys that flatten to one name (`{"a.1": "x", a: ["y"]}`) are refused:
/// NCP would see the name twice and read one of them.
pub fn flatten(params: &Value) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    match params {
        Value::Null => {}
        Value::Obj(map) => {
            for (k, v) in map.iter() {
                flatten_into(&mut out, k.clone(), v, 0)?;
            }
        }
        _ => return Err(Error::invalid("params", "params must be an object such as { pageNo: 1 }")),
    }
    let mut names: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::invalid(
            "params",
            format!(
                "params give the parameter {} twice (a key and a list flatten to the same name); keep one",
                twice[0]
            ),
        ));
    }
    Ok(out)
}

fn flatten_into(out: &mut Vec<(String, String)>, name: String, v: &Value, depth: u32) -> Result<()> {
    if depth > 8 {
        return Err(Error::invalid("params", "params are nested too deeply (more than 8 levels)"));
    }
    if crate::options::has_control(&name) {
        return Err(Error::invalid("params", "params contain a control character (such as a newline); remove it"));
    }
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push((name, b.to_string())),
        Value::Num(n) => match integer_text(*n) {
            Some(text) => out.push((name, text)),
            None => {
                return Err(Error::invalid(
                    "params",
                    "params numbers must be whole numbers; pass other numbers as strings",
                ))
            }
        },
        Value::Str(s) => {
            if crate::options::has_control(s) {
                return Err(Error::invalid(
                    "params",
                    "params contain a control character (such as a newline); remove it",
                ));
            }
            out.push((name, s.clone()))
        }
        Value::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_into(out, format!("{name}.{}", i + 1), item, depth + 1)?;
            }
        }
        Value::Obj(map) => {
            for (k, item) in map.iter() {
                flatten_into(out, format!("{name}.{k}"), item, depth + 1)?;
            }
        }
    }
    Ok(())
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: serde_json::Value) -> Value {
        serde_json::from_value(v).unwrap()
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
    fn forms_keep_order_and_paths_keep_slashes() {
        assert_eq!(form([("b", "2"), ("a", "x y")]), "b=2&a=x%20y");
        assert_eq!(path("/bucket/a b/c"), "/bucket/a%20b/c");
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
    fn a_name_given_twice_is_refused() {
        let e = flatten(&json(serde_json::json!({"a.1": "x", "a": ["y"]}))).unwrap_err();
        assert_eq!(e.option(), Some("params"));
        assert!(e.message().contains("the parameter a.1 twice"), "{}", e.message());
        assert!(flatten(&json(serde_json::json!({"a.2": "x", "a": ["y"]}))).is_ok());
    }

    #[test]
    fn flatten_rejects_control_characters_fractions_and_deep_nesting() {
        assert!(flatten(&json(serde_json::json!({"a": "x\r\ny"}))).is_err());
        assert!(flatten(&json(serde_json::json!({"a\n": "x"}))).is_err());
        assert!(flatten(&json(serde_json::json!({"a": 1.5}))).is_err());
        assert_eq!(flatten(&json(serde_json::json!([1]))).unwrap_err().option(), Some("params"));
        let mut deep = serde_json::json!("x");
        for _ in 0..20 {
            deep = serde_json::json!([deep]);
        }
        assert!(flatten(&json(serde_json::json!({ "a": deep }))).is_err());
    }
}
