//! The JavaScript side, the one place that touches `wasm-bindgen`, `js-sys`
//! and `web-sys`: the transport (`fetch`, timers, signals) that the Rust
//! API and the JS exports share, the runtime's JSON and URL parsers, and,
//! with the `js` feature, the exports that make the npm package.

#[cfg(target_arch = "wasm32")]
pub mod transport;
#[cfg(not(target_arch = "wasm32"))]
#[path = "native.rs"]
pub mod transport;

#[cfg(target_arch = "wasm32")]
mod parse;
#[cfg(target_arch = "wasm32")]
mod walk;
#[cfg(target_arch = "wasm32")]
pub use parse::{parse_json, sign_request, url_parses};

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod exports;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod read;
