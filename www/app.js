// The demo page: the package's browser entry does every call; this file only reads the form,
// shows results and errors, and records what the package sent through its `fetch` option.
// Everything from the network is rendered with textContent, never as HTML.

const $ = (id) => document.getElementById(id);

/** Form fields whose id is the option name, so an `invalid_options` error can point at one. */
const FIELDS = [
  "endpoint", "site", "regionCode", "accessKey", "secretKey", "responseFormatType", "method",
  "cloudPostgresqlInstanceNo", "fileName", "bucketName",
];
const MAX_SHOWN_REQUESTS = 12;

let ncp; // the package, imported at start-up
let config = null; // /demo-config.json, when the demo server provides it
let files = []; // backup files of the selected instance
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
    $("accessKey").value = config.accessKey;
    $("secretKey").value = config.secretKey; // the input's value only: never rendered anywhere
    $("keys-badge").hidden = false;
  }

  $("connection-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("Loading instances…", loadInstances);
  });
  $("export-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("Exporting…", exportSelected);
  });
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
  fillSelect($("fileName"), files.length ? "Choose a backup file" : "This instance has no backup files", files.map((f) => [
    f.fileName,
    `${f.fileName} · ${formatTime(f.startTime)} · ${formatBytes(f.backupSize)}`,
  ]));
  fillSelect($("bucketName"), bucketList.buckets.length ? "Choose a bucket" : "No buckets", bucketList.buckets.map((b) => [b.bucketName, b.bucketName]));
  $("fileName").disabled = files.length === 0;
  $("bucketName").disabled = bucketList.buckets.length === 0;
  $("export").disabled = false;
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
  const started = performance.now();
  const result = await ncp.exportBackup(opts);
  const ms = Math.round(performance.now() - started);

  $("result-requestId").textContent = result.requestId;
  $("result-returnCode").textContent = result.returnCode;
  $("result-returnMessage").textContent = result.returnMessage;
  $("result-httpStatus").textContent = String(result.httpStatus);
  $("result-time").textContent = `${ms} ms`;
  $("result").hidden = false;

  // The export succeeded whatever happens here: a failing debug view only hides its panel.
  $("bucket").hidden = true;
  if (isSimulator(opts.endpoint)) await showBucket(opts.endpoint, opts.bucketName, result.requestId).catch(() => {});
  return { status: `Export accepted in ${ms} ms (requestId ${result.requestId}).` };
}

/** The simulator's debug view of its buckets: proof that the export arrived. */
async function showBucket(endpoint, bucketName, requestId) {
  const res = await fetch(`${endpoint.replace(/\/+$/, "")}/_sim/buckets`);
  const objects = res.ok ? (await res.json()).buckets?.[bucketName] ?? [] : [];
  $("bucket-title").textContent = `In the simulator's bucket "${bucketName}" (${objects.length})`;
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
  $("result").hidden = true;

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

/** The package's `fetch` option: records each request (signature headers only) and sends it. */
async function recordingFetch(url, init = {}) {
  const headers = new Headers(init.headers);
  const { pathname, search } = new URL(url);
  const entry = {
    method: init.method ?? "GET",
    target: pathname + search,
    timestamp: headers.get("x-ncp-apigw-timestamp") ?? "",
    accessKey: headers.get("x-ncp-iam-access-key") ?? "",
    signature: headers.get("x-ncp-apigw-signature-v2") ?? "",
    body: typeof init.body === "string" ? init.body : "",
    outcome: "sending…",
  };
  sentRequests.unshift(entry);
  sentRequests.length = Math.min(sentRequests.length, MAX_SHOWN_REQUESTS);
  renderRequests();
  try {
    const res = await fetch(url, init);
    entry.outcome = `HTTP ${res.status}`;
    return res;
  } catch (err) {
    entry.outcome = "no answer (network error)";
    throw err;
  } finally {
    renderRequests();
  }
}

function renderRequests() {
  $("requests-empty").hidden = sentRequests.length > 0;
  $("requests").replaceChildren(...sentRequests.map((r) => {
    const action = r.target.split("?")[0].split("/").pop();
    const time = Number(r.timestamp) ? new Date(Number(r.timestamp)).toISOString() : "";
    return el("li", { dataset: { testid: "signed-request" } }, [
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
    ]);
  }));
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
