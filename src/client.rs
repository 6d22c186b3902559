//! The Rust API: a [`Client`] holds the key pair (as prepared keys) and the
//! settings; its async methods send through the runtime's `fetch`.
//!
//! The same code runs the JS functions: both build [`Settings`] and call
//! [`crate::run`].

use crate::actions::{
    Function, EXPORT_BACKUP, EXPORT_LATEST_BACKUP, FIND_EXPORTED_OBJECT, LIST_BACKUPS, LIST_BACKUP_FILES, LIST_BUCKETS,
    LIST_INSTANCES, NEW_CLIENT, WAIT_FOR_EXPORT,
};
use crate::error::Result;
use crate::options::{self, Base, Format, Method, Opt, Settings, Site, Spec};
use crate::run::{self, Exported, LatestExport, Listed};
use crate::sign::Keys;
use crate::storage::StoredObject;
use crate::value::Map;
use std::rc::Rc;

/// Credentials and settings once; every call of the Cloud DB for PostgreSQL
/// API and of Object Storage's listing from them.
///
/// ```no_run
/// use ncloud_pg_backup::{Client, ExportBackup};
/// # async fn run() -> Result<(), ncloud_pg_backup::Error> {
/// let client = Client::new("ACCESS_KEY", "SECRET_KEY")?.with_endpoint("http://127.0.0.1:8787")?;
/// let r = client.export_backup(ExportBackup::new("1234567", "20261120_030005", "pg-backups")).await?;
/// assert_eq!(r.return_code, "0");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    settings: Settings,
}

/// What to export: an instance's backup file, to a bucket.
#[derive(Clone, Debug)]
pub struct ExportBackup {
    instance_no: String,
    file_name: String,
    bucket_name: String,
}

impl ExportBackup {
    /// `cloudPostgresqlInstanceNo` (from [`Client::list_instances`]), `fileName`
    /// (from [`Client::list_backup_files`]), `bucketName` (from [`Client::list_buckets`]).
    pub fn new(instance_no: &str, file_name: &str, bucket_name: &str) -> Self {
        ExportBackup { instance_no: instance_no.into(), file_name: file_name.into(), bucket_name: bucket_name.into() }
    }
}

/// Which page of a list to read: one page, or every page (the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pages {
    /// Page `page_no` (NCP counts from 0 or 1) of `page_size` rows (1 to 1000).
    One { page_no: u32, page_size: u32 },
    /// Every page, `page_size` rows at a time.
    All { page_size: u32 },
}

impl Default for Pages {
    fn default() -> Self {
        Pages::All { page_size: 100 }
    }
}

impl Client {
    /// A client for NCP's public site. Checks the key pair's shape (the
    /// gateway checks the rest); the secret is turned into prepared HMAC keys
    /// at once and not kept.
    pub fn new(access_key: &str, secret_key: &str) -> Result<Client> {
        let entries = vec![
            ("accessKey".to_string(), Opt::Str(access_key.to_string())),
            ("secretKey".to_string(), Opt::Str(secret_key.to_string())),
        ];
        Ok(Client { settings: options::parse(entries, &NEW_CLIENT, None)? })
    }

    /// Builds from settings already checked (the JS `Client`).
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    pub(crate) fn from_settings(settings: Settings) -> Client {
        Client { settings }
    }

    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Sends to `url` instead of the site's gateway: a relay, or a local
    /// simulator. Scheme, host, optional port and path prefix.
    pub fn with_endpoint(self, url: &str) -> Result<Client> {
        self.with(&options::ENDPOINT, Opt::Str(url.into()))
    }

    /// NCP's site (public, gov or fin), for its gateway and Object Storage.
    pub fn with_site(mut self, site: Site) -> Client {
        self.settings.base = Some(Base::Site(site));
        self
    }

    /// `regionCode`, such as `"KR"`; without it, NCP's default region.
    pub fn with_region(self, region_code: &str) -> Result<Client> {
        self.with(&options::REGION_CODE, Opt::Str(region_code.into()))
    }

    /// Each attempt's timeout (default 30 s).
    pub fn with_timeout_ms(self, ms: u32) -> Result<Client> {
        self.with(&options::TIMEOUT_MS, Opt::Num(f64::from(ms)))
    }

    /// Retries of 429 and 503 answers, 0 to 10 (default 2).
    pub fn with_max_retries(self, retries: u32) -> Result<Client> {
        self.with(&options::MAX_RETRIES, Opt::Num(f64::from(retries)))
    }

    /// Also retry network errors, timeouts and 500/502/504, which may have reached the service.
    pub fn with_retry_unsafe(mut self, yes: bool) -> Client {
        self.settings.retry_unsafe = Some(yes);
        self
    }

    /// Added to the clock when signing, to correct a skewed clock.
    pub fn with_clock_offset_ms(self, ms: i64) -> Result<Client> {
        self.with(&options::CLOCK_OFFSET_MS, Opt::Num(ms as f64))
    }

    /// The format NCP answers in (the results are the same either way).
    pub fn with_format(mut self, format: Format) -> Client {
        self.settings.format = Some(format);
        self
    }

    /// GET (parameters in the query, the default) or POST (a form body).
    pub fn with_method(mut self, method: Method) -> Client {
        self.settings.method = Some(method);
        self
    }

    /// Object Storage's endpoint, for [`Client::find_exported_object`] and
    /// [`Client::wait_for_export`] (default: the site's).
    pub fn with_storage_endpoint(self, url: &str) -> Result<Client> {
        self.with(&options::STORAGE_ENDPOINT, Opt::Str(url.into()))
    }

    /// Object Storage's region (default `kr-standard`).
    pub fn with_storage_region(self, region: &str) -> Result<Client> {
        self.with(&options::STORAGE_REGION, Opt::Str(region.into()))
    }

    /// One setting, checked as the JS option of the same name is.
    fn with(self, spec: &Spec, value: Opt) -> Result<Client> {
        let one = options::parse(vec![(spec.name.to_string(), value)], &NEW_CLIENT, Some(&self.settings))?;
        Ok(Client { settings: one })
    }

    /// Sends a backup file to a bucket. Success means NCP accepted the export;
    /// the object appears in the bucket later ([`Client::wait_for_export`]).
    pub async fn export_backup(&self, what: ExportBackup) -> Result<Exported> {
        let s = self.call_settings(
            &EXPORT_BACKUP,
            vec![
                (&options::INSTANCE_NO, Opt::Str(what.instance_no)),
                (&options::FILE_NAME, Opt::Str(what.file_name)),
                (&options::BUCKET_NAME, Opt::Str(what.bucket_name)),
            ],
        )?;
        self.settings.hiding_secret(run::export_backup(&self.transport()?, &s).await)
    }

    /// Exports the instance's newest backup file (by `endTime`, every page
    /// read). With `skip_existing`, exports nothing when the bucket already
    /// holds that file.
    pub async fn export_latest_backup(
        &self,
        instance_no: &str,
        bucket_name: &str,
        skip_existing: bool,
    ) -> Result<LatestExport> {
        let s = self.call_settings(
            &EXPORT_LATEST_BACKUP,
            vec![
                (&options::INSTANCE_NO, Opt::Str(instance_no.into())),
                (&options::BUCKET_NAME, Opt::Str(bucket_name.into())),
                (&options::SKIP_EXISTING, Opt::Bool(skip_existing)),
            ],
        )?;
        self.settings.hiding_secret(run::export_latest_backup(&self.transport()?, &s).await)
    }

    /// `getCloudPostgresqlInstanceList`: items keep NCP's field names.
    pub async fn list_instances(&self, pages: Pages) -> Result<Listed> {
        self.list(&LIST_INSTANCES, vec![], pages).await
    }

    /// `getCloudPostgresqlBackupList`.
    pub async fn list_backups(&self, pages: Pages) -> Result<Listed> {
        self.list(&LIST_BACKUPS, vec![], pages).await
    }

    /// `getCloudPostgresqlBackupDetailList`: the files [`Client::export_backup`] can send.
    pub async fn list_backup_files(&self, instance_no: &str, pages: Pages) -> Result<Listed> {
        self.list(&LIST_BACKUP_FILES, vec![(&options::INSTANCE_NO, Opt::Str(instance_no.into()))], pages).await
    }

    /// `getCloudPostgresqlBucketList`, optionally for one server instance (NCP pages it not).
    pub async fn list_buckets(&self, server_instance_no: Option<&str>) -> Result<Listed> {
        let server = server_instance_no.map(|n| (&options::SERVER_INSTANCE_NO, Opt::Str(n.into())));
        let s = self.call_settings(&LIST_BUCKETS, server.into_iter().collect())?;
        self.settings.hiding_secret(run::list(&self.transport()?, &LIST_BUCKETS, &s).await)
    }

    async fn list(&self, f: &Function, mut given: Vec<(&'static Spec, Opt)>, pages: Pages) -> Result<Listed> {
        let number = |n: u32| Opt::Num(f64::from(n));
        match pages {
            Pages::One { page_no, page_size } => {
                given.push((&options::PAGE_NO, number(page_no)));
                given.push((&options::PAGE_SIZE, number(page_size)));
            }
            Pages::All { page_size } => {
                given.push((&options::PAGE_SIZE, number(page_size)));
                given.push((&options::ALL_PAGES, Opt::Bool(true)));
            }
        }
        let s = self.call_settings(f, given)?;
        self.settings.hiding_secret(run::list(&self.transport()?, f, &s).await)
    }

    /// Any `vpostgresql/v2` action, its parameters as NCP names them
    /// (`name.1` for lists); the unwrapped response object.
    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> Result<Map> {
        let params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.settings.hiding_secret(run::call(&self.transport()?, &self.settings, action, params).await)
    }

    /// The bucket's object for a backup file (its key names the file), if it is there.
    pub async fn find_exported_object(&self, bucket_name: &str, file_name: &str) -> Result<Option<StoredObject>> {
        let s = self.call_settings(
            &FIND_EXPORTED_OBJECT,
            vec![
                (&options::BUCKET_NAME, Opt::Str(bucket_name.into())),
                (&options::FILE_NAME, Opt::Str(file_name.into())),
            ],
        )?;
        self.settings.hiding_secret(run::find_exported_object(&self.transport()?, &s).await)
    }

    /// Waits until the bucket holds the backup file, for at most `limit_ms`
    /// (looking every 10 s at first, then less often).
    pub async fn wait_for_export(&self, bucket_name: &str, file_name: &str, limit_ms: u32) -> Result<StoredObject> {
        let s = self.call_settings(
            &WAIT_FOR_EXPORT,
            vec![
                (&options::BUCKET_NAME, Opt::Str(bucket_name.into())),
                (&options::FILE_NAME, Opt::Str(file_name.into())),
                (&options::TIMEOUT_MS, Opt::Num(f64::from(limit_ms))),
            ],
        )?;
        self.settings.hiding_secret(run::wait_for_export(&self.transport()?, &s).await)
    }

    /// The three `x-ncp-*` headers for a request to any NCP API Gateway URL
    /// that the caller sends itself, at `timestamp` (epoch ms; default now).
    #[cfg(target_arch = "wasm32")]
    pub fn sign_request(&self, method: &str, url: &str, timestamp: Option<u64>) -> Result<SignedRequest> {
        let mut s = self.settings.clone();
        s.http_method = Some(method.to_string());
        s.url = Some(url.to_string());
        s.timestamp = timestamp;
        crate::js::sign_request(&s)
    }

    /// The client's settings under one call's options, checked as the JS
    /// function `f` checks its own (an empty or too long value is refused).
    fn call_settings(&self, f: &Function, given: Vec<(&Spec, Opt)>) -> Result<Settings> {
        let entries = given.into_iter().map(|(spec, v)| (spec.name.to_string(), v)).collect();
        options::parse(entries, f, Some(&self.settings))
    }

    fn transport(&self) -> Result<crate::js::transport::Fetch> {
        crate::js::transport::Fetch::new(&self.settings)
    }

    /// The access key (never the secret).
    pub fn access_key(&self) -> &str {
        self.keys().map_or("", |k| k.access_key())
    }

    fn keys(&self) -> Option<&Rc<Keys>> {
        self.settings.keys.as_ref()
    }
}

/// A request signed for the caller to send: the headers and the timestamp used.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SignedRequest {
    pub headers: SignedHeaders,
    pub timestamp: u64,
}

/// NCP API Gateway signature v2's three headers.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SignedHeaders {
    #[serde(rename = "x-ncp-apigw-timestamp")]
    pub timestamp: String,
    #[serde(rename = "x-ncp-iam-access-key")]
    pub access_key: String,
    #[serde(rename = "x-ncp-apigw-signature-v2")]
    pub signature: String,
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::send::scripted::block_on;

    #[test]
    fn builders_check_as_the_js_options_do() {
        let c = Client::new("AK", "SK").unwrap().with_endpoint("http://127.0.0.1:8787").unwrap();
        assert_eq!(c.settings.api_endpoint().origin, "http://127.0.0.1:8787");
        assert_eq!(c.access_key(), "AK");
        let e = Client::new("AK", "SK").unwrap().with_endpoint("ftp://x").unwrap_err();
        assert_eq!((e.kind(), e.option()), (ErrorKind::InvalidOptions, Some("endpoint")));
        assert_eq!(Client::new("AK", "SK").unwrap().with_max_retries(11).unwrap_err().option(), Some("maxRetries"));
        assert_eq!(Client::new("A K", "SK").unwrap_err().option(), Some("accessKey"));
        assert_eq!(Client::new("AK", "").unwrap_err().option(), Some("secretKey"));
        let c = Client::new("AK", "SK").unwrap().with_site(Site::Gov).with_storage_region("kr-gov").unwrap();
        assert_eq!(c.settings.storage().origin, "https://kr.object.gov-ncloudstorage.com");
        assert!(!format!("{c:?}").contains("SK\""), "{c:?}");
    }

    /// A call's own values are checked as the JS function's are, before
    /// anything is sent (natively, sending would be a `network` error).
    #[test]
    fn calls_check_their_values_before_sending() {
        let c = Client::new("AK", "SK").unwrap();
        let refused = |e: crate::Error| (e.kind(), e.option().map(str::to_string));
        let e = block_on(c.export_backup(ExportBackup::new("1234567", "", "pg-backups"))).unwrap_err();
        assert_eq!(refused(e), (ErrorKind::InvalidOptions, Some("fileName".into())));
        let e = block_on(c.list_backup_files("12\n34", Pages::default())).unwrap_err();
        assert_eq!(refused(e), (ErrorKind::InvalidOptions, Some("cloudPostgresqlInstanceNo".into())));
        let e = block_on(c.list_instances(Pages::One { page_no: 1, page_size: 5000 })).unwrap_err();
        assert_eq!(refused(e), (ErrorKind::InvalidOptions, Some("pageSize".into())));
        let e = block_on(c.wait_for_export("pg-backups", "20261120", 0)).unwrap_err();
        assert_eq!(refused(e), (ErrorKind::InvalidOptions, Some("timeoutMs".into())));
        let e = block_on(c.export_latest_backup("1234567", "pg-backups", true)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Network, "valid values go on to be sent");
    }
}
