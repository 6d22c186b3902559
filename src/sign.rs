//! The key pair, kept only as prepared keys: NCP API Gateway signature v2
//! and Object Storage's AWS signature v4, both from the `ncp-signature` crate
//! (crates/ncp-signature, compiled for speed).

pub use ncp_signature::{sha256_hex, v2, v4};
use std::fmt;

/// An access key and the secret's prepared keys; the secret itself is not
/// kept. Both keys are wiped when this is dropped.
pub struct Keys {
    access_key: String,
    ncp: v2::Signer,
    storage: v4::Key,
}

impl Keys {
    pub fn new(access_key: String, secret_key: &str) -> Keys {
        let keys = Keys { access_key, ncp: v2::Signer::new(secret_key), storage: v4::Key::new(secret_key) };
        scrub_stack();
        keys
    }

    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The `x-ncp-apigw-signature-v2` of a request.
    pub fn sign(&self, method: &str, target: &str, timestamp: u64) -> String {
        self.ncp.sign(method, target, timestamp, &self.access_key)
    }

    /// The `Authorization` header of an Object Storage request.
    pub fn authorize(&self, request: &v4::Request) -> String {
        self.storage.authorization(&self.access_key, request)
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
    let area = [0u64; 512];
    std::hint::black_box(&area);
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_access_key_only() {
        let keys = Keys::new("AK".into(), "hunter2");
        assert_eq!(format!("{keys:?}"), "Keys(AK, <secret>)");
        assert_eq!(keys.sign("GET", "/x", 1), v2::Signer::new("hunter2").sign("GET", "/x", 1, "AK"));
    }
}
