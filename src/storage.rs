//! Object Storage's S3-compatible API: one page of a bucket's listing
//! (ListObjects, path style), signed with AWS signature v4 by the same NCP
//! key pair, and its answer read. ListObjects rather than ListObjectsV2:
//! NCP's Object Storage overview, on each of its three sites, says V2 is not
//! supported.
//!
//! NCP does not document where an export puts its object, so an object is
//! found by the backup file's name in its key ([`names_file`]), never by a
//! guessed key.

use crate::encode;
use crate::error::{Error, ErrorKind, Result};
use crate::options::{Endpoint, Settings};
use crate::request::{clock_timestamp, Request};
use crate::response::{one_line, RawResponse};
use crate::retry::Retry;
use crate::sign::{sha256_hex, v4, Keys};
use crate::value::{Map, Value};
use serde::Serialize;
use std::rc::Rc;

/// A listing stops after this many pages (of up to 1000 keys).
pub const MAX_PAGES: u32 = 1000;

/// An object in a bucket.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredObject {
    pub key: String,
    pub size: f64,
    /// ISO 8601, as Object Storage gives it.
    pub last_modified: String,
}

/// One page of a listing.
#[derive(Debug, Default, PartialEq)]
pub struct Page {
    pub objects: Vec<StoredObject>,
    /// Where the next page starts (its `marker`), when there is one.
    pub next: Option<String>,
}

/// A bucket's listing: where, with which keys, how retried.
#[derive(Debug)]
pub struct Listing {
    pub endpoint: Endpoint,
    pub region: String,
    pub bucket: String,
    pub keys: Rc<Keys>,
    pub clock_offset_ms: i64,
    pub timestamp: Option<u64>,
    pub retry: Retry,
}

impl Listing {
    pub fn new(bucket: &str, s: &Settings) -> Result<Listing> {
        // The name is the URL's path segment: a "/" or a dot segment would make it another request.
        if bucket.contains('/') || crate::request::is_dot_segment(bucket.as_bytes()) {
            return Err(Error::invalid(
                "bucketName",
                "bucketName must be one bucket's name, as listBuckets() gives it: no \"/\", and not \".\" or \"..\"",
            ));
        }
        Ok(Listing {
            endpoint: s.storage(),
            region: s.storage_region.clone().unwrap_or_else(|| s.site().storage_region().to_string()),
            bucket: bucket.to_string(),
            keys: s.keys()?.clone(),
            clock_offset_ms: s.clock_offset_ms.unwrap_or(0),
            timestamp: s.timestamp,
            retry: Retry::from(s),
        })
    }

    /// The signed request for the page after `marker` (the first when `None`).
    pub fn request(&self, marker: Option<&str>, now_ms: f64) -> Request {
        let ms = self.timestamp.unwrap_or_else(|| clock_timestamp(now_ms, self.clock_offset_ms));
        let amz_date = amz_date(ms);
        let mut pairs = vec![("max-keys", "1000")];
        if let Some(m) = marker {
            pairs.push(("marker", m));
        }
        pairs.sort_unstable(); // the canonical query is sorted, and so is what is sent
        let query = encode::form(pairs);
        let path = encode::path(&format!("{}/{}", self.endpoint.prefix, self.bucket));
        let payload = sha256_hex(b"");
        let host = self.endpoint.authority();
        let authorization = self.keys.authorize(&v4::Request {
            method: "GET",
            path: &path,
            query: &query,
            headers: &[("host", host), ("x-amz-content-sha256", &payload), ("x-amz-date", &amz_date)],
            payload_hash: &payload,
            amz_date: &amz_date,
            region: &self.region,
            service: "s3",
        });
        Request {
            method: "GET",
            url: format!("{}{path}?{query}", self.endpoint.origin),
            headers: vec![
                ("authorization", authorization),
                ("x-amz-content-sha256", payload),
                ("x-amz-date", amz_date),
            ],
            body: None,
        }
    }

    /// One page of the listing, or the error Object Storage answered.
    pub fn read(&self, raw: &RawResponse) -> Result<Page> {
        let status = raw.status;
        let root = match crate::response::decode(&raw.body) {
            Ok(Value::Obj(root)) => root,
            Ok(_) => return Err(self.bad(status, "a JSON answer, not S3's XML")),
            Err(what) => return Err(self.bad(status, what)),
        };
        if let Some(Value::Obj(e)) = root.get("Error") {
            return Err(self.refused(status, e));
        }
        let result = match root.get("ListBucketResult") {
            Some(Value::Obj(result)) if status < 300 => result,
            _ => return Err(self.bad(status, "an answer that is not a ListBucketResult")),
        };
        let objects: Option<Vec<StoredObject>> = match result.get("Contents") {
            None => Some(Vec::new()),
            Some(Value::Arr(items)) => items.iter().filter_map(Value::as_object).map(object).collect(),
            Some(Value::Obj(one)) => object(one).map(|o| vec![o]),
            Some(_) => return Err(self.bad(status, "a Contents element that holds no object")),
        };
        let Some(objects) = objects else {
            return Err(self.bad(status, "an object whose Size is not a whole number of bytes"));
        };
        // A truncated page goes on after its NextMarker, or (S3 sends that only
        // with a delimiter) after its last key.
        let truncated = result.text("IsTruncated").is_some_and(|t| t == "true");
        let last_key = objects.last().map(|o| o.key.clone());
        let next = result.text("NextMarker").filter(|m| !m.is_empty()).or(last_key).filter(|_| truncated);
        if truncated && next.is_none() {
            return Err(self.bad(status, "a truncated listing with nothing to go on from"));
        }
        Ok(Page { objects, next })
    }

    /// An answer that is not S3's: its status is all there is to go on.
    fn bad(&self, status: u16, what: &str) -> Error {
        let (kind, hint) = match status {
            401 => (ErrorKind::Auth, " The key pair may be wrong: check accessKey and secretKey."),
            403 => (ErrorKind::Permission, " The key pair may lack Object Storage permission."),
            429 | 503 => (ErrorKind::Throttled, " Too many requests: slow down."),
            _ => (ErrorKind::BadResponse, ""),
        };
        Error::new(
            kind,
            format!(
                "Object Storage's listing of bucket {} could not be read: HTTP {status} with {what}.{hint}",
                self.bucket
            ),
        )
        .with_status(status)
    }

    /// `<Error><Code>NoSuchBucket</Code><Message>…</Message><RequestId>…</RequestId></Error>`.
    fn refused(&self, status: u16, e: &Map) -> Error {
        let code = e.text("Code").unwrap_or_default();
        let (kind, hint) = match (status, code.as_str()) {
            (_, "SignatureDoesNotMatch" | "InvalidAccessKeyId") => (
                ErrorKind::Auth,
                "The key pair was refused: check accessKey and secretKey (Object Storage takes the same NCP API key pair)",
            ),
            (_, "RequestTimeTooSkewed") => {
                (ErrorKind::Auth, "This machine's clock is too far from Object Storage's: correct it or set clockOffsetMs")
            }
            (_, "AuthorizationHeaderMalformed") => (
                ErrorKind::Auth,
                "The request was signed for a region this endpoint does not serve: set storageRegion to the endpoint's (kr-standard, gov-standard, fin-standard)",
            ),
            (_, "NoSuchBucket") => (ErrorKind::NotFound, "No such bucket at this storageEndpoint: check bucketName and storageEndpoint"),
            (403, _) => (
                ErrorKind::Permission,
                "The key pair may lack Object Storage permission (a sub account needs it), or the bucket is another account's",
            ),
            (404, _) => (ErrorKind::NotFound, "Check bucketName and storageEndpoint"),
            (429, _) | (503, _) => (ErrorKind::Throttled, "Too many requests: slow down"),
            (400..=499, _) => (ErrorKind::Service, "Object Storage refused the request as sent; trying again will not help"),
            _ => (ErrorKind::Gateway, "Object Storage could not list the bucket; try again later"),
        };
        let message = e.text("Message").filter(|m| !m.is_empty()).unwrap_or_else(|| "refused".to_string());
        let shown = if code.is_empty() { "none".to_string() } else { one_line(&code) };
        let m = format!(
            "Object Storage refused to list bucket {}: {} ({shown}, HTTP {status}). {hint}.",
            self.bucket,
            one_line(&message)
        );
        Error::new(kind, m).with_status(status).with_code(Some(code)).with_request_id(e.text("RequestId"))
    }
}

/// An object of a listing; `None` when its `Size` is not a whole number of
/// bytes (S3 always gives one), rather than a size made up.
fn object(item: &Map) -> Option<StoredObject> {
    Some(StoredObject {
        key: item.text("Key").unwrap_or_default(),
        size: item.text("Size")?.trim().parse::<u64>().ok()? as f64,
        last_modified: item.text("LastModified").unwrap_or_default(),
    })
}

/// Whether `key` names the backup file `file_name`: it contains the name,
/// and neither side of it continues a word (so `20261120` is not found in
/// `…/20261120_030005.tar`).
pub fn names_file(key: &str, file_name: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    key.match_indices(file_name).any(|(at, _)| {
        let before = key.get(..at).and_then(|s| s.chars().next_back());
        let after = key.get(at + file_name.len()..).and_then(|s| s.chars().next());
        !file_name.is_empty() && !word(before) && !word(after)
    })
}

/// `YYYYMMDD'T'HHMMSS'Z'` of epoch milliseconds (UTC).
pub fn amz_date(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::FIND_EXPORTED_OBJECT;
    use crate::options::{parse, Opt};

    fn listing() -> Listing {
        let e = [
            ("accessKey", "AK"),
            ("secretKey", "SK"),
            ("bucketName", "pg backups"),
            ("fileName", "f"),
            ("storageEndpoint", "http://127.0.0.1:9/s3"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Opt::Str(v.to_string())))
        .collect();
        Listing::new("pg backups", &parse(e, &FIND_EXPORTED_OBJECT, None).unwrap()).unwrap()
    }

    fn answer(status: u16, body: &str) -> RawResponse {
        RawResponse { status, body: body.to_string(), retry_after_ms: None, location: None }
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_369_353_600_000), "20130524T000000Z");
        assert_eq!(amz_date(951_782_400_000 + 3_661_000), "20000229T010101Z");
        assert_eq!(amz_date(1_796_601_599_000), "20261206T235959Z"); // new Date(…).toISOString()
    }

    #[test]
    fn the_request_is_path_style_and_signed() {
        let mut l = listing();
        l.timestamp = Some(1_369_353_600_000);
        let r = l.request(Some("a b/c"), 0.0);
        assert_eq!(r.url, "http://127.0.0.1:9/s3/pg%20backups?marker=a%20b%2Fc&max-keys=1000");
        let auth = &r.headers[0].1;
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AK/20130524/kr-standard/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="), "{auth}");
        assert_eq!(r.headers[2], ("x-amz-date", "20130524T000000Z".to_string()));
    }

    #[test]
    fn pages_and_errors() {
        let l = listing();
        let one = answer(
            200,
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>true</IsTruncated>\
            <Contents><Key>a/20261120.tar</Key><Size>12</Size>\
            <LastModified>2026-12-08T01:02:03.000Z</LastModified></Contents></ListBucketResult>",
        );
        let page = l.read(&one).unwrap();
        assert_eq!(page.next.as_deref(), Some("a/20261120.tar"), "after the last key");
        let marked = answer(
            200,
            "<ListBucketResult><IsTruncated>true</IsTruncated><NextMarker>m</NextMarker></ListBucketResult>",
        );
        assert_eq!(l.read(&marked).unwrap().next.as_deref(), Some("m"));
        let stuck = answer(200, "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
        assert_eq!(l.read(&stuck).unwrap_err().kind(), ErrorKind::BadResponse);
        assert_eq!(
            page.objects,
            [StoredObject {
                key: "a/20261120.tar".into(),
                size: 12.0,
                last_modified: "2026-12-08T01:02:03.000Z".into()
            }]
        );
        let none = answer(200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
        assert_eq!(l.read(&none).unwrap(), Page::default());
        for (status, code, kind) in [
            (403, "SignatureDoesNotMatch", ErrorKind::Auth),
            (403, "InvalidAccessKeyId", ErrorKind::Auth),
            (403, "AccessDenied", ErrorKind::Permission),
            (404, "NoSuchBucket", ErrorKind::NotFound),
            (400, "AuthorizationHeaderMalformed", ErrorKind::Auth),
            (400, "InvalidArgument", ErrorKind::Service),
            (503, "SlowDown", ErrorKind::Throttled),
            (500, "InternalError", ErrorKind::Gateway),
        ] {
            let body = format!("<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>m</Message><RequestId>rq</RequestId></Error>");
            let e = l.read(&answer(status, &body)).unwrap_err();
            assert_eq!((e.kind(), e.code(), e.request_id(), e.status()), (kind, Some(code), Some("rq"), Some(status)));
            assert!(e.message().contains("bucket pg backups"), "{}", e.message());
        }
        let e = l.read(&answer(403, "<Error><Code>AccessDenied</Code></Error>")).unwrap_err();
        assert!(e.message().contains("may lack Object Storage permission"), "{}", e.message());
        let e = l.read(&answer(400, "<Error><Code>AuthorizationHeaderMalformed</Code></Error>")).unwrap_err();
        assert!(e.message().contains("set storageRegion"), "{}", e.message());
        let e = l.read(&answer(502, "<html>bad gateway</html>")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        // Not S3's XML: the status alone decides.
        let gateway = r#"{"error":{"errorCode":"210","message":"Permission Denied"}}"#;
        for (status, kind) in [(401, ErrorKind::Auth), (403, ErrorKind::Permission), (429, ErrorKind::Throttled)] {
            let e = l.read(&answer(status, gateway)).unwrap_err();
            assert_eq!((e.kind(), e.status()), (kind, Some(status)), "{}", e.message());
        }
    }

    #[test]
    fn a_key_names_a_file_only_as_a_whole_word() {
        assert!(names_file("cloud-postgresql/1234567/20261120_030005.tar", "20261120_030005"));
        assert!(!names_file("cloud-postgresql/1234567/20261120_030005.tar", "20261120"));
        assert!(!names_file("x/a20261120.tar", "20261120"));
        assert!(names_file("20261120", "20261120"));
        assert!(names_file("p/manual 2026/11/18 #1 (!*').tar", "manual 2026/11/18 #1 (!*')"));
        assert!(!names_file("anything", ""));
    }
}
