import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../sim/server.mjs";
import { DEMO, TEST, call, raw, signHeaders, queryString } from "./helpers.mjs";

const NOW = Date.UTC(2026, 10, 20, 3, 0, 0);
let sim;
before(async () => { sim = await startSimulator({ now: () => NOW }); });
after(() => sim.close());

const LIST = "/vpostgresql/v2/getCloudPostgresqlInstanceList";

function assertAuthFailed(res, detailsPattern) {
  assert.equal(res.status, 401);
  assert.match(res.headers["content-type"], /^application\/json;charset=UTF-8$/);
  const { error } = JSON.parse(res.body);
  assert.equal(error.errorCode, "200");
  assert.equal(error.message, "Authentication Failed");
  if (detailsPattern) assert.match(error.details, detailsPattern);
  assert.doesNotMatch(res.body, /demo-secret-key|test-secret-key/);
}

test("accepts a correctly signed GET", async () => {
  const res = await call(sim, "getCloudPostgresqlInstanceList", {}, { timestamp: NOW });
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).getCloudPostgresqlInstanceListResponse.returnCode, "0");
});

test("accepts a correctly signed POST (form body is not signed)", async () => {
  const res = await call(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: "2345678" }, { method: "POST", timestamp: NOW });
  assert.equal(res.status, 200, res.body);
  assert.equal(JSON.parse(res.body).getCloudPostgresqlBackupDetailListResponse.totalRows, 1);
});

test("accepts the second credential pair", async () => {
  const res = await call(sim, "getCloudPostgresqlBucketList", {}, { keys: TEST, timestamp: NOW });
  assert.equal(res.status, 200);
});

test("rejects each missing header", async () => {
  const good = signHeaders({ method: "GET", target: LIST, ...DEMO, timestamp: NOW });
  for (const name of Object.keys(good)) {
    const headers = { ...good };
    delete headers[name];
    assertAuthFailed(await raw(sim, { target: LIST, headers }), new RegExp(name));
  }
  assertAuthFailed(await raw(sim, { target: LIST }), /Missing required header/);
});

test("rejects an unknown access key", async () => {
  const headers = signHeaders({ method: "GET", target: LIST, accessKey: "nobody", secretKey: "demo-secret-key", timestamp: NOW });
  assertAuthFailed(await raw(sim, { target: LIST, headers }), /Unknown access key/);
});

test("rejects a wrong signature (wrong secret, wrong method)", async () => {
  const wrongSecret = signHeaders({ method: "GET", target: LIST, accessKey: DEMO.accessKey, secretKey: "not-the-secret", timestamp: NOW });
  assertAuthFailed(await raw(sim, { target: LIST, headers: wrongSecret }), /Signature mismatch/);
  const signedForPost = signHeaders({ method: "POST", target: LIST, ...DEMO, timestamp: NOW });
  assertAuthFailed(await raw(sim, { target: LIST, headers: signedForPost }), /Signature mismatch/);
  const garbage = { ...signedForPost, "x-ncp-apigw-signature-v2": "%%%not base64" };
  assertAuthFailed(await raw(sim, { target: LIST, headers: garbage }));
});

test("rejects a tampered query (sign one query, send another)", async () => {
  const signed = `${LIST}?responseFormatType=json&pageNo=1&pageSize=1`;
  const sent = `${LIST}?responseFormatType=json&pageNo=1&pageSize=2`;
  const headers = signHeaders({ method: "GET", target: signed, ...DEMO, timestamp: NOW });
  assert.equal((await raw(sim, { target: signed, headers })).status, 200);
  assertAuthFailed(await raw(sim, { target: sent, headers }), /Signature mismatch/);
  // Same decoded params, different encoding on the wire: also a different signature.
  const reencoded = `${LIST}?responseFormatType=%6Ason&pageNo=1&pageSize=1`;
  assertAuthFailed(await raw(sim, { target: reencoded, headers }), /Signature mismatch/);
});

test("timestamp: 6 minutes off either way is rejected, 4 minutes accepted", async () => {
  for (const offset of [6 * 60_000, -6 * 60_000]) {
    const headers = signHeaders({ method: "GET", target: LIST, ...DEMO, timestamp: NOW + offset });
    assertAuthFailed(await raw(sim, { target: LIST, headers }), /5 minutes/);
  }
  for (const offset of [4 * 60_000, -4 * 60_000, 300_000]) {
    const headers = signHeaders({ method: "GET", target: LIST, ...DEMO, timestamp: NOW + offset });
    assert.equal((await raw(sim, { target: LIST, headers })).status, 200);
  }
});

test("timestamp must be a decimal integer", async () => {
  for (const ts of ["abc", "1.5e12", " 123", "-1", `${NOW}.0`, "0x10"]) {
    const headers = { ...signHeaders({ method: "GET", target: LIST, ...DEMO, timestamp: NOW }), "x-ncp-apigw-timestamp": ts };
    assertAuthFailed(await raw(sim, { target: LIST, headers }));
  }
});

test("a signed query with special characters verifies and round-trips", async () => {
  const weird = "sp ace+plus&amp=eq/slash#hash%pct 한글 é !'()*~";
  const target = `${LIST}?${queryString({ responseFormatType: "json", cloudPostgresqlServiceName: weird })}`;
  assert.match(target, /%20/);
  assert.match(target, /%2B/);
  const res = await raw(sim, { target, headers: signHeaders({ method: "GET", target, ...DEMO, timestamp: NOW }) });
  assert.equal(res.status, 200, res.body);
  // No instance has that service name: the filter received the decoded value and matched nothing.
  assert.equal(JSON.parse(res.body).getCloudPostgresqlInstanceListResponse.totalRows, 0);
});

test("auth failures are recorded as requests too", async () => {
  sim.requests.length = 0;
  await raw(sim, { target: LIST, headers: { "x-custom": "1" } });
  assert.equal(sim.requests.length, 1);
  assert.equal(sim.requests[0].method, "GET");
  assert.equal(sim.requests[0].target, LIST);
  assert.equal(sim.requests[0].headers["x-custom"], "1");
  assert.equal(typeof sim.requests[0].receivedAt, "string");
});
