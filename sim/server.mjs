// Local simulator of NAVER Cloud Platform's API Gateway in front of the
// Cloud DB for PostgreSQL (VPC) API (/vpostgresql/v2/*), and of Object Storage's S3 API
// (path style, every other path) on the same origin. Node >= 20, no dependencies.
//
// Request pipeline for a non-debug request:
//   read body -> record -> (OPTIONS: preflight) -> take a queued fault -> then
//   API (/vpostgresql/...): 413 -> route (404) -> method (405) -> signature v2 auth (401)
//     -> parse parameters (400) -> action;
//   S3 (anything else): 400 too large -> path -> method (405) -> signature v4 (403/400)
//     -> bucket (404) -> operation (501) -> listing parameters (400) -> ListObjectsV2 / ListObjects.
// Debug endpoints live under /_sim/ and are neither recorded, faulted nor authenticated.

import http from "node:http";
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  JSON_TYPE,
  renderDebugError,
  renderGatewayError,
  renderJson,
  renderServiceError,
  renderSuccess,
} from "./render.mjs";
import {
  S3_XML_TYPE,
  compareKeys,
  hasSubresource,
  parseQuery,
  parseS3Path,
  renderListing,
  renderS3Error,
  s3ActionName,
  s3RequestId,
  verifySigV4,
} from "./s3.mjs";

const DEFAULT_SEED = fileURLToPath(new URL("./seed.json", import.meta.url));
const API_PREFIX = "/vpostgresql/v2/";
const MAX_BODY = 1024 * 1024; // NCP's gateway refuses larger bodies with 413/430.
const DRAIN_LIMIT = 64 * 1024 * 1024; // past this we stop reading and drop the connection.
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_RECORDED_BODY = 64 * 1024; // keep /_sim/requests readable

const CORS_HEADERS = { "access-control-allow-origin": "*", "access-control-expose-headers": "content-type, content-length, retry-after" };
const PREFLIGHT_HEADERS = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "x-ncp-apigw-timestamp, x-ncp-iam-access-key, x-ncp-apigw-signature-v2, x-ncp-apigw-signature-v1, content-type",
  "access-control-max-age": "600",
};
// S3 paths: the headers a SigV4 client sends (a preflight's requested headers are echoed).
const S3_ALLOW_HEADERS = "authorization, x-amz-date, x-amz-content-sha256, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, content-type";
const S3_EXPOSE_HEADERS = "content-type, content-length, etag, x-amz-request-id, retry-after";
const OBJECT_FAULTS = new Set(["object-delay", "object-never"]);
const EXPORT_ACTION = "exportBackupToObjectStorage";

// Service error codes. Only 5001017 comes from NCP (SPEC.md); NCP publishes no list for the
// others, so these are simulator choices (documented in sim/README.md).
export const ERROR_CODES = {
  missingParameter: "5001001",
  invalidParameter: "5001002",
  invalidRegion: "5001003",
  instanceNotFound: "5001017",
  backupFileNotFound: "5001101",
  bucketNotFound: "5001102",
  serverInstanceNotFound: "5001103",
  faultDefault: "5001999",
};

const FAULT_TYPES = new Set([
  "throttle", "quota", "rate", "unavailable", "gateway-timeout", "permission", "service-error",
  "status", "delay", "reset", "truncated", "html", "empty", "huge", "json-list-as-object",
  "object-delay", "object-never",
]);
const GATEWAY_FAULTS = {
  throttle: "throttle", quota: "quota", rate: "rate", unavailable: "endpoint", "gateway-timeout": "timeout",
  permission: "permission",
};
// The same faults on an S3 request, answered as Object Storage answers (S3's XML errors).
const S3_FAULTS = {
  throttle: [503, "SlowDown", "Please reduce your request rate."],
  quota: [503, "SlowDown", "Please reduce your request rate."],
  rate: [503, "SlowDown", "Please reduce your request rate."],
  unavailable: [503, "ServiceUnavailable", "Please reduce your request rate."],
  "gateway-timeout": [500, "InternalError", "We encountered an internal error. Please try again."],
  permission: [403, "AccessDenied", "Access Denied"],
};

class ServiceError extends Error {
  constructor(returnCode, message, status = 400) {
    super(message);
    this.returnCode = returnCode;
    this.status = status;
  }
}

// ---------------------------------------------------------------- parameters

// RFC 3986 percent-decoding, with '+' read as a space (as URLSearchParams and NCP do).
// Unlike URLSearchParams, a bad escape (%zz, invalid UTF-8) throws instead of passing through.
function decodeComponent(s) {
  return decodeURIComponent(s.replace(/\+/g, " "));
}

/** Parse `a=1&b=2`; the first occurrence of a name wins. Throws URIError on bad escapes. */
function parseForm(text, { lenient = false } = {}) {
  const params = Object.create(null);
  for (const piece of text.split("&")) {
    if (!piece) continue;
    const eq = piece.indexOf("=");
    const rawName = eq < 0 ? piece : piece.slice(0, eq);
    const rawValue = eq < 0 ? "" : piece.slice(eq + 1);
    let name, value;
    try {
      name = decodeComponent(rawName);
      value = decodeComponent(rawValue);
    } catch (err) {
      if (lenient) continue;
      throw new URIError(`malformed percent-encoding in "${piece.slice(0, 100)}"`);
    }
    if (!(name in params)) params[name] = value;
  }
  return params;
}

/** Only a body declared as a form is read, as a real backend reads it: one without a type is not. */
function isFormBody(headers) {
  const type = String(headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/x-www-form-urlencoded";
}

/** Query parameters, then (POST) form body parameters on top. */
function requestParams(ctx, opts) {
  const params = parseForm(ctx.rawQuery, opts);
  if (ctx.method === "POST" && ctx.body && isFormBody(ctx.headers)) {
    Object.assign(params, parseForm(ctx.body, opts));
  }
  return params;
}

function formatOf(params) {
  return String(params.responseFormatType ?? "").toLowerCase() === "json" ? "json" : "xml";
}

function present(params, name) {
  return params[name] !== undefined && params[name] !== "";
}

function requireParams(params, names) {
  const missing = names.filter((n) => !present(params, n));
  if (missing.length) {
    throw new ServiceError(ERROR_CODES.missingParameter, `Required parameter is missing: ${missing.join(", ")}`);
  }
}

function intParam(params, name, min, max) {
  if (!present(params, name)) return undefined;
  const raw = params[name];
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) {
    throw new ServiceError(
      ERROR_CODES.invalidParameter,
      `Invalid ${name}: ${JSON.stringify(raw.slice(0, 40))} (must be an integer from ${min} to ${max})`,
    );
  }
  return n;
}

// NCP paging: pageNo "0 (minimum)", pageSize 1..1000 and required when pageNo is given.
// pageNo 0 and 1 both select the first page; totalRows is always the full count.
function paginate(items, params) {
  const pageNo = intParam(params, "pageNo", 0, 2_000_000_000);
  const pageSize = intParam(params, "pageSize", 1, 1000);
  if (pageNo !== undefined && pageSize === undefined) {
    throw new ServiceError(ERROR_CODES.missingParameter, "Required parameter is missing: pageSize (required when pageNo is given)");
  }
  if (pageSize === undefined) return items;
  const start = (Math.max(pageNo ?? 1, 1) - 1) * pageSize;
  return items.slice(start, start + pageSize);
}

// ---------------------------------------------------------------- auth

// Compare via fixed-length digests so timing reveals neither content nor length.
function safeEqual(a, b) {
  const da = createHash("sha256").update(String(a)).digest();
  const db = createHash("sha256").update(String(b)).digest();
  return timingSafeEqual(da, db);
}

/**
 * Returns null when the request is authentic, else the reason (never secret material).
 * The signature may come in x-ncp-apigw-signature-v2 or, as NCP's Go, JS and Python SDKs send
 * it, x-ncp-apigw-signature-v1: same HMAC-SHA256 recipe. When both are sent, v2 is checked.
 */
function authFailure(ctx, credentials, nowMs) {
  const h = ctx.headers;
  for (const name of ["x-ncp-apigw-timestamp", "x-ncp-iam-access-key"]) {
    if (!h[name]) return `Missing required header: ${name}`;
  }
  const sigHeader = h["x-ncp-apigw-signature-v2"] ? "x-ncp-apigw-signature-v2"
    : h["x-ncp-apigw-signature-v1"] ? "x-ncp-apigw-signature-v1" : null;
  if (!sigHeader) return "Missing required header: x-ncp-apigw-signature-v2 (or x-ncp-apigw-signature-v1)";
  const timestamp = h["x-ncp-apigw-timestamp"];
  if (!/^\d{1,16}$/.test(timestamp)) return "Invalid x-ncp-apigw-timestamp: must be epoch milliseconds as a decimal integer";
  if (Math.abs(nowMs - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    return "x-ncp-apigw-timestamp is more than 5 minutes away from the gateway clock";
  }
  const accessKey = h["x-ncp-iam-access-key"];
  const secretKey = credentials.get(accessKey);
  if (secretKey === undefined) return "Unknown access key (x-ncp-iam-access-key)";
  // The signed string uses the request target exactly as it came over the wire.
  const expected = createHmac("sha256", secretKey)
    .update(`${ctx.method} ${ctx.target}\n${timestamp}\n${accessKey}`)
    .digest("base64");
  if (!safeEqual(expected, h[sigHeader])) {
    return `Signature mismatch (${sigHeader} does not match method, request target, timestamp and access key)`;
  }
  return null;
}

// ---------------------------------------------------------------- faults

function normalizeFault(input) {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new TypeError("a fault must be an object");
  if (!FAULT_TYPES.has(input.type)) {
    throw new TypeError(`unknown fault type ${JSON.stringify(input.type)}; expected one of ${[...FAULT_TYPES].join(", ")}`);
  }
  const times = input.times ?? 1;
  if (!Number.isInteger(times) || times < 1) throw new TypeError("fault.times must be a positive integer");
  const delayMs = input.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError("fault.delayMs must be a non-negative number");
  if (input.status !== undefined && !(Number.isInteger(input.status) && input.status >= 200 && input.status <= 599)) {
    throw new TypeError("fault.status must be an HTTP status from 200 to 599");
  }
  if (input.action !== undefined && typeof input.action !== "string") throw new TypeError("fault.action must be a string");
  if (OBJECT_FAULTS.has(input.type)) {
    if (input.action !== undefined && input.action !== EXPORT_ACTION) {
      throw new TypeError(`a ${input.type} fault applies to ${EXPORT_ACTION} only`);
    }
    if (input.type === "object-delay" && input.delayMs === undefined) throw new TypeError("an object-delay fault needs delayMs");
  }
  return { ...structuredClone(input), times, delayMs, remaining: times };
}

function htmlErrorPage(status) {
  const title = `${status} ${http.STATUS_CODES[status] ?? "Error"}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head>\n` +
    `<body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`;
}

function hugeBody(size) {
  // Valid JSON of exactly `size` bytes (when size allows) that carries nothing useful.
  const head = '{"padding":"';
  const tail = '"}';
  const fill = Math.max(size - head.length - tail.length, 0);
  return Buffer.concat([Buffer.from(head), Buffer.alloc(fill, 0x20), Buffer.from(tail)]);
}

// ---------------------------------------------------------------- simulator

export async function startSimulator({
  port = 0, host = "127.0.0.1", seed, now = () => Date.now(), quiet = true, exportDelayMs = 0,
} = {}) {
  if (!Number.isFinite(exportDelayMs) || exportDelayMs < 0) throw new TypeError("exportDelayMs must be a non-negative number");
  const seedData = typeof seed === "object" && seed !== null
    ? structuredClone(seed)
    : JSON.parse(readFileSync(seed ?? DEFAULT_SEED, "utf8"));

  let state;
  const requests = [];
  const exportsLog = [];
  const faults = [];
  const shutdown = new AbortController();
  // Every delayed answer waits on this one signal: any number of them may be pending at once.
  setMaxListeners(0, shutdown.signal);
  // Object appearance uses a real (monotonic) clock, so a delay elapses even when the
  // simulator's `now` is fixed; LastModified uses the simulator clock.
  const realNow = () => performance.now();

  function resetState() {
    const s = structuredClone(seedData);
    state = {
      credentials: new Map((s.credentials ?? []).map((c) => [c.accessKey, c.secretKey])),
      regions: s.regions ?? ["KR"],
      storageRegions: s.storageRegions ?? ["kr-standard"],
      instances: s.instances ?? [],
      backups: s.backups ?? {},
      buckets: s.buckets ?? [],
      // bucket name -> Map key -> { current?: object, pending?: object }
      objects: new Map(),
    };
    for (const b of state.buckets) {
      const store = new Map();
      state.objects.set(b.bucketName, store);
      for (const o of b.objects ?? []) {
        const lastModified = new Date(o.lastModified ?? now()).toISOString();
        store.set(o.key, { current: { key: o.key, size: o.size ?? 0, etag: o.etag ?? etagOf(b.bucketName, o.key, lastModified, o.size ?? 0), lastModified } });
      }
    }
  }
  resetState();

  const nowIso = () => new Date(now()).toISOString();

  // ------------------------------------------------------------ objects

  function etagOf(bucket, key, lastModified, size) {
    const md5 = createHash("md5").update(`${bucket}\n${key}\n${lastModified}`).digest("hex");
    // A backup of some size arrives as a multipart upload: S3's ETag is then "<md5>-<parts>".
    const part = 64 * 1024 * 1024;
    return size > part ? `${md5}-${Math.ceil(size / part)}` : md5;
  }

  /** Pending objects whose time has come replace the current version of their key. */
  function settle(store) {
    const t = realNow();
    for (const slot of store.values()) {
      if (slot.pending && slot.pending.visibleAt <= t) {
        slot.current = slot.pending;
        delete slot.pending;
        delete slot.current.visibleAt;
      }
    }
  }

  function visibleObjects(bucketName) {
    const store = state.objects.get(bucketName);
    if (!store) return [];
    settle(store);
    return [...store.values()].filter((s) => s.current).map((s) => s.current).sort((a, b) => compareKeys(a.key, b.key));
  }

  /** An object appears at once (delayMs 0), after delayMs, or never (Infinity). */
  function putObject(bucketName, key, size, delayMs) {
    let store = state.objects.get(bucketName);
    if (!store) state.objects.set(bucketName, (store = new Map()));
    const slot = store.get(key) ?? {};
    const lastModified = Number.isFinite(delayMs) ? new Date(now() + delayMs).toISOString() : null;
    const object = { key, size, etag: etagOf(bucketName, key, lastModified ?? "never", size), lastModified };
    if (delayMs === 0) {
      slot.current = object;
      delete slot.pending; // the newest write wins
    } else {
      slot.pending = { ...object, visibleAt: realNow() + delayMs };
    }
    store.set(key, slot);
  }

  function objectsView() {
    const view = {};
    for (const [bucketName, store] of state.objects) {
      settle(store);
      const list = [];
      for (const slot of store.values()) {
        if (slot.current) list.push({ key: slot.current.key, size: slot.current.size, lastModified: slot.current.lastModified, etag: slot.current.etag });
        if (slot.pending) list.push({ key: slot.pending.key, size: slot.pending.size, lastModified: slot.pending.lastModified, etag: slot.pending.etag, pending: true });
      }
      view[bucketName] = list.sort((a, b) => compareKeys(a.key, b.key) || (a.pending ? 1 : 0) - (b.pending ? 1 : 0));
    }
    return view;
  }

  /** Test objects: { bucket, key, size?, lastModified? } or a list of them; validated first. */
  function addObjects(input) {
    const list = Array.isArray(input) ? input : [input];
    for (const o of list) {
      if (!o || typeof o !== "object") throw new TypeError("an object must be { bucket, key, size? }");
      if (!state.objects.has(o.bucket)) throw new TypeError(`unknown bucket ${JSON.stringify(o.bucket)}; seed buckets: ${[...state.objects.keys()].join(", ")}`);
      if (typeof o.key !== "string" || o.key === "" || !o.key.isWellFormed() || Buffer.byteLength(o.key) > 1024) {
        throw new TypeError("object.key must be a non-empty, well-formed string of at most 1024 UTF-8 bytes");
      }
      if (o.size !== undefined && !(Number.isSafeInteger(o.size) && o.size >= 0)) throw new TypeError("object.size must be a non-negative integer");
      if (o.lastModified !== undefined && Number.isNaN(Date.parse(o.lastModified))) throw new TypeError("object.lastModified must be a date");
    }
    for (const o of list) {
      const lastModified = new Date(o.lastModified ?? now()).toISOString();
      const size = o.size ?? 0;
      state.objects.get(o.bucket).set(o.key, { current: { key: o.key, size, etag: etagOf(o.bucket, o.key, lastModified, size), lastModified } });
    }
    return list.length;
  }

  /** Where an export lands. NCP does not document this; clients must search by file name. */
  function exportKey(instanceNo, fileName) {
    return `cloud-postgresql/${instanceNo}/${fileName}.tar`;
  }

  // ------------------------------------------------------------ actions

  function liveInstance(no) {
    return state.instances.find(
      (i) => i.cloudPostgresqlInstanceNo === no && i.cloudPostgresqlInstanceStatusName !== "deleted",
    );
  }

  function instanceOrFail(no) {
    const inst = liveInstance(no);
    if (!inst) {
      throw new ServiceError(ERROR_CODES.instanceNotFound, `Cloud DB for PostgreSQL instance does not exist (cloudPostgresqlInstanceNo: ${no})`);
    }
    return inst;
  }

  function checkRegion(params) {
    if (present(params, "regionCode") && !state.regions.includes(params.regionCode)) {
      throw new ServiceError(ERROR_CODES.invalidRegion, `Invalid regionCode: ${params.regionCode.slice(0, 40)} (available: ${state.regions.join(", ")})`);
    }
  }

  function numberedList(params, prefix) {
    return Object.keys(params)
      .filter((k) => new RegExp(`^${prefix}\\.\\d+$`).test(k) && params[k] !== "")
      .map((k) => params[k]);
  }

  const actions = {
    getCloudPostgresqlInstanceList(params) {
      let items = state.instances.filter((i) => i.cloudPostgresqlInstanceStatusName !== "deleted");
      const nos = numberedList(params, "cloudPostgresqlInstanceNoList");
      if (nos.length) items = items.filter((i) => nos.includes(i.cloudPostgresqlInstanceNo));
      if (present(params, "cloudPostgresqlServiceName")) {
        items = items.filter((i) => i.cloudPostgresqlServiceName === params.cloudPostgresqlServiceName);
      }
      // NCP's other documented filters match an instance by any of its servers.
      const servers = (i) => i.cloudPostgresqlServerInstanceList ?? [];
      for (const field of ["zoneCode", "vpcNo", "subnetNo", "cloudPostgresqlServerName"]) {
        if (present(params, field)) items = items.filter((i) => servers(i).some((v) => v[field] === params[field]));
      }
      const serverNos = numberedList(params, "cloudPostgresqlServerInstanceNoList");
      if (serverNos.length) items = items.filter((i) => servers(i).some((v) => serverNos.includes(v.cloudPostgresqlServerInstanceNo)));
      return { totalRows: items.length, cloudPostgresqlInstanceList: paginate(items, params) };
    },

    getCloudPostgresqlBackupList(params) {
      const items = state.instances
        .filter((i) => i.cloudPostgresqlInstanceStatusName !== "deleted" && state.backups[i.cloudPostgresqlInstanceNo])
        .map((i) => {
          const b = state.backups[i.cloudPostgresqlInstanceNo];
          const files = b.files ?? [];
          const last = files.map((f) => f.endTime).sort().at(-1);
          return {
            cloudPostgresqlInstanceNo: i.cloudPostgresqlInstanceNo,
            cloudPostgresqlServiceName: i.cloudPostgresqlServiceName,
            backupType: b.backupType,
            backupRetention: i.backupFileRetentionPeriod,
            backupTime: i.backupTime,
            backupSize: files.reduce((sum, f) => sum + f.backupSize, 0),
            lastBackupDate: last,
            backupFileStorageCount: b.backupFileStorageCount,
          };
        });
      return { totalRows: items.length, cloudPostgresqlBackupList: paginate(items, params) };
    },

    getCloudPostgresqlBackupDetailList(params) {
      requireParams(params, ["cloudPostgresqlInstanceNo"]);
      const inst = instanceOrFail(params.cloudPostgresqlInstanceNo);
      const files = state.backups[inst.cloudPostgresqlInstanceNo]?.files ?? [];
      return { totalRows: files.length, cloudPostgresqlBackupDetailList: paginate(files, params) };
    },

    // NCP documents only regionCode, cloudPostgresqlServerInstanceNo and responseFormatType
    // here: no paging (pageNo/pageSize are ignored, every bucket is returned).
    getCloudPostgresqlBucketList(params) {
      let buckets = state.buckets;
      if (present(params, "cloudPostgresqlServerInstanceNo")) {
        const no = params.cloudPostgresqlServerInstanceNo;
        const known = state.instances.some((i) => i.cloudPostgresqlInstanceStatusName !== "deleted" &&
          (i.cloudPostgresqlServerInstanceList ?? []).some((v) => v.cloudPostgresqlServerInstanceNo === no));
        if (!known) {
          throw new ServiceError(ERROR_CODES.serverInstanceNotFound, `Cloud DB for PostgreSQL server instance does not exist (cloudPostgresqlServerInstanceNo: ${no.slice(0, 40)})`);
        }
        buckets = buckets.filter((b) => b.reachableFrom === undefined || b.reachableFrom === "*" ||
          (Array.isArray(b.reachableFrom) && b.reachableFrom.includes(no)));
      }
      const items = buckets.map((b) => ({ bucketName: b.bucketName }));
      return { totalRows: items.length, cloudPostgresqlBucketList: items };
    },

    exportBackupToObjectStorage(params, { requestId }) {
      requireParams(params, ["fileName", "bucketName", "cloudPostgresqlInstanceNo"]);
      const inst = instanceOrFail(params.cloudPostgresqlInstanceNo);
      const files = state.backups[inst.cloudPostgresqlInstanceNo]?.files ?? [];
      const file = files.find((f) => f.fileName === params.fileName);
      if (!file) {
        throw new ServiceError(ERROR_CODES.backupFileNotFound, `Backup file does not exist for instance ${inst.cloudPostgresqlInstanceNo}: ${params.fileName.slice(0, 200)}`);
      }
      if (!state.buckets.some((b) => b.bucketName === params.bucketName)) {
        throw new ServiceError(ERROR_CODES.bucketNotFound, `Object Storage bucket does not exist: ${params.bucketName.slice(0, 200)}`);
      }
      const objectKey = exportKey(inst.cloudPostgresqlInstanceNo, file.fileName);
      // An object-delay / object-never fault changes only where and when the object lands.
      const objectFault = takeFault(EXPORT_ACTION, { objectFaults: true });
      const delayMs = objectFault?.type === "object-never" ? Infinity
        : objectFault?.type === "object-delay" ? objectFault.delayMs : exportDelayMs;
      putObject(params.bucketName, objectKey, file.backupSize, delayMs);
      exportsLog.push({
        id: randomUUID(),
        bucketName: params.bucketName,
        fileName: params.fileName,
        cloudPostgresqlInstanceNo: inst.cloudPostgresqlInstanceNo,
        regionCode: present(params, "regionCode") ? params.regionCode : null,
        requestId,
        at: nowIso(),
        objectKey,
      });
      return {};
    },
  };

  // ------------------------------------------------------------ API pipeline

  /** Everything after faults: returns a response object, never writes. */
  function processApi(ctx, { forceJson = false, listAsObject = false } = {}) {
    if (ctx.tooLarge) return renderGatewayError("tooLarge", `Request body exceeds ${MAX_BODY} bytes`);
    const action = ctx.path.startsWith(API_PREFIX) ? ctx.path.slice(API_PREFIX.length) : null;
    if (!action || !Object.hasOwn(actions, action)) {
      return renderGatewayError("notFound", `No API is defined for ${ctx.path.slice(0, 200)}`);
    }
    if (ctx.method !== "GET" && ctx.method !== "POST") {
      const r = renderGatewayError("methodNotAllowed", `Method ${ctx.method} is not allowed; use GET or POST`);
      r.headers.allow = "GET, POST, OPTIONS";
      return r;
    }
    const failure = authFailure(ctx, state.credentials, now());
    if (failure) return renderGatewayError("auth", failure);

    let params;
    try {
      params = requestParams(ctx);
    } catch (err) {
      return renderGatewayError("badRequest", `Could not decode request parameters: ${err.message}`);
    }
    const format = forceJson ? "json" : formatOf(params);
    const requestId = randomUUID();
    try {
      checkRegion(params);
      // NCP's exportBackupToObjectStorage page shows its XML answer without <?xml ...?>.
      const xmlDeclaration = action !== EXPORT_ACTION;
      return renderSuccess(action, format, requestId, actions[action](params, { requestId }), { xmlDeclaration, listAsObject });
    } catch (err) {
      if (err instanceof ServiceError) return renderServiceError(format, err.status, err.returnCode, err.message);
      throw err;
    }
  }

  // ------------------------------------------------------------ S3 pipeline

  function processS3(ctx) {
    const requestId = s3RequestId(now());
    const fail = (status, code, message, opts = {}) => {
      const r = renderS3Error(status, code, message, { requestId, ...opts });
      r.headers["access-control-expose-headers"] = S3_EXPOSE_HEADERS;
      return r;
    };
    if (ctx.tooLarge) return fail(400, "MaxMessageLengthExceeded", "Your request was too big.");
    const route = parseS3Path(ctx.path);
    if (!route) return fail(400, "InvalidURI", "Couldn't parse the specified URI.");
    const named = route.bucket ? { bucket: route.bucket } : {};
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      const r = fail(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", {
        ...named, extra: { Method: ctx.method, ResourceType: route.key ? "OBJECT" : route.bucket ? "BUCKET" : "SERVICE" },
      });
      r.headers.allow = "GET, HEAD, OPTIONS";
      return r;
    }
    const authError = verifySigV4(
      { method: ctx.method, rawPath: ctx.path, rawQuery: ctx.rawQuery, headers: ctx.headers, rawHeaders: ctx.rawHeaders, body: ctx.body },
      { credentials: state.credentials, regions: state.storageRegions, nowMs: now() },
    );
    if (authError) return fail(authError.status, authError.code, authError.message, { ...named, extra: authError.extra });
    const notImplemented = () => fail(501, "NotImplemented",
      "A header or query you provided implies functionality that is not implemented (the simulator serves GET /{bucket}?list-type=2 and GET /{bucket} listings only).", named);
    if (!route.bucket) return notImplemented();
    if (!state.buckets.some((b) => b.bucketName === route.bucket)) return fail(404, "NoSuchBucket", "The specified bucket does not exist", named);
    if (route.key !== "" || ctx.method === "HEAD") return notImplemented();
    const params = new Map();
    for (const [n, v] of parseQuery(ctx.rawQuery)) if (!params.has(n)) params.set(n, v); // valid: auth parsed it
    if (hasSubresource(params)) return notImplemented();
    let version = 1;
    if (params.has("list-type")) {
      if (params.get("list-type") !== "2") {
        return fail(400, "InvalidArgument", "Invalid List Type specified in Request", { ...named, extra: { ArgumentName: "list-type", ArgumentValue: params.get("list-type").slice(0, 100) } });
      }
      version = 2;
    }
    const result = renderListing(route.bucket, visibleObjects(route.bucket), params, version);
    if (result.error) {
      const [status, code, message, extra] = result.error;
      return fail(status, code, message, { ...named, extra });
    }
    return {
      status: 200,
      headers: { "content-type": S3_XML_TYPE, "x-amz-request-id": requestId, "access-control-expose-headers": S3_EXPOSE_HEADERS },
      body: result.body,
    };
  }

  // ------------------------------------------------------------ faults

  /**
   * The first queued fault for this request's action (or with no action). Object faults
   * (object-delay, object-never) form their own channel: only a successful export takes them.
   */
  function takeFault(action, { objectFaults = false } = {}) {
    const i = faults.findIndex((f) => OBJECT_FAULTS.has(f.type) === objectFaults &&
      (f.action === undefined || f.action === action));
    if (i < 0) return null;
    const fault = faults[i];
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(i, 1);
    return fault;
  }

  /** Answers a faulted request. Returns a response object, "reset", or null (answer normally). */
  async function applyFault(fault, ctx, run) {
    if (fault.delayMs > 0) {
      const before = resets;
      await sleep(fault.delayMs, undefined, { signal: shutdown.signal });
      // A reset meanwhile began a new state: the delayed request belongs to the old one.
      if (resets !== before) return "reset";
    }
    // `process: true` runs the request for real first (side effects happen), then answers
    // with the fault: a response lost after the backend did the work.
    if (fault.process && !["delay", "truncated", "json-list-as-object"].includes(fault.type)) run();
    const extra = fault.headers && typeof fault.headers === "object" ? fault.headers : {};
    const withExtra = (r) => ({ ...r, headers: { ...r.headers, ...extra } });
    const details = fault.details; // NCP documents no details: only a fault that passes one sends it

    switch (fault.type) {
      case "delay":
        return null;
      case "reset":
        return "reset";
      case "json-list-as-object":
        return withExtra(run({ listAsObject: true }));
      case "throttle": case "quota": case "rate": case "unavailable": case "gateway-timeout": case "permission": {
        const [s3Status, code, message] = S3_FAULTS[fault.type];
        const r = ctx.isApi
          ? renderGatewayError(GATEWAY_FAULTS[fault.type], details, fault.status)
          : renderS3Error(fault.status ?? s3Status, code, message, { requestId: s3RequestId(now()) });
        if (typeof fault.body === "string") r.body = fault.body;
        return withExtra(r);
      }
      case "service-error": {
        const format = formatOf(requestParams(ctx, { lenient: true }));
        return withExtra(renderServiceError(
          format, fault.status ?? 500, fault.returnCode ?? ERROR_CODES.faultDefault,
          fault.returnMessage ?? "Internal server error (simulated)",
        ));
      }
      case "status":
        return withExtra({
          status: fault.status ?? 500,
          headers: { "content-type": fault.contentType ?? "text/plain;charset=UTF-8" },
          body: String(fault.body ?? ""),
        });
      case "truncated": {
        const r = run({ forceJson: true });
        const full = Buffer.from(r.body);
        return withExtra({ status: 200, headers: { "content-type": r.headers["content-type"] ?? JSON_TYPE }, body: full.subarray(0, Math.floor(full.length / 2)) });
      }
      case "html": {
        const status = fault.status ?? 502;
        return withExtra({ status, headers: { "content-type": "text/html; charset=utf-8" }, body: fault.body ?? htmlErrorPage(status) });
      }
      case "empty":
        return withExtra({ status: fault.status ?? 200, headers: fault.contentType ? { "content-type": fault.contentType } : {}, body: "" });
      case "huge": {
        const size = Number.isInteger(fault.size) && fault.size >= 0 ? fault.size : 8 * 1024 * 1024;
        return withExtra({ status: 200, headers: { "content-type": JSON_TYPE }, body: hugeBody(size) });
      }
      default:
        return null;
    }
  }

  // ------------------------------------------------------------ debug endpoints

  function bucketsView() {
    const view = {};
    for (const b of state.buckets) view[b.bucketName] = [];
    for (const ev of exportsLog) (view[ev.bucketName] ??= []).push(ev);
    return view;
  }

  function inject(fault) {
    const list = (Array.isArray(fault) ? fault : [fault]).map(normalizeFault); // validate all first
    faults.push(...list);
    return faults.length;
  }

  /** How many times the state was reset: a request delayed across a reset is dropped. */
  let resets = 0;

  function reset() {
    resets++;
    resetState();
    requests.length = 0;
    exportsLog.length = 0;
    faults.length = 0;
  }

  function handleDebug(ctx) {
    const route = `${ctx.method} ${ctx.path}`;
    switch (route) {
      case "GET /_sim/health": return renderJson(200, { ok: true });
      case "GET /_sim/buckets": return renderJson(200, { buckets: bucketsView() });
      case "GET /_sim/exports": return renderJson(200, { exports: exportsLog });
      case "GET /_sim/objects": return renderJson(200, { objects: objectsView() });
      case "DELETE /_sim/objects": for (const store of state.objects.values()) store.clear(); return renderJson(200, { ok: true });
      case "GET /_sim/requests": return renderJson(200, { requests });
      case "DELETE /_sim/requests": requests.length = 0; return renderJson(200, { ok: true });
      case "GET /_sim/faults": return renderJson(200, { faults });
      case "DELETE /_sim/faults": faults.length = 0; return renderJson(200, { ok: true });
      case "POST /_sim/reset": reset(); return renderJson(200, { ok: true });
      case "POST /_sim/faults": {
        try {
          const queued = inject(JSON.parse(ctx.body));
          return renderJson(201, { ok: true, queued });
        } catch (err) {
          return renderDebugError(400, "Bad Request Exception", `Invalid fault: ${err.message}`);
        }
      }
      case "POST /_sim/objects": {
        try {
          const added = addObjects(JSON.parse(ctx.body));
          return renderJson(201, { ok: true, added });
        } catch (err) {
          return renderDebugError(400, "Bad Request Exception", `Invalid object: ${err.message}`);
        }
      }
    }
    const known = ["/_sim/health", "/_sim/buckets", "/_sim/exports", "/_sim/objects", "/_sim/requests", "/_sim/faults", "/_sim/reset"];
    if (known.includes(ctx.path)) return renderDebugError(405, "Bad Request Exception", `Method ${ctx.method} is not allowed on ${ctx.path}`);
    return renderDebugError(404, "Not Found Exception", `No debug endpoint ${ctx.path.slice(0, 200)}`);
  }

  // ------------------------------------------------------------ HTTP plumbing

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on("data", (chunk) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
        // Keep draining oversize bodies (so the client can read our 413) up to a hard cap.
        if (size > DRAIN_LIMIT) { req.pause(); resolve({ body: "", tooLarge: true, dropConnection: true }); }
      });
      req.on("end", () => resolve({ body: Buffer.concat(chunks).toString("utf8"), tooLarge: size > MAX_BODY }));
      req.on("error", reject);
    });
  }

  function send(res, r, { close = false } = {}) {
    if (res.headersSent || res.destroyed) return;
    const body = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body ?? "", "utf8");
    const headers = { ...CORS_HEADERS, ...r.headers };
    if (r.status !== 204 && r.status !== 304) headers["content-length"] = body.length;
    if (close) headers.connection = "close";
    res.writeHead(r.status, headers);
    res.end(r.status === 204 ? undefined : body);
  }

  async function handle(req, res) {
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const { body, tooLarge, dropConnection } = await readBody(req);
    const path = q < 0 ? target : target.slice(0, q);
    const ctx = {
      method: req.method,
      target,
      path,
      // Every path outside /vpostgresql/ (and /_sim/) is Object Storage's S3 API.
      isApi: path.startsWith("/vpostgresql/"),
      rawQuery: q < 0 ? "" : target.slice(q + 1),
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body,
      tooLarge,
    };
    if (dropConnection) res.on("finish", () => req.socket.destroy());

    if (ctx.path === "/_sim" || ctx.path.startsWith("/_sim/")) {
      if (ctx.method === "OPTIONS") {
        return send(res, { status: 204, headers: { ...PREFLIGHT_HEADERS, "access-control-allow-methods": "GET, POST, DELETE, OPTIONS" } });
      }
      return send(res, handleDebug(ctx));
    }

    const record = { method: ctx.method, target, headers: { ...req.headers }, body: body.slice(0, MAX_RECORDED_BODY), receivedAt: nowIso() };
    if (tooLarge || body.length > MAX_RECORDED_BODY) record.bodyTruncated = true;
    requests.push(record);

    const { isApi } = ctx;
    if (ctx.method === "OPTIONS") {
      if (isApi) return send(res, { status: 204, headers: PREFLIGHT_HEADERS });
      const asked = req.headers["access-control-request-headers"];
      return send(res, {
        status: 204,
        headers: {
          "access-control-allow-methods": "GET, HEAD, OPTIONS",
          "access-control-allow-headers": asked || S3_ALLOW_HEADERS,
          "access-control-expose-headers": S3_EXPOSE_HEADERS,
          "access-control-max-age": "600",
        },
      });
    }

    const run = (opts) => (isApi ? processApi(ctx, opts) : processS3(ctx));
    const action = isApi ? ctx.path.slice(API_PREFIX.length) : s3ActionName(ctx.method, ctx.path, ctx.rawQuery);
    const fault = takeFault(action);
    if (fault) {
      const answer = await applyFault(fault, ctx, run);
      if (answer === "reset") {
        if (typeof req.socket.resetAndDestroy === "function") req.socket.resetAndDestroy();
        else req.socket.destroy();
        return;
      }
      if (answer) return send(res, answer, { close: dropConnection });
    }
    send(res, run(), { close: dropConnection });
  }

  const server = http.createServer((req, res) => {
    if (!quiet) {
      const started = Date.now();
      res.on("finish", () => console.log(`${req.method} ${req.url} -> ${res.statusCode} (${Date.now() - started} ms)`));
    }
    res.on("error", () => {}); // client went away; nothing to do
    handle(req, res).catch((err) => {
      if (!quiet && err?.name !== "AbortError") console.error("simulator error:", err);
      try {
        send(res, renderGatewayError("unexpected", "The simulator failed to handle this request"));
      } catch { /* socket already gone */ }
    });
  });

  // Malformed HTTP (bad header bytes, oversized headers...) still gets an NCP-shaped answer.
  server.on("clientError", (err, socket) => {
    if (!socket.writable || err.code === "ECONNRESET") return socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const body = JSON.stringify({ error: { errorCode: "100", message: "Bad Request Exception" } });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: ${JSON_TYPE}\r\n` +
      `access-control-allow-origin: *\r\nx-sim-details: Malformed HTTP request (${String(err.code ?? "parse error").replace(/[^\x20-\x7e]/g, "?")})\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => { server.off("error", reject); resolve(); });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    requests,
    exports: exportsLog,
    get faults() { return faults.map((f) => ({ ...f })); },
    /** Objects per bucket, as GET /_sim/objects shows them (pending ones marked). */
    get objects() { return objectsView(); },
    addObjects,
    inject,
    clearFaults() { faults.length = 0; },
    reset,
    close() {
      shutdown.abort();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
