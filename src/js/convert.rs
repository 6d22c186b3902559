//! Values across the boundary: JS options in, results and errors out.

use crate::error::Error;
use crate::options::{Opt, MAX_VALUE_LEN};
use crate::value::{Map, Value};
use js_sys::{Array, Function, JsString, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

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

#[wasm_bindgen]
extern "C" {
    // Bound here with `catch` so that a Proxy (even a revoked one) or a
    // throwing getter in the caller's object becomes an NcloudError instead of
    // an exception unwinding through wasm frames.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(o: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = getPrototypeOf, catch)]
    fn prototype_of(o: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(v: &JsValue) -> Result<bool, JsValue>;
}

/// `Array.isArray`, with a revoked Proxy counting as not an array.
fn is_array(v: &JsValue) -> bool {
    array_is_array(v).unwrap_or(false)
}

/// A value's property, `undefined` when reading it throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if target.is_object() || target.is_function() {
        Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `signal.aborted`, read so that an odd signal cannot throw through wasm.
pub fn signal_aborted(signal: &AbortSignal) -> bool {
    get(signal, "aborted").as_bool().unwrap_or(false)
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

/// `JSON.parse`, then [`js_to_json`]: the runtime parses, the module ships no parser.
pub fn parse_json(text: &str) -> Option<Value> {
    js_to_json(&js_sys::JSON::parse(text).ok()?, &mut Budget::response())
}

/// How much caller data may still be copied into wasm memory: string bytes
/// and values. Checked as the walk goes, so neither `toJSON` tricks nor shared
/// sub-objects can make the copy larger than the bound.
pub struct Budget {
    bytes: usize,
    values: usize,
    depth: u32,
    /// JSON.parse output is plain data by construction: no prototype checks.
    parsed: bool,
}

impl Budget {
    /// For `call()` parameters: NCP requests are small.
    pub fn params() -> Budget {
        Budget { bytes: 256 * 1024, values: 10_000, depth: 0, parsed: false }
    }

    /// For a parsed response (bodies are capped at 5 MiB before parsing).
    pub fn response() -> Budget {
        Budget { bytes: 8 * 1024 * 1024, values: 1_000_000, depth: 0, parsed: true }
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
    if let Some(s) = v.dyn_ref::<JsString>() {
        budget.take(s.length() as usize * 3)?; // UTF-16 units to at most 3 UTF-8 bytes each
        return Some(Value::Str(String::from(s)));
    }
    budget.take(8)?;
    if let Some(n) = v.as_f64() {
        return n.is_finite().then_some(Value::Num(n));
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if v.is_null() || v.is_undefined() {
        return Some(Value::Null);
    }
    budget.depth += 1;
    let out = if is_array(v) {
        let items: Array = v.clone().unchecked_into();
        let mut out = Vec::new();
        for i in 0..items.length() {
            out.push(js_to_json(&Reflect::get_u32(&items, i).ok()?, budget)?);
        }
        Value::Arr(out)
    } else if if budget.parsed { v.is_object() } else { is_plain_object(v) } {
        let mut fields = Vec::new();
        for key in object_keys(v).ok()?.iter() {
            let name = key.as_string()?;
            budget.take(name.len())?;
            let item = Reflect::get(v, &key).ok()?;
            fields.push((name, js_to_json(&item, budget)?));
        }
        // Object.keys gives each name once: no duplicate check (it would be quadratic).
        Value::Obj(Map::from_unique(fields))
    } else {
        return None; // functions, symbols, Dates, Maps, class instances: not plain data
    };
    budget.depth -= 1;
    Some(out)
}

/// An object whose prototype is `Object.prototype` or `null` (JSON-like data).
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() {
        return false;
    }
    match prototype_of(v) {
        Ok(p) if p.is_null() => true,
        Ok(p) => prototype_of(&p).map(|pp| pp.is_null()).unwrap_or(false) && get(&p, "hasOwnProperty").is_function(),
        Err(_) => false,
    }
}

/// An options object read into `(name, Opt)` pairs, with the two values
/// that stay JS objects (`signal`, `fetch`) kept aside.
pub struct JsOptions {
    pub entries: Vec<(String, Opt)>,
    pub signal: Option<AbortSignal>,
    pub fetch: Option<Function>,
}

/// The copied values (the secret key among them) are wiped, not just freed.
impl Drop for JsOptions {
    fn drop(&mut self) {
        for (_, value) in self.entries.drain(..) {
            if let Opt::Str(s) = value {
                crate::options::wipe(s);
            }
        }
    }
}

/// Reads the caller's options object. `undefined` is an empty object when
/// `optional` (Client methods); anything else that is not a plain object is refused.
pub fn read_options(opts: &JsValue, function: &str, optional: bool) -> Result<JsOptions, Error> {
    let mut out = JsOptions { entries: Vec::new(), signal: None, fetch: None };
    if optional && opts.is_undefined() {
        return Ok(out);
    }
    if !opts.is_object() || opts.is_function() || is_array(opts) || opts.is_null() {
        let mut m = String::from(function);
        m.push_str(" takes one options object, such as { accessKey, secretKey, … }; got ");
        m.push_str(type_name(opts));
        return Err(Error::option("options", m));
    }
    let keys = object_keys(opts).map_err(|_| Error::option("options", "the options object could not be read"))?;
    for key in keys.iter() {
        let name = match key.dyn_ref::<JsString>() {
            Some(k) if k.length() <= 200 => String::from(k),
            _ => String::from("(an option name over 200 characters)"),
        };
        let value = Reflect::get(opts, &key).map_err(|_| {
            let mut m = String::from("option ");
            m.push_str(&name);
            m.push_str(" could not be read (its getter threw)");
            Error::option(&name, m)
        })?;
        if value.is_undefined() || value.is_null() {
            continue; // absent, as with optional arguments in JS
        }
        let opt = classify(&value);
        match (name.as_str(), &opt) {
            ("signal", Opt::Signal) => out.signal = Some(value.unchecked_into()),
            ("fetch", Opt::Func) => out.fetch = Some(value.unchecked_into()),
            _ => {}
        }
        out.entries.push((name, opt));
    }
    Ok(out)
}

fn classify(v: &JsValue) -> Opt {
    if let Some(s) = v.dyn_ref::<JsString>() {
        // Checked before copying into wasm memory, so a huge string cannot exhaust it.
        if s.length() as usize > MAX_VALUE_LEN {
            return Opt::Other("a string over 4096 characters");
        }
        return Opt::Str(String::from(s));
    }
    if let Some(n) = v.as_f64() {
        return Opt::Num(n);
    }
    if let Some(b) = v.as_bool() {
        return Opt::Bool(b);
    }
    if v.is_function() {
        return Opt::Func;
    }
    if is_abort_signal(v) {
        return Opt::Signal;
    }
    Opt::Other(type_name(v))
}

/// Duck-typed, so a signal from another realm (an iframe, a polyfill) works too.
fn is_abort_signal(v: &JsValue) -> bool {
    get(v, "aborted").as_bool().is_some() && get(v, "addEventListener").is_function()
}

pub fn type_name(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if v.is_function() {
        "a function"
    } else if is_array(v) {
        "an array"
    } else if v.is_object() {
        "an object"
    } else {
        "a symbol or bigint"
    }
}
