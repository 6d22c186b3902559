import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../sim/server.mjs";
import { call, callJson, getJson, xmlText, INSTANCE_A, FILE_A1 } from "./helpers.mjs";

let sim;
before(async () => { sim = await startSimulator(); });
after(() => sim.close());
beforeEach(() => sim.reset());

const LIST = "getCloudPostgresqlBucketList";
const EXPORT = "exportBackupToObjectStorage";
const exportParams = { cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups" };

function assertGatewayError(res, status, errorCode, message) {
  assert.equal(res.status, status);
  assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  assert.equal(res.headers["access-control-allow-origin"], "*");
  const { error } = JSON.parse(res.body);
  assert.equal(error.errorCode, errorCode);
  assert.equal(error.message, message);
  assert.equal(error.details, undefined); // NCP documents no details; a fault sends one only when given
}

async function ok(action = LIST) {
  const res = await call(sim, action, action === EXPORT ? exportParams : {});
  assert.equal(res.status, 200, res.body);
  return res;
}

test("gateway faults: throttle, quota, rate, unavailable, gateway-timeout, permission", async () => {
  const cases = [
    ["throttle", 429, "410", "Throttle Limited"],
    ["quota", 429, "400", "Quota Exceeded"],
    ["rate", 429, "420", "Rate Limited"],
    ["unavailable", 503, "500", "Endpoint Error"],
    ["gateway-timeout", 504, "510", "Endpoint Timeout"],
    ["permission", 401, "210", "Permission Denied"],
  ];
  for (const [type, status, code, message] of cases) {
    sim.inject({ type });
    assertGatewayError(await call(sim, LIST), status, code, message);
    await ok(); // one-shot by default
  }
});

test("a gateway fault sends details only when it passes one", async () => {
  sim.inject({ type: "unavailable", details: "backend pool drained" });
  const res = await call(sim, LIST);
  assert.equal(res.status, 503);
  assert.deepEqual(JSON.parse(res.body), { error: { errorCode: "500", message: "Endpoint Error", details: "backend pool drained" } });
});

test("times: N keeps a fault for N requests, then requests succeed", async () => {
  sim.inject({ type: "throttle", times: 3 });
  for (let i = 0; i < 3; i++) assert.equal((await call(sim, LIST)).status, 429);
  await ok();
});

test("faults with an action only hit that action; queue order is kept", async () => {
  sim.inject([{ type: "unavailable", action: EXPORT }, { type: "throttle" }]);
  assert.equal((await call(sim, LIST)).status, 429); // takes the action-less fault
  await ok(LIST);
  assert.equal((await call(sim, EXPORT, exportParams)).status, 503);
  await ok(EXPORT);
  assert.equal(sim.exports.length, 1); // the faulted export never reached the backend
});

test("faults apply before auth, and faulted requests are still recorded", async () => {
  sim.inject({ type: "throttle" });
  const res = await call(sim, LIST, {}, { keys: { accessKey: "nobody", secretKey: "x" } });
  assert.equal(res.status, 429);
  assert.equal(sim.requests.length, 1);
});

test("service-error fault answers in the requested format with default and given codes", async () => {
  sim.inject({ type: "service-error" });
  const json = await callJson(sim, LIST, {});
  assert.equal(json.status, 500);
  assert.equal(json.json.responseError.returnCode, "5001999");

  sim.inject({ type: "service-error", status: 400, returnCode: "5001017", returnMessage: "gone" });
  const xml = await call(sim, LIST, {}, { format: "xml" });
  assert.equal(xml.status, 400);
  assert.match(xml.headers["content-type"], /^application\/xml/);
  assert.equal(xmlText(xml.body, "returnCode"), "5001017");
  assert.equal(xmlText(xml.body, "returnMessage"), "gone");
});

test("status fault: arbitrary status, raw body and content type", async () => {
  sim.inject({ type: "status", status: 418, body: "I'm a teapot", contentType: "text/plain" });
  const res = await call(sim, LIST);
  assert.equal(res.status, 418);
  assert.equal(res.body, "I'm a teapot");
  assert.equal(res.headers["content-type"], "text/plain");
});

test("delay fault waits then answers normally; delayMs combines with other types", async () => {
  sim.inject({ type: "delay", delayMs: 150 });
  let t = Date.now();
  await ok();
  assert.ok(Date.now() - t >= 140);

  sim.inject({ type: "throttle", delayMs: 100 });
  t = Date.now();
  assert.equal((await call(sim, LIST)).status, 429);
  assert.ok(Date.now() - t >= 90);
});

test("reset fault destroys the connection without an answer", async () => {
  sim.inject({ type: "reset" });
  await assert.rejects(call(sim, LIST), (err) => /ECONNRESET|socket hang up/.test(`${err.code} ${err.message}`));
  await ok();
  // fetch sees it as a network error too
  sim.inject({ type: "reset" });
  await assert.rejects(fetch(`${sim.url}/vpostgresql/v2/${LIST}`), TypeError);
  await ok();
});

test("truncated fault: 200 JSON body cut in half (the backend did run)", async () => {
  sim.inject({ type: "truncated", action: EXPORT });
  const res = await call(sim, EXPORT, exportParams, { format: "xml" });
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  assert.ok(res.body.startsWith('{"exportBackupToObjectStorageResponse":{'));
  assert.throws(() => JSON.parse(res.body), SyntaxError);
  assert.equal(sim.exports.length, 1);
});

test("html fault: 502 with an HTML page", async () => {
  sim.inject({ type: "html" });
  const res = await call(sim, LIST);
  assert.equal(res.status, 502);
  assert.match(res.headers["content-type"], /^text\/html/);
  assert.match(res.body, /<html>[\s\S]*502 Bad Gateway/);
});

test("empty fault: given status (default 200) with an empty body", async () => {
  sim.inject([{ type: "empty" }, { type: "empty", status: 500 }]);
  const a = await call(sim, LIST);
  assert.equal(a.status, 200);
  assert.equal(a.body, "");
  assert.equal(a.headers["content-length"], "0");
  const b = await call(sim, LIST);
  assert.equal(b.status, 500);
  assert.equal(b.body, "");
});

test("huge fault: 200 with a very large useless JSON body (default 8 MiB)", async () => {
  sim.inject([{ type: "huge", size: 100_000 }, { type: "huge" }]);
  const small = await call(sim, LIST);
  assert.equal(small.status, 200);
  assert.equal(small.body.length, 100_000);
  assert.deepEqual(Object.keys(JSON.parse(small.body)), ["padding"]);
  const big = await fetch(`${sim.url}/vpostgresql/v2/${LIST}`);
  assert.equal(big.status, 200);
  assert.equal(big.headers.get("content-length"), String(8 * 1024 * 1024));
  assert.equal((await big.arrayBuffer()).byteLength, 8 * 1024 * 1024);
  await ok();
});

test("process: true runs the request before answering with the fault", async () => {
  sim.inject({ type: "gateway-timeout", action: EXPORT, process: true });
  assert.equal((await call(sim, EXPORT, exportParams)).status, 504);
  assert.equal(sim.exports.length, 1);
});

test("extra headers can be attached to a fault", async () => {
  sim.inject({ type: "throttle", headers: { "retry-after": "1" } });
  const res = await call(sim, LIST);
  assert.equal(res.status, 429);
  assert.equal(res.headers["retry-after"], "1");
});

test("faults over HTTP: POST /_sim/faults (object or array), GET and DELETE", async () => {
  let r = await getJson(sim, "/_sim/faults", { method: "POST", body: JSON.stringify({ type: "throttle", times: 2 }) });
  assert.equal(r.status, 201);
  r = await getJson(sim, "/_sim/faults", { method: "POST", body: JSON.stringify([{ type: "unavailable" }, { type: "html", action: LIST }]) });
  assert.equal(r.json.queued, 3);
  assert.equal((await getJson(sim, "/_sim/faults")).json.faults.length, 3);
  assert.equal((await call(sim, LIST)).status, 429);
  r = await getJson(sim, "/_sim/faults", { method: "DELETE" });
  assert.equal(r.status, 200);
  assert.equal(sim.faults.length, 0);
  await ok();
});

test("invalid faults are refused (400 over HTTP, TypeError in-process) and nothing is queued", async () => {
  for (const body of ["not json", JSON.stringify({ type: "nope" }), JSON.stringify([{ type: "throttle" }, { type: "x" }]), JSON.stringify({ type: "throttle", times: 0 })]) {
    const r = await getJson(sim, "/_sim/faults", { method: "POST", body });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.errorCode, "100");
  }
  assert.equal(sim.faults.length, 0);
  assert.throws(() => sim.inject({ type: "bogus" }), TypeError);
  assert.throws(() => sim.inject({ type: "throttle", delayMs: -1 }), TypeError);
});

test("clearFaults() empties the queue", async () => {
  sim.inject([{ type: "throttle" }, { type: "reset" }]);
  sim.clearFaults();
  assert.equal(sim.faults.length, 0);
  await ok();
});

test("debug endpoints are never faulted", async () => {
  sim.inject({ type: "reset" });
  assert.deepEqual((await getJson(sim, "/_sim/health")).json, { ok: true });
  assert.equal(sim.faults.length, 1);
});
