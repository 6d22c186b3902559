//! The runtime's parsers: `JSON.parse` for answers, the WHATWG URL parser
//! (what `fetch` uses) for the URLs `signRequest` signs; and results out,
//! as plain JS objects.

use crate::client::{SignedHeaders, SignedRequest};
use crate::error::{Error, Result};
use crate::options::Settings;
use crate::request::clock_timestamp;
use crate::value::Value;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// JSON text to a [`Value`]: parsed by the runtime's `JSON.parse` (the module
/// ships no JSON parser), its result walked as `call()`'s parameters are.
pub fn parse_json(text: &str) -> Option<Value> {
    super::walk::parsed(&js_sys::JSON::parse(text).ok()?)
}

/// A plain JS object (maps as objects, as JSON would have them).
pub fn to_js<T: Serialize>(v: &T) -> std::result::Result<JsValue, serde_wasm_bindgen::Error> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// `signRequest`: the headers for `settings.url`, as `fetch` will send it.
pub fn sign_request(s: &Settings) -> Result<SignedRequest> {
    let keys = s.keys()?;
    let method = s.http_method.as_deref().unwrap_or("GET");
    let target = url_target(s.url.as_deref().unwrap_or_default())?;
    let timestamp = s.timestamp.unwrap_or_else(|| clock_timestamp(js_sys::Date::now(), s.clock_offset_ms.unwrap_or(0)));
    Ok(SignedRequest {
        headers: SignedHeaders {
            timestamp: timestamp.to_string(),
            access_key: keys.access_key().to_string(),
            signature: keys.sign(method, &target, timestamp),
        },
        timestamp,
    })
}

/// The request target `fetch` sends for `url`: the path and query the
/// runtime's URL parser makes of it (escapes added, dot segments removed),
/// which is what the signature must cover.
fn url_target(url: &str) -> Result<String> {
    // As URL parsers do: else "…/x? " would pass the check below and be sent as "…/x?".
    let url = url.trim_ascii();
    if let Some(target) = crate::request::plain_target(url) {
        return Ok(target.to_string());
    }
    let before_fragment = url.split('#').next().unwrap_or(url);
    if before_fragment.ends_with('?') {
        // Runtimes disagree on sending an empty query ("/x?" or "/x").
        return Err(Error::invalid("url", "url ends with an empty query (\"?\"); remove the \"?\""));
    }
    let bad =
        || Error::invalid("url", "url must be an absolute http(s) URL such as \"https://ncloud.apigw.ntruss.com/…\"");
    let parsed = web_sys::Url::new(url).map_err(|_| bad())?;
    if !matches!(parsed.protocol().as_str(), "http:" | "https:") {
        return Err(bad());
    }
    Ok(parsed.pathname() + &parsed.search())
}

/// Whether the runtime's URL parser (`fetch`'s) takes `url`: a host of the
/// allowed characters may still be none (`256.0.0.1`, `[1:2]`).
pub fn url_parses(url: &str) -> bool {
    web_sys::Url::new(url).is_ok()
}
