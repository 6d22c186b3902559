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
/// bytes, a rolling hash of it (to find candidates in one pass) and its
/// SHA-256 (to confirm one), wiped when dropped.
struct SecretMark {
    len: usize,
    rolling: u64,
    /// `BASE` to the power `len - 1`, to take a byte out of a window's rolling hash.
    top: u64,
    digest: [u8; 32],
}

/// The rolling hash's multiplier (odd, so every power of it is too).
const BASE: u64 = 0x100_0000_01b3;

/// Secrets shorter than this are not searched for: they would be found in
/// ordinary words (NCP's secret keys have 40 characters).
pub const MIN_HIDDEN_SECRET: usize = 8;

impl SecretMark {
    fn new(secret: &[u8]) -> SecretMark {
        let top = (1..secret.len()).fold(1u64, |p, _| p.wrapping_mul(BASE));
        SecretMark { len: secret.len(), rolling: rolling(secret), top, digest: ncp_signature::sha256(secret) }
    }

    /// Where the secret is in `bytes`, left to right, not overlapping.
    fn find_in(&self, bytes: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        let len = self.len;
        let (Some(first), true) = (bytes.get(..len), len >= MIN_HIDDEN_SECRET) else { return found };
        let mut h = rolling(first);
        let mut at = 0;
        loop {
            let window = bytes.get(at..at + len).unwrap_or_default();
            if h == self.rolling
                && found.last().is_none_or(|&f| at >= f + len)
                && ncp_signature::sha256(window) == self.digest
            {
                found.push(at);
            }
            let (Some(&out), Some(&next)) = (bytes.get(at), bytes.get(at + len)) else { return found };
            h = h.wrapping_sub(u64::from(out).wrapping_mul(self.top)).wrapping_mul(BASE).wrapping_add(u64::from(next));
            at += 1;
        }
    }
}

fn rolling(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |h, &b| h.wrapping_mul(BASE).wrapping_add(u64::from(b)))
}

impl Drop for SecretMark {
    fn drop(&mut self) {
        self.digest.zeroize();
        self.rolling.zeroize();
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
            secret: SecretMark::new(secret_key.as_bytes()),
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

    /// `text` with the secret key replaced by `[secret]` (plain text in JSON,
    /// XML and URLs alike) wherever it occurs, or `None` when it does not (or
    /// when the secret is shorter than [`MIN_HIDDEN_SECRET`]). One pass,
    /// however long the text: for what an error repeats of a server's answer
    /// or of a caller's `fetch`, which may echo it.
    pub fn hide_secret(&self, text: &str) -> Option<String> {
        let found = self.secret.find_in(text.as_bytes());
        if found.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut kept = 0;
        for at in found {
            out.push_str(text.get(kept..at).unwrap_or_default());
            out.push_str("[secret]");
            kept = at + self.secret.len;
        }
        out.push_str(text.get(kept..).unwrap_or_default());
        Some(out)
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
        let keys = Keys::new("AK".into(), "s3cr€t-key", Uses { api: true, storage: false });
        let found = keys.hide_secret("bad s3cr€t-key, s3cr€t-keys3cr€t-key!");
        assert_eq!(found.as_deref(), Some("bad [secret], [secret][secret]!"));
        assert_eq!(keys.hide_secret("s3cr€t-key").as_deref(), Some("[secret]"));
        for none in ["", "s3cr", "s3cr€t-ke", "S3CR€T-KEY", "s3cr€t key", "é€s3cr€t-kez"] {
            assert_eq!(keys.hide_secret(none), None, "{none}");
        }
        // Overlapping occurrences: each byte hidden once, left to right.
        let a = Keys::new("AK".into(), "aaaaaaaa", Uses { api: true, storage: false });
        assert_eq!(a.hide_secret(&"a".repeat(20)).as_deref(), Some("[secret][secret]aaaa"));
        // Too short to tell from ordinary words: not searched.
        let short = Keys::new("AK".into(), "secret", Uses { api: true, storage: false });
        assert_eq!(short.hide_secret("no secret here"), None);
        // One pass: a long text and a long secret.
        let long = "k".repeat(4096);
        let keys = Keys::new("AK".into(), &long, Uses { api: true, storage: false });
        let text = format!("{}{long}{}", "x".repeat(1 << 20), "y".repeat(1 << 20));
        assert_eq!(keys.hide_secret(&text).map(|t| t.len()), Some((2 << 20) + 8));
    }

    #[test]
    fn debug_shows_the_access_key_only() {
        let keys = Keys::new("AK".into(), "hunter2", Uses { api: true, storage: false });
        assert_eq!(format!("{keys:?}"), "Keys(AK, <secret>)");
        assert_eq!(keys.sign("GET", "/x", 1), v2::Signer::new("hunter2").sign("GET", "/x", 1, "AK"));
    }
}
