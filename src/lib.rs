//! Send a NAVER Cloud Platform Cloud DB for PostgreSQL backup file to Object
//! Storage from any JavaScript runtime.
//!
//! The flow, one module per step:
//! [`options`] (what the caller passed, read from [`options_text`], validated) →
//! [`request`] (the request built, with [`encode`] and [`sign`]) →
//! [`engine`] and [`call`] (sent, with retries and pages, by a runtime that reports back) →
//! [`response`] (the answer read, [`json`] or [`xml`]) →
//! [`actions`] (shaped into the result) or [`error`].
//!
//! Everything above is plain Rust, tested natively. The JavaScript surface
//! and the `fetch` transport live in `js`, compiled only for wasm.

// A panic in wasm poisons the module for every later call: outside tests there
// is no unwrap() or expect() (clippy, run by `make test`, refuses one), so
// every fallible step returns an error instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod actions;
pub mod call;
pub mod encode;
pub mod engine;
pub mod error;
pub mod json;
pub mod options;
pub mod options_text;
pub mod request;
pub mod response;
pub mod sign;
pub mod value;
pub mod xml;

#[cfg(target_arch = "wasm32")]
mod js;
/// talc instead of std's dlmalloc: 3.8 KB less wasm (1.6 KB gzip), no
/// measurable change in signing speed (README, Size).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
