//! `signRequest`'s hot path. People who send requests themselves call it once
//! per request, so it avoids what costs most at this size: one wasm-bindgen
//! string conversion (encoder, allocation, decoder) per argument and result.
//! `pkg/api.js` writes the four strings, when all are ASCII, straight into one
//! buffer in wasm memory; this reads them in place, runs the same checks as
//! the validated path ([`super::sign_checked`]), and writes the 44-byte
//! signature back into the buffer. Anything it refuses (0) goes to the
//! validated path, whose NcloudError says what is wrong. Measured in the
//! README (Benchmarks): the signing rows and "what we tried".

use super::{client_credentials, sliced_target, ClientState};
use crate::options::{self, Opt, MAX_VALUE_LEN};
use crate::sign::Signer;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Room for the four strings at their longest (ASCII: a byte a character).
const SCRATCH_LEN: usize = 4 * MAX_VALUE_LEN;
/// Base64 of a 32-byte HMAC-SHA256.
const SIGNATURE_LEN: usize = 44;

thread_local! {
    /// Fixed length, never reallocated: its address is handed to JS once.
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(vec![0; SCRATCH_LEN]);
}

/// Where JS writes the strings: `[address, length]` of the buffer in the
/// module's memory (JS never writes past the length it is given here).
#[doc(hidden)]
#[wasm_bindgen(js_name = __scratch)]
pub fn scratch() -> Vec<u32> {
    SCRATCH.with_borrow(|b| vec![b.as_ptr() as usize as u32, b.len() as u32])
}

/// The module's memory, for JS to write into the scratch buffer.
#[doc(hidden)]
#[wasm_bindgen(js_name = __memory)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// `signRequest({ method, url, accessKey, secretKey, timestamp?, clockOffsetMs? })`
/// from the scratch buffer: method, URL, access key and secret key, `lens`
/// bytes each, one after the other. Returns the signature's length (44),
/// written at the start of the buffer, or 0 for "use the validated path".
#[doc(hidden)]
#[wasm_bindgen(js_name = __signFast)]
pub fn sign_fast(
    method_len: usize,
    url_len: usize,
    access_key_len: usize,
    secret_key_len: usize,
    clock_offset_ms: Option<f64>,
    timestamp: f64,
) -> usize {
    sign(None, [method_len, url_len, access_key_len, secret_key_len], clock_offset_ms, timestamp)
}

/// [`sign_fast`], also for a Client (whose key and access key are used; `lens[2..]` are 0).
pub(super) fn sign(
    client: Option<&ClientState>,
    lens: [usize; 4],
    clock_offset_ms: Option<f64>,
    timestamp: f64,
) -> usize {
    SCRATCH.with(|cell| {
        // Nothing here calls out to JS, so nothing can re-enter; if it ever
        // did, the validated path would take the call instead of a panic.
        let Ok(mut buf) = cell.try_borrow_mut() else { return 0 };
        let buf = &mut buf[..];
        let secret_at = lens[0].saturating_add(lens[1]).saturating_add(lens[2]);
        let signed = signature(buf, client, lens, clock_offset_ms, timestamp);
        // The secret's bytes are wiped whatever happened, before the answer
        // is written over the start of the buffer (where they may lie).
        if let Some(secret) = buf.get_mut(secret_at..secret_at.saturating_add(lens[3]).min(SCRATCH_LEN)) {
            zeroize::Zeroize::zeroize(secret);
        }
        match (signed, buf.get_mut(..SIGNATURE_LEN)) {
            (Some(signature), Some(out)) => {
                out.copy_from_slice(&signature);
                SIGNATURE_LEN
            }
            _ => 0,
        }
    })
}

/// The signature of the input in `buf`, if it passes the validated path's checks.
fn signature(
    buf: &[u8],
    client: Option<&ClientState>,
    [method_len, url_len, access_key_len, secret_len]: [usize; 4],
    clock_offset_ms: Option<f64>,
    timestamp: f64,
) -> Option<[u8; SIGNATURE_LEN]> {
    let (method, rest) = buf.split_at_checked(method_len)?;
    let (url, rest) = rest.split_at_checked(url_len)?;
    let (access_key, rest) = rest.split_at_checked(access_key_len)?;
    let secret = rest.get(..secret_len)?;
    let (method, url) = (std::str::from_utf8(method).ok()?, std::str::from_utf8(url).ok()?);
    options::check_text("method", method).ok()?;
    options::check_method(method).ok()?;
    if let Some(offset) = clock_offset_ms {
        options::clock_offset(&Opt::Num(offset)).ok()?;
    }
    let timestamp = options::timestamp_ms(&Opt::Num(timestamp)).ok()?;
    // Only a URL whose target is sliced as is: the others need the runtime's
    // URL parser, a call out to JS that the validated path makes instead.
    // A plain URL is never blank and has no control characters (its bytes
    // come from a short allowed set), so of `check_text` only the length is left.
    if url.len() > MAX_VALUE_LEN {
        return None;
    }
    let target = sliced_target(url)?;
    let mut out = [0u8; SIGNATURE_LEN];
    let n = match client {
        Some(c) => {
            let (access_key, signer) = client_credentials(Some(c))?;
            signer.sign_into(method, target, timestamp, access_key, &mut out)?
        }
        None => {
            let (access_key, secret) = (std::str::from_utf8(access_key).ok()?, std::str::from_utf8(secret).ok()?);
            options::check_text("accessKey", access_key).ok()?;
            options::check_access_key(access_key).ok()?;
            options::check_text("secretKey", secret).ok()?;
            let signer = Signer::new(secret);
            options::scrub_stack(); // the key setup copied the secret onto the stack
            signer.sign_into(method, target, timestamp, access_key, &mut out)?
        }
    };
    (n == SIGNATURE_LEN).then_some(out)
}
