import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../sim/server.mjs";
import {
  call, callJson, raw, signHeaders, DEMO, xmlAll, xmlText,
  INSTANCE_A, INSTANCE_B, INSTANCE_C, INSTANCE_DELETED, INSTANCE_R, FILE_A1, FILE_B, FILE_SPECIAL,
} from "./helpers.mjs";

let sim;
before(async () => { sim = await startSimulator(); });
after(() => sim.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertXmlEnvelope(res, root) {
  assert.equal(res.status, 200, res.body);
  assert.match(res.headers["content-type"], /^application\/xml/);
  assert.ok(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  assert.match(res.body, new RegExp(`<${root}>[\\s\\S]*</${root}>$`));
  assert.match(xmlText(res.body, "requestId"), UUID);
  assert.equal(xmlText(res.body, "returnCode"), "0");
  assert.equal(xmlText(res.body, "returnMessage"), "success");
}

test("getCloudPostgresqlInstanceList JSON", async () => {
  const { status, headers, json } = await callJson(sim, "getCloudPostgresqlInstanceList", {});
  assert.equal(status, 200);
  assert.equal(headers["content-type"], "application/json;charset=UTF-8");
  const r = json.getCloudPostgresqlInstanceListResponse;
  assert.match(r.requestId, UUID);
  assert.equal(r.returnCode, "0");
  assert.equal(r.returnMessage, "success");
  assert.equal(r.totalRows, 4); // the deleted instance is not listed
  assert.deepEqual(r.cloudPostgresqlInstanceList.map((i) => i.cloudPostgresqlInstanceNo), [INSTANCE_A, INSTANCE_B, INSTANCE_C, INSTANCE_R]);
  const a = r.cloudPostgresqlInstanceList[0];
  assert.equal(a.cloudPostgresqlServiceName, "pg-prod");
  assert.equal(a.cloudPostgresqlInstanceStatusName, "running");
  assert.deepEqual(a.cloudPostgresqlInstanceStatus, { code: "CREAT", codeName: "CLOUD DATABASE(VPC) Created State" });
  assert.equal(a.cloudPostgresqlServerInstanceList.length, 2);
  const server = a.cloudPostgresqlServerInstanceList[0];
  assert.equal(typeof server.dataStorageSize, "number");
  assert.equal(typeof server.cpuCount, "number");
  assert.equal(typeof server.memorySize, "number");
  assert.equal(typeof server.usedDataStorageSize, "string"); // numbers may arrive as strings
});

test("getCloudPostgresqlInstanceList XML", async () => {
  const res = await call(sim, "getCloudPostgresqlInstanceList", {}, { format: "xml" });
  assertXmlEnvelope(res, "getCloudPostgresqlInstanceListResponse");
  assert.equal(xmlText(res.body, "totalRows"), "4");
  const list = xmlAll(res.body, "cloudPostgresqlInstanceList");
  assert.equal(list.length, 1);
  const items = xmlAll(list[0], "cloudPostgresqlInstance");
  assert.equal(items.length, 4);
  assert.equal(xmlText(items[0], "cloudPostgresqlInstanceNo"), INSTANCE_A);
  assert.equal(xmlAll(items[0], "cloudPostgresqlServerInstance").length, 2);
  assert.equal(xmlText(items[0], "code"), "CREAT");
  assert.equal(xmlText(items[0], "accessControlGroupNo"), "104321");
  assert.match(items[2], /<accessControlGroupNoList><\/accessControlGroupNoList>/);
});

test("XML is the default when responseFormatType is absent or unknown", async () => {
  for (const format of [undefined, "yaml"]) {
    const res = await call(sim, "getCloudPostgresqlBucketList", format ? { responseFormatType: format } : {}, { format: null });
    assertXmlEnvelope(res, "getCloudPostgresqlBucketListResponse");
  }
});

test("instance list filters by cloudPostgresqlInstanceNoList.N and service name", async () => {
  const { json } = await callJson(sim, "getCloudPostgresqlInstanceList", {
    "cloudPostgresqlInstanceNoList.1": INSTANCE_C, "cloudPostgresqlInstanceNoList.2": INSTANCE_DELETED,
  });
  assert.deepEqual(json.getCloudPostgresqlInstanceListResponse.cloudPostgresqlInstanceList.map((i) => i.cloudPostgresqlInstanceNo), [INSTANCE_C]);
  const byName = await callJson(sim, "getCloudPostgresqlInstanceList", { cloudPostgresqlServiceName: "pg-staging" });
  assert.equal(byName.json.getCloudPostgresqlInstanceListResponse.totalRows, 1);
});

test("getCloudPostgresqlBackupList JSON and XML", async () => {
  const { json } = await callJson(sim, "getCloudPostgresqlBackupList", {});
  const r = json.getCloudPostgresqlBackupListResponse;
  assert.equal(r.totalRows, 3);
  const [a, b, c] = r.cloudPostgresqlBackupList;
  assert.equal(c.cloudPostgresqlInstanceNo, INSTANCE_R);
  assert.equal(c.backupType, "USER");
  assert.equal(a.cloudPostgresqlInstanceNo, INSTANCE_A);
  assert.equal(a.cloudPostgresqlServiceName, "pg-prod");
  assert.equal(typeof a.backupSize, "string");
  assert.equal(a.backupSize, String(1283457024 + 1279262720 + 1275068416));
  assert.equal(a.lastBackupDate, "2026-11-20T03:04:41+0900");
  assert.equal(b.cloudPostgresqlInstanceNo, INSTANCE_B);

  const res = await call(sim, "getCloudPostgresqlBackupList", {}, { format: "xml" });
  assertXmlEnvelope(res, "getCloudPostgresqlBackupListResponse");
  const items = xmlAll(xmlAll(res.body, "cloudPostgresqlBackupList")[0], "cloudPostgresqlBackup");
  assert.equal(items.length, 3);
  assert.equal(xmlText(items[1], "backupSize"), "268435456");
});

test("getCloudPostgresqlBackupDetailList JSON: three files, sizes as strings and numbers", async () => {
  const { json } = await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A });
  const r = json.getCloudPostgresqlBackupDetailListResponse;
  assert.equal(r.totalRows, 3);
  assert.deepEqual(r.cloudPostgresqlBackupDetailList.map((f) => f.fileName), [FILE_A1, "20261119_030004", FILE_SPECIAL]);
  const f = r.cloudPostgresqlBackupDetailList[0];
  assert.deepEqual(Object.keys(f), ["fileName", "startTime", "endTime", "backupSize", "dataStorageSize", "archivedWalFileSize"]);
  assert.equal(f.startTime, "2026-11-20T03:00:05+0900");
  assert.equal(f.backupSize, "1283457024");
  assert.equal(f.dataStorageSize, 5368709120);
  assert.equal(f.archivedWalFileSize, "83886080");
});

test("getCloudPostgresqlBackupDetailList XML: one item, zero items, escaped text", async () => {
  const one = await call(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_B }, { format: "xml" });
  assertXmlEnvelope(one, "getCloudPostgresqlBackupDetailListResponse");
  assert.equal(xmlText(one.body, "totalRows"), "1");
  const items = xmlAll(xmlAll(one.body, "cloudPostgresqlBackupDetailList")[0], "cloudPostgresqlBackupDetail");
  assert.equal(items.length, 1);
  assert.equal(xmlText(items[0], "fileName"), FILE_B);
  assert.equal(xmlText(items[0], "backupSize"), "268435456");

  const zero = await call(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_C }, { format: "xml" });
  assertXmlEnvelope(zero, "getCloudPostgresqlBackupDetailListResponse");
  assert.equal(xmlText(zero.body, "totalRows"), "0");
  assert.match(zero.body, /<cloudPostgresqlBackupDetailList><\/cloudPostgresqlBackupDetailList>/);

  const zeroJson = await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_C });
  assert.deepEqual(zeroJson.json.getCloudPostgresqlBackupDetailListResponse.cloudPostgresqlBackupDetailList, []);

  const special = await call(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A }, { format: "xml" });
  assert.match(special.body, /a\+b&amp;c=d 100% 백업 \(!\*&apos;\)/);
  assert.ok(xmlAll(special.body, "fileName").map((s) => xmlText(`<x>${s}</x>`, "x")).includes(FILE_SPECIAL));
});

test("getCloudPostgresqlBucketList JSON and XML", async () => {
  const { json } = await callJson(sim, "getCloudPostgresqlBucketList", {});
  const r = json.getCloudPostgresqlBucketListResponse;
  assert.equal(r.totalRows, 3);
  assert.deepEqual(r.cloudPostgresqlBucketList, [{ bucketName: "pg-backups" }, { bucketName: "archive-kr" }, { bucketName: "empty-bucket" }]);
  const res = await call(sim, "getCloudPostgresqlBucketList", {}, { format: "xml" });
  assertXmlEnvelope(res, "getCloudPostgresqlBucketListResponse");
  assert.deepEqual(xmlAll(res.body, "bucketName"), ["pg-backups", "archive-kr", "empty-bucket"]);
  assert.equal(xmlAll(res.body, "cloudPostgresqlBucket").length, 3);
});

test("exportBackupToObjectStorage JSON and XML success bodies are exactly NCP's", async () => {
  const { status, json } = await callJson(sim, "exportBackupToObjectStorage", {
    regionCode: "KR", cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups",
  });
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(json), ["exportBackupToObjectStorageResponse"]);
  const r = json.exportBackupToObjectStorageResponse;
  assert.deepEqual(Object.keys(r), ["requestId", "returnCode", "returnMessage"]);
  assert.match(r.requestId, UUID);
  assert.equal(r.returnCode, "0");
  assert.equal(r.returnMessage, "success");

  const res = await call(sim, "exportBackupToObjectStorage", {
    cloudPostgresqlInstanceNo: INSTANCE_B, fileName: FILE_B, bucketName: "archive-kr",
  }, { format: "xml" });
  // No <?xml ...?> declaration: NCP's exportBackupToObjectStorage page shows the answer without one.
  assert.equal(res.status, 200, res.body);
  assert.match(res.headers["content-type"], /^application\/xml/);
  assert.match(res.body, /^<exportBackupToObjectStorageResponse><requestId>[0-9a-f-]{36}<\/requestId><returnCode>0<\/returnCode><returnMessage>success<\/returnMessage><\/exportBackupToObjectStorageResponse>$/);
});

test("paging: pageNo/pageSize slice, totalRows stays the full count", async () => {
  const page = async (pageNo, pageSize) => {
    const params = {};
    if (pageNo !== undefined) params.pageNo = String(pageNo);
    if (pageSize !== undefined) params.pageSize = String(pageSize);
    const { status, json } = await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A, ...params });
    assert.equal(status, 200);
    const r = json.getCloudPostgresqlBackupDetailListResponse;
    assert.equal(r.totalRows, 3);
    return r.cloudPostgresqlBackupDetailList.map((f) => f.fileName);
  };
  assert.deepEqual(await page(0, 2), [FILE_A1, "20261119_030004"]);
  assert.deepEqual(await page(1, 2), [FILE_A1, "20261119_030004"]);
  assert.deepEqual(await page(2, 2), [FILE_SPECIAL]);
  assert.deepEqual(await page(3, 2), []);
  assert.deepEqual(await page(undefined, 1), [FILE_A1]);
  assert.deepEqual(await page(2, 1000), []);

  const instances = await callJson(sim, "getCloudPostgresqlInstanceList", { pageNo: "2", pageSize: "3" });
  assert.equal(instances.json.getCloudPostgresqlInstanceListResponse.totalRows, 4);
  assert.equal(instances.json.getCloudPostgresqlInstanceListResponse.cloudPostgresqlInstanceList.length, 1);
  // The bucket list has no paging (NCP documents none): pageNo/pageSize are ignored there.
  const buckets = await callJson(sim, "getCloudPostgresqlBucketList", { pageNo: "1", pageSize: "2" });
  assert.equal(buckets.json.getCloudPostgresqlBucketListResponse.cloudPostgresqlBucketList.length, 3);
  const backups = await callJson(sim, "getCloudPostgresqlBackupList", { pageNo: "2", pageSize: "1" });
  assert.equal(backups.json.getCloudPostgresqlBackupListResponse.cloudPostgresqlBackupList[0].cloudPostgresqlInstanceNo, INSTANCE_B);
});

test("paging: invalid values are service errors (400)", async () => {
  const bad = [
    { pageNo: "1" }, // pageSize required with pageNo
    { pageNo: "1", pageSize: "0" },
    { pageNo: "1", pageSize: "1001" },
    { pageNo: "-1", pageSize: "10" },
    { pageNo: "x", pageSize: "10" },
    { pageNo: "1", pageSize: "1.5" },
  ];
  for (const params of bad) {
    const { status, json } = await callJson(sim, "getCloudPostgresqlInstanceList", params);
    assert.equal(status, 400, JSON.stringify(params));
    assert.match(json.responseError.returnCode, /^500100[12]$/);
    assert.equal(typeof json.responseError.returnMessage, "string");
  }
});

test("the same actions work via POST with a form body", async () => {
  const res = await call(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A, pageNo: "1", pageSize: "1" }, { method: "POST" });
  assert.equal(res.status, 200, res.body);
  const r = JSON.parse(res.body).getCloudPostgresqlBackupDetailListResponse;
  assert.equal(r.totalRows, 3);
  assert.equal(r.cloudPostgresqlBackupDetailList.length, 1);
});

test("a POST body is read only when it is declared a form, as a real backend reads it", async () => {
  const path = "/vpostgresql/v2/getCloudPostgresqlBackupDetailList";
  const body = `cloudPostgresqlInstanceNo=${INSTANCE_A}&responseFormatType=json`;
  for (const type of [undefined, "text/plain;charset=UTF-8"]) {
    const headers = signHeaders({ method: "POST", target: path, ...DEMO });
    if (type) headers["content-type"] = type;
    const res = await raw(sim, { method: "POST", target: path, headers, body });
    // Without its parameters the action misses the required instance number (and answers in XML).
    assert.equal(res.status, 400, `${type}: ${res.body}`);
    assert.match(res.body, /cloudPostgresqlInstanceNo/);
  }
});
