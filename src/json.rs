//! JSON text to a [`Value`].
//!
//! In wasm the runtime's own `JSON.parse` does the parsing: it is already
//! there, fast, and shipping serde_json's parser (with float parsing and its
//! error formatting) would cost tens of KB of module size (see the README's
//! size table). Natively, for the unit tests, serde_json parses.

use crate::value::Value;

/// What a body that is not JSON is called in the error.
pub const UNPARSED: &str = "JSON that does not parse (truncated?)";

#[cfg(not(target_arch = "wasm32"))]
pub fn parse(text: &str) -> Result<Value, &'static str> {
    serde_json::from_str::<serde_json::Value>(text).map(Value::from).map_err(|_| UNPARSED)
}

#[cfg(target_arch = "wasm32")]
pub fn parse(text: &str) -> Result<Value, &'static str> {
    crate::js::parse_json(text)
}
