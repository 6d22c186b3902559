//! The data tree every response becomes, whatever its format.
//!
//! A small order-preserving JSON-like value instead of `serde_json::Value`:
//! objects keep NCP's field order, and the module ships no BTreeMap or
//! serde_json code (measured: about 25 KB of wasm before wasm-opt). It reaches
//! JS through serde (`Serialize` below) and serde-wasm-bindgen.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// JSON numbers are doubles in JS; NCP's sizes fit them exactly.
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    Obj(Map),
}

/// An object: fields in the order they arrived.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// From fields whose names are known to be distinct (JS object keys).
    pub fn from_unique(fields: Vec<(String, Value)>) -> Self {
        Map(fields)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, replacing an existing value in place.
    pub fn insert(&mut self, key: String, value: Value) {
        match self.get_mut(&key) {
            Some(slot) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, Value)> {
        self.0.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (String, Value)> {
        self.0.iter_mut()
    }

    pub fn into_vec(self) -> Vec<(String, Value)> {
        self.0
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(s.to_string())
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Obj(m) => Some(m),
            _ => None,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Arr(_))
    }
}

/// An optional `+` and ASCII digits in `radix` (10 or 16), as `str::parse`
/// reads an unsigned integer; `None` on anything else or overflow. One
/// function for every integer the module reads, instead of one generic
/// `FromStr` instantiation per integer type.
pub fn parse_unsigned(s: &str, radix: u32) -> Option<u64> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() {
        return None;
    }
    digits
        .bytes()
        .try_fold(0u64, |n, b| n.checked_mul(u64::from(radix))?.checked_add(u64::from(char::from(b).to_digit(radix)?)))
}

/// Whole numbers in decimal without the formatting machinery; `None` for
/// fractions and values beyond 2^53, which NCP's parameters never are.
pub fn integer_text(n: f64) -> Option<String> {
    if n.fract() != 0.0 || n.abs() > 9_007_199_254_740_991.0 {
        return None;
    }
    let mut digits = [0u8; 20];
    let mut s = String::new();
    if n < 0.0 {
        s.push('-');
    }
    s.push_str(std::str::from_utf8(crate::sign::decimal(n.abs() as u64, &mut digits)).ok()?);
    Some(s)
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Num(n) => s.serialize_f64(*n),
            Value::Str(x) => s.serialize_str(x),
            Value::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Obj(map) => {
                let mut out = s.serialize_map(Some(map.len()))?;
                // A field named "__proto__" (JSON.parse and the XML reader keep
                // it as data) would be set with `obj[key] = value` and become
                // the result's prototype: an answer could plant inherited
                // properties. NCP has no such field; it is left out.
                for (k, v) in map.iter() {
                    if k.as_bytes() != b"__proto__" {
                        out.serialize_entry(k, v)?;
                    }
                }
                out.end()
            }
        }
    }
}

/// Native only (tests and the JSON fallback): from serde_json's tree.
#[cfg(not(target_arch = "wasm32"))]
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::Str(s),
            serde_json::Value::Array(items) => Value::Arr(items.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => {
                Value::Obj(Map(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect()))
            }
        }
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::parse_unsigned;

    #[test]
    fn parse_unsigned_reads_integers_as_str_parse_does() {
        for s in ["0", "7", "+7", "007", "4294967295", "4294967296", "18446744073709551615", "18446744073709551616"] {
            assert_eq!(parse_unsigned(s, 10), s.parse::<u64>().ok(), "{s}");
        }
        for s in ["", "+", "-1", " 1", "1 ", "1e3", "++1", "0x10"] {
            assert_eq!(parse_unsigned(s, 10), None, "{s}");
        }
        assert_eq!(parse_unsigned("fF", 16), Some(255));
        assert_eq!(parse_unsigned("g", 16), None);
    }

    use super::*;

    #[test]
    fn map_keeps_order_and_replaces_in_place() {
        let mut m = Map::new();
        m.insert("b".into(), Value::Num(1.0));
        m.insert("a".into(), Value::Num(2.0));
        m.insert("b".into(), Value::Num(3.0));
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(m.get("b"), Some(&Value::Num(3.0)));
        assert_eq!(m.remove("b"), Some(Value::Num(3.0)));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn a_proto_field_is_left_out_of_the_js_object() {
        let mut inner = Map::new();
        inner.insert("__proto__".into(), Value::str("planted"));
        inner.insert("owner".into(), Value::str("me"));
        let mut outer = Map::new();
        outer.insert("__proto__".into(), Value::Obj(inner.clone()));
        outer.insert("item".into(), Value::Obj(inner));
        let out = serde_json::to_string(&Value::Obj(outer)).unwrap();
        assert_eq!(out, r#"{"item":{"owner":"me"}}"#);
    }

    #[test]
    fn integer_text_only_for_whole_numbers() {
        assert_eq!(integer_text(0.0).as_deref(), Some("0"));
        assert_eq!(integer_text(-42.0).as_deref(), Some("-42"));
        assert_eq!(integer_text(9_007_199_254_740_991.0).as_deref(), Some("9007199254740991"));
        assert_eq!(integer_text(1.5), None);
        assert_eq!(integer_text(1e300), None);
    }
}
