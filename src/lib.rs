//! Send a NAVER Cloud Platform Cloud DB for PostgreSQL backup file to Object
//! Storage, from any JavaScript runtime (the npm package built with the `js`
//! feature) or from Rust compiled to WebAssembly (this crate's [`Client`]).
//!
//! ```no_run
//! use ncloud_pg_backup::{Client, ErrorKind};
//! # async fn nightly() -> Result<(), ncloud_pg_backup::Error> {
//! let client = Client::new("ACCESS_KEY", "SECRET_KEY")?;
//! // The newest backup file of the instance, unless the bucket has it already.
//! let latest = client.export_latest_backup("1234567", "pg-backups", true).await?;
//! if latest.exported.is_some() {
//!     let object = client.wait_for_export("pg-backups", &latest.file_name, 30 * 60 * 1000).await?;
//!     println!("{} is in the bucket, {} bytes", object.key, object.size);
//! }
//! # Ok(()) }
//! ```
//!
//! Where a call goes, one module per step: [`options`] (what the caller
//! passed, checked; [`actions`] says which function takes what) →
//! [`request`] (built, with [`encode`], and signed by [`sign`]) or
//! [`storage`] (a bucket's listing) → [`send`] (sent, retried as
//! [`retry`] decides, through the runtime's `fetch` in `js::transport`) →
//! [`response`] (the answer read, [`json`] or [`xml`], into a [`value`]) →
//! [`run`] (each function's result, with [`pages`] and [`latest`]) or
//! [`error`]. Everything but `js` is plain Rust, tested natively.

// A panic in wasm poisons the module for every later call: outside tests there
// is no unwrap() or expect() (clippy, run by `make test`, refuses one), so
// every fallible step returns an error instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod actions;
mod client;
pub mod encode;
pub mod error;
pub mod json;
pub mod latest;
pub mod options;
pub mod pages;
pub mod request;
pub mod response;
pub mod retry;
pub mod run;
pub mod send;
pub mod sign;
pub mod storage;
mod suggest;
pub mod value;
pub mod xml;

mod js;

pub use client::{Client, ExportBackup, Pages, SignedHeaders, SignedRequest};
pub use error::{Error, ErrorKind};
pub use options::{Format, Method, Site};
pub use run::{Exported, LatestExport, Listed};
pub use storage::StoredObject;
pub use value::{Map, Value};

/// talc instead of std's dlmalloc: smaller in the module, as fast. Only in
/// the npm package's build: a Rust app keeps its own allocator.
#[cfg(all(target_arch = "wasm32", feature = "js"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The README's Rust example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
