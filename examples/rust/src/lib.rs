//! A Rust app compiled to WebAssembly that uses ncloud-pg-backup's Rust API
//! (no JS exports of the crate): the nightly job, and a report of what the
//! key can see. `tests/rust-api.test.mjs` runs it in Node against the
//! simulator; a workers-rs Worker or a Leptos page would call the same
//! functions.

use ncloud_pg_backup::{Client, Error, ErrorKind, ExportBackup, Pages};
use wasm_bindgen::prelude::*;

/// Exports the newest backup of `instance` to `bucket` unless it is there
/// already, waits until it is, and says what happened in one line.
#[wasm_bindgen]
pub async fn nightly(
    endpoint: String,
    access_key: String,
    secret_key: String,
    instance: String,
    bucket: String,
) -> Result<String, JsError> {
    let client = Client::new(&access_key, &secret_key)?.with_endpoint(&endpoint)?.with_storage_endpoint(&endpoint)?;
    let latest = client.export_latest_backup(&instance, &bucket, true).await.map_err(explain)?;
    if let Some(existing) = latest.existing {
        return Ok(format!("skipped {}: already in {bucket} as {}", latest.file_name, existing.key));
    }
    let object = client.wait_for_export(&bucket, &latest.file_name, 60_000).await.map_err(explain)?;
    Ok(format!("exported {} to {bucket} as {} ({} bytes)", latest.file_name, object.key, object.size))
}

/// Every instance with its backup files, every page read: `no name: file, file`.
#[wasm_bindgen]
pub async fn inventory(endpoint: String, access_key: String, secret_key: String) -> Result<String, JsError> {
    let client = Client::new(&access_key, &secret_key)?.with_endpoint(&endpoint)?;
    let instances = client.list_instances(Pages::default()).await.map_err(explain)?;
    let mut lines = Vec::new();
    for instance in &instances.items {
        let Some(item) = instance.as_object() else { continue };
        let no = item.text("cloudPostgresqlInstanceNo").unwrap_or_default();
        let files = client.list_backup_files(&no, Pages::All { page_size: 2 }).await.map_err(explain)?;
        let names: Vec<String> = files.items.iter().filter_map(|f| f.as_object()?.text("fileName")).collect();
        lines.push(format!(
            "{no} {}: {}",
            item.text("cloudPostgresqlServiceName").unwrap_or_default(),
            names.join(", ")
        ));
    }
    Ok(lines.join("\n"))
}

/// One export of a named file, and how a failure is told apart.
#[wasm_bindgen(js_name = exportFile)]
pub async fn export_file(
    endpoint: String,
    access_key: String,
    secret_key: String,
    instance: String,
    file: String,
    bucket: String,
) -> Result<String, JsError> {
    let client = Client::new(&access_key, &secret_key)?.with_endpoint(&endpoint)?.with_max_retries(0)?;
    match client.export_backup(ExportBackup::new(&instance, &file, &bucket)).await {
        Ok(r) => Ok(format!("accepted {} ({})", r.request_id, r.http_status)),
        Err(e) if e.kind() == ErrorKind::Service => Ok(format!("refused by the service: {}", e.code().unwrap_or("?"))),
        Err(e) => Err(explain(e)),
    }
}

/// The headers for a request the app sends itself (in wasm, where the
/// runtime's URL parser gives the target `fetch` sends).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(js_name = signedHeaders)]
pub fn signed_headers(access_key: String, secret_key: String, url: String, timestamp: f64) -> Result<String, JsError> {
    let signed = Client::new(&access_key, &secret_key)?.sign_request("GET", &url, Some(timestamp as u64))?;
    Ok(format!("{} {}", signed.headers.timestamp, signed.headers.signature))
}

/// A JS error whose message starts with the kind, as the app's logs would show it.
fn explain(e: Error) -> JsError {
    JsError::new(&format!("{}: {}", e.kind().as_str(), e.message()))
}
