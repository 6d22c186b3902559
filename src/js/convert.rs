//! Values across the boundary: `call()` parameters and parsed answers in,
//! results and errors out. Options come in as one text ([`crate::options_text`]).

use crate::error::Error;
use crate::options_text::Kind;
use crate::response::{self, Decoded};
use crate::value::{Map, Value};
use js_sys::{Array, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/ncloud_error.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(
        kind: &str,
        message: &str,
        status: Option<u16>,
        code: Option<String>,
        request_id: Option<String>,
        attempts: u32,
        retryable: bool,
        option: Option<String>,
    ) -> JsValue;
}

#[wasm_bindgen(module = "/js/values.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(v: &JsValue) -> u32;
    /// `JSON.parse(text)` if `text` starts with `{` or `[` (`null` if it
    /// does not parse); `undefined` otherwise. Never throws.
    #[wasm_bindgen(js_name = parseJsonBody)]
    fn parse_json_body(text: &JsValue) -> JsValue;
    /// Whether a string has no lone surrogate (copied, one would become U+FFFD).
    #[wasm_bindgen(js_name = wellFormed)]
    fn well_formed(text: &JsValue) -> bool;
}

#[wasm_bindgen]
extern "C" {
    // Bound here with `catch` so that a Proxy (even a revoked one) or a
    // throwing getter in the caller's object becomes an NcloudError instead of
    // an exception unwinding through wasm frames.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(o: &JsValue) -> Result<Array, JsValue>;
}

fn kind(v: &JsValue) -> Kind {
    Kind::from_code(kind_of(v))
}

/// A value's property, `undefined` when reading it throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    match kind(target) {
        Kind::Array | Kind::Function | Kind::Plain | Kind::Object => {
            Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        }
        _ => JsValue::UNDEFINED,
    }
}

/// A JS string's text, if `v` is one of at most `max` UTF-16 units (checked
/// before it is copied into wasm memory).
pub fn short_string(v: &JsValue, max: u32) -> Option<String> {
    match kind(v) {
        Kind::Str(len) if len <= max => v.as_string(),
        _ => None,
    }
}

/// The JS `NcloudError` for an [`Error`].
pub fn to_js(e: Error) -> JsValue {
    let e = e.into_details();
    create_error(e.kind.as_str(), &e.message, e.status, e.code, e.request_id, e.attempts, e.retryable, e.option)
}

/// A plain JS object (arrays and maps as JSON would have them).
pub fn to_value<T: Serialize>(v: &T) -> Result<JsValue, Error> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| Error::new(crate::error::Kind::BadResponse, "the result could not be converted to a JS object"))
}

/// JSON text to a [`Value`], parsed by the runtime (the module ships no
/// parser). The error says whether the text did not parse or was too large.
pub fn parse_json(text: &str) -> Result<Value, &'static str> {
    parsed_answer(&parse_json_body(&JsValue::from_str(text))).unwrap_or(Err(crate::json::UNPARSED))
}

/// What [`parse_json_body`] gave, as a [`Value`]; `None` if it did not try.
fn parsed_answer(parsed: &JsValue) -> Option<Result<Value, &'static str>> {
    if parsed.is_undefined() {
        return None;
    }
    if parsed.is_null() {
        return Some(Err(crate::json::UNPARSED));
    }
    Some(js_to_json(parsed, &mut Budget::response()).ok_or("JSON too large or deep for an NCP answer"))
}

/// An answer's body decoded, if `text` is a string of at most `max` UTF-16
/// units. JSON (NCP's answers start with `{`) is parsed by the runtime where
/// the text is, so the text is not copied into wasm memory, whether it
/// parses or not; anything else is copied for the module to decode (XML, and
/// whatever else it is, which the error then names).
pub fn answer_body(text: &JsValue, max: u32) -> Option<Decoded> {
    match kind(text) {
        Kind::Str(len) if len <= max => {}
        _ => return None,
    }
    parsed_answer(&parse_json_body(text)).or_else(|| text.as_string().map(|t| response::decode(&t)))
}

/// How much caller data may still be copied into wasm memory: string bytes
/// and values. Checked as the walk goes, so neither `toJSON` tricks nor shared
/// sub-objects can make the copy larger than the bound.
pub struct Budget {
    bytes: usize,
    values: usize,
    depth: u32,
    /// Whether a key's length is checked before it is copied, and strings
    /// and keys with a lone surrogate are refused: a caller's object can have
    /// a key of any length, and any string; a parsed answer's keys are parts
    /// of a body already capped, and its text is well formed (js/values.js).
    check_keys: bool,
}

impl Budget {
    /// For `call()` parameters: NCP requests are small.
    pub fn params() -> Budget {
        Budget { bytes: 256 * 1024, values: 10_000, depth: 0, check_keys: true }
    }

    /// For a parsed response. Any body under the cap fits the bytes: a value
    /// is charged at most 4 bytes per character it takes in the JSON text (a
    /// string 3 per UTF-16 unit, a number or `null` 8 for at least 2). The
    /// values bound the tree: NCP's largest pages hold some 200,000.
    pub fn response() -> Budget {
        Budget { bytes: 4 * super::transport::MAX_BODY_CHARS as usize, values: 2_000_000, depth: 0, check_keys: false }
    }

    fn take(&mut self, bytes: usize) -> Option<()> {
        self.bytes = self.bytes.checked_sub(bytes)?;
        self.values = self.values.checked_sub(1)?;
        Some(())
    }
}

/// Plain JS data (strings, numbers, booleans, null, arrays, plain objects) as
/// a [`Value`]; `None` for anything else, nesting over 64 levels, or more than
/// the budget allows.
pub fn js_to_json(v: &JsValue, budget: &mut Budget) -> Option<Value> {
    if budget.depth > 64 {
        return None;
    }
    let k = kind(v);
    if let Kind::Str(len) = k {
        budget.take(len as usize * 3)?; // UTF-16 units to at most 3 UTF-8 bytes each
        if budget.check_keys && !well_formed(v) {
            return None;
        }
        return Some(Value::Str(v.as_string()?));
    }
    budget.take(8)?;
    match k {
        Kind::Number => return v.as_f64().filter(|n| n.is_finite()).map(Value::Num),
        Kind::Bool(b) => return Some(Value::Bool(b)),
        Kind::Null | Kind::Undefined => return Some(Value::Null),
        Kind::Array | Kind::Plain => {}
        // functions, symbols, Dates, Maps, class instances: not plain data
        _ => return None,
    }
    budget.depth += 1;
    let out = if k == Kind::Array {
        // The length read through Reflect (which catches): an array can be a
        // Proxy whose `length` getter throws, and js-sys's `length()` would
        // let that exception unwind through wasm frames.
        let len = get(v, "length").as_f64().filter(|n| *n >= 0.0)?;
        let mut out = Vec::new();
        for i in 0..len.min(f64::from(u32::MAX)) as u32 {
            out.push(js_to_json(&Reflect::get_u32(v, i).ok()?, budget)?);
        }
        Value::Arr(out)
    } else {
        let mut fields = Vec::new();
        for key in object_keys(v).ok()?.iter() {
            let name = if budget.check_keys {
                well_formed(&key).then(|| short_string(&key, (budget.bytes / 3) as u32))??
            } else {
                key.as_string()?
            };
            budget.take(name.len())?;
            let item = Reflect::get(v, &key).ok()?;
            fields.push((name, js_to_json(&item, budget)?));
        }
        // Object.keys gives each name once: no duplicate check (it would be quadratic).
        Value::Obj(Map::from_unique(fields))
    };
    budget.depth -= 1;
    Some(out)
}
