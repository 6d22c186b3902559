//! AWS signature v4, as NCP Object Storage's S3-compatible API takes it
//! (the `Authorization: AWS4-HMAC-SHA256 …` header).
//!
//! The canonical request is `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED-HEADERS\nPAYLOAD-HASH`,
//! signed with a key derived from the secret for one day, region and service.

use super::{hex, hmac, keyed, sha256_hex, wipe, HmacSha256};
use hmac::Mac;
use std::fmt;

/// `HMAC-SHA256("AWS4" + secret, ·)` prepared once: a day's signing key is
/// derived from it without the secret.
#[derive(Clone)]
pub struct Key {
    mac: HmacSha256,
}

/// One request to sign. `path` and `query` are in canonical form, exactly as
/// sent: every byte but `A–Z a–z 0–9 - . _ ~` percent-encoded (`/` kept in the
/// path), and the query's pairs sorted by name, then value.
#[derive(Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// Lower-case names; `host` among them.
    pub headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    pub payload_hash: &'a str,
    /// `YYYYMMDD'T'HHMMSS'Z'`, the `x-amz-date` header.
    pub amz_date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Key {
    pub fn new(secret_key: &str) -> Self {
        let mut material = Vec::with_capacity(4 + secret_key.len());
        material.extend_from_slice(b"AWS4");
        material.extend_from_slice(secret_key.as_bytes());
        let mac = keyed(&material);
        material.fill(0);
        std::hint::black_box(&material);
        Key { mac }
    }

    /// The `Authorization` header value for `req`, signed by `access_key`.
    pub fn authorization(&self, access_key: &str, req: &Request) -> String {
        let date = req.amz_date.get(..8).unwrap_or(req.amz_date);
        let scope = format!("{date}/{}/{}/aws4_request", req.region, req.service);
        let mut headers: Vec<(&str, &str)> = req.headers.to_vec();
        headers.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let signed: Vec<&str> = headers.iter().map(|(name, _)| *name).collect();
        let signed = signed.join(";");
        let mut canonical = format!("{}\n{}\n{}\n", req.method, req.path, req.query);
        for (name, value) in &headers {
            canonical.push_str(name);
            canonical.push(':');
            canonical.push_str(&collapse_spaces(value));
            canonical.push('\n');
        }
        canonical.push('\n');
        canonical.push_str(&signed);
        canonical.push('\n');
        canonical.push_str(req.payload_hash);
        let to_sign = format!("AWS4-HMAC-SHA256\n{}\n{scope}\n{}", req.amz_date, sha256_hex(canonical.as_bytes()));
        let mut day = self.derive(&[date, req.region, req.service, "aws4_request"]);
        let signature = hex(&hmac(&day, to_sign.as_bytes()));
        day.fill(0);
        std::hint::black_box(&day);
        format!("AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}")
    }

    /// kDate, kRegion, kService, kSigning: each an HMAC keyed with the one before.
    fn derive(&self, parts: &[&str]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        let mut key = [0u8; 32];
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                mac = keyed(&key);
            }
            mac.update(part.as_bytes());
            key = mac.clone().finalize().into_bytes().into();
        }
        wipe(&mut mac);
        key
    }
}

/// A header value trimmed, with runs of spaces inside collapsed to one.
fn collapse_spaces(value: &str) -> String {
    value.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

impl Drop for Key {
    fn drop(&mut self) {
        wipe(&mut self.mac);
    }
}

/// Never prints key material.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<secret>)")
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /// The example key pair of AWS's S3 documentation.
    const ACCESS: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn example(path: &str, query: &str, extra: &[(&str, &str)]) -> String {
        let mut headers = vec![
            ("host", "examplebucket.s3.amazonaws.com"),
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z"),
        ];
        headers.extend_from_slice(extra);
        let req = Request {
            method: "GET",
            path,
            query,
            headers: &headers,
            payload_hash: EMPTY,
            amz_date: "20130524T000000Z",
            region: "us-east-1",
            service: "s3",
        };
        Key::new(SECRET).authorization(ACCESS, &req)
    }

    /// AWS's published example "GET Object" (Amazon S3 API Reference,
    /// "Signature Calculations for the Authorization Header: Transferring
    /// Payload in a Single Chunk").
    #[test]
    fn matches_the_published_get_object_example() {
        let auth = example("/test.txt", "", &[("range", "bytes=0-9")]);
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// The same page's "GET Bucket (List Objects)" example, the request this
    /// package makes (a listing with a query).
    #[test]
    fn matches_the_published_list_objects_example() {
        let auth = example("/", "max-keys=2&prefix=J", &[]);
        assert!(auth.ends_with("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"), "{auth}");
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed() {
        assert_eq!(collapse_spaces("  a   b  c "), "a b c");
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", Key::new("hunter2")), "Key(<secret>)");
    }
}
