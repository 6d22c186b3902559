//! JS values in: an options object as `(name, Opt)` pairs, `call()`'s
//! parameters as a [`Value`]. Both read through `Reflect` (a Proxy or a
//! throwing getter gives an error, never an exception through the module)
//! and with bounds: a string's length is checked before it is copied, and
//! an options object is read no further than its first name the function
//! does not take, so no hostile object fills the module's memory.

use super::walk::{copied, is_array, object_keys, plain, short_string, Budget};
use crate::actions::Function;
use crate::error::{Error, Result};
use crate::options::{max_len, Opt, TOO_LONG_TO_SHOW};
use crate::value::Value;
use js_sys::{JsString, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Names longer than this are not copied to be shown (see [`TOO_LONG_TO_SHOW`]).
const MAX_NAME_LEN: u32 = 200;

/// The options object of a call of `function`: its own enumerable keys in
/// order, those holding `undefined` or `null` left out. A Client's call may
/// pass none (`on_client`).
pub fn options(opts: &JsValue, function: &Function, on_client: bool) -> Result<Vec<(String, Opt)>> {
    if on_client && opts.is_undefined() {
        return Ok(Vec::new());
    }
    if !opts.is_object() || is_array(opts) {
        let example = if on_client { "{ fileName }" } else { "{ accessKey, secretKey, … }" };
        return Err(Error::invalid(
            "options",
            format!("{} takes one options object, such as {example}", function.name),
        ));
    }
    let unreadable =
        || Error::invalid("options", format!("the options of {} could not be read (a revoked Proxy?)", function.name));
    let keys = object_keys(opts).map_err(|_| unreadable())?;
    let mut entries = Vec::new();
    for key in keys.iter() {
        let Some(key) = key.dyn_ref::<JsString>() else { continue };
        let name = if key.length() > MAX_NAME_LEN { TOO_LONG_TO_SHOW.to_string() } else { String::from(key) };
        let value = Reflect::get(opts, key).map_err(|_| {
            let shown = if name.len() > 36 { TOO_LONG_TO_SHOW } else { &name };
            Error::invalid(shown, format!("reading the option {shown} of {} threw", function.name))
        })?;
        if value.is_undefined() || value.is_null() {
            continue;
        }
        match function.find(&name, !on_client) {
            Some(spec) => entries.push((name, opt(&value, max_len(spec)))),
            None => {
                // Refused by its name; the object's secretKey comes along so
                // that a name equal to it is not shown.
                entries.push((name, Opt::Bool(false)));
                if let Some(secret) = Reflect::get(opts, &"secretKey".into()).ok().and_then(|v| short_string(&v, 4096))
                {
                    entries.push(("secretKey".to_string(), Opt::Str(secret)));
                }
                break;
            }
        }
    }
    Ok(entries)
}

/// One option's value, strings cut one past `max` characters (enough to be refused as too long).
fn opt(v: &JsValue, max: usize) -> Opt {
    if let Some(s) = v.dyn_ref::<JsString>() {
        let s = if s.length() as usize > max { s.slice(0, max as u32 + 1) } else { s.clone() };
        return copied(&s).map_or(
            Opt::Other("a string with a lone surrogate (half a UTF-16 pair, which would be sent as U+FFFD)"),
            Opt::Str,
        );
    }
    if let Some(n) = v.as_f64() {
        return Opt::Num(n);
    }
    if let Some(b) = v.as_bool() {
        return Opt::Bool(b);
    }
    if v.is_function() {
        return Opt::Func(v.clone());
    }
    if is_array(v) {
        return Opt::Other("an array");
    }
    if looks_like_signal(v) {
        return Opt::Signal(v.clone());
    }
    Opt::Other(if v.is_object() { "an object" } else { "neither a string, a number nor an object" })
}

/// An `AbortSignal`, of this realm or another (an iframe's, a polyfill's).
fn looks_like_signal(v: &JsValue) -> bool {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    v.is_object() && get("aborted").as_bool().is_some() && get("addEventListener").is_function()
}

/// `call()`'s parameters: plain data (strings, numbers, booleans, null,
/// arrays, plain objects), of at most 256 KiB of strings and 10,000 values.
pub fn params(v: &JsValue) -> Result<Value> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    plain(v, &mut Budget::params()).ok_or_else(|| {
        Error::invalid(
            "params",
            "params must be a plain object of strings (no lone surrogates), whole numbers, booleans and arrays, \
             of at most about 85,000 characters in all",
        )
    })
}
