//! The data tree every answer becomes, whatever its format.
//!
//! An order-preserving JSON-like value: objects keep NCP's field order. It
//! comes in through serde (`Deserialize`: from `JSON.parse`'s result by
//! serde-wasm-bindgen in wasm, from text by serde_json natively) and goes out
//! to JS the same way (`Serialize`). Our own type rather than
//! `serde_json::Value`, which would bring serde_json's parser and number
//! formatting into the module (tens of KB of wasm).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A JS number: NCP's sizes and counts fit one.
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

    /// From fields whose names are known to be distinct.
    pub(crate) fn from_distinct(fields: Vec<(String, Value)>) -> Self {
        Map(fields)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A field as text, whether NCP sent it as a string or a number; `None`
    /// when it is absent or neither.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::Str(s) => Some(s.clone()),
            Value::Num(n) => integer_text(*n),
            _ => None,
        }
    }

    /// A field as a number, when it is one.
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// Sets `key`, replacing an existing value in place.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
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
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Obj(m) => Some(m),
            _ => None,
        }
    }
}

/// Whole numbers in decimal; `None` for fractions and values beyond 2^53,
/// which are not exact in a JS number.
pub fn integer_text(n: f64) -> Option<String> {
    (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then(|| (n as i64).to_string())
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
                for (k, v) in map.iter().filter(|(k, _)| k != "__proto__") {
                    out.serialize_entry(k, v)?;
                }
                out.end()
            }
        }
    }
}

/// Any JSON value. Nesting is bounded before this runs (`crate::json`), so
/// the recursion here cannot run out of stack.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Num(n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Num(n as f64))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Num(n))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some((k, v)) = access.next_entry::<String, Value>()? {
            map.insert(k, v); // a repeated key: the last value wins, as in JSON.parse
        }
        Ok(Value::Obj(map))
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_order_and_replaces_in_place() {
        let mut m = Map::new();
        m.insert("b", Value::Num(1.0));
        m.insert("a", Value::Num(2.0));
        m.insert("b", Value::Num(3.0));
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(m.get("b"), Some(&Value::Num(3.0)));
        assert_eq!(m.remove("b"), Some(Value::Num(3.0)));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn json_round_trip_keeps_order_and_drops_proto() {
        let v: Value =
            serde_json::from_str(r#"{"z":1,"a":[true,null,"x"],"__proto__":{"p":1},"b":{"c":2.5}}"#).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"z":1.0,"a":[true,null,"x"],"b":{"c":2.5}}"#);
    }

    #[test]
    fn text_and_number_fields() {
        let v: Value = serde_json::from_str(r#"{"s":"x","n":12,"f":1.5}"#).unwrap();
        let m = v.as_object().unwrap();
        assert_eq!(
            (m.text("s"), m.text("n"), m.text("f"), m.text("none")),
            (Some("x".into()), Some("12".into()), None, None)
        );
        assert_eq!(m.number("n"), Some(12.0));
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
