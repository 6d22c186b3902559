//! NCP API Gateway signature v2.
//!
//! `base64(HMAC-SHA256(secretKey, METHOD + " " + target + "\n" + timestamp + "\n" + accessKey))`
//! where `target` is the request target exactly as sent: path, then `?query` if any.
//!
//! Pure: no clock, no JS. The HMAC key is prepared once ([`Signer::new`]), so a
//! signature costs two SHA-256 compressions fewer than keying from scratch.
//!
//! A crate of its own so that it can be compiled for speed while the rest of
//! the module is compiled for size: `Hmac<Sha256>`'s generic code is
//! instantiated here, at this crate's opt-level (README, Benchmarks).
//!
//! ```
//! use ncp_signature::Signer;
//! let signer = Signer::new("demo-secret-key");
//! let sig = signer.sign("GET", "/vpostgresql/v2/getCloudPostgresqlBucketList", 1700000000000, "demo-access-key");
//! assert_eq!(sig.len(), 44);
//! ```

// A panic in wasm poisons the module for every later call: outside tests there
// is no unwrap() or expect() (clippy, run by `make test`, refuses one), so
// every fallible step returns an error instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// A prepared HMAC-SHA256 key. The secret itself is not kept.
#[derive(Clone)]
pub struct Signer {
    mac: HmacSha256,
}

impl Signer {
    pub fn new(secret_key: &str) -> Self {
        // HMAC accepts keys of every length (long ones are hashed first), so
        // this cannot fail; the fallback only satisfies the type.
        let mac =
            HmacSha256::new_from_slice(secret_key.as_bytes()).unwrap_or_else(|_| HmacSha256::new(&Default::default()));
        Signer { mac }
    }

    /// The `x-ncp-apigw-signature-v2` header value.
    pub fn sign(&self, method: &str, target: &str, timestamp: u64, access_key: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.mac(method, target, timestamp, access_key))
    }

    /// The same, written into `out` (44 bytes of base64, no allocation): `signRequest`'s hot path.
    pub fn sign_into(
        &self,
        method: &str,
        target: &str,
        timestamp: u64,
        access_key: &str,
        out: &mut [u8],
    ) -> Option<usize> {
        let mac = self.mac(method, target, timestamp, access_key);
        base64::engine::general_purpose::STANDARD.encode_slice(mac, out).ok()
    }

    /// The raw HMAC-SHA256 of the string to sign.
    fn mac(&self, method: &str, target: &str, timestamp: u64, access_key: &str) -> [u8; 32] {
        let mut mac = self.mac.clone();
        let mut digits = [0u8; 20];
        mac.update(method.as_bytes());
        mac.update(b" ");
        mac.update(target.as_bytes());
        mac.update(b"\n");
        mac.update(decimal(timestamp, &mut digits));
        mac.update(b"\n");
        mac.update(access_key.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// Wipes the prepared key when the signer goes: the HMAC state signs as well
/// as the secret itself. (The `zeroize` features of `hmac` and `sha2` would do
/// the same field by field, for 0.35 KB more gzip of wasm: README, Size.)
impl Drop for Signer {
    fn drop(&mut self) {
        // SAFETY: `Hmac<Sha256>` (without those features) is plain data,
        // arrays and integers with no pointers and no drop glue, for which all
        // zeros is a valid value; `self.mac` is not used again.
        unsafe { std::ptr::write_bytes(&mut self.mac, 0, 1) };
        // One fill (a single `memory.fill` in wasm) rather than a volatile
        // loop: it runs on every keyed signRequest. black_box makes the zeros
        // observable, so the fill cannot be dropped as a dead store.
        std::hint::black_box(&self.mac);
    }
}

/// Never prints key material.
impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer(<secret>)")
    }
}

/// `n` in decimal, written into `buf` without the formatting machinery.
pub fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 4231 test case 2: the published HMAC-SHA256 vector, checked through
    /// the same prepared-key path the signer uses.
    #[test]
    fn prepared_key_matches_rfc4231_case_2() {
        let mut mac = Signer::new("Jefe").mac.clone();
        mac.update(b"what do ya want for nothing?");
        let expected = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_eq!(mac.finalize().into_bytes().as_slice(), expected.as_slice());
    }

    /// RFC 4231 test case 6: a key longer than the block size is hashed first.
    #[test]
    fn long_key_matches_rfc4231_case_6() {
        // The signer takes UTF-8 text and 0xaa is not valid UTF-8 on its own,
        // so this vector goes through the same HMAC type directly.
        let mut mac = HmacSha256::new_from_slice(&[0xaa; 131]).unwrap();
        mac.update(b"Test Using Larger Than Block-Size Key - Hash Key First");
        let expected = hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        assert_eq!(mac.finalize().into_bytes().as_slice(), expected.as_slice());
    }

    /// The string-to-sign layout, checked against an HMAC computed over the
    /// whole message in one piece (as NCP's documented Java/shell recipes do).
    #[test]
    fn string_to_sign_layout() {
        let target = "/vpostgresql/v2/exportBackupToObjectStorage?fileName=a%20b&bucketName=x";
        let sig = Signer::new("secret").sign("GET", target, 1_700_000_000_123, "AK");
        let mut whole = HmacSha256::new_from_slice(b"secret").unwrap();
        whole.update(format!("GET {target}\n1700000000123\nAK").as_bytes());
        assert_eq!(sig, b64(&whole.finalize().into_bytes()));
    }

    /// Computed with `printf 'GET /vpostgresql/v2/getCloudPostgresqlInstanceList?responseFormatType=json\n1700000000000\ndemo-access-key'
    /// | openssl dgst -sha256 -hmac demo-secret-key -binary | base64` (NCP's documented shell recipe),
    /// and re-checked against node:crypto by tests/signature.test.mjs.
    #[test]
    fn matches_openssl_recipe_vector() {
        let sig = Signer::new("demo-secret-key").sign(
            "GET",
            "/vpostgresql/v2/getCloudPostgresqlInstanceList?responseFormatType=json",
            1_700_000_000_000,
            "demo-access-key",
        );
        assert_eq!(sig, include_str!("../../../tests/vectors/openssl-instance-list.txt").trim());
    }

    /// Dropping a signer leaves only zeros where its prepared key was.
    #[test]
    fn drop_wipes_the_prepared_key() {
        let mut slot = std::mem::MaybeUninit::new(Signer::new("demo-secret-key"));
        // SAFETY: `slot` holds an initialised Signer, dropped once here; its
        // bytes stay owned by `slot`, and the wipe has written every one of
        // them (padding included), so reading them afterwards reads zeros or
        // the key, never uninitialised memory.
        let after = unsafe {
            std::ptr::drop_in_place(slot.as_mut_ptr());
            std::slice::from_raw_parts(slot.as_ptr().cast::<u8>(), std::mem::size_of::<Signer>()).to_vec()
        };
        assert!(after.iter().all(|&b| b == 0), "the dropped signer's bytes are all zeros");
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", Signer::new("hunter2")), "Signer(<secret>)");
    }

    #[test]
    fn decimal_digits() {
        let mut b = [0u8; 20];
        assert_eq!(decimal(0, &mut b), b"0");
        assert_eq!(decimal(u64::MAX, &mut b), b"18446744073709551615");
        assert_eq!(decimal(1_700_000_000_000, &mut b), b"1700000000000");
    }
}
