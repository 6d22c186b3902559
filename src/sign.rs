//! The key pair, kept only as prepared keys: NCP API Gateway signature v2
//! and Object Storage's AWS signature v4, both from the `ncp-signature` crate
//! (crates/ncp-signature, compiled for speed).

pub use ncp_signature::{sha256_hex, v2, v4};
use std::fmt;

/// An access key and the secret's prepared keys (for the API, for Object
/// Storage, or both: what the function needs); the secret itself is not
/// kept. The keys are wiped when this is dropped.
pub struct Keys {
    access_key: String,
    ncp: Option<v2::Signer>,
    storage: Option<v4::Key>,
}

/// Which of the two signatures a set of keys will make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uses {
    pub api: bool,
    pub storage: bool,
}

impl Keys {
    pub fn new(access_key: String, secret_key: &str, uses: Uses) -> Keys {
        let keys = Keys {
            access_key,
            ncp: uses.api.then(|| v2::Signer::new(secret_key)),
            storage: uses.storage.then(|| v4::Key::new(secret_key)),
        };
        scrub_stack();
        keys
    }

    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The `x-ncp-apigw-signature-v2` of a request (empty for keys made for Object Storage only).
    pub fn sign(&self, method: &str, target: &str, timestamp: u64) -> String {
        self.ncp.as_ref().map(|k| k.sign(method, target, timestamp, &self.access_key)).unwrap_or_default()
    }

    /// The `Authorization` header of an Object Storage request (empty for keys made for the API only).
    pub fn authorize(&self, request: &v4::Request) -> String {
        self.storage.as_ref().map(|k| k.authorization(&self.access_key, request)).unwrap_or_default()
    }
}

/// Never prints key material.
impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keys({}, <secret>)", self.access_key)
    }
}

/// Zeroes the stack below the caller: the HMAC key setup copies the padded
/// secret there by value, and it would stay until overwritten.
#[inline(never)]
fn scrub_stack() {
    let area = [0u64; 128]; // 1 KiB: the key setup's copies lie within its first 512 bytes
    std::hint::black_box(&area);
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_access_key_only() {
        let keys = Keys::new("AK".into(), "hunter2", Uses { api: true, storage: false });
        assert_eq!(format!("{keys:?}"), "Keys(AK, <secret>)");
        assert_eq!(keys.sign("GET", "/x", 1), v2::Signer::new("hunter2").sign("GET", "/x", 1, "AK"));
    }
}
