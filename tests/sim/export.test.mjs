import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../sim/server.mjs";
import {
  call, callJson, getJson, xmlText,
  INSTANCE_A, INSTANCE_B, INSTANCE_C, INSTANCE_DELETED, FILE_A1, FILE_B, FILE_SPECIAL, FILE_DELETED,
} from "./helpers.mjs";

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
let sim;
before(async () => { sim = await startSimulator({ now: () => NOW }); });
after(() => sim.close());
beforeEach(() => sim.reset());

const exportParams = (over = {}) => ({ cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups", ...over });

test("export records an event visible via /_sim/buckets and /_sim/exports", async () => {
  const res = await callJson(sim, "exportBackupToObjectStorage", exportParams({ regionCode: "KR" }), { timestamp: NOW });
  assert.equal(res.status, 200);
  const { json } = await getJson(sim, "/_sim/buckets");
  assert.deepEqual(Object.keys(json.buckets), ["pg-backups", "archive-kr", "empty-bucket"]);
  assert.deepEqual(json.buckets["archive-kr"], []);
  assert.deepEqual(json.buckets["empty-bucket"], []);
  assert.equal(json.buckets["pg-backups"].length, 1);
  const ev = json.buckets["pg-backups"][0];
  assert.equal(ev.bucketName, "pg-backups");
  assert.equal(ev.fileName, FILE_A1);
  assert.equal(ev.cloudPostgresqlInstanceNo, INSTANCE_A);
  assert.equal(ev.regionCode, "KR");
  assert.equal(ev.requestId, res.json.exportBackupToObjectStorageResponse.requestId);
  assert.equal(ev.at, new Date(NOW).toISOString());
  assert.equal(typeof ev.id, "string");

  const exportsView = await getJson(sim, "/_sim/exports");
  assert.deepEqual(exportsView.json.exports, [ev]);
  assert.deepEqual(sim.exports, [ev]);
});

test("exporting the same file twice gives two separate events", async () => {
  await callJson(sim, "exportBackupToObjectStorage", exportParams(), { timestamp: NOW });
  await call(sim, "exportBackupToObjectStorage", exportParams(), { timestamp: NOW, format: "xml", method: "POST" });
  const { json } = await getJson(sim, "/_sim/buckets");
  const events = json.buckets["pg-backups"];
  assert.equal(events.length, 2);
  assert.notEqual(events[0].id, events[1].id);
  assert.notEqual(events[0].requestId, events[1].requestId);
  assert.equal(events[0].regionCode, null); // regionCode omitted by the caller
});

test("export of the single file of instance B, and of a file name with special characters", async () => {
  assert.equal((await callJson(sim, "exportBackupToObjectStorage", exportParams({ cloudPostgresqlInstanceNo: INSTANCE_B, fileName: FILE_B, bucketName: "archive-kr" }), { timestamp: NOW })).status, 200);
  for (const method of ["GET", "POST"]) {
    const res = await callJson(sim, "exportBackupToObjectStorage", exportParams({ fileName: FILE_SPECIAL, bucketName: "empty-bucket" }), { timestamp: NOW, method });
    assert.equal(res.status, 200, res.body);
  }
  const events = sim.exports;
  assert.deepEqual(events.map((e) => e.fileName), [FILE_B, FILE_SPECIAL, FILE_SPECIAL]);
  // On the wire the name was percent-encoded (space as %20, '+' as %2B).
  assert.match(sim.requests.find((r) => r.method === "GET" && r.target.includes("empty-bucket")).target, /manual%202026%2F11%2F18%20%231%20a%2Bb%26c%3Dd%20100%25%20/);
});

async function expectServiceError(params, code, messagePattern) {
  const json = await callJson(sim, "exportBackupToObjectStorage", params, { timestamp: NOW });
  assert.equal(json.status, 400, json.body);
  assert.equal(json.headers["content-type"], "application/json;charset=UTF-8");
  assert.deepEqual(Object.keys(json.json), ["responseError"]);
  assert.equal(json.json.responseError.returnCode, code);
  assert.match(json.json.responseError.returnMessage, messagePattern);

  const xml = await call(sim, "exportBackupToObjectStorage", params, { timestamp: NOW, format: "xml" });
  assert.equal(xml.status, 400);
  assert.match(xml.headers["content-type"], /^application\/xml/);
  assert.match(xml.body, /^<\?xml version="1.0" encoding="UTF-8"\?><responseError><returnCode>\d+<\/returnCode><returnMessage>[^<]*<\/returnMessage><\/responseError>$/);
  assert.equal(xmlText(xml.body, "returnCode"), code);
}

test("unknown or deleted instance -> 5001017 in JSON and XML", async () => {
  await expectServiceError(exportParams({ cloudPostgresqlInstanceNo: "9999999" }), "5001017", /does not exist/);
  await expectServiceError(exportParams({ cloudPostgresqlInstanceNo: INSTANCE_DELETED, fileName: FILE_DELETED }), "5001017", /does not exist/);
  // The same for the detail list of a deleted instance.
  const detail = await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_DELETED }, { timestamp: NOW });
  assert.equal(detail.status, 400);
  assert.equal(detail.json.responseError.returnCode, "5001017");
  assert.equal(sim.exports.length, 0);
});

test("missing required parameters -> 5001001, naming them", async () => {
  await expectServiceError({}, "5001001", /fileName, bucketName, cloudPostgresqlInstanceNo/);
  await expectServiceError(exportParams({ fileName: "" }), "5001001", /fileName/);
  await expectServiceError({ fileName: FILE_A1, bucketName: "pg-backups" }, "5001001", /cloudPostgresqlInstanceNo/);
  const detail = await callJson(sim, "getCloudPostgresqlBackupDetailList", {}, { timestamp: NOW });
  assert.equal(detail.status, 400);
  assert.equal(detail.json.responseError.returnCode, "5001001");
});

test("unknown backup file for that instance -> 5001101", async () => {
  await expectServiceError(exportParams({ fileName: "no-such-file" }), "5001101", /Backup file does not exist/);
  // A file of another instance is unknown for this one; instance C has none at all.
  await expectServiceError(exportParams({ fileName: FILE_B }), "5001101", /Backup file/);
  await expectServiceError(exportParams({ cloudPostgresqlInstanceNo: INSTANCE_C }), "5001101", /Backup file/);
});

test("unknown bucket -> 5001102", async () => {
  await expectServiceError(exportParams({ bucketName: "no-such-bucket" }), "5001102", /bucket does not exist/);
  await expectServiceError(exportParams({ bucketName: "PG-BACKUPS" }), "5001102", /bucket/);
});

test("regionCode: KR and absent accepted, unknown region -> 5001003", async () => {
  await expectServiceError(exportParams({ regionCode: "JP" }), "5001003", /regionCode/);
  const list = await callJson(sim, "getCloudPostgresqlBucketList", { regionCode: "XX" }, { timestamp: NOW });
  assert.equal(list.status, 400);
  assert.equal(list.json.responseError.returnCode, "5001003");
  assert.equal(sim.exports.length, 0);
});

test("service error messages are XML-escaped", async () => {
  const xml = await call(sim, "exportBackupToObjectStorage", exportParams({ bucketName: "<b>&'\"" }), { timestamp: NOW, format: "xml" });
  assert.equal(xml.status, 400);
  assert.match(xml.body, /&lt;b&gt;&amp;&apos;&quot;/);
  assert.equal(xmlText(xml.body, "returnMessage"), "Object Storage bucket does not exist: <b>&'\"");
});

test("reset() restores the seed and clears exports, requests and faults", async () => {
  await callJson(sim, "exportBackupToObjectStorage", exportParams(), { timestamp: NOW });
  sim.inject({ type: "throttle", times: 3 });
  assert.ok(sim.exports.length && sim.requests.length && sim.faults.length);
  const exportsRef = sim.exports;
  const res = await fetch(`${sim.url}/_sim/reset`, { method: "POST" });
  assert.equal(res.status, 200);
  assert.equal(sim.exports.length, 0);
  assert.equal(sim.requests.length, 0);
  assert.equal(sim.faults.length, 0);
  assert.equal(exportsRef, sim.exports); // same live array
});
