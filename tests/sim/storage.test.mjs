// Object Storage's S3 API on the simulator's origin: listing (ListObjectsV2 and v1), AWS
// signature v4 checks, S3 errors, faults, and exported backups appearing as objects.
//
// The signer below is written here, independently of sim/s3.mjs, from AWS's documentation,
// and is first checked against AWS's published signatures.

import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { startSimulator } from "../../sim/server.mjs";
import {
  DEMO, TEST, call, callJson, getJson, raw, xmlAll, xmlText, unescapeXml,
  INSTANCE_A, INSTANCE_B, INSTANCE_R, FILE_A1, FILE_B, FILE_SPECIAL, FILE_R_NEW,
} from "./helpers.mjs";

// ---------------------------------------------------------------- an independent SigV4 signer

const EMPTY = createHash("sha256").update("").digest("hex");

function enc(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** yyyymmddThhmmssZ of an epoch-ms time. */
function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * AWS signature v4, Authorization header form.
 * path: the URI path as it goes on the wire (already encoded); query: [[name, value]] (raw values);
 * headers: extra headers to sign (host and x-amz-date are added).
 */
function sigv4({ method = "GET", host, path, query = [], headers = {}, payloadHash = EMPTY, date, region, service, accessKey, secretKey }) {
  const all = { host, "x-amz-date": date };
  for (const [k, v] of Object.entries(headers)) all[k.toLowerCase()] = v;
  const names = Object.keys(all).sort();
  const canonicalHeaders = names.map((n) => `${n}:${String(all[n]).trim().replace(/ +/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalQuery = query.map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`).join("&");
  const canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
  const h = (key, data) => createHmac("sha256", key).update(data).digest();
  const kSigning = h(h(h(h("AWS4" + secretKey, day), region), service), "aws4_request");
  const signature = createHmac("sha256", kSigning).update(stringToSign).digest("hex");
  return {
    signature,
    canonicalRequest,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    headers: { ...all, authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` },
  };
}

// AWS's published vectors, hard-coded as published:
// - "get-vanilla" and "get-vanilla-query-order-key-case" from the AWS Signature Version 4 test
//   suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; the same files
//   ship in aws-sdk-js-v3's packages/signature-v4 suite fixture): AKIDEXAMPLE, 20150830T123600Z,
//   us-east-1, service "service", host example.amazonaws.com.
// - "Example: GET Object" and "Example: GET Bucket (List Objects)" from Amazon S3's API reference,
//   "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk
//   (AWS Signature Version 4)" (AmazonS3/latest/API/sig-v4-header-based-auth.html):
//   AKIAIOSFODNN7EXAMPLE, 20130524T000000Z, us-east-1, s3, host examplebucket.s3.amazonaws.com.
const SUITE = { accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20150830T123600Z", region: "us-east-1", service: "service", host: "example.amazonaws.com" };
const S3DOC = { accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", date: "20130524T000000Z", region: "us-east-1", service: "s3", host: "examplebucket.s3.amazonaws.com" };

test("the test's SigV4 signer reproduces AWS's published signatures", () => {
  assert.equal(sigv4({ ...SUITE, path: "/" }).authorization,
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  assert.equal(sigv4({ ...SUITE, path: "/", query: [["Param2", "value2"], ["Param1", "value1"]] }).signature,
    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  assert.equal(sigv4({ ...S3DOC, path: "/test.txt", headers: { range: "bytes=0-9", "x-amz-content-sha256": EMPTY } }).signature,
    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  const list = sigv4({ ...S3DOC, path: "/", query: [["max-keys", "2"], ["prefix", "J"]], headers: { "x-amz-content-sha256": EMPTY } });
  assert.equal(list.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  assert.equal(list.canonicalRequest.split("\n")[2], "max-keys=2&prefix=J");
});

// ---------------------------------------------------------------- requests to the simulator

const NOW = Date.UTC(2026, 10, 20, 3, 30, 0); // 2026-11-20T03:30:00Z
let clock = NOW;
let sim;
before(async () => { sim = await startSimulator({ now: () => clock }); });
after(() => sim.close());
beforeEach(() => { clock = NOW; sim.reset(); });

/**
 * A signed S3 request. query: [[name, value]] (encoded on the wire in this order).
 * over: change what is signed or sent: { keys, time, region, service, payloadHash, headers,
 *   sendHeaders (added unsigned), drop (header names removed after signing), wireQuery }.
 */
function s3(target, { method = "GET", query = [], keys = DEMO, time = clock, region = "kr-standard", service = "s3", payloadHash = EMPTY, headers = {}, sendHeaders = {}, drop = [], wireQuery, signQuery, host = new URL(sim.url).host } = {}) {
  const path = target;
  const signed = sigv4({
    method, host, path, query: signQuery ?? query, headers: payloadHash === null ? headers : { "x-amz-content-sha256": payloadHash, ...headers },
    payloadHash: payloadHash ?? EMPTY, date: amzDate(time), region, service, ...keys,
  });
  const h = { ...signed.headers, ...sendHeaders };
  for (const d of drop) delete h[d];
  const qs = wireQuery ?? query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
  return raw(sim, { method, target: qs ? `${path}?${qs}` : path, headers: h });
}

const list2 = (bucket, params = {}, opts = {}) => s3(`/${bucket}`, { ...opts, query: [["list-type", "2"], ...Object.entries(params)] });

function parseList(res) {
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers["content-type"], "application/xml");
  const body = res.body;
  const contents = xmlAll(body, "Contents").map((c) => ({
    key: xmlText(c, "Key"), lastModified: xmlText(c, "LastModified"), etag: xmlText(c, "ETag"),
    size: Number(xmlText(c, "Size")), storageClass: xmlText(c, "StorageClass"), owner: xmlText(c, "ID"),
  }));
  const commonPrefixes = xmlAll(body, "CommonPrefixes").map((c) => xmlText(c, "Prefix"));
  const top = body.replace(/<Contents>[\s\S]*?<\/Contents>|<CommonPrefixes>[\s\S]*?<\/CommonPrefixes>/g, "");
  const field = (n) => xmlText(top, n);
  return {
    body, contents, keys: contents.map((c) => c.key), commonPrefixes,
    name: field("Name"), prefix: field("Prefix"), keyCount: field("KeyCount"), maxKeys: field("MaxKeys"),
    isTruncated: field("IsTruncated"), token: field("ContinuationToken"), next: field("NextContinuationToken"),
    marker: field("Marker"), nextMarker: field("NextMarker"), startAfter: field("StartAfter"), delimiter: field("Delimiter"),
  };
}

function assertS3Error(res, status, code, { bucket } = {}) {
  assert.equal(res.status, status, res.body);
  assert.equal(res.headers["content-type"], "application/xml");
  assert.equal(res.headers["access-control-allow-origin"], "*");
  if (res.body === "") return {}; // HEAD
  // Ceph RGW's shape: Code, Message, [BucketName], [AWS's extra elements], RequestId, HostId.
  assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>[A-Za-z0-9]+<\/Code><Message>[^<]*<\/Message>[\s\S]*<RequestId>tx[0-9a-f]{21}-[0-9a-f]{8}-[^<]+<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
  assert.equal(xmlText(res.body, "Code"), code);
  assert.equal(res.headers["x-amz-request-id"], xmlText(res.body, "RequestId"));
  if (bucket !== undefined) assert.equal(xmlText(res.body, "BucketName"), bucket);
  assert.doesNotMatch(res.body, /demo-secret-key|test-secret-key/);
  return { code, message: xmlText(res.body, "Message"), body: res.body };
}

const SEED_PG_BACKUPS = [
  "README.txt",
  "cloud-postgresql/1234567/20261031_030002.tar",
  "cloud-postgresql/2345678/20261101_020001.tar",
  "logs/pg-prod/2026-11-19.log.gz",
  "manual-dumps/pg-prod 2026-10-01 (full).sql.gz",
  "보고서/2026년 11월 100%.pdf",
];

// ---------------------------------------------------------------- listing

test("ListObjectsV2 of a seed bucket: every field in S3's shape, keys in binary order", async () => {
  const res = await list2("pg-backups");
  assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?><ListBucketResult xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/">/);
  assert.equal(res.headers["access-control-allow-origin"], "*");
  assert.match(res.headers["x-amz-request-id"], /^tx/);
  const l = parseList(res);
  assert.deepEqual([l.name, l.prefix, l.keyCount, l.maxKeys, l.isTruncated, l.next], ["pg-backups", "", "6", "1000", "false", undefined]);
  assert.deepEqual(l.keys, SEED_PG_BACKUPS);
  const readme = l.contents[0];
  assert.deepEqual(readme, { key: "README.txt", lastModified: "2026-03-02T01:20:00.000Z", etag: readme.etag, size: 1024, storageClass: "STANDARD", owner: undefined });
  for (const c of l.contents) {
    assert.match(c.lastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(c.etag, /^"[0-9a-f]{32}(-\d+)?"$/); // in quotes, as S3 sends it (&quot; in the XML)
  }
  assert.match(res.body, /<ETag>&quot;[0-9a-f]{32}/);
  // A multipart-sized object has S3's "<md5>-<parts>" ETag.
  assert.match(l.contents[1].etag, /^"[0-9a-f]{32}-19"$/);
  // fetch-owner=true adds Owner.
  assert.equal(parseList(await list2("pg-backups", { "fetch-owner": "true" })).contents[0].owner, "ncp-sim-owner");
  assert.deepEqual(parseList(await list2("empty-bucket")).keys, []);
});

test("prefix: plain, with spaces, non-ASCII and %, percent-encoded in the signed query", async () => {
  assert.deepEqual(parseList(await list2("pg-backups", { prefix: "cloud-postgresql/" })).keys, SEED_PG_BACKUPS.slice(1, 3));
  const korean = await list2("pg-backups", { prefix: "보고서/2026년 11월 100%" });
  assert.match(sim.requests.at(-1).target, /prefix=%EB%B3%B4%EA%B3%A0%EC%84%9C%2F2026%EB%85%84%2011%EC%9B%94%20100%25/);
  assert.deepEqual(parseList(korean).keys, ["보고서/2026년 11월 100%.pdf"]);
  assert.equal(parseList(korean).prefix, "보고서/2026년 11월 100%");
  assert.deepEqual(parseList(await list2("pg-backups", { prefix: "manual-dumps/pg-prod 2026-10-01 (" })).keys, [SEED_PG_BACKUPS[4]]);
  assert.deepEqual(parseList(await list2("pg-backups", { prefix: "nothing-here/" })).keys, []);
  // Another encoding of the same value on the wire (%4C for L, '(' unencoded) signs the same canonical query.
  const res = await s3("/pg-backups", {
    query: [["list-type", "2"], ["prefix", "logs/"]], wireQuery: "list-type=2&prefix=%6Cogs%2F",
  });
  assert.deepEqual(parseList(res).keys, [SEED_PG_BACKUPS[3]]);
});

test("keys sort by their UTF-8 bytes, not by JavaScript's UTF-16 order", async () => {
  const names = ["😀", "ｚ", "가", "é", "~", "z", "a", "B"];
  sim.addObjects(names.map((n) => ({ bucket: "empty-bucket", key: `order/${n}`, size: 1 })));
  const keys = parseList(await list2("empty-bucket", { prefix: "order/" })).keys;
  assert.deepEqual(keys, ["B", "a", "z", "~", "é", "가", "ｚ", "😀"].map((n) => `order/${n}`));
  assert.notDeepEqual(keys, [...keys].sort()); // UTF-16 order would put 😀 before ｚ
});

test("paging with max-keys and continuation tokens reads every key once, in order", async () => {
  const added = Array.from({ length: 25 }, (_, i) => ({ bucket: "archive-kr", key: `paging/${String(i).padStart(2, "0")} file #${i}.tar`, size: i }));
  const r = await getJson(sim, "/_sim/objects", { method: "POST", body: JSON.stringify(added) });
  assert.deepEqual([r.status, r.json], [201, { ok: true, added: 25 }]);
  const seen = [];
  let token;
  let pages = 0;
  do {
    const params = { "max-keys": "10", prefix: "paging/" };
    if (token) params["continuation-token"] = token;
    const l = parseList(await list2("archive-kr", params));
    pages += 1;
    assert.equal(l.maxKeys, "10");
    assert.equal(l.token, token);
    assert.equal(Number(l.keyCount), l.keys.length);
    seen.push(...l.keys);
    if (l.isTruncated === "true") {
      assert.equal(l.keys.length, 10);
      assert.match(l.next, /[+/]/); // opaque base64 with '+' and '/': it must be percent-encoded
    } else {
      assert.equal(l.next, undefined);
    }
    token = l.next;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, added.map((o) => o.key));

  // start-after, and max-keys 0 (an empty, complete page), and a max-keys over 1000 (capped).
  assert.deepEqual(parseList(await list2("archive-kr", { prefix: "paging/", "start-after": added[22].key })).keys, [added[23].key, added[24].key]);
  const zero = parseList(await list2("archive-kr", { "max-keys": "0" }));
  assert.deepEqual([zero.keys, zero.keyCount, zero.isTruncated], [[], "0", "false"]);
  assert.equal(parseList(await list2("archive-kr", { "max-keys": "5000" })).maxKeys, "1000");
});

test("a continuation token sent without percent-encoding is refused (400 InvalidArgument)", async () => {
  sim.addObjects(Array.from({ length: 3 }, (_, i) => ({ bucket: "empty-bucket", key: `t/${i}` })));
  const { next } = parseList(await list2("empty-bucket", { "max-keys": "1" }));
  assert.match(next, /\+/);
  // On the wire as is: '+' reads as a space, so the server sees another token.
  const res = await s3("/empty-bucket", {
    query: [["list-type", "2"], ["continuation-token", next]],
    signQuery: [["list-type", "2"], ["continuation-token", next.replace(/\+/g, " ")]],
    wireQuery: `list-type=2&continuation-token=${next}`,
  });
  assertS3Error(res, 400, "InvalidArgument", { bucket: "empty-bucket" });
  assert.equal(xmlText(res.body, "ArgumentName"), "continuation-token");
  assertS3Error(await list2("empty-bucket", { "continuation-token": "bm90IGEgdG9rZW4=" }), 400, "InvalidArgument");
});

test("delimiter groups keys into CommonPrefixes (each counts toward max-keys)", async () => {
  const all = parseList(await list2("pg-backups", { delimiter: "/" }));
  assert.deepEqual(all.keys, ["README.txt"]);
  assert.deepEqual(all.commonPrefixes, ["cloud-postgresql/", "logs/", "manual-dumps/", "보고서/"]);
  assert.deepEqual([all.delimiter, all.keyCount], ["/", "5"]);
  const deeper = parseList(await list2("pg-backups", { delimiter: "/", prefix: "cloud-postgresql/" }));
  assert.deepEqual(deeper.commonPrefixes, ["cloud-postgresql/1234567/", "cloud-postgresql/2345678/"]);
  // Paged two at a time, prefixes are not repeated.
  const p1 = parseList(await list2("pg-backups", { delimiter: "/", "max-keys": "2" }));
  const p2 = parseList(await list2("pg-backups", { delimiter: "/", "max-keys": "2", "continuation-token": p1.next }));
  const p3 = parseList(await list2("pg-backups", { delimiter: "/", "max-keys": "2", "continuation-token": p2.next }));
  assert.deepEqual([p1.keys, p1.commonPrefixes], [["README.txt"], ["cloud-postgresql/"]]);
  assert.deepEqual([p2.keys, p2.commonPrefixes, p3.commonPrefixes, p3.isTruncated], [[], ["logs/", "manual-dumps/"], ["보고서/"], "false"]);
});

test("encoding-type=url encodes keys and prefixes in the answer", async () => {
  const l = parseList(await list2("pg-backups", { "encoding-type": "url", prefix: "보고서/" }));
  assert.deepEqual(l.keys, ["%EB%B3%B4%EA%B3%A0%EC%84%9C/2026%EB%85%84%2011%EC%9B%94%20100%25.pdf"]);
  assert.equal(decodeURIComponent(l.keys[0]), "보고서/2026년 11월 100%.pdf");
  assert.equal(xmlText(l.body, "EncodingType"), "url");
  assertS3Error(await list2("pg-backups", { "encoding-type": "base64" }), 400, "InvalidArgument");
});

test("ListObjects (v1, NCP's documented listing) pages with marker / NextMarker and shows Owner", async () => {
  const p1 = parseList(await s3("/pg-backups", { query: [["max-keys", "4"]] }));
  assert.deepEqual([p1.keys, p1.marker, p1.isTruncated, p1.nextMarker], [SEED_PG_BACKUPS.slice(0, 4), "", "true", SEED_PG_BACKUPS[3]]);
  assert.equal(p1.keyCount, undefined);
  assert.equal(p1.contents[0].owner, "ncp-sim-owner");
  const p2 = parseList(await s3("/pg-backups", { query: [["max-keys", "4"], ["marker", p1.nextMarker]] }));
  assert.deepEqual([p2.keys, p2.marker, p2.isTruncated, p2.nextMarker], [SEED_PG_BACKUPS.slice(4), SEED_PG_BACKUPS[3], "false", undefined]);
  assert.deepEqual(parseList(await s3("/pg-backups/")).keys, SEED_PG_BACKUPS); // trailing slash: the bucket
});

test("max-keys that is not an integer -> 400 InvalidArgument", async () => {
  for (const v of ["abc", "-1", "1.5", "", "99999999999"]) {
    const res = await list2("pg-backups", { "max-keys": v });
    assertS3Error(res, 400, "InvalidArgument", { bucket: "pg-backups" });
    assert.equal(xmlText(res.body, "ArgumentName"), "max-keys");
  }
  assertS3Error(await s3("/pg-backups", { query: [["list-type", "1"]] }), 400, "InvalidArgument");
});

// ---------------------------------------------------------------- signature v4 and errors

test("a wrong signature -> 403 SignatureDoesNotMatch, with AWS's debugging elements", async () => {
  const res = await list2("pg-backups", {}, { keys: { accessKey: DEMO.accessKey, secretKey: "not-the-secret" } });
  assertS3Error(res, 403, "SignatureDoesNotMatch", { bucket: "pg-backups" });
  assert.equal(xmlText(res.body, "AWSAccessKeyId"), DEMO.accessKey);
  const canonical = unescapeXml(xmlAll(res.body, "CanonicalRequest")[0]);
  assert.equal(canonical.split("\n").slice(0, 3).join("\n"), "GET\n/pg-backups\nlist-type=2");
  assert.match(xmlText(res.body, "StringToSign"), /^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n20261120\/kr-standard\/s3\/aws4_request\n[0-9a-f]{64}$/);
  // Sign one query, send another: also a mismatch.
  assertS3Error(await s3("/pg-backups", { query: [["list-type", "2"], ["prefix", "a"]], wireQuery: "list-type=2&prefix=b" }), 403, "SignatureDoesNotMatch");
  // The second key pair works too.
  assert.equal((await list2("pg-backups", {}, { keys: TEST })).status, 200);
});

test("an unknown access key -> 403 InvalidAccessKeyId", async () => {
  const res = await list2("pg-backups", {}, { keys: { accessKey: "nobody", secretKey: "demo-secret-key" } });
  assertS3Error(res, 403, "InvalidAccessKeyId", { bucket: "pg-backups" });
  assert.equal(xmlText(res.body, "AWSAccessKeyId"), "nobody");
});

test("an unknown bucket -> 404 NoSuchBucket (buckets are case-sensitive)", async () => {
  assertS3Error(await list2("no-such-bucket"), 404, "NoSuchBucket", { bucket: "no-such-bucket" });
  assertS3Error(await list2("PG-BACKUPS"), 404, "NoSuchBucket", { bucket: "PG-BACKUPS" });
});

test("clock skew: more than 15 minutes off the simulator clock -> 403 RequestTimeTooSkewed", async () => {
  for (const off of [16 * 60_000, -16 * 60_000]) {
    const res = await list2("pg-backups", {}, { time: NOW + off });
    assertS3Error(res, 403, "RequestTimeTooSkewed");
    assert.equal(xmlText(res.body, "MaxAllowedSkewMilliseconds"), "900000");
    assert.equal(xmlText(res.body, "ServerTime"), new Date(NOW).toISOString());
  }
  for (const off of [14 * 60_000, -14 * 60_000]) assert.equal((await list2("pg-backups", {}, { time: NOW + off })).status, 200);
});

test("the credential scope must be <date>/kr-standard/s3 -> else 400 AuthorizationHeaderMalformed", async () => {
  const region = await list2("pg-backups", {}, { region: "us-east-1" });
  assertS3Error(region, 400, "AuthorizationHeaderMalformed");
  assert.equal(xmlText(region.body, "Region"), "kr-standard");
  for (const r of ["KR", "gov-standard"]) assertS3Error(await list2("pg-backups", {}, { region: r }), 400, "AuthorizationHeaderMalformed");
  assertS3Error(await list2("pg-backups", {}, { service: "execute-api" }), 400, "AuthorizationHeaderMalformed");
  // A credential date other than x-amz-date's.
  const ok = await list2("pg-backups");
  const auth = JSON.parse(JSON.stringify(sim.requests.at(-1).headers));
  auth.authorization = auth.authorization.replace("/20261120/", "/20261119/");
  assertS3Error(await raw(sim, { target: "/pg-backups?list-type=2", headers: auth }), 400, "AuthorizationHeaderMalformed");
  assert.equal(ok.status, 200);
});

test("missing or malformed Authorization, x-amz-date, host or x-amz-content-sha256", async () => {
  assertS3Error(await raw(sim, { target: "/pg-backups?list-type=2" }), 403, "AccessDenied", { bucket: "pg-backups" });
  for (const authorization of ["AWS demo-access-key:abc", "AWS4-HMAC-SHA256 Credential=demo-access-key/20261120/kr-standard/s3/aws4_request", "Bearer x", "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=x, Extra=1"]) {
    assertS3Error(await raw(sim, { target: "/pg-backups?list-type=2", headers: { authorization, "x-amz-date": amzDate(NOW), "x-amz-content-sha256": EMPTY } }), 403, "AccessDenied");
  }
  // Signed, then the x-amz-date header removed.
  assertS3Error(await list2("pg-backups", {}, { drop: ["x-amz-date"] }), 403, "AccessDenied");
  // An x-amz-* header sent but not signed.
  const unsigned = await list2("pg-backups", {}, { sendHeaders: { "x-amz-meta-note": "hi" } });
  assertS3Error(unsigned, 403, "AccessDenied");
  assert.equal(xmlText(unsigned.body, "HeadersNotSigned"), "x-amz-meta-note");
  // host not among the signed headers.
  const hostless = await list2("pg-backups");
  const h = { ...sim.requests.at(-1).headers };
  h.authorization = h.authorization.replace("SignedHeaders=host;", "SignedHeaders=");
  assertS3Error(await raw(sim, { target: "/pg-backups?list-type=2", headers: h }), 403, "AccessDenied");
  assert.equal(hostless.status, 200);
  // x-amz-content-sha256: UNSIGNED-PAYLOAD or the empty body's hash; absent or another hash is refused.
  assert.equal((await list2("pg-backups", {}, { payloadHash: "UNSIGNED-PAYLOAD" })).status, 200);
  assertS3Error(await list2("pg-backups", {}, { payloadHash: null }), 400, "InvalidRequest");
  assertS3Error(await list2("pg-backups", {}, { payloadHash: "a".repeat(64) }), 400, "XAmzContentSHA256Mismatch");
  assertS3Error(await list2("pg-backups", {}, { payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" }), 400, "InvalidArgument");
});

test("other S3 operations answer S3 errors: 405 MethodNotAllowed, 501 NotImplemented", async () => {
  const put = await s3("/pg-backups/new.txt", { method: "PUT" });
  assertS3Error(put, 405, "MethodNotAllowed", { bucket: "pg-backups" });
  assert.equal(xmlText(put.body, "ResourceType"), "OBJECT");
  assertS3Error(await s3("/pg-backups", { method: "DELETE" }), 405, "MethodNotAllowed");
  assertS3Error(await s3("/pg-backups/README.txt"), 501, "NotImplemented", { bucket: "pg-backups" });
  assertS3Error(await s3("/"), 501, "NotImplemented");
  assertS3Error(await s3("/pg-backups", { query: [["acl", ""]] }), 501, "NotImplemented");
  assertS3Error(await s3("/pg-backups", { query: [["versions", ""], ["list-type", "2"]] }), 501, "NotImplemented");
  const head = await s3("/pg-backups", { method: "HEAD" });
  assert.equal(head.status, 501);
  assert.equal(head.body, "");
  // A malformed escape in the path is S3's 400 InvalidURI.
  assertS3Error(await raw(sim, { target: "/%zz?list-type=2" }), 400, "InvalidURI");
  // Authentication comes before the operation check.
  assertS3Error(await raw(sim, { target: "/pg-backups/README.txt" }), 403, "AccessDenied");
});

test("S3 requests are recorded in /_sim/requests like API requests", async () => {
  sim.requests.length = 0;
  await list2("pg-backups", { prefix: "logs/" });
  await raw(sim, { target: "/nope" });
  const { json } = await getJson(sim, "/_sim/requests");
  assert.deepEqual(json.requests.map((r) => [r.method, r.target]), [["GET", "/pg-backups?list-type=2&prefix=logs%2F"], ["GET", "/nope"]]);
  assert.match(json.requests[0].headers.authorization, /^AWS4-HMAC-SHA256 Credential=demo-access-key\/20261120\/kr-standard\/s3\/aws4_request/);
});

test("a relayed request is checked against the host x-forwarded-host names, when it names one", async () => {
  const own = new URL(sim.url).host;
  const storage = "kr.object.ncloudstorage.com";
  // Signed for `signedFor`, sent to the simulator (its own Host), maybe naming `forwarded`.
  const relayed = (signedFor, forwarded) =>
    list2("pg-backups", {}, { host: signedFor, sendHeaders: { host: own, ...(forwarded && { "x-forwarded-host": forwarded }) } });
  assert.equal((await relayed(storage, storage)).status, 200);
  assert.equal((await relayed(own)).status, 200);
  for (const [signedFor, forwarded] of [[storage, undefined], [storage, "other.example.com"], [own, storage]]) {
    const r = await relayed(signedFor, forwarded);
    assert.equal(r.status, 403, `signed for ${signedFor}, forwarded ${forwarded}`);
    assert.match(r.body, /<Code>SignatureDoesNotMatch<\/Code>/);
  }
});

// ---------------------------------------------------------------- faults on S3 requests

test("faults hit S3 requests through the pseudo action s3:ListObjectsV2 (or with no action)", async () => {
  sim.inject({ type: "throttle", action: "s3:ListObjectsV2" });
  assert.equal((await call(sim, "getCloudPostgresqlBucketList", {}, { timestamp: clock })).status, 200); // the API is not hit
  const res = await list2("pg-backups");
  assert.equal(res.status, 503);
  assert.match(res.body, /^<\?xml[^>]*\?><Error><Code>SlowDown<\/Code>/); // in S3's terms, not the gateway's
  assert.equal((await list2("pg-backups")).status, 200);

  sim.inject({ type: "unavailable" }); // no action: the next request, whichever it is
  const down = await list2("pg-backups");
  assert.equal(down.status, 503);
  assert.match(down.body, /<Code>ServiceUnavailable<\/Code>/);
  sim.inject({ type: "permission", action: "s3:ListObjects" });
  assert.equal((await list2("pg-backups")).status, 200); // v2 is not v1
  const refused = await s3("/pg-backups");
  assert.equal(refused.status, 403);
  assert.match(refused.body, /<Code>AccessDenied<\/Code>/);

  sim.inject({ type: "reset", action: "s3:ListObjectsV2" });
  await assert.rejects(list2("pg-backups"), (err) => /ECONNRESET|socket hang up/.test(`${err.code} ${err.message}`));
  sim.inject({ type: "truncated", action: "s3:ListObjectsV2" });
  const cut = await list2("pg-backups");
  assert.equal(cut.status, 200);
  assert.equal(cut.headers["content-type"], "application/xml");
  assert.doesNotMatch(cut.body, /<\/ListBucketResult>$/);
  sim.inject({ type: "html", action: "s3:ListObjectsV2", status: 503 });
  assert.match((await list2("pg-backups")).body, /<html>/);
  sim.inject({ type: "delay", action: "s3:ListObjectsV2", delayMs: 120 });
  const t = Date.now();
  assert.equal((await list2("pg-backups")).status, 200);
  assert.ok(Date.now() - t >= 110);
  assert.equal(sim.faults.length, 0);
});

// ---------------------------------------------------------------- exports become objects

const exportParams = (over = {}) => ({ cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups", ...over });
const exportNow = (params, opts = {}) => callJson(sim, "exportBackupToObjectStorage", params, { timestamp: clock, ...opts });
const keyOf = (inst, file) => `cloud-postgresql/${inst}/${file}.tar`;

test("an accepted export appears at once by default: key contains the file name, size = backupSize", async () => {
  const res = await exportNow(exportParams(), { timestamp: clock });
  assert.equal(res.status, 200);
  const l = parseList(await list2("pg-backups", { prefix: "cloud-postgresql/1234567/" }));
  const object = l.contents.find((c) => c.key.includes(FILE_A1));
  assert.deepEqual([object.key, object.size, object.lastModified], [keyOf(INSTANCE_A, FILE_A1), 1283457024, new Date(NOW).toISOString()]);
  assert.notEqual(object.key, FILE_A1); // the key is not just the file name
  assert.equal(sim.exports[0].objectKey, object.key);
  assert.deepEqual(sim.objects["pg-backups"].find((o) => o.key === object.key),
    { key: object.key, size: 1283457024, lastModified: new Date(NOW).toISOString(), etag: object.etag.slice(1, -1) });
  // Another instance's file, another bucket; the new instance's 8-digit file names.
  await exportNow(exportParams({ cloudPostgresqlInstanceNo: INSTANCE_B, fileName: FILE_B, bucketName: "archive-kr" }));
  await exportNow(exportParams({ cloudPostgresqlInstanceNo: INSTANCE_R, fileName: FILE_R_NEW, bucketName: "empty-bucket" }));
  assert.deepEqual(parseList(await list2("archive-kr", { prefix: "cloud-postgresql/" })).keys, [keyOf(INSTANCE_B, FILE_B)]);
  assert.deepEqual(parseList(await list2("empty-bucket")).contents.map((c) => [c.key, c.size]), [[keyOf(INSTANCE_R, FILE_R_NEW), 419430400]]);
  // A refused export makes no object.
  await exportNow(exportParams({ fileName: "no-such-file" }));
  assert.equal(parseList(await list2("pg-backups", { prefix: "cloud-postgresql/1234567/" })).keys.length, 2);
});

test("a file name with '/', spaces, '%', '#', '&', quotes and Korean is listed and found by prefix", async () => {
  assert.equal((await exportNow(exportParams({ fileName: FILE_SPECIAL }))).status, 200);
  const key = keyOf(INSTANCE_A, FILE_SPECIAL);
  const all = await list2("pg-backups");
  assert.ok(parseList(all).keys.includes(key));
  assert.match(all.body, /<Key>cloud-postgresql\/1234567\/manual 2026\/11\/18 #1 a\+b&amp;c=d 100% 백업 \(!\*&apos;\)\.tar<\/Key>/);
  const byPrefix = await list2("pg-backups", { prefix: `cloud-postgresql/1234567/${FILE_SPECIAL}` });
  assert.match(sim.requests.at(-1).target, /prefix=cloud-postgresql%2F1234567%2Fmanual%202026%2F11%2F18%20%231%20a%2Bb%26c%3Dd%20100%25%20%EB%B0%B1%EC%97%85%20%28%21%2A%27%29/);
  assert.deepEqual(parseList(byPrefix).keys, [key]);
  assert.ok(key.includes(FILE_SPECIAL));
});

test("object-delay: the API answer is unchanged, the object appears after delayMs", async () => {
  const normal = await exportNow(exportParams({ bucketName: "archive-kr" }));
  sim.inject({ type: "object-delay", delayMs: 400 });
  const delayed = await exportNow(exportParams());
  assert.equal(delayed.status, normal.status);
  assert.deepEqual(Object.keys(delayed.json.exportBackupToObjectStorageResponse), ["requestId", "returnCode", "returnMessage"]);
  assert.equal(delayed.json.exportBackupToObjectStorageResponse.returnCode, "0");
  assert.equal(sim.faults.length, 0);
  const key = keyOf(INSTANCE_A, FILE_A1);
  assert.ok(!parseList(await list2("pg-backups")).keys.includes(key));
  const pending = sim.objects["pg-backups"].find((o) => o.key === key);
  assert.deepEqual([pending.pending, pending.lastModified], [true, new Date(NOW + 400).toISOString()]);
  await sleep(450);
  const l = parseList(await list2("pg-backups"));
  assert.equal(l.contents.find((c) => c.key === key).lastModified, new Date(NOW + 400).toISOString());
  assert.equal(sim.objects["pg-backups"].find((o) => o.key === key).pending, undefined);
});

test("object-never: the export is accepted, its object never appears", async () => {
  sim.inject({ type: "object-never" });
  // Object faults are taken only by a successful export: not by other requests or a refused export.
  assert.equal((await list2("pg-backups")).status, 200);
  assert.equal((await call(sim, "getCloudPostgresqlInstanceList", {}, { timestamp: clock })).status, 200);
  assert.equal((await exportNow(exportParams({ fileName: "nope" }))).status, 400);
  assert.equal(sim.faults.length, 1);
  const res = await exportNow(exportParams());
  assert.equal(res.status, 200);
  assert.equal(res.json.exportBackupToObjectStorageResponse.returnMessage, "success");
  assert.equal(sim.faults.length, 0);
  await sleep(200);
  const key = keyOf(INSTANCE_A, FILE_A1);
  assert.ok(!parseList(await list2("pg-backups")).keys.includes(key));
  assert.deepEqual(sim.objects["pg-backups"].find((o) => o.key === key), { key, size: 1283457024, lastModified: null, etag: sim.objects["pg-backups"].find((o) => o.key === key).etag, pending: true });
  // The next export of the same file (no fault) lands, and replaces the one that never would.
  await exportNow(exportParams());
  assert.ok(parseList(await list2("pg-backups")).keys.includes(key));
  assert.equal(sim.objects["pg-backups"].filter((o) => o.key === key).length, 1);
  assert.equal(sim.exports.length, 2);
});

test("object faults are validated, and work with an action and over HTTP", async () => {
  assert.throws(() => sim.inject({ type: "object-delay" }), TypeError); // needs delayMs
  assert.throws(() => sim.inject({ type: "object-never", action: "getCloudPostgresqlBucketList" }), TypeError);
  const r = await getJson(sim, "/_sim/faults", { method: "POST", body: JSON.stringify({ type: "object-delay", delayMs: 5000, action: "exportBackupToObjectStorage" }) });
  assert.equal(r.status, 201);
  // A process:true gateway fault on an export: the backend ran it, so the object appears.
  sim.inject({ type: "gateway-timeout", action: "exportBackupToObjectStorage", process: true });
  assert.equal((await call(sim, "exportBackupToObjectStorage", exportParams({ fileName: "20261119_030004" }), { timestamp: clock })).status, 504);
  assert.equal(sim.objects["pg-backups"].find((o) => o.key === keyOf(INSTANCE_A, "20261119_030004")).pending, true); // it took the object-delay
  assert.equal(sim.faults.length, 0);
});

test("exporting the same file twice gives one object, overwritten with a new LastModified", async () => {
  await exportNow(exportParams(), { timestamp: clock });
  const first = parseList(await list2("pg-backups")).contents.find((c) => c.key === keyOf(INSTANCE_A, FILE_A1));
  clock = NOW + 60_000;
  await call(sim, "exportBackupToObjectStorage", exportParams(), { timestamp: clock, method: "POST", format: "xml" });
  const objects = parseList(await list2("pg-backups", {}, { time: clock })).contents.filter((c) => c.key === keyOf(INSTANCE_A, FILE_A1));
  assert.equal(objects.length, 1);
  assert.equal(objects[0].lastModified, new Date(NOW + 60_000).toISOString());
  assert.notEqual(objects[0].lastModified, first.lastModified);
  assert.notEqual(objects[0].etag, first.etag);
  assert.equal(sim.exports.length, 2); // two export events, one object
});

test("startSimulator({ exportDelayMs }) delays every export's object", async () => {
  const slow = await startSimulator({ exportDelayMs: 250 });
  try {
    const target = (s) => new URL(s.url).host;
    const get = (s) => {
      const t = Date.now();
      const signed = sigv4({ host: target(s), path: "/pg-backups", query: [["list-type", "2"]], headers: { "x-amz-content-sha256": EMPTY }, date: amzDate(t), region: "kr-standard", service: "s3", ...DEMO });
      return raw(s, { target: "/pg-backups?list-type=2", headers: signed.headers });
    };
    assert.equal((await callJson(slow, "exportBackupToObjectStorage", exportParams())).status, 200);
    assert.ok(!parseList(await get(slow)).keys.includes(keyOf(INSTANCE_A, FILE_A1)));
    await sleep(300);
    assert.ok(parseList(await get(slow)).keys.includes(keyOf(INSTANCE_A, FILE_A1)));
  } finally {
    await slow.close();
  }
  await assert.rejects(startSimulator({ exportDelayMs: -1 }), TypeError);
});

// ---------------------------------------------------------------- debug endpoints for objects

test("/_sim/objects: GET per bucket, POST adds (validated), DELETE empties, /_sim/reset restores the seed", async () => {
  let { json } = await getJson(sim, "/_sim/objects");
  assert.deepEqual(Object.keys(json.objects), ["pg-backups", "archive-kr", "empty-bucket"]);
  assert.deepEqual(json.objects["pg-backups"].map((o) => o.key), SEED_PG_BACKUPS);
  assert.deepEqual(Object.keys(json.objects["pg-backups"][0]), ["key", "size", "lastModified", "etag"]);
  for (const bad of [{ bucket: "nope", key: "a" }, { bucket: "pg-backups", key: "" }, { bucket: "pg-backups", key: "a", size: -1 }, [{ bucket: "pg-backups", key: "ok" }, { bucket: "pg-backups" }], "x"]) {
    const r = await getJson(sim, "/_sim/objects", { method: "POST", body: JSON.stringify(bad) });
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(typeof r.json.error.details, "string");
  }
  assert.equal(sim.objects["pg-backups"].length, 6); // nothing of a refused batch was added
  const added = await getJson(sim, "/_sim/objects", { method: "POST", body: JSON.stringify({ bucket: "empty-bucket", key: "x/y z.bin", size: 7, lastModified: "2026-11-01T00:00:00Z" }) });
  assert.equal(added.status, 201);
  ({ json } = await getJson(sim, "/_sim/objects"));
  assert.deepEqual(json.objects["empty-bucket"].map(({ key, size, lastModified }) => ({ key, size, lastModified })), [{ key: "x/y z.bin", size: 7, lastModified: "2026-11-01T00:00:00.000Z" }]);
  assert.equal((await getJson(sim, "/_sim/objects", { method: "DELETE" })).status, 200);
  assert.deepEqual(sim.objects, { "pg-backups": [], "archive-kr": [], "empty-bucket": [] });
  assert.equal((await getJson(sim, "/_sim/reset", { method: "POST" })).status, 200);
  assert.deepEqual(sim.objects["pg-backups"].map((o) => o.key), SEED_PG_BACKUPS);
  assert.deepEqual(sim.objects["empty-bucket"], []);
  assert.equal((await getJson(sim, "/_sim/objects", { method: "PUT" })).status, 405);
});
