//! JSON text to a [`Value`].
//!
//! In wasm the runtime's own `JSON.parse` does the parsing: it is already
//! there, fast, and shipping serde_json's parser (with float parsing and its
//! error formatting) would cost tens of KB of module size (see the README's
//! size table). Natively, for the unit tests, serde_json parses.

use crate::value::Value;

#[cfg(not(target_arch = "wasm32"))]
pub fn parse(text: &str) -> Option<Value> {
    serde_json::from_str::<serde_json::Value>(text).ok().map(Value::from)
}

#[cfg(target_arch = "wasm32")]
pub fn parse(text: &str) -> Option<Value> {
    crate::js::parse_json(text)
}
