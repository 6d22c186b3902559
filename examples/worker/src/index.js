// A Cloudflare Worker that exports Cloud DB for PostgreSQL backups without giving a web page
// NCP keys, in one of two ways, and keeps them every night:
//
//   POST /export                  server-side signing: the Worker's own keys (Worker secrets)
//                                 sign; the caller sends only what to export.
//   GET|POST /vpostgresql/v2/*    relay: forwards a request the caller already signed,
//                                 unchanged, and adds the CORS headers NCP's gateway lacks.
//                                 The host is not part of signature v2, so the signature
//                                 made for this Worker's URL stays valid at NCP.
//   scheduled (Cron Trigger)      the nightly export: the newest backup file of each instance
//                                 in BACKUP_INSTANCES to BACKUP_BUCKET, unless it is there already.
//
// Settings (wrangler.toml [vars] and `wrangler secret put`):
//   NCP_ACCESS_KEY, NCP_SECRET_KEY   keys for /export and the nightly export (secrets)
//   NCP_ENDPOINT                     default https://ncloud.apigw.ntruss.com (gov/fin sites, a test server)
//   ALLOWED_ORIGINS                  comma-separated origins allowed to call; default "*"
//   EXPORT_TOKEN                     optional secret: /export then requires "Authorization: Bearer <token>"
//   BACKUP_INSTANCES                 nightly: comma-separated cloudPostgresqlInstanceNo values
//   BACKUP_BUCKET                    nightly: the Object Storage bucket to export to
//   NCP_STORAGE_ENDPOINT             nightly, optional: Object Storage's URL, to look in the bucket
//                                    (default https://kr.object.ncloudstorage.com)
//   NCP_STORAGE_REGION               nightly, optional: its signing region (default kr-standard)

import { exportBackup, exportLatestBackup, NcloudError } from "ncloud-pg-backup";

const DEFAULT_ENDPOINT = "https://ncloud.apigw.ntruss.com";
const RELAY_PREFIX = "/vpostgresql/v2/";
const MAX_BODY = 64 * 1024; // NCP requests are a few hundred bytes; refuse anything big early.
const RELAY_TIMEOUT_MS = 30_000;

/** What a caller of /export may choose. Keys and endpoint come only from the Worker's env. */
const EXPORT_FIELDS = ["cloudPostgresqlInstanceNo", "fileName", "bucketName", "regionCode"];
/** Options the Worker itself supplies: an error about them is the Worker's misconfiguration. */
const WORKER_OPTIONS = ["accessKey", "secretKey", "endpoint"];
/** The signature headers plus the form body's type: everything NCP reads from a request. */
const RELAYED_HEADERS = ["x-ncp-apigw-timestamp", "x-ncp-iam-access-key", "x-ncp-apigw-signature-v2", "content-type"];

/**
 * HTTP status for each NcloudError kind from /export. auth and permission mean the Worker's
 * own keys are wrong, not the caller's request: 502, like any upstream failure.
 */
const STATUS_BY_KIND = {
  invalid_options: 400,
  auth: 502,
  permission: 502,
  not_found: 404,
  throttled: 429,
  timeout: 504,
};

export default {
  async fetch(request, env) {
    const cors = corsHeaders(request, env);
    if (!cors) return errorResponse(403, "forbidden_origin", "This origin is not in ALLOWED_ORIGINS.");

    const { pathname } = new URL(request.url);
    const isExport = pathname === "/export";
    let response;
    if (!isExport && !pathname.startsWith(RELAY_PREFIX)) {
      response = errorResponse(404, "not_found", "Unknown path: use POST /export or /vpostgresql/v2/{action}.");
    } else if (request.method === "OPTIONS") {
      response = preflight(isExport, env);
    } else if (isExport) {
      response = await handleExport(request, env);
    } else {
      response = await relay(request, env);
    }
    for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
    return response;
  },

  /**
   * The Cron Trigger. The returned promise keeps the invocation alive until every instance's
   * export has settled; when it rejects, Cloudflare marks the invocation failed.
   */
  async scheduled(controller, env) {
    await nightlyExport(env);
  },
};

// ------------------------------------------------------------------ POST /export

async function handleExport(request, env) {
  if (request.method !== "POST") {
    return errorResponse(405, "method_not_allowed", "Use POST /export with a JSON body.", { allow: "POST, OPTIONS" });
  }
  if (env.EXPORT_TOKEN && !(await bearerMatches(request, env.EXPORT_TOKEN))) {
    return errorResponse(401, "unauthorized", "Send Authorization: Bearer <EXPORT_TOKEN>.", { "www-authenticate": "Bearer" });
  }
  const body = await readBody(request);
  if (body === null) return errorResponse(413, "too_large", `The body is over ${MAX_BODY} bytes.`);

  let input;
  try {
    input = JSON.parse(new TextDecoder().decode(body));
  } catch {
    input = undefined;
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return errorResponse(400, "invalid_request", `The body must be a JSON object with ${EXPORT_FIELDS.join(", ")}.`);
  }
  const unknown = Object.keys(input).find((name) => !EXPORT_FIELDS.includes(name));
  if (unknown !== undefined) {
    return errorResponse(400, "invalid_options", `"${unknown}" cannot be set by the caller; allowed fields: ${EXPORT_FIELDS.join(", ")}.`, {}, { option: unknown });
  }

  try {
    const result = await exportBackup({
      accessKey: env.NCP_ACCESS_KEY,
      secretKey: env.NCP_SECRET_KEY,
      ...(env.NCP_ENDPOINT ? { endpoint: env.NCP_ENDPOINT } : {}),
      ...input,
    });
    return Response.json(result);
  } catch (err) {
    if (!(err instanceof NcloudError)) throw err;
    return exportErrorResponse(err);
  }
}

function exportErrorResponse(err) {
  const { kind, message, code, status, requestId, option } = err;
  if (kind === "invalid_options" && WORKER_OPTIONS.includes(option)) {
    // The caller cannot fix this: say so without echoing the details of the Worker's settings.
    return errorResponse(500, "worker_misconfigured", `The Worker's ${option} setting is missing or invalid (see wrangler.toml).`);
  }
  // A service error with a 4xx status is NCP refusing the caller's values (unknown instance,
  // file or bucket): the caller's to fix. From a 5xx, NCP itself failed.
  const httpStatus = kind === "service" ? (status >= 400 && status < 500 ? 400 : 502) : (STATUS_BY_KIND[kind] ?? 502);
  return errorResponse(httpStatus, kind, message, {}, { code, status, requestId, option });
}

/** Compares in constant time, so response timing does not reveal how much of a guess matched. */
async function bearerMatches(request, token) {
  const given = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([given, token].map((s) => crypto.subtle.digest("SHA-256", encoder.encode(s))));
  return crypto.subtle.timingSafeEqual(a, b);
}

// ------------------------------------------------------------------ scheduled: the nightly export

/**
 * Exports the newest backup file of each instance in BACKUP_INSTANCES to BACKUP_BUCKET, skipping
 * a file the bucket already holds. All instances run at once and one failing stops none of the
 * others. Exactly one log line per instance:
 *   exported <file> of <instance> to <bucket> (requestId <id>)          console.log
 *   skipped <file> of <instance>: already in <bucket> as <key>          console.log
 *   failed <instance>: <kind> <message> [(requestId <id>)]                console.error
 * Then, if any failed, it throws, so the invocation is marked failed.
 */
async function nightlyExport(env) {
  const secret = typeof env.NCP_SECRET_KEY === "string" ? env.NCP_SECRET_KEY : "";
  const log = (level, line) => console[level](scrub(line, secret));

  const instances = instanceList(env.BACKUP_INSTANCES);
  const bucketName = typeof env.BACKUP_BUCKET === "string" ? env.BACKUP_BUCKET.trim() : "";
  const missing = [
    instances.length ? null : "BACKUP_INSTANCES",
    bucketName ? null : "BACKUP_BUCKET",
    env.NCP_ACCESS_KEY ? null : "NCP_ACCESS_KEY",
    secret ? null : "NCP_SECRET_KEY",
  ].filter(Boolean);
  if (missing.length) {
    const line = `nightly export not run: ${missing.join(", ")} not set (BACKUP_* in wrangler.toml [vars], the keys with wrangler secret put)`;
    log("error", line);
    throw new Error(line);
  }

  const options = {
    accessKey: env.NCP_ACCESS_KEY,
    secretKey: secret,
    ...(env.NCP_ENDPOINT ? { endpoint: env.NCP_ENDPOINT } : {}),
    ...(env.NCP_STORAGE_ENDPOINT ? { storageEndpoint: env.NCP_STORAGE_ENDPOINT } : {}),
    ...(env.NCP_STORAGE_REGION ? { storageRegion: env.NCP_STORAGE_REGION } : {}),
    bucketName,
    skipExisting: true,
  };
  const results = await Promise.allSettled(instances.map(async (instance) => {
    try {
      const r = await exportLatestBackup({ ...options, cloudPostgresqlInstanceNo: instance });
      log("log", r.skipped
        ? `skipped ${r.fileName} of ${instance}: already in ${bucketName} as ${r.existing.key}`
        : `exported ${r.fileName} of ${instance} to ${bucketName} (requestId ${r.requestId})`);
    } catch (err) {
      log("error", `failed ${instance}: ${describeError(err)}`);
      throw err;
    }
  }));
  const failed = instances.filter((_, i) => results[i].status === "rejected");
  if (failed.length) {
    throw new Error(`nightly export: ${failed.length} of ${instances.length} instances failed (${failed.join(", ")})`);
  }
}

/** BACKUP_INSTANCES as a list: "1234567, 5678901" (or a JSON array or number in [vars]); blanks and repeats dropped. */
function instanceList(value) {
  const items = Array.isArray(value) ? value : typeof value === "string" || typeof value === "number" ? String(value).split(",") : [];
  return [...new Set(items.map((item) => String(item).trim()).filter(Boolean))];
}

/** `<kind> <message>` (the package's message names NCP's code and HTTP status), and the requestId to quote to NCP. */
function describeError(err) {
  if (!(err instanceof NcloudError)) return `${err?.name ?? "Error"} ${err?.message ?? err}`;
  const requestId = err.requestId && !err.message.includes(err.requestId) ? ` (requestId ${err.requestId})` : "";
  return `${err.kind} ${err.message}${requestId}`;
}

/**
 * One line, without the secret key: control characters (a newline in a file name) are shown
 * escaped, and the secret is masked should anything ever carry it (the package's errors never do).
 */
function scrub(line, secret) {
  const masked = secret ? line.split(secret).join("<NCP_SECRET_KEY>") : line;
  return masked.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// ------------------------------------------------------------------ relay /vpostgresql/v2/*

async function relay(request, env) {
  if (request.method !== "GET" && request.method !== "POST") {
    return errorResponse(405, "method_not_allowed", "The relay forwards GET and POST only.", { allow: "GET, POST, OPTIONS" });
  }
  const body = request.method === "POST" ? await readBody(request) : undefined;
  if (body === null) return errorResponse(413, "too_large", `The body is over ${MAX_BODY} bytes.`);

  const headers = new Headers();
  for (const name of RELAYED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // Only the endpoint's origin: the signed target is the path the caller sent, so no prefix
  // may be added in front of it.
  const upstream = new URL(env.NCP_ENDPOINT || DEFAULT_ENDPOINT).origin + rawTarget(request.url);
  let answer;
  try {
    answer = await fetch(upstream, {
      method: request.method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err?.name === "TimeoutError";
    return errorResponse(timedOut ? 504 : 502, timedOut ? "timeout" : "network", `NCP did not answer: ${err?.message ?? err}`);
  }
  // NCP's own headers pass through, except CORS ones: this Worker decides those.
  const response = new Response(answer.body, answer);
  for (const name of [...response.headers.keys()]) {
    if (name.startsWith("access-control-")) response.headers.delete(name);
  }
  return response;
}

/**
 * The path and query of `request.url`: what the caller sent, as workerd's URL parser left it
 * (it percent-encodes a raw `"`, `<`, non-ASCII and a `'` in the query, and removes dot segments, before the
 * Worker runs; the package signs that parsed form too). The signature covers this string byte
 * for byte, so it is cut from the URL, never rebuilt from parsed parameters (which would
 * re-encode `+`, `%20`, `'`, `!` and break the signature).
 */
function rawTarget(url) {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  return url.slice(pathStart);
}

// ------------------------------------------------------------------ shared

/** CORS headers for this request's origin, or null when the origin is not allowed. */
function corsHeaders(request, env) {
  const allowed = (env.ALLOWED_ORIGINS || "*").split(",").map((s) => s.trim()).filter(Boolean);
  // Retry-After is exposed so the package in a browser can honour it.
  const expose = { "access-control-expose-headers": "retry-after" };
  if (allowed.includes("*")) return { "access-control-allow-origin": "*", ...expose };
  const origin = request.headers.get("origin");
  if (origin === null) return { vary: "Origin" }; // not a cross-origin browser call
  return allowed.includes(origin) ? { "access-control-allow-origin": origin, vary: "Origin", ...expose } : null;
}

function preflight(isExport, env) {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-methods": isExport ? "POST, OPTIONS" : "GET, POST, OPTIONS",
      "access-control-allow-headers": isExport
        ? (env.EXPORT_TOKEN ? "content-type, authorization" : "content-type")
        : RELAYED_HEADERS.join(", "),
      "access-control-max-age": "600",
    },
  });
}

/** The body as bytes, or null when it is over MAX_BODY (checked while reading, not trusted from content-length). */
async function readBody(request) {
  if (Number(request.headers.get("content-length")) > MAX_BODY) return null;
  if (!request.body) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** `{ error: { kind, message, ... } }`; fields that are undefined are left out by JSON. */
function errorResponse(status, kind, message, headers = {}, details = {}) {
  return Response.json({ error: { kind, message, ...details } }, { status, headers });
}
