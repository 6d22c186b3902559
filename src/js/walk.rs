//! Plain JS data (strings, numbers, booleans, null, arrays, plain objects)
//! walked into a [`Value`] with bounds: an answer's `JSON.parse` result, and
//! `call()`'s parameters. Every read goes through `Reflect`, so a Proxy or a
//! throwing getter ends the walk instead of throwing through the module.

use crate::value::{Map, Value};
use js_sys::{Array, JsString, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    pub fn object_keys(o: &JsValue) -> std::result::Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(v: &JsValue) -> std::result::Result<bool, JsValue>;
    /// `String.prototype.isWellFormed.call(s)` (Node 20, 2023's browsers).
    #[wasm_bindgen(js_namespace = ["String", "prototype", "isWellFormed"], js_name = call, catch)]
    fn is_well_formed(s: &JsString) -> std::result::Result<bool, JsValue>;
}

/// `Array.isArray`, false where it throws (a revoked Proxy).
pub fn is_array(v: &JsValue) -> bool {
    array_is_array(v).unwrap_or(false)
}

/// Whether a string has no lone surrogate (`isWellFormed`, else a scan).
pub fn well_formed(s: &JsString) -> bool {
    is_well_formed(s).unwrap_or_else(|_| s.is_valid_utf16())
}

/// The string copied into the module, `None` if it has a lone surrogate
/// (which the copy would turn into U+FFFD).
pub fn copied(s: &JsString) -> Option<String> {
    let copy = String::from(s);
    // Only a copy holding U+FFFD asks the original whether it had a lone surrogate.
    (!copy.contains('\u{fffd}') || well_formed(s)).then_some(copy)
}

/// A string of at most `max` UTF-16 units (checked before it is copied) with no lone surrogate.
pub fn short_string(v: &JsValue, max: u32) -> Option<String> {
    copied(v.dyn_ref::<JsString>().filter(|s| s.length() <= max)?)
}

/// How much of a JS value may still be copied into the module: string
/// bytes, values and nesting, checked as the walk goes (so neither `toJSON`
/// tricks nor shared sub-objects make the copy larger).
pub struct Budget {
    bytes: usize,
    values: usize,
    depth: u32,
    /// A caller's value (`call()`'s parameters): a string with a lone
    /// surrogate is refused, as it would be sent as U+FFFD. An answer's are read as U+FFFD.
    strict: bool,
}

impl Budget {
    /// For `call()`'s parameters: NCP requests are small.
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    pub fn params() -> Budget {
        Budget { bytes: 256 * 1024, values: 10_000, depth: 0, strict: true }
    }

    fn take(&mut self, bytes: usize) -> Option<()> {
        self.bytes = self.bytes.checked_sub(bytes)?;
        self.values = self.values.checked_sub(1)?;
        Some(())
    }
}

/// An answer's JSON as `JSON.parse` gave it: any body under the cap fits the
/// budget (a value takes at most 4 bytes per character of its JSON text).
pub fn parsed(v: &JsValue) -> Option<Value> {
    let cap = super::transport::MAX_BODY_BYTES;
    plain(v, &mut Budget { bytes: 4 * cap, values: cap, depth: 0, strict: false })
}

pub fn plain(v: &JsValue, budget: &mut Budget) -> Option<Value> {
    if budget.depth > 64 {
        return None;
    }
    if let Some(s) = v.dyn_ref::<JsString>() {
        budget.take(s.length() as usize * 3)?; // a UTF-16 unit is at most 3 bytes of UTF-8
        return if budget.strict { copied(s) } else { Some(String::from(s)) }.map(Value::Str);
    }
    budget.take(8)?;
    if let Some(n) = v.as_f64() {
        return n.is_finite().then_some(Value::Num(n));
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if v.is_undefined() || v.is_null() {
        return Some(Value::Null);
    }
    budget.depth += 1;
    let out = if is_array(v) {
        // Through Reflect: an array can be a Proxy whose `length` throws.
        let len = Reflect::get(v, &"length".into()).ok()?.as_f64().filter(|n| *n >= 0.0)?;
        let mut items = Vec::new();
        for i in 0..len.min(f64::from(u32::MAX)) as u32 {
            items.push(plain(&Reflect::get_u32(v, i).ok()?, budget)?);
        }
        Value::Arr(items)
    } else if is_plain_object(v) {
        let mut map = Map::new();
        for key in object_keys(v).ok()?.iter() {
            let key = key.dyn_into::<JsString>().ok()?;
            let name = if budget.strict { short_string(&key, (budget.bytes / 3) as u32)? } else { String::from(&key) };
            budget.take(name.len())?;
            let item = Reflect::get(v, &key).ok()?;
            map.insert(name, plain(&item, budget)?);
        }
        Value::Obj(map)
    } else {
        return None; // functions, symbols, Dates, Maps, class instances: not plain data
    };
    budget.depth -= 1;
    Some(out)
}

/// An object whose prototype is null or an `Object.prototype` (of any realm).
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() {
        return false;
    }
    match Reflect::get_prototype_of(v) {
        Ok(proto) if proto.is_null() => true,
        Ok(proto) => Reflect::get_prototype_of(&proto).is_ok_and(|p| p.is_null()),
        Err(_) => false,
    }
}
