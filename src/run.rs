//! What each function does, from checked settings to its result, over a
//! [`Transport`]. The Rust API ([`crate::Client`]) and the JS exports both
//! come here.

use crate::actions::{check_action_name, Function, EXPORT_BACKUP, LIST_BACKUP_FILES};
use crate::error::{Error, ErrorKind, Result};
use crate::latest;
use crate::options::{missing, Settings, Spec, BUCKET_NAME, FILE_NAME, INSTANCE_NO, PAGE_SIZE};
use crate::pages::{page_of, Pages};
use crate::request::{Plan, DEFAULT_TIMEOUT_MS};
use crate::send::{self, Progress, Transport};
use crate::storage::{names_file, Listing, StoredObject, MAX_PAGES};
use crate::value::{Map, Value};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// `exportBackup`'s result: NCP accepted the export (the file arrives in
/// the bucket later; see [`wait_for_export`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub request_id: String,
    /// `"0"`.
    pub return_code: String,
    pub return_message: String,
    pub http_status: u16,
}

/// A list function's result: its items keep NCP's field names.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub request_id: String,
    pub total_rows: u64,
    pub items: Vec<Value>,
}

impl Listed {
    /// `{ requestId, totalRows, <name>: items }`, as the JS functions return it.
    pub fn to_value(&self, name: &str) -> Value {
        let mut out = Map::new();
        out.insert("requestId", Value::Str(self.request_id.clone()));
        out.insert("totalRows", Value::Num(self.total_rows as f64));
        out.insert(name, Value::Arr(self.items.clone()));
        Value::Obj(out)
    }
}

/// `exportLatestBackup`'s result: which file, and either the export or,
/// with `skipExisting`, the object already in the bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct LatestExport {
    pub file_name: String,
    pub end_time: String,
    /// `None` when the file was already in the bucket and nothing was exported.
    pub exported: Option<Exported>,
    /// The object found in the bucket, when the export was skipped.
    pub existing: Option<StoredObject>,
}

/// JS: `exportBackup`'s fields, `fileName`, `endTime` and `skipped: false`;
/// or `fileName`, `endTime`, `skipped: true` and the `existing` object.
impl Serialize for LatestExport {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(e) = &self.exported {
            m.serialize_entry("requestId", &e.request_id)?;
            m.serialize_entry("returnCode", &e.return_code)?;
            m.serialize_entry("returnMessage", &e.return_message)?;
            m.serialize_entry("httpStatus", &e.http_status)?;
        }
        m.serialize_entry("fileName", &self.file_name)?;
        m.serialize_entry("endTime", &self.end_time)?;
        m.serialize_entry("skipped", &self.exported.is_none())?;
        if let Some(o) = &self.existing {
            m.serialize_entry("existing", o)?;
        }
        m.end()
    }
}

/// How long `waitForExport` waits by default, and how often it looks at first.
pub const DEFAULT_WAIT_MS: u32 = 30 * 60 * 1000;
pub const DEFAULT_INTERVAL_MS: u32 = 10_000;
/// The interval grows by half each time, up to this (or `intervalMs`, if larger).
const MAX_INTERVAL_MS: u32 = 60_000;

fn plan(function: &Function, s: &Settings) -> Result<Plan> {
    let params = s.params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    Plan::new(function.ncp.unwrap_or_default(), true, params, s)
}

fn required<'a>(s: &'a Settings, spec: &Spec) -> Result<&'a str> {
    s.param(spec.name).ok_or_else(|| missing(spec))
}

pub async fn export_backup<T: Transport>(t: &T, s: &Settings) -> Result<Exported> {
    let (body, status) = send::ncp(t, &plan(&EXPORT_BACKUP, s)?).await?;
    let field = |k| body.text(k).unwrap_or_default();
    Ok(Exported {
        request_id: field("requestId"),
        return_code: field("returnCode"),
        return_message: field("returnMessage"),
        http_status: status,
    })
}

/// A list function: one page, or with `allPages` every page from `pageNo` on.
pub async fn list<T: Transport>(t: &T, function: &Function, s: &Settings) -> Result<Listed> {
    let Some((field, _)) = function.list else {
        return Err(Error::new(ErrorKind::InvalidOptions, format!("{} is not a list", function.name)));
    };
    let first = plan(function, s)?;
    if !s.all_pages.unwrap_or(false) {
        let (request_id, total_rows, items) = page_of(field, send::ncp(t, &first).await?.0)?;
        return Ok(Listed { request_id, total_rows, items });
    }
    let mut pages = Pages::new(s.param("pageNo"), s.param("pageSize"));
    loop {
        let page = Plan { params: pages.next_params(&first.params), ..first.clone() };
        let (request_id, total, items) = page_of(field, send::ncp(t, &page).await?.0)?;
        if !pages.add(request_id, total, items)? {
            break;
        }
    }
    let (request_id, total_rows, items) = pages.finish();
    Ok(Listed { request_id, total_rows, items })
}

/// Any action, with its parameters as NCP names them; the unwrapped response object.
pub async fn call<T: Transport>(t: &T, s: &Settings, action: &str, params: Vec<(String, String)>) -> Result<Map> {
    check_action_name(action)?;
    if params.iter().any(|(k, _)| k == "responseFormatType") {
        return Err(Error::invalid("params", "set responseFormatType as an option, not in params"));
    }
    if s.region_code.is_some() && params.iter().any(|(k, _)| k == "regionCode") {
        return Err(Error::invalid("regionCode", "regionCode is given both as an option and in params; keep one"));
    }
    Ok(send::ncp(t, &Plan::new(action, false, params, s)?).await?.0)
}

/// The newest backup file of the instance by `endTime` (every page read),
/// exported; with `skipExisting`, not when the bucket already holds it.
pub async fn export_latest_backup<T: Transport>(t: &T, s: &Settings) -> Result<LatestExport> {
    let instance = required(s, &INSTANCE_NO)?.to_string();
    let bucket = required(s, &BUCKET_NAME)?.to_string();
    let files = Settings {
        params: vec![(INSTANCE_NO.name, instance.clone()), (PAGE_SIZE.name, "1000".into())],
        all_pages: Some(true),
        ..s.clone()
    };
    let listed = list(t, &LIST_BACKUP_FILES, &files).await?;
    let (file_name, end_time) = latest::newest(&listed.items).ok_or_else(|| {
        let what =
            if listed.items.is_empty() { "has no backup files yet" } else { "has no backup file with an endTime" };
        Error::new(
            ErrorKind::NotFound,
            format!("instance {instance} {what}: nothing to export (is backup turned on for it?)"),
        )
    })?;
    if s.skip_existing == Some(true) {
        if let Some(existing) = find(t, &Listing::new(&bucket, s)?, &file_name, &mut 0).await? {
            return Ok(LatestExport { file_name, end_time, exported: None, existing: Some(existing) });
        }
    }
    let export = Settings {
        params: vec![(INSTANCE_NO.name, instance), (FILE_NAME.name, file_name.clone()), (BUCKET_NAME.name, bucket)],
        ..s.clone()
    };
    let exported = export_backup(t, &export).await?;
    Ok(LatestExport { file_name, end_time, exported: Some(exported), existing: None })
}

/// The bucket's object for the backup file, if it is there.
pub async fn find_exported_object<T: Transport>(t: &T, s: &Settings) -> Result<Option<StoredObject>> {
    let listing = Listing::new(required(s, &BUCKET_NAME)?, s)?;
    find(t, &listing, required(s, &FILE_NAME)?, &mut 0).await
}

/// Waits until the bucket holds the backup file's object, looking at first
/// every `intervalMs`, then less often; gives up after `timeoutMs` (the whole wait).
pub async fn wait_for_export<T: Transport>(t: &T, s: &Settings) -> Result<StoredObject> {
    let file = required(s, &FILE_NAME)?;
    let limit = s.timeout_ms.unwrap_or(DEFAULT_WAIT_MS);
    let mut listing = Listing::new(required(s, &BUCKET_NAME)?, s)?;
    listing.retry.timeout_ms = DEFAULT_TIMEOUT_MS.min(limit);
    let started = t.now_ms();
    let first = s.interval_ms.unwrap_or(DEFAULT_INTERVAL_MS);
    let mut interval = first;
    let mut checks = 0;
    // Every request of every check, for an error's `attempts`.
    let mut sent = 0;
    loop {
        if let Some(found) = find(t, &listing, file, &mut sent).await? {
            return Ok(found);
        }
        checks += 1;
        let elapsed_ms = t.now_ms() - started;
        let left = f64::from(limit) - elapsed_ms;
        if left <= 0.0 {
            let waited = if limit < 10_000 { format!("{limit} ms") } else { format!("{} s", limit / 1000) };
            let m = format!(
                "no object naming {file} appeared in bucket {} within {waited} ({checks} checks); it may still come: \
                 wait longer (timeoutMs) or look again later",
                listing.bucket,
            );
            return Err(Error::new(ErrorKind::Timeout, m).with_attempts(sent));
        }
        let wait = interval.min(left.ceil() as u32);
        t.progress(&Progress { checks, elapsed_ms, next_check_in_ms: wait });
        t.sleep(wait).await.map_err(|e| e.with_attempts(sent))?;
        interval = (interval.saturating_add(interval / 2)).min(MAX_INTERVAL_MS.max(first));
    }
}

/// The newest object of the bucket whose key names `file`, every page read.
/// `sent` counts the pages listed, by earlier searches too: an error's
/// `attempts` adds the failing page's requests to it.
async fn find<T: Transport>(t: &T, listing: &Listing, file: &str, sent: &mut u32) -> Result<Option<StoredObject>> {
    let newer = |o: &StoredObject, than: &StoredObject| {
        let at = |x: &StoredObject| latest::instant(&x.last_modified).unwrap_or(i64::MIN);
        at(o) >= at(than)
    };
    let mut best: Option<StoredObject> = None;
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let before = *sent;
        let page = send::list_page(t, listing, marker.as_deref()).await.map_err(|e| {
            let attempts = before + e.attempts();
            e.with_attempts(attempts)
        })?;
        *sent += 1;
        for o in page.objects.into_iter().filter(|o| names_file(&o.key, file)) {
            if best.as_ref().is_none_or(|b| newer(&o, b)) {
                best = Some(o);
            }
        }
        match page.next {
            // Keys come in order, so each page starts past the last: one that does not would repeat forever.
            Some(next) if marker.as_deref().is_some_and(|m| next.as_str() <= m) => {
                return Err(Error::new(
                    ErrorKind::BadResponse,
                    format!(
                        "Object Storage's listing of bucket {} does not move on: page after page starts at {}",
                        listing.bucket,
                        crate::response::one_line(&next)
                    ),
                )
                .with_attempts(*sent));
            }
            Some(next) => marker = Some(next),
            None => return Ok(best),
        }
    }
    Err(Error::new(
        ErrorKind::BadResponse,
        format!("bucket {} lists over {MAX_PAGES} pages of objects: too many to look through", listing.bucket),
    )
    .with_attempts(*sent))
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{EXPORT_LATEST_BACKUP, FIND_EXPORTED_OBJECT, LIST_BACKUPS, WAIT_FOR_EXPORT};
    use crate::options::{parse, Opt};
    use crate::send::scripted::{block_on, ok, Script};

    fn settings(f: &Function, extra: &[(&str, Opt)]) -> Settings {
        let mut e =
            vec![("accessKey".to_string(), Opt::Str("AK".into())), ("secretKey".to_string(), Opt::Str("SK".into()))];
        for (k, v) in extra {
            let v = match v {
                Opt::Str(s) => Opt::Str(s.clone()),
                Opt::Num(n) => Opt::Num(*n),
                Opt::Bool(b) => Opt::Bool(*b),
                _ => unreachable!(),
            };
            e.push((k.to_string(), v));
        }
        parse(e, f, None).unwrap()
    }

    fn s(v: &str) -> Opt {
        Opt::Str(v.into())
    }

    fn backups_page(first: u32, n: u32, total: u32) -> String {
        let items: Vec<String> = (first..first + n).map(|i| format!(r#"{{"backupFileName":"f{i}"}}"#)).collect();
        format!(
            r#"{{"getCloudPostgresqlBackupListResponse":{{"requestId":"r{first}","returnCode":"0","totalRows":{total},"cloudPostgresqlBackupList":[{}]}}}}"#,
            items.join(",")
        )
    }

    fn query(script: &Script, i: usize) -> String {
        script.sent.borrow()[i].url.split_once('?').map(|(_, q)| q.to_string()).unwrap_or_default()
    }

    #[test]
    fn one_page_unless_all_pages() {
        let script = Script::new(vec![ok(200, &backups_page(1, 2, 5))]);
        let listed =
            block_on(list(&script, &LIST_BACKUPS, &settings(&LIST_BACKUPS, &[("pageSize", Opt::Num(2.0))]))).unwrap();
        assert_eq!((listed.items.len(), listed.total_rows), (2, 5));
        assert_eq!(query(&script, 0), "pageSize=2&responseFormatType=json");
    }

    #[test]
    fn all_pages_collects_from_page_no() {
        let script = Script::new(vec![
            ok(200, &backups_page(1, 2, 5)),
            ok(200, &backups_page(3, 2, 5)),
            ok(200, &backups_page(5, 1, 5)),
        ]);
        let s = settings(
            &LIST_BACKUPS,
            &[("pageNo", Opt::Num(2.0)), ("pageSize", Opt::Num(2.0)), ("allPages", Opt::Bool(true))],
        );
        let listed = block_on(list(&script, &LIST_BACKUPS, &s)).unwrap();
        assert_eq!((listed.items.len(), listed.request_id.as_str()), (5, "r1"));
        assert_eq!(query(&script, 0), "pageNo=2&pageSize=2&responseFormatType=json");
        assert_eq!(query(&script, 2), "pageNo=4&pageSize=2&responseFormatType=json");
    }

    const FILES: &str = r#"{"getCloudPostgresqlBackupDetailListResponse":{"requestId":"q","returnCode":"0","totalRows":3,
        "cloudPostgresqlBackupDetailList":[{"fileName":"20261117","endTime":"2026-11-17T03:10:00+0900"},
        {"fileName":"20261119","endTime":"2026-11-19T03:10:00+0900"},{"fileName":"20261118","endTime":"2026-11-18T03:10:00+0900"}]}}"#;
    const EXPORTED: &str =
        r#"{"exportBackupToObjectStorageResponse":{"requestId":"x","returnCode":"0","returnMessage":"success"}}"#;

    fn listing(keys: &[&str]) -> String {
        let contents: String = keys
            .iter()
            .map(|k| format!("<Contents><Key>{k}</Key><Size>5</Size><LastModified>2026-12-08T00:00:00.000Z</LastModified></Contents>"))
            .collect();
        format!("<ListBucketResult><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>")
    }

    #[test]
    fn the_latest_backup_by_end_time_is_exported() {
        let script = Script::new(vec![ok(200, FILES), ok(200, EXPORTED)]);
        let s = settings(&EXPORT_LATEST_BACKUP, &[("cloudPostgresqlInstanceNo", s("1")), ("bucketName", s("b"))]);
        let got = block_on(export_latest_backup(&script, &s)).unwrap();
        assert_eq!(got.file_name, "20261119");
        assert_eq!(got.exported.map(|e| e.request_id), Some("x".to_string()));
        assert!(query(&script, 1).contains("fileName=20261119&bucketName=b"), "{}", query(&script, 1));
    }

    #[test]
    fn skip_existing_exports_nothing_when_the_object_is_there() {
        let script =
            Script::new(vec![ok(200, FILES), ok(200, &listing(&["other/20261119_x.tar", "pg/1/20261119.tar"]))]);
        let s = settings(
            &EXPORT_LATEST_BACKUP,
            &[("cloudPostgresqlInstanceNo", s("1")), ("bucketName", s("b")), ("skipExisting", Opt::Bool(true))],
        );
        let got = block_on(export_latest_backup(&script, &s)).unwrap();
        assert_eq!((got.exported, got.existing.map(|o| o.key)), (None, Some("pg/1/20261119.tar".to_string())));
        assert_eq!(script.sent.borrow().len(), 2, "no export sent");
        // Not there yet: exported.
        let script = Script::new(vec![ok(200, FILES), ok(200, &listing(&["pg/1/20261118.tar"])), ok(200, EXPORTED)]);
        assert!(block_on(export_latest_backup(&script, &s)).unwrap().exported.is_some());
    }

    #[test]
    fn an_instance_without_files_is_not_found() {
        let none = r#"{"getCloudPostgresqlBackupDetailListResponse":{"returnCode":"0","totalRows":0,"cloudPostgresqlBackupDetailList":[]}}"#;
        let script = Script::new(vec![ok(200, none)]);
        let s = settings(&EXPORT_LATEST_BACKUP, &[("cloudPostgresqlInstanceNo", s("9")), ("bucketName", s("b"))]);
        let e = block_on(export_latest_backup(&script, &s)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e.message().contains("instance 9 has no backup files yet"), "{}", e.message());
    }

    #[test]
    fn waiting_looks_less_and_less_often_until_the_object_comes() {
        let script = Script::new(vec![ok(200, &listing(&[])), ok(200, &listing(&[])), ok(200, &listing(&["a/f.tar"]))]);
        let s = settings(
            &WAIT_FOR_EXPORT,
            &[("bucketName", s("b")), ("fileName", s("f")), ("intervalMs", Opt::Num(1000.0))],
        );
        let found = block_on(wait_for_export(&script, &s)).unwrap();
        assert_eq!(found.key, "a/f.tar");
        assert_eq!(*script.slept.borrow(), vec![1000, 1500]);
        let progress = script.progress.borrow();
        assert_eq!((progress.len(), progress[1].checks, progress[1].next_check_in_ms), (2, 2, 1500));
    }

    #[test]
    fn a_wait_cut_short_by_the_signal_counts_every_request_it_sent() {
        let script = Script::new((0..5).map(|_| ok(200, &listing(&[]))).collect());
        script.abort_after.set(Some(2));
        let s = settings(
            &WAIT_FOR_EXPORT,
            &[("bucketName", s("b")), ("fileName", s("f")), ("intervalMs", Opt::Num(1000.0))],
        );
        let e = block_on(wait_for_export(&script, &s)).unwrap_err();
        assert_eq!((e.kind(), e.attempts()), (ErrorKind::Aborted, 2));
    }

    #[test]
    fn waiting_runs_out_with_a_timeout() {
        let script = Script::new((0..10).map(|_| ok(200, &listing(&[]))).collect());
        let s = settings(
            &WAIT_FOR_EXPORT,
            &[
                ("bucketName", s("b")),
                ("fileName", s("f")),
                ("intervalMs", Opt::Num(1000.0)),
                ("timeoutMs", Opt::Num(2000.0)),
            ],
        );
        let e = block_on(wait_for_export(&script, &s)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!(e.message().contains("no object naming f appeared in bucket b within 2000 ms"), "{}", e.message());
        assert_eq!(*script.slept.borrow(), vec![1000, 1000], "the last wait ends at the limit");
    }

    #[test]
    fn a_listing_that_does_not_move_on_is_refused_at_its_second_page() {
        let page = "<ListBucketResult><IsTruncated>true</IsTruncated><NextMarker>k</NextMarker></ListBucketResult>";
        let script = Script::new((0..5).map(|_| ok(200, page)).collect());
        let s = settings(&FIND_EXPORTED_OBJECT, &[("bucketName", s("b")), ("fileName", s("f"))]);
        let e = block_on(find_exported_object(&script, &s)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        assert!(e.message().contains("does not move on: page after page starts at k"), "{}", e.message());
        assert_eq!((script.sent.borrow().len(), e.attempts()), (2, 2));
    }

    #[test]
    fn an_object_without_a_whole_size_is_a_bad_response_not_a_size_of_zero() {
        for size in ["", "abc", "-1", "1.5", "99999999999999999999", "<none/>"] {
            let item = if size == "<none/>" { String::new() } else { format!("<Size>{size}</Size>") };
            let page = format!("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a/f.tar</Key>{item}</Contents></ListBucketResult>");
            let script = Script::new(vec![ok(200, &page)]);
            let s = settings(&FIND_EXPORTED_OBJECT, &[("bucketName", s("b")), ("fileName", s("f"))]);
            let e = block_on(find_exported_object(&script, &s)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadResponse, "{size}");
            assert!(e.message().contains("an object whose Size is not a whole number of bytes"), "{}", e.message());
        }
    }

    #[test]
    fn a_bucket_name_that_would_change_the_path_is_refused_before_sending() {
        for bucket in ["pg-backups/README.txt", "../x", "..", ".", "%2e%2e"] {
            let script = Script::new(vec![]);
            let s = settings(&FIND_EXPORTED_OBJECT, &[("bucketName", s(bucket)), ("fileName", s("f"))]);
            let e = block_on(find_exported_object(&script, &s)).unwrap_err();
            assert_eq!((e.kind(), e.option()), (ErrorKind::InvalidOptions, Some("bucketName")), "{bucket}");
            assert!(script.sent.borrow().is_empty());
        }
    }

    #[test]
    fn call_refuses_a_format_or_region_in_params() {
        let script = Script::new(vec![]);
        let s = settings(&crate::actions::CALL, &[("regionCode", s("KR"))]);
        let e = block_on(call(&script, &s, "x", vec![("regionCode".into(), "KR".into())])).unwrap_err();
        assert_eq!(e.option(), Some("regionCode"));
        let e = block_on(call(&script, &s, "x", vec![("responseFormatType".into(), "xml".into())])).unwrap_err();
        assert_eq!(e.option(), Some("params"));
        assert!(block_on(call(&script, &s, "../x", vec![])).is_err());
        assert!(script.sent.borrow().is_empty());
    }
}
