//! Outside WebAssembly there is no `fetch`: the crate builds and its pure
//! parts run (the unit tests, the documentation), and a call gives a
//! `network` error that says so.

use crate::error::{Error, ErrorKind, Result};
use crate::options::Settings;
use crate::request::Request;
use crate::response::RawResponse;
use crate::send::{Progress, Transport};

pub struct Fetch;

impl Fetch {
    pub fn new(_settings: &Settings) -> Result<Fetch> {
        Ok(Fetch)
    }
}

impl Transport for Fetch {
    async fn send(&self, _request: &Request, _timeout_ms: u32) -> Result<RawResponse> {
        Err(Error::new(ErrorKind::Network, "requests are sent only from WebAssembly: build for wasm32"))
    }
    async fn sleep(&self, _ms: u32) -> Result<()> {
        Ok(())
    }
    fn aborted(&self) -> Option<Error> {
        None
    }
    fn now_ms(&self) -> f64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64)
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn progress(&self, _progress: &Progress) {}
}
