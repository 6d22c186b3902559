// Object Storage's S3 API for the NCP simulator: AWS signature v4 checked independently
// (node:crypto only), ListObjectsV2 / ListObjects (v1) listing, and S3-shaped XML errors.
//
// The canonical request is rebuilt as AWS documents it ("Create a canonical request" in the
// Signature Version 4 guide; S3's "Signature Calculations for the Authorization Header"):
//   METHOD \n canonical URI (the path as received: S3 neither normalises nor double-encodes)
//   \n canonical query (names and values decoded, then RFC 3986-encoded, sorted by name then value)
//   \n canonical headers (lower-case names, trimmed values, inner spaces collapsed, in the order
//   of SignedHeaders, one "name:value\n" each) \n SignedHeaders \n payload hash.

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { escapeXml, XML_DECL } from "./render.mjs";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
export const S3_XML_TYPE = "application/xml";
export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_KEYS = 1000;
export const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
export const OWNER = { ID: "ncp-sim-owner", DisplayName: "ncp-sim-owner" };
// Ceph RGW's error bodies carry a HostId of the form <zone id>-<zone>-<zonegroup>.
export const HOST_ID = "5e3f1a-kr-standard-kr";

// Query names that select another S3 operation than a listing (AWS "subresources").
const SUBRESOURCES = new Set([
  "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
  "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
  "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
  "restore", "retention", "select", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions", "website",
]);

// ---------------------------------------------------------------- encoding helpers

/** RFC 3986 percent-encoding (unreserved A-Z a-z 0-9 - . _ ~ kept), as SigV4 wants it. */
export function rfc3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** S3 sorts keys by their UTF-8 bytes ("binary order"), not by UTF-16 code units. */
export function compareKeys(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** `a=1&b&c=%20` -> [["a","1"],["b",""],["c"," "]]; '+' is read as a space. Throws URIError. */
export function parseQuery(rawQuery) {
  const pairs = [];
  for (const piece of rawQuery.split("&")) {
    if (!piece) continue;
    const eq = piece.indexOf("=");
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? "" : piece.slice(eq + 1);
    pairs.push([decodeURIComponent(name.replace(/\+/g, " ")), decodeURIComponent(value.replace(/\+/g, " "))]);
  }
  return pairs;
}

export function canonicalQuery(pairs) {
  return pairs
    .map(([n, v]) => [rfc3986(n), rfc3986(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join("&");
}

/** Lower-cased header name -> every value as received (node's rawHeaders keeps repeats apart). */
function headerValues(rawHeaders) {
  const map = new Map();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!map.has(name)) map.set(name, []);
    map.get(name).push(rawHeaders[i + 1]);
  }
  return map;
}

function canonicalHeaderValue(values) {
  return values.map((v) => v.trim().replace(/ +/g, " ")).join(",");
}

const sha256hex = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

export function signingKey(secretKey, date, region, service) {
  return hmac(hmac(hmac(hmac("AWS4" + secretKey, date), region), service), "aws4_request");
}

function safeEqual(a, b) {
  const da = createHash("sha256").update(String(a)).digest();
  const db = createHash("sha256").update(String(b)).digest();
  return timingSafeEqual(da, db);
}

/** `20130524T000000Z` -> epoch ms, or null when it is not a real UTC time in that form. */
function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? "");
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return t;
}

// ---------------------------------------------------------------- signature v4

const fail = (status, code, message, extra) => ({ status, code, message, extra });
const MALFORMED =
  "Access Denied (malformed Authorization header: expected AWS4-HMAC-SHA256 Credential=<access key>/<yyyymmdd>/<region>/s3/aws4_request, SignedHeaders=<h1;h2...>, Signature=<64 hex digits>)";

/**
 * Checks a request's AWS signature v4 (Authorization header form). Returns null when it is
 * authentic, else { status, code, message, extra } with S3's error code for the failure.
 * req: { method, rawPath, rawQuery, headers, rawHeaders, body }.
 */
export function verifySigV4(req, { credentials, regions, nowMs }) {
  const auth = req.headers.authorization;
  if (auth === undefined || auth === "") {
    return fail(403, "AccessDenied", "Access Denied (no Authorization header; the simulator's buckets are not public)");
  }
  const m = /^AWS4-HMAC-SHA256 +(\S.*)$/.exec(auth);
  if (!m) return fail(403, "AccessDenied", MALFORMED);
  const fields = Object.create(null);
  for (const part of m[1].split(",")) {
    const p = part.trim();
    const eq = p.indexOf("=");
    if (eq <= 0) return fail(403, "AccessDenied", MALFORMED);
    const name = p.slice(0, eq);
    if (name in fields) return fail(403, "AccessDenied", MALFORMED);
    fields[name] = p.slice(eq + 1);
  }
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields;
  if (!credential || !signedHeaders || !signature || Object.keys(fields).length !== 3) return fail(403, "AccessDenied", MALFORMED);
  const parts = credential.split("/");
  if (parts.length < 5) return fail(403, "AccessDenied", MALFORMED);
  const [date, region, service, terminator] = parts.slice(-4);
  const accessKey = parts.slice(0, -4).join("/");
  if (!accessKey || terminator !== "aws4_request" || !/^\d{8}$/.test(date)) return fail(403, "AccessDenied", MALFORMED);

  const amzDate = req.headers["x-amz-date"];
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === null) {
    return fail(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header (the simulator requires x-amz-date, as yyyymmddThhmmssZ)");
  }
  if (date !== amzDate.slice(0, 8)) {
    return fail(400, "AuthorizationHeaderMalformed",
      `The authorization header is malformed; Invalid credential date "${date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  if (!regions.includes(region)) {
    return fail(400, "AuthorizationHeaderMalformed",
      `The authorization header is malformed; the region '${region}' is wrong; expecting '${regions[0]}'`, { Region: regions[0] });
  }
  if (service !== "s3") {
    return fail(400, "AuthorizationHeaderMalformed",
      `The authorization header is malformed; incorrect service "${service}". This endpoint belongs to "s3".`);
  }
  const signed = signedHeaders.split(";");
  if (signed.some((h) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h))) return fail(403, "AccessDenied", MALFORMED);
  if (!signed.includes("host")) return fail(403, "AccessDenied", "Access Denied (SignedHeaders must include host)");
  const present = headerValues(req.rawHeaders);
  // A request relayed on its way (a test's fetch rewrite, a proxy) names the host it was signed
  // for in x-forwarded-host: when that header is present, its value is the host that is checked.
  if (present.has("x-forwarded-host")) present.set("host", present.get("x-forwarded-host"));
  const notSigned = [...present.keys()].filter((n) => n.startsWith("x-amz-") && !signed.includes(n));
  if (notSigned.length) {
    return fail(403, "AccessDenied", "There were headers present in the request which were not signed", { HeadersNotSigned: notSigned.join(", ") });
  }

  const secretKey = credentials.get(accessKey);
  if (secretKey === undefined) {
    return fail(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: accessKey });
  }
  if (Math.abs(nowMs - requestTime) > MAX_SKEW_MS) {
    return fail(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
      RequestTime: amzDate, ServerTime: new Date(nowMs).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
    });
  }

  const payloadHash = req.headers["x-amz-content-sha256"];
  if (payloadHash === undefined) return fail(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  if (payloadHash !== "UNSIGNED-PAYLOAD") {
    if (!/^[0-9a-f]{64}$/.test(payloadHash)) {
      return fail(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the SHA-256 of the body in lower-case hex",
        { ArgumentName: "x-amz-content-sha256", ArgumentValue: payloadHash.slice(0, 100) });
    }
    const actual = sha256hex(req.body ?? "");
    if (payloadHash !== actual) {
      return fail(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.",
        { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: actual });
    }
  }

  let query;
  try {
    query = canonicalQuery(parseQuery(req.rawQuery));
  } catch {
    return fail(400, "InvalidURI", "Couldn't parse the specified URI.");
  }
  const canonicalHeaders = signed.map((n) => `${n}:${canonicalHeaderValue(present.get(n) ?? [])}\n`).join("");
  const canonicalRequest = [req.method, req.rawPath, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(canonicalRequest)].join("\n");
  const expected = createHmac("sha256", signingKey(secretKey, date, region, service)).update(stringToSign).digest("hex");
  if (!safeEqual(expected, signature)) {
    // AWS sends these elements with SignatureDoesNotMatch (Ceph RGW does not); they carry no secret.
    return fail(403, "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      { AWSAccessKeyId: accessKey, StringToSign: stringToSign, SignatureProvided: signature.slice(0, 200), CanonicalRequest: canonicalRequest });
  }
  return null;
}

// ---------------------------------------------------------------- responses

const el = (name, value) => `<${name}>${escapeXml(value)}</${name}>`;

/** Ceph RGW-style request id: tx<21 hex>-<hex epoch seconds>-<zone id>-<zone>. */
export function s3RequestId(nowMs) {
  return `tx${randomBytes(11).toString("hex").slice(0, 21)}-${Math.floor(nowMs / 1000).toString(16).padStart(8, "0")}-5e3f1a-kr-standard`;
}

/**
 * S3 error in Ceph RGW's shape (rgw_common.cc dump()): Code, Message, BucketName when the
 * request names a bucket, RequestId, HostId; plus the extra elements AWS sends for some codes.
 */
export function renderS3Error(status, code, message, { bucket, extra = {}, requestId, hostId = HOST_ID } = {}) {
  let body = `${XML_DECL}<Error>${el("Code", code)}${el("Message", message)}`;
  if (bucket) body += el("BucketName", bucket);
  for (const [k, v] of Object.entries(extra ?? {})) body += el(k, v);
  body += `${el("RequestId", requestId)}${el("HostId", hostId)}</Error>`;
  return { status, headers: { "content-type": S3_XML_TYPE, "x-amz-request-id": requestId }, body };
}

/** `/bucket/some/key` -> { bucket, key } (percent-decoded), or null on a bad escape. */
export function parseS3Path(path) {
  const rest = path.replace(/^\/+/, "");
  const slash = rest.indexOf("/");
  const rawBucket = slash < 0 ? rest : rest.slice(0, slash);
  const rawKey = slash < 0 ? "" : rest.slice(slash + 1);
  try {
    return { bucket: decodeURIComponent(rawBucket), key: decodeURIComponent(rawKey) };
  } catch {
    return null;
  }
}

/** The pseudo action name a fault's `action` uses to hit this S3 request. */
export function s3ActionName(method, path, rawQuery) {
  const route = parseS3Path(path) ?? { bucket: "", key: "" };
  let names = [];
  try { names = parseQuery(rawQuery).map(([n]) => n); } catch { /* decided later */ }
  if (!route.bucket) return method === "GET" ? "s3:ListBuckets" : "s3:Unsupported";
  if (route.key) {
    const op = { GET: "GetObject", HEAD: "HeadObject", PUT: "PutObject", DELETE: "DeleteObject", POST: "PostObject" }[method];
    return op ? `s3:${op}` : "s3:Unsupported";
  }
  if (method === "HEAD") return "s3:HeadBucket";
  if (method !== "GET") return "s3:Unsupported";
  if (names.some((n) => SUBRESOURCES.has(n))) return "s3:Unsupported";
  return names.includes("list-type") ? "s3:ListObjectsV2" : "s3:ListObjects";
}

// Continuation tokens: opaque, standard base64 that always holds '+' and '/' (as AWS's often
// do), so a client that does not percent-encode the token sends a different one.
const TOKEN_HEAD = Buffer.from([0xfb, 0xff, 0xbf, 0x73, 0x69, 0x6d]); // "+/+/" ... then "sim"

export function encodeToken(lastKey) {
  return Buffer.concat([TOKEN_HEAD, Buffer.from(lastKey, "utf8")]).toString("base64");
}

export function decodeToken(token) {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 !== 0) return null;
  const bytes = Buffer.from(token, "base64");
  if (bytes.toString("base64") !== token || bytes.length < TOKEN_HEAD.length) return null;
  if (!bytes.subarray(0, TOKEN_HEAD.length).equals(TOKEN_HEAD)) return null;
  const key = bytes.subarray(TOKEN_HEAD.length).toString("utf8");
  return Buffer.from(key, "utf8").equals(bytes.subarray(TOKEN_HEAD.length)) ? key : null;
}

/** encoding-type=url: keys (and prefixes) URL-encoded, '/' left as is. */
const urlEncodeKey = (s) => rfc3986(s).replace(/%2F/g, "/");

/**
 * One page of a listing. objects: [{ key, size, etag, lastModified }] sorted by compareKeys.
 * Returns { contents, commonPrefixes, truncated, lastConsumed }.
 */
export function listPage(objects, { prefix = "", delimiter = "", after, maxKeys }) {
  const items = objects.filter((o) => o.key.startsWith(prefix) && (after === undefined || compareKeys(o.key, after) > 0));
  const contents = [];
  const commonPrefixes = [];
  let i = 0;
  let lastConsumed;
  while (i < items.length && contents.length + commonPrefixes.length < maxKeys) {
    const key = items[i].key;
    const d = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (d >= 0) {
      const cp = key.slice(0, d + delimiter.length);
      commonPrefixes.push(cp);
      while (i < items.length && items[i].key.startsWith(cp)) lastConsumed = items[i++].key;
      continue;
    }
    contents.push(items[i]);
    lastConsumed = key;
    i += 1;
  }
  // max-keys=0 answers an empty, non-truncated page (no progress could be made from it).
  return { contents, commonPrefixes, truncated: maxKeys > 0 && i < items.length, lastConsumed };
}

/**
 * GET /{bucket} listing, v2 (list-type=2) or v1. params: Map name -> first value.
 * Returns { body } or { error: [status, code, message, extra] }.
 */
export function renderListing(bucketName, objects, params, version) {
  const invalid = (name, value, message) => ({ error: [400, "InvalidArgument", message, { ArgumentName: name, ArgumentValue: String(value).slice(0, 200) }] });
  let maxKeys = MAX_KEYS;
  if (params.has("max-keys")) {
    const raw = params.get("max-keys");
    if (!/^\d{1,10}$/.test(raw) || Number(raw) > 2147483647) return invalid("max-keys", raw, "Provided max-keys not an integer or within integer range");
    maxKeys = Math.min(Number(raw), MAX_KEYS);
  }
  const encodingType = params.get("encoding-type");
  if (encodingType !== undefined && encodingType !== "url") return invalid("encoding-type", encodingType, "Invalid Encoding Method specified in Request");
  const enc = encodingType === "url" ? urlEncodeKey : (s) => s;
  const prefix = params.get("prefix") ?? "";
  const delimiter = params.get("delimiter") ?? "";

  let after;
  let token;
  if (version === 2) {
    if (params.has("continuation-token")) {
      token = params.get("continuation-token");
      after = decodeToken(token);
      if (after === null) return invalid("continuation-token", token, "The continuation token provided is incorrect");
    } else if (params.has("start-after")) {
      after = params.get("start-after");
    }
  } else if (params.has("marker")) {
    after = params.get("marker");
  }
  const page = listPage(objects, { prefix, delimiter, after, maxKeys });
  const withOwner = version === 1 || params.get("fetch-owner") === "true";

  let body = `${XML_DECL}<ListBucketResult xmlns="${S3_XMLNS}">${el("Name", bucketName)}${el("Prefix", enc(prefix))}`;
  if (version === 2) {
    if (params.has("start-after")) body += el("StartAfter", enc(params.get("start-after")));
    if (token !== undefined) body += el("ContinuationToken", token);
    body += el("KeyCount", page.contents.length + page.commonPrefixes.length);
  } else {
    body += el("Marker", enc(params.get("marker") ?? ""));
    if (page.truncated) body += el("NextMarker", enc(page.lastConsumed));
  }
  body += el("MaxKeys", maxKeys);
  if (delimiter) body += el("Delimiter", enc(delimiter));
  if (encodingType) body += el("EncodingType", encodingType);
  body += el("IsTruncated", page.truncated ? "true" : "false");
  if (version === 2 && page.truncated) body += el("NextContinuationToken", encodeToken(page.lastConsumed));
  for (const o of page.contents) {
    body += `<Contents>${el("Key", enc(o.key))}${el("LastModified", o.lastModified)}${el("ETag", `"${o.etag}"`)}${el("Size", o.size)}`;
    if (withOwner) body += `<Owner>${el("ID", OWNER.ID)}${el("DisplayName", OWNER.DisplayName)}</Owner>`;
    body += `${el("StorageClass", "STANDARD")}</Contents>`;
  }
  for (const cp of page.commonPrefixes) body += `<CommonPrefixes>${el("Prefix", enc(cp))}</CommonPrefixes>`;
  body += "</ListBucketResult>";
  return { body };
}

export function hasSubresource(params) {
  return [...params.keys()].some((n) => SUBRESOURCES.has(n));
}
