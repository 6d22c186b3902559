// The demo page: the package's browser entry does every call; this file only reads the form,
// shows results and errors, and records what the package sent through its `fetch` option.
// Everything from the network is rendered with textContent, never as HTML.

const $ = (id) => document.getElementById(id);

/** Form fields whose id is the option name, so an `invalid_options` error can point at one. */
const FIELDS = [
  "endpoint", "storageEndpoint", "site", "regionCode", "accessKey", "secretKey", "responseFormatType", "method",
  "cloudPostgresqlInstanceNo", "fileName", "bucketName", "intervalMs", "timeoutMs",
];
const MAX_SHOWN_REQUESTS = 12;

let ncp; // the package, imported at start-up
let config = null; // /demo-config.json, when the demo server provides it
let files = []; // backup files of the selected instance
let waitTarget = null; // { bucketName, fileName } of the last export, for step 3
let waiting = null; // the AbortController of the wait under way
const sentRequests = [];

// ------------------------------------------------------------------ start-up

async function main() {
  try {
    ncp = await import("/pkg/browser.js");
  } catch (err) {
    $("status").classList.remove("busy");
    setStatus(`Could not load the package from /pkg/browser.js (run make pkg): ${err.message}`);
    return;
  }
  config = await fetch("/demo-config.json")
    .then((res) => (res.ok ? res.json() : null))
    .catch(() => null);
  if (config?.simulator) {
    $("endpoint").value = config.endpoint;
    $("storageEndpoint").value = config.storageEndpoint ?? config.endpoint; // S3 on the simulator's own origin
    $("accessKey").value = config.accessKey;
    $("secretKey").value = config.secretKey; // the input's value only: never rendered anywhere
    $("keys-badge").hidden = false;
    // The simulator writes an export's object at once (or after --export-delay): look often.
    $("intervalMs").value = "1000";
    $("timeoutMs").value = "120000";
  }

  $("connection-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("Loading instances…", loadInstances);
  });
  $("export-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("Exporting…", exportSelected);
  });
  $("export-latest").addEventListener("click", () => run("Finding the newest backup file…", exportNewest));
  $("wait-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (waitTarget && !waiting) run(`Waiting for ${waitTarget.fileName} in ${waitTarget.bucketName}…`, waitForObject);
  });
  $("cancel-wait").addEventListener("click", () => waiting?.abort());
  $("cloudPostgresqlInstanceNo").addEventListener("change", () => run("Loading backup files and buckets…", loadInstanceChoices));
  $("fileName").addEventListener("change", showFileDetails);
  $("status").classList.remove("busy");
  setStatus(config?.simulator ? "Ready. Start with Load instances." : "Ready. Enter an endpoint and keys, then Load instances.");
}

// ------------------------------------------------------------------ the three steps

/** Options every call shares, read from the connection form. */
function connection() {
  const endpoint = $("endpoint").value;
  const opts = {
    accessKey: $("accessKey").value,
    secretKey: $("secretKey").value,
    responseFormatType: $("responseFormatType").value,
    method: $("method").value,
    fetch: recordingFetch,
  };
  // The package takes either an endpoint or a site; an empty endpoint means "the site's gateway".
  if (endpoint !== "") opts.endpoint = endpoint;
  else opts.site = $("site").value;
  if ($("regionCode").value !== "") opts.regionCode = $("regionCode").value;
  return opts;
}

/** The Object Storage endpoint typed in, or undefined (the package then takes the site's). */
function storageEndpoint() {
  return $("storageEndpoint").value === "" ? undefined : $("storageEndpoint").value;
}

/** A number field: its number, or undefined when empty (the package's default). */
function numberField(id) {
  const text = $(id).value.trim();
  return text === "" ? undefined : Number(text);
}

async function loadInstances() {
  const { instances, totalRows } = await ncp.listInstances(connection());
  const select = $("cloudPostgresqlInstanceNo");
  fillSelect(select, instances.length ? `Choose an instance (${totalRows})` : "No instances", instances.map((i) => [
    i.cloudPostgresqlInstanceNo,
    [i.cloudPostgresqlInstanceNo, i.cloudPostgresqlServiceName, i.cloudPostgresqlInstanceStatusName, i.engineVersion]
      .filter(Boolean).join(" · "),
  ]));
  select.disabled = instances.length === 0;
  resetChoices("Choose an instance first");
  return { status: `${totalRows} instance${totalRows === 1 ? "" : "s"} found. Choose one.`, focus: instances.length ? select : null };
}

async function loadInstanceChoices() {
  const instanceNo = $("cloudPostgresqlInstanceNo").value;
  resetChoices(instanceNo ? "Loading…" : "Choose an instance first");
  if (!instanceNo) return { status: "Choose an instance." };
  const conn = connection();
  const [fileList, bucketList] = await Promise.all([
    ncp.listBackupFiles({ ...conn, cloudPostgresqlInstanceNo: instanceNo }),
    ncp.listBuckets(conn),
  ]);
  files = fileList.files;
  const newest = newestFile(files);
  fillSelect($("fileName"), files.length ? "Choose a backup file" : "This instance has no backup files", files.map((f) => [
    f.fileName,
    `${f.fileName} · ${formatTime(f.startTime)} · ${formatBytes(f.backupSize)}${f === newest ? " · newest" : ""}`,
  ]));
  fillSelect($("bucketName"), bucketList.buckets.length ? "Choose a bucket" : "No buckets", bucketList.buckets.map((b) => [b.bucketName, b.bucketName]));
  $("fileName").disabled = files.length === 0;
  $("bucketName").disabled = bucketList.buckets.length === 0;
  $("export").disabled = false;
  $("export-latest").disabled = false;
  return {
    status: files.length
      ? `${files.length} backup file${files.length === 1 ? "" : "s"} and ${bucketList.buckets.length} buckets: choose a file and a bucket.`
      : "This instance has no backup files to export yet.",
  };
}

async function exportSelected() {
  const opts = {
    ...connection(),
    cloudPostgresqlInstanceNo: $("cloudPostgresqlInstanceNo").value,
    fileName: $("fileName").value,
    bucketName: $("bucketName").value,
  };
  clearOutcome();
  const started = performance.now();
  const result = await ncp.exportBackup(opts);
  const ms = Math.round(performance.now() - started);

  showResult(result, ms);
  setWaitTarget({ bucketName: opts.bucketName, fileName: opts.fileName });
  await showBucketIfSimulator(opts.endpoint, opts.bucketName, result.requestId);
  return { status: `Export accepted in ${ms} ms (requestId ${result.requestId}). Step 3 waits until it is in the bucket.` };
}

/** The nightly job: the newest file by endTime, exported unless the bucket already holds it. */
async function exportNewest() {
  const conn = connection();
  const bucketName = $("bucketName").value;
  clearOutcome();
  const started = performance.now();
  const result = await ncp.exportLatestBackup({
    ...conn,
    cloudPostgresqlInstanceNo: $("cloudPostgresqlInstanceNo").value,
    bucketName,
    skipExisting: true,
    storageEndpoint: storageEndpoint(),
  });
  const ms = Math.round(performance.now() - started);

  $("latest-fileName").textContent = result.fileName;
  $("latest-endTime").textContent = formatTime(result.endTime);
  $("latest").hidden = false;
  if (result.skipped) {
    $("latest-title").textContent = "Newest backup: already in the bucket";
    $("latest-outcome").textContent = `already in ${bucketName}: not exported again`;
    showObject(bucketName, result.existing, "Already in the bucket");
    setWaitTarget(null, `Nothing to wait for: ${result.fileName}, the newest file, is already in ${bucketName}.`);
    await showBucketIfSimulator(conn.endpoint, bucketName, null);
    return { status: `The newest file, ${result.fileName}, is already in ${bucketName}: nothing exported.` };
  }
  $("latest-title").textContent = "Newest backup: exported";
  $("latest-outcome").textContent = `exported to ${bucketName} (requestId ${result.requestId})`;
  showResult(result, ms);
  setWaitTarget({ bucketName, fileName: result.fileName });
  await showBucketIfSimulator(conn.endpoint, bucketName, result.requestId);
  return { status: `The newest file, ${result.fileName} (by end time), was exported in ${ms} ms. Step 3 waits until it is in the bucket.` };
}

/** Step 3: lists the bucket until the exported file's object is there, or Cancel. */
async function waitForObject() {
  const target = waitTarget;
  const controller = new AbortController();
  const storage = storageEndpoint();
  waiting = controller;
  $("cancel-wait").disabled = false;
  $("object").hidden = true;
  showProgress(`Looking in ${target.bucketName}…`);
  let checks = 0;
  try {
    const object = await ncp.waitForExport({
      accessKey: $("accessKey").value,
      secretKey: $("secretKey").value,
      bucketName: target.bucketName,
      fileName: target.fileName,
      storageEndpoint: storage,
      // Object Storage's options only: no endpoint, regionCode, responseFormatType or method.
      ...(storage === undefined ? { site: $("site").value } : {}),
      intervalMs: numberField("intervalMs"),
      timeoutMs: numberField("timeoutMs"),
      onProgress: (p) => {
        checks = p.checks;
        const text = `Check ${p.checks}: not in ${target.bucketName} yet (${seconds(p.elapsedMs)} so far); looking again in ${seconds(p.nextCheckInMs)}.`;
        showProgress(text);
        setStatus(text);
      },
      signal: controller.signal,
      fetch: recordingFetch,
    });
    showObject(target.bucketName, object, "Arrived in the bucket");
    showProgress(`Found after ${checks + 1} check${checks ? "s" : ""}.`);
    return { status: `${target.fileName} is in ${target.bucketName}: ${object.key} (${formatBytes(object.size)}).` };
  } catch (err) {
    if (err?.kind === "aborted" && controller.signal.aborted) {
      const text = `Cancelled after ${checks} check${checks === 1 ? "" : "s"}: stopped waiting. The export is not undone; the object may still arrive.`;
      showProgress(text);
      return { status: text };
    }
    $("wait-progress").hidden = true;
    throw err;
  } finally {
    waiting = null;
    $("cancel-wait").disabled = true;
  }
}

function showResult(result, ms) {
  $("result-requestId").textContent = result.requestId;
  $("result-returnCode").textContent = result.returnCode;
  $("result-returnMessage").textContent = result.returnMessage;
  $("result-httpStatus").textContent = String(result.httpStatus);
  $("result-time").textContent = `${ms} ms`;
  $("result").hidden = false;
}

function showObject(bucketName, object, title) {
  $("object-title").textContent = title;
  $("object-bucket").textContent = bucketName;
  $("object-key").textContent = object.key;
  $("object-size").textContent = `${formatBytes(object.size)} (${Number(object.size).toLocaleString("en-US")} bytes)`;
  $("object-lastModified").textContent = object.lastModified;
  $("object").hidden = false;
}

/** Hides what an earlier export showed, so nothing stale is left beside a new outcome. */
function clearOutcome() {
  for (const id of ["result", "latest", "object", "bucket", "wait-progress"]) $(id).hidden = true;
}

/** What step 3 waits for (null: nothing, with `why` as its hint). */
function setWaitTarget(target, why) {
  waitTarget = target;
  $("wait").disabled = !target;
  $("wait-target").textContent = target
    ? `Waits for the object of ${target.fileName} in ${target.bucketName} with waitForExport, listing the bucket (the key NCP gives it is not documented: the package finds the key that names the file).`
    : why;
}

function showProgress(text) {
  $("wait-progress").textContent = text;
  $("wait-progress").hidden = false;
}

// The export succeeded whatever happens here: a failing debug view only hides its panel.
async function showBucketIfSimulator(endpoint, bucketName, requestId) {
  if (isSimulator(endpoint)) await showBucket(endpoint, bucketName, requestId).catch(() => {});
}

/** The simulator's debug view of its buckets: proof that the export arrived. */
async function showBucket(endpoint, bucketName, requestId) {
  const res = await fetch(`${endpoint.replace(/\/+$/, "")}/_sim/buckets`);
  const objects = res.ok ? (await res.json()).buckets?.[bucketName] ?? [] : [];
  $("bucket-title").textContent = `Exports the simulator received for "${bucketName}" (${objects.length})`;
  $("bucket-objects").replaceChildren(...objects.slice().reverse().map((ev) => el("li", {
    className: ev.requestId === requestId ? "new" : "",
    dataset: { testid: "bucket-object", requestId: ev.requestId },
  }, [
    el("strong", {}, ev.fileName),
    el("span", { className: "muted" }, ` from instance ${ev.cloudPostgresqlInstanceNo} at ${ev.at}`),
    ev.requestId === requestId ? el("span", { className: "tag" }, "just now") : "",
  ])));
  $("bucket").hidden = false;
}

function isSimulator(endpoint) {
  const trim = (u) => String(u ?? "").replace(/\/+$/, "");
  return Boolean(config?.simulator && endpoint && trim(endpoint) === trim(config.endpoint));
}

// ------------------------------------------------------------------ running a step

/**
 * Runs one step with the page busy; shows its outcome or its error. A step resolves
 * `{ status, focus? }`; focus moves there (or back where it was) once the forms are usable again.
 */
async function run(label, step) {
  let focus = document.activeElement;
  clearErrors();
  setBusy(true, label);
  try {
    const outcome = await step();
    setStatus(outcome.status);
    focus = outcome.focus ?? focus;
  } catch (err) {
    focus = showError(err) ?? focus;
    setStatus(`Failed (${err?.kind ?? "error"}): see the details below.`);
  } finally {
    setBusy(false);
  }
  focus?.focus();
}

// A disabled fieldset disables every control in it without touching their own `disabled`,
// so the end of a step leaves each control as the step set it.
function setBusy(busy, label) {
  document.querySelectorAll("form > fieldset").forEach((f) => { f.disabled = busy; });
  $("wait").disabled = busy || !waitTarget; // outside its fieldset, as Cancel is
  $("output").setAttribute("aria-busy", String(busy));
  $("status").classList.toggle("busy", busy);
  if (busy) setStatus(label);
}

function setStatus(text) {
  $("status-text").textContent = text;
}

function showError(err) {
  const isNcloud = err instanceof ncp.NcloudError;
  const show = (v) => (v === undefined || v === null || v === "" ? "—" : String(v));
  $("error-kind").textContent = isNcloud ? err.kind : show(err?.name);
  $("error-status").textContent = show(isNcloud ? err.status : undefined);
  $("error-code").textContent = show(isNcloud ? err.code : undefined);
  $("error-requestId").textContent = show(isNcloud ? err.requestId : undefined);
  let message = err?.message ?? String(err);
  if (isNcloud && err.kind === "network" && !isSimulator($("endpoint").value)) {
    message += " (NCP's gateway sends no CORS headers: a page must go through a relay such as examples/worker.)";
  }
  $("error-message").textContent = message;
  $("error").hidden = false;

  if (isNcloud && err.kind === "invalid_options" && FIELDS.includes(err.option)) {
    const field = $(err.option);
    field.setAttribute("aria-invalid", "true");
    $(`${err.option}-error`).textContent = err.message;
    $(`${err.option}-error`).hidden = false;
    return field;
  }
  return null;
}

function clearErrors() {
  $("error").hidden = true;
  for (const id of FIELDS) {
    $(id).removeAttribute("aria-invalid");
    $(`${id}-error`).hidden = true;
    $(`${id}-error`).textContent = "";
  }
}

// ------------------------------------------------------------------ the signed-request log

/**
 * The package's `fetch` option: records each request (its signature headers only) and sends it.
 * NCP's API requests carry signature v2 headers, Object Storage's an AWS signature v4 Authorization.
 */
async function recordingFetch(url, init = {}) {
  const headers = new Headers(init.headers);
  const { pathname, search } = new URL(url);
  const authorization = headers.get("authorization");
  const entry = {
    method: init.method ?? "GET",
    target: pathname + search,
    body: typeof init.body === "string" ? init.body : "",
    outcome: "sending…",
    ...(authorization === null
      ? {
        kind: "ncp",
        timestamp: headers.get("x-ncp-apigw-timestamp") ?? "",
        accessKey: headers.get("x-ncp-iam-access-key") ?? "",
        signature: headers.get("x-ncp-apigw-signature-v2") ?? "",
      }
      : { kind: "s3", amzDate: headers.get("x-amz-date") ?? "", ...sigV4(authorization) }),
  };
  sentRequests.unshift(entry);
  sentRequests.length = Math.min(sentRequests.length, MAX_SHOWN_REQUESTS);
  renderRequests();
  try {
    const res = await fetch(url, init);
    entry.outcome = `HTTP ${res.status}`;
    return res;
  } catch (err) {
    entry.outcome = err?.name === "AbortError" ? "aborted" : "no answer (network error)";
    throw err;
  } finally {
    renderRequests();
  }
}

/** "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…" in parts (none of them secret). */
function sigV4(authorization) {
  const field = (name) => new RegExp(`${name}=([^,\\s]*)`).exec(authorization)?.[1] ?? "";
  const credential = field("Credential");
  return {
    algorithm: authorization.split(" ")[0],
    credential,
    accessKey: credential.split("/")[0],
    scope: credential.split("/").slice(1).join("/"),
    signedHeaders: field("SignedHeaders"),
    signature: field("Signature"),
  };
}

function renderRequests() {
  $("requests-empty").hidden = sentRequests.length > 0;
  $("requests").replaceChildren(...sentRequests.map((r) => el("li", { dataset: { testid: "signed-request", kind: r.kind } },
    r.kind === "s3" ? s3Request(r) : ncpRequest(r))));
}

function ncpRequest(r) {
  const action = r.target.split("?")[0].split("/").pop();
  const time = Number(r.timestamp) ? new Date(Number(r.timestamp)).toISOString() : "";
  return [
    el("p", { className: "request-line" }, [
      el("span", { className: "method" }, r.method), " ", el("strong", {}, action),
      el("span", { className: "outcome" }, r.outcome),
    ]),
    el("dl", { className: "details" }, [
      el("dt", {}, "target"), el("dd", {}, el("code", { dataset: { testid: "request-target" } }, r.target)),
      ...(r.body ? [el("dt", {}, "body (not signed)"), el("dd", {}, el("code", {}, r.body))] : []),
      el("dt", {}, "x-ncp-apigw-timestamp"), el("dd", {}, [el("code", {}, r.timestamp), el("span", { className: "muted" }, ` ${time}`)]),
      el("dt", {}, "x-ncp-iam-access-key"), el("dd", {}, el("code", {}, r.accessKey)),
      el("dt", {}, "x-ncp-apigw-signature-v2"), el("dd", {}, el("code", { dataset: { testid: "request-signature" } }, r.signature)),
    ]),
    el("details", {}, [
      el("summary", {}, "String to sign"),
      el("pre", {}, `${r.method} ${r.target}\n${r.timestamp}\n${r.accessKey}`),
      el("p", { className: "hint" }, "signature = base64(HMAC-SHA256(secret key, string to sign))"),
    ]),
  ];
}

function s3Request(r) {
  const [path, query = ""] = r.target.split("?");
  const operation = new URLSearchParams(query).get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
  let bucket = path.split("/").pop();
  try { bucket = decodeURIComponent(bucket); } catch { /* shown as sent */ }
  return [
    el("p", { className: "request-line" }, [
      el("span", { className: "method" }, r.method), " ", el("strong", {}, `S3 ${operation}`),
      el("span", { className: "muted" }, ` ${bucket}`),
      el("span", { className: "outcome" }, r.outcome),
    ]),
    el("dl", { className: "details" }, [
      el("dt", {}, "target"), el("dd", {}, el("code", { dataset: { testid: "request-target" } }, r.target)),
      el("dt", {}, "x-amz-date"), el("dd", {}, el("code", {}, r.amzDate)),
      el("dt", {}, "Credential"), el("dd", {}, el("code", {}, r.credential)),
      el("dt", {}, "SignedHeaders"), el("dd", {}, el("code", {}, r.signedHeaders)),
      el("dt", {}, "Signature"), el("dd", {}, el("code", { dataset: { testid: "request-signature" } }, r.signature)),
    ]),
    el("details", {}, [
      el("summary", {}, "String to sign"),
      el("pre", {}, `${r.algorithm}\n${r.amzDate}\n${r.scope}\nhex(SHA-256(canonical request))`),
      el("p", { className: "hint" }, `Authorization: ${r.algorithm} Credential=…, SignedHeaders=…, Signature=… ; ` +
        "signing key = HMAC-SHA256 of the date, region, \"s3\" and \"aws4_request\" in turn, from \"AWS4\" + secret key; " +
        "signature = hex(HMAC-SHA256(signing key, string to sign)). x-amz-content-sha256 is the body's hash."),
    ]),
  ];
}

// ------------------------------------------------------------------ small helpers

function fillSelect(select, placeholder, options) {
  select.replaceChildren(
    el("option", { value: "" }, placeholder),
    ...options.map(([value, label]) => el("option", { value }, label)),
  );
}

function resetChoices(placeholder) {
  files = [];
  for (const id of ["fileName", "bucketName"]) {
    fillSelect($(id), placeholder, []);
    $(id).disabled = true;
  }
  $("file-details").hidden = true;
  $("export").disabled = true;
  $("export-latest").disabled = true;
}

function showFileDetails() {
  const file = files.find((f) => f.fileName === $("fileName").value);
  $("file-details").hidden = !file;
  if (!file) return;
  $("file-details").replaceChildren(
    el("dt", {}, "start"), el("dd", {}, formatTime(file.startTime)),
    el("dt", {}, "end"), el("dd", {}, formatTime(file.endTime)),
    el("dt", {}, "backup size"), el("dd", {}, formatBytes(file.backupSize)),
    el("dt", {}, "archived WAL"), el("dd", {}, formatBytes(file.archivedWalFileSize)),
  );
}

/** The file with the latest endTime, as exportLatestBackup picks it (NCP's list order is not documented). */
function newestFile(list) {
  let newest = null;
  for (const f of list) {
    const t = timeOf(f.endTime);
    if (Number.isFinite(t) && (newest === null || t > timeOf(newest.endTime))) newest = f;
  }
  return newest;
}

/** "2026-11-20T03:00:05+0900" -> epoch ms (NaN when it is not that form). */
function timeOf(s) {
  return Date.parse(String(s ?? "").replace(/([+-]\d\d):?(\d\d)$/, "$1:$2"));
}

function seconds(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "2026-11-20T03:00:05+0900" -> "2026-11-20 03:00:05 +09:00" (NCP's own time zone kept). */
function formatTime(s) {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)([+-]\d\d):?(\d\d)$/.exec(s ?? "");
  return m ? `${m[1]} ${m[2]} ${m[3]}:${m[4]}` : String(s ?? "—");
}

function formatBytes(n) {
  if (!Number.isFinite(n)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** Builds an element; children are nodes or strings (as text, never HTML). */
function el(tag, { dataset, ...props } = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  node.append(...[children].flat().filter((c) => c !== ""));
  return node;
}

main();
