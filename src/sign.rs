//! The key pair, kept only as prepared keys: NCP API Gateway signature v2
//! and Object Storage's AWS signature v4, both from the `ncp-signature` crate
//! (crates/ncp-signature, compiled for speed).

pub use ncp_signature::{sha256_hex, v2, v4};
use std::fmt;
use zeroize::Zeroize;

/// An access key and the secret's prepared keys (for the API, for Object
/// Storage, or both: what the function needs); the secret itself is not
/// kept. The keys are wiped when this is dropped.
pub struct Keys {
    access_key: String,
    ncp: Option<v2::Signer>,
    storage: Option<v4::Key>,
    secret: SecretMark,
}

/// How to recognise the secret in a text without keeping it: its length in
/// bytes and its SHA-256, wiped when dropped.
struct SecretMark {
    len: usize,
    digest: [u8; 32],
}

impl Drop for SecretMark {
    fn drop(&mut self) {
        self.digest.zeroize();
    }
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
            secret: SecretMark { len: secret_key.len(), digest: ncp_signature::sha256(secret_key.as_bytes()) },
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

    /// `text` with the secret key replaced by `<secret>` wherever it occurs,
    /// or `None` when it does not: each stretch of the secret's length is
    /// hashed and compared. For what an error repeats of a server's answer or
    /// of a caller's `fetch`, which may echo it.
    pub fn hide_secret(&self, text: &str) -> Option<String> {
        let len = self.secret.len;
        let bytes = text.as_bytes();
        let (mut out, mut kept, mut i) = (String::new(), 0, 0);
        while len > 0 && i + len <= bytes.len() {
            let window = text.get(i..i + len);
            if window.is_some_and(|w| ncp_signature::sha256(w.as_bytes()) == self.secret.digest) {
                out.push_str(text.get(kept..i).unwrap_or_default());
                out.push_str("<secret>");
                i += len;
                kept = i;
            } else {
                i += 1;
            }
        }
        (kept > 0).then(|| out + text.get(kept..).unwrap_or_default())
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
    fn the_secret_is_found_and_hidden_in_any_text() {
        let keys = Keys::new("AK".into(), "s3cr€t", Uses { api: true, storage: false });
        assert_eq!(keys.hide_secret("bad s3cr€t, s3cr€ts3cr€t!").as_deref(), Some("bad <secret>, <secret><secret>!"));
        assert_eq!(keys.hide_secret("s3cr€t").as_deref(), Some("<secret>"));
        for none in ["", "s3cr", "s3cr€", "S3CR€T", "s3cr€ t", "é€s3cre"] {
            assert_eq!(keys.hide_secret(none), None, "{none}");
        }
    }

    #[test]
    fn debug_shows_the_access_key_only() {
        let keys = Keys::new("AK".into(), "hunter2", Uses { api: true, storage: false });
        assert_eq!(format!("{keys:?}"), "Keys(AK, <secret>)");
        assert_eq!(keys.sign("GET", "/x", 1), v2::Signer::new("hunter2").sign("GET", "/x", 1, "AK"));
    }
}
