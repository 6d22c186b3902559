import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import http from "node:http";
import { startSimulator } from "../../sim/server.mjs";
import { DEMO, call, raw, signHeaders, getJson, INSTANCE_A, FILE_A1, FILE_SPECIAL } from "./helpers.mjs";

let sim;
before(async () => { sim = await startSimulator(); });
after(() => sim.close());

const API = "/vpostgresql/v2";

function signedRaw({ method = "GET", target, body, headers = {} }) {
  return raw(sim, { method, target, body, headers: { ...signHeaders({ method, target, ...DEMO }), ...headers } });
}

// NCP's messages; errorCode 100 and 300 answers carry no `details` (NCP documents none): the
// simulator puts the reason in its own x-sim-details header instead.
const MESSAGES = { 100: "Bad Request Exception", 300: "Not Found Exception", 430: "Request Entity Too Large" };
function assertNcpError(res, status, errorCode) {
  assert.equal(res.status, status, res.body);
  assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  assert.equal(res.headers["access-control-allow-origin"], "*");
  const { error } = JSON.parse(res.body);
  assert.equal(error.errorCode, errorCode);
  assert.equal(error.message, MESSAGES[errorCode]);
  if (errorCode === "100" || errorCode === "300") {
    assert.deepEqual(Object.keys(error), ["errorCode", "message"]);
    assert.equal(typeof res.headers["x-sim-details"], "string");
  } else {
    assert.equal(typeof error.details, "string");
  }
}

async function stillServing() {
  const res = await call(sim, "getCloudPostgresqlBucketList", {});
  assert.equal(res.status, 200);
}

test("CORS preflight answers 204 with the allowed methods and headers", async () => {
  for (const path of [`${API}/exportBackupToObjectStorage`, `${API}/getCloudPostgresqlInstanceList?x=1`, "/vpostgresql/anything"]) {
    const res = await raw(sim, {
      method: "OPTIONS", target: path,
      headers: { origin: "http://example.test", "access-control-request-method": "GET", "access-control-request-headers": "x-ncp-apigw-timestamp" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.body, "");
    assert.equal(res.headers["access-control-allow-origin"], "*");
    assert.equal(res.headers["access-control-allow-methods"], "GET, POST, OPTIONS");
    assert.equal(res.headers["access-control-allow-headers"], "x-ncp-apigw-timestamp, x-ncp-iam-access-key, x-ncp-apigw-signature-v2, x-ncp-apigw-signature-v1, content-type");
    assert.equal(res.headers["access-control-max-age"], "600");
  }
  // Any other path is Object Storage's S3 API: its preflight allows what a SigV4 client sends.
  const s3 = await raw(sim, {
    method: "OPTIONS", target: "/pg-backups?list-type=2",
    headers: { origin: "http://example.test", "access-control-request-method": "GET", "access-control-request-headers": "authorization,x-amz-date,x-amz-content-sha256" },
  });
  assert.equal(s3.status, 204);
  assert.equal(s3.headers["access-control-allow-origin"], "*");
  assert.equal(s3.headers["access-control-allow-methods"], "GET, HEAD, OPTIONS");
  assert.equal(s3.headers["access-control-allow-headers"], "authorization,x-amz-date,x-amz-content-sha256");
  assert.match(s3.headers["access-control-expose-headers"], /etag/);
  const simPreflight = await raw(sim, { method: "OPTIONS", target: "/_sim/faults" });
  assert.equal(simPreflight.status, 204);
  assert.match(simPreflight.headers["access-control-allow-methods"], /DELETE/);
});

test("CORS allow-origin is on success, service error, gateway error and debug responses", async () => {
  const responses = [
    await call(sim, "getCloudPostgresqlBucketList", {}),
    await call(sim, "getCloudPostgresqlBackupDetailList", {}),
    await raw(sim, { target: `${API}/getCloudPostgresqlBucketList` }),
    await raw(sim, { target: "/vpostgresql/nope" }),
    await raw(sim, { target: "/_sim/health" }),
    await raw(sim, { target: "/nope" }), // an S3 request without a signature
  ];
  assert.deepEqual(responses.map((r) => r.status), [200, 400, 401, 404, 200, 403]);
  for (const r of responses) assert.equal(r.headers["access-control-allow-origin"], "*");
  // And a browser-style fetch reads it.
  const res = await fetch(`${sim.url}/_sim/health`, { headers: { origin: "http://example.test" } });
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

test("unknown paths and actions -> 404 / errorCode 300", async () => {
  for (const target of ["/vpostgresql/", "/vpostgresql/nope", `${API}/deleteCloudPostgresqlInstance`, `${API}/`, "/vpostgresql/v1/getCloudPostgresqlInstanceList", `${API}/getCloudPostgresqlInstanceList/extra`, `${API}/getCloud%50ostgresqlInstanceList`, `${API}/__proto__`, `${API}/constructor`]) {
    assertNcpError(await signedRaw({ target }), 404, "300");
  }
  await stillServing();
});

test("weird methods -> 405 with an NCP-shaped body", async () => {
  for (const method of ["PUT", "DELETE", "PATCH", "PROPFIND"]) {
    const target = `${API}/getCloudPostgresqlInstanceList`;
    const res = await signedRaw({ method, target });
    assertNcpError(res, 405, "100");
    assert.equal(res.headers.allow, "GET, POST, OPTIONS");
  }
  const head = await signedRaw({ method: "HEAD", target: `${API}/getCloudPostgresqlInstanceList` });
  assert.equal(head.status, 405);
  await stillServing();
});

test("bad percent-encoding in a signed query -> 400 / errorCode 100, then still serving", async () => {
  for (const target of [`${API}/getCloudPostgresqlInstanceList?responseFormatType=json&x=%zz`, `${API}/getCloudPostgresqlInstanceList?a=%C3%28`, `${API}/getCloudPostgresqlInstanceList?%=1`, `${API}/getCloudPostgresqlInstanceList?a=%E0%A4`]) {
    assertNcpError(await signedRaw({ target }), 400, "100");
  }
  await stillServing();
});

test("bad percent-encoding in a POST body -> 400 / errorCode 100", async () => {
  const target = `${API}/getCloudPostgresqlInstanceList`;
  assertNcpError(await signedRaw({ method: "POST", target, body: "responseFormatType=json&bad=%G1", headers: { "content-type": "application/x-www-form-urlencoded" } }), 400, "100");
  await stillServing();
});

test("odd but valid query shapes are accepted", async () => {
  const target = `${API}/getCloudPostgresqlBucketList?&&responseFormatType=json&&flag&=x&responseFormatType=xml`;
  const res = await signedRaw({ target });
  assert.equal(res.status, 200, res.body);
  assert.ok(JSON.parse(res.body).getCloudPostgresqlBucketListResponse); // first occurrence wins
});

test("'+' means space and %2B means '+', in a query and in a form body", async () => {
  const plusStyle = "manual+2026%2F11%2F18+%231+a%2Bb%26c%3Dd+100%25+%EB%B0%B1%EC%97%85+(!*')";
  const query = `responseFormatType=json&cloudPostgresqlInstanceNo=${INSTANCE_A}&bucketName=archive-kr&fileName=${plusStyle}`;
  const get = await signedRaw({ target: `${API}/exportBackupToObjectStorage?${query}` });
  assert.equal(get.status, 200, get.body);
  const post = await signedRaw({ method: "POST", target: `${API}/exportBackupToObjectStorage`, body: query, headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" } });
  assert.equal(post.status, 200, post.body);
  assert.deepEqual(sim.exports.slice(-2).map((e) => e.fileName), [FILE_SPECIAL, FILE_SPECIAL]);
});

test("POST: query parameters count too; a non-form body is ignored", async () => {
  const target = `${API}/exportBackupToObjectStorage?responseFormatType=json&cloudPostgresqlInstanceNo=${INSTANCE_A}`;
  const mixed = await signedRaw({ method: "POST", target, body: `fileName=${FILE_A1}&bucketName=pg-backups`, headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(mixed.status, 200, mixed.body);
  const jsonBody = await signedRaw({ method: "POST", target, body: JSON.stringify({ fileName: FILE_A1, bucketName: "pg-backups" }), headers: { "content-type": "application/json" } });
  assert.equal(jsonBody.status, 400);
  assert.equal(JSON.parse(jsonBody.body).responseError.returnCode, "5001001");
});

test("a body over 1 MiB -> 413 / errorCode 430, then still serving", async () => {
  const target = `${API}/getCloudPostgresqlInstanceList`;
  const body = "a=" + "x".repeat(2 * 1024 * 1024);
  assertNcpError(await signedRaw({ method: "POST", target, body, headers: { "content-type": "application/x-www-form-urlencoded" } }), 413, "430");
  // fetch too (it streams the body while we drain it)
  const res = await fetch(sim.url + target, { method: "POST", body, headers: { ...signHeaders({ method: "POST", target, ...DEMO }), "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.errorCode, "430");
  assert.ok(sim.requests.at(-1).bodyTruncated);
  await stillServing();
});

test("malformed HTTP gets an NCP-shaped 400 and the server keeps serving", async () => {
  const reply = await new Promise((resolve, reject) => {
    const socket = net.connect(sim.port, "127.0.0.1", () => socket.write("GARBAGE /\u0001 HTTP/9.9\r\nbad header\r\n\r\n"));
    let data = "";
    socket.on("data", (c) => { data += c; });
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
  assert.match(reply, /^HTTP\/1\.1 400 /);
  assert.match(reply, /"errorCode":"100"/);
  assert.match(reply, /access-control-allow-origin: \*/);
  await stillServing();
});

test("a client that disconnects mid-body does not hurt the server", async () => {
  await new Promise((resolve) => {
    const req = http.request(`${sim.url}${API}/getCloudPostgresqlInstanceList`, { method: "POST", headers: { "content-length": "100000" } });
    req.on("error", () => resolve());
    req.write("a=1&b=");
    setTimeout(() => { req.destroy(); resolve(); }, 50);
  });
  await stillServing();
});

test("an internal error gives 500 / errorCode 900 and the server keeps serving", async () => {
  const broken = await startSimulator({
    seed: {
      credentials: [DEMO],
      instances: [{ cloudPostgresqlInstanceNo: "1", cloudPostgresqlServiceName: "x", cloudPostgresqlInstanceStatusName: "running" }],
      backups: { 1: { files: 42 } }, // not a list: the export handler throws
      buckets: [{ bucketName: "b" }],
    },
  });
  try {
    const target = `${API}/exportBackupToObjectStorage?cloudPostgresqlInstanceNo=1&fileName=f&bucketName=b`;
    const res = await raw(broken, { target, headers: signHeaders({ method: "GET", target, ...DEMO }) });
    assert.equal(res.status, 500);
    assert.equal(JSON.parse(res.body).error.errorCode, "900");
    const t2 = `${API}/getCloudPostgresqlBucketList?responseFormatType=json`;
    const ok = await raw(broken, { target: t2, headers: signHeaders({ method: "GET", target: t2, ...DEMO }) });
    assert.equal(ok.status, 200);
  } finally {
    await broken.close();
  }
});

test("debug endpoints: requests view and clearing, unknown path, wrong method", async () => {
  await call(sim, "getCloudPostgresqlBucketList", {});
  let r = await getJson(sim, "/_sim/requests");
  assert.ok(r.json.requests.length >= 1);
  const last = r.json.requests.at(-1);
  assert.deepEqual(Object.keys(last).slice(0, 5), ["method", "target", "headers", "body", "receivedAt"]);
  assert.equal(last.headers["x-ncp-iam-access-key"], "demo-access-key");
  r = await getJson(sim, "/_sim/requests", { method: "DELETE" });
  assert.equal(r.status, 200);
  assert.equal(sim.requests.length, 0);
  assert.equal((await getJson(sim, "/_sim/requests")).json.requests.length, 0); // /_sim calls are not recorded
  assert.equal((await getJson(sim, "/_sim/nope")).status, 404);
  assert.equal((await getJson(sim, "/_sim/buckets", { method: "POST" })).status, 405);
});
