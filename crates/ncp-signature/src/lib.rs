//! NCP's request signatures, both HMAC-SHA256, both keyed once:
//!
//! - [`v2`]: the API Gateway's signature v2, for the Cloud DB for PostgreSQL API.
//! - [`v4`]: AWS signature v4, which NCP Object Storage's S3-compatible API takes
//!   with the same key pair.
//!
//! Pure: no clock, no I/O. A crate of its own so that it is compiled for
//! speed while the rest of the module is compiled for size: the generic HMAC
//! code is instantiated here, at this crate's opt-level.
//!
//! ```
//! use ncp_signature::v2::Signer;
//! let signer = Signer::new("demo-secret-key");
//! let sig = signer.sign("GET", "/vpostgresql/v2/getCloudPostgresqlBucketList", 1700000000000, "demo-access-key");
//! assert_eq!(sig.len(), 44);
//! ```

// A panic in wasm poisons the module for every later call: outside tests there
// is no unwrap() or expect() (clippy, run by `make test`, refuses one).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod v2;
pub mod v4;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 keyed with `key`. HMAC takes keys of every length (long
/// ones are hashed first), so this cannot fail; the fallback only satisfies the type.
fn keyed(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Lower-case hex of SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

/// SHA-256.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Wipes a prepared HMAC state: it signs as well as the secret itself. (The
/// `zeroize` features of `hmac` and `sha2` would do the same field by field.)
fn wipe(mac: &mut HmacSha256) {
    // SAFETY: `Hmac<Sha256>` (without those features) is plain data, arrays
    // and integers with no pointers and no drop glue, for which all zeros is
    // a valid value; the caller does not use it again.
    unsafe { std::ptr::write_bytes(mac, 0, 1) };
    // black_box makes the zeros observable, so the fill is not dropped as a dead store.
    std::hint::black_box(mac);
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 4231 test case 2, the published HMAC-SHA256 vector.
    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let expected = unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_eq!(hmac(b"Jefe", b"what do ya want for nothing?").to_vec(), expected);
    }

    /// RFC 4231 test case 6: a key longer than the block size is hashed first.
    #[test]
    fn hmac_matches_rfc4231_case_6() {
        let expected = unhex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        assert_eq!(hmac(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First").to_vec(), expected);
    }

    #[test]
    fn sha256_of_nothing() {
        // FIPS 180-2's SHA-256 of the empty string, which S3 sends for an empty body.
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
