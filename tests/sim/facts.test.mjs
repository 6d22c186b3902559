// NCP's documented facts the simulator follows (sim/README.md, "Sources": rows 1-13).

import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { startSimulator, ERROR_CODES } from "../../sim/server.mjs";
import {
  DEMO, call, callJson, raw, signHeaders, xmlAll, xmlText,
  INSTANCE_A, INSTANCE_B, INSTANCE_C, INSTANCE_DELETED, INSTANCE_R, FILE_A1, FILE_R_OLD, FILE_R_NEW,
} from "./helpers.mjs";

const README = readFileSync(new URL("../../sim/README.md", import.meta.url), "utf8");
let sim;
before(async () => { sim = await startSimulator(); });
after(() => sim.close());
beforeEach(() => sim.reset());

const buckets = async (params, opts) => {
  const { status, json } = await callJson(sim, "getCloudPostgresqlBucketList", params, opts);
  return { status, json, names: json.getCloudPostgresqlBucketListResponse?.cloudPostgresqlBucketList.map((b) => b.bucketName) };
};

test("row 1: getCloudPostgresqlBucketList has no paging: pageNo/pageSize ignored, every bucket, totalRows = count", async () => {
  for (const paging of [{}, { pageNo: "2", pageSize: "1" }, { pageNo: "1", pageSize: "2" }, { pageNo: "x", pageSize: "0" }, { pageNo: "1" }]) {
    const { status, json, names } = await buckets(paging);
    assert.equal(status, 200, JSON.stringify(paging));
    assert.deepEqual(names, ["pg-backups", "archive-kr", "empty-bucket"]);
    assert.equal(json.getCloudPostgresqlBucketListResponse.totalRows, 3);
  }
  // The other lists still page.
  const files = await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A, pageNo: "2", pageSize: "1" });
  assert.equal(files.json.getCloudPostgresqlBackupDetailListResponse.cloudPostgresqlBackupDetailList.length, 1);
});

test("row 2: cloudPostgresqlServerInstanceNo lists the buckets that server can reach; unknown -> 5001103", async () => {
  assert.deepEqual((await buckets({ cloudPostgresqlServerInstanceNo: "1234568" })).names, ["pg-backups", "archive-kr", "empty-bucket"]);
  assert.deepEqual((await buckets({ cloudPostgresqlServerInstanceNo: "2345679" })).names, ["pg-backups", "archive-kr", "empty-bucket"]);
  const dev = await buckets({ cloudPostgresqlServerInstanceNo: "3456790" });
  assert.deepEqual(dev.names, ["pg-backups", "empty-bucket"]);
  assert.equal(dev.json.getCloudPostgresqlBucketListResponse.totalRows, 2);
  assert.deepEqual((await buckets({ cloudPostgresqlServerInstanceNo: "5678902" })).names, ["pg-backups", "empty-bucket"]);
  const xml = await call(sim, "getCloudPostgresqlBucketList", { cloudPostgresqlServerInstanceNo: "3456790" }, { format: "xml" });
  assert.deepEqual(xmlAll(xml.body, "bucketName"), ["pg-backups", "empty-bucket"]);
  // Unknown server numbers, including an instance number given where a server number goes.
  for (const no of ["9999999", INSTANCE_A, INSTANCE_DELETED]) {
    const { status, json } = await callJson(sim, "getCloudPostgresqlBucketList", { cloudPostgresqlServerInstanceNo: no });
    assert.equal(status, 400, no);
    assert.equal(json.responseError.returnCode, "5001103");
    assert.match(json.responseError.returnMessage, /server instance does not exist/);
  }
  assert.equal(ERROR_CODES.serverInstanceNotFound, "5001103");
});

test("row 3: x-ncp-apigw-signature-v1 (NCP's Go/JS/Python SDKs) is accepted; v2 is checked when both are sent", async () => {
  const target = "/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json";
  const v2 = signHeaders({ method: "GET", target, ...DEMO });
  const v1only = { ...v2, "x-ncp-apigw-signature-v1": v2["x-ncp-apigw-signature-v2"] };
  delete v1only["x-ncp-apigw-signature-v2"];
  assert.equal((await raw(sim, { target, headers: v1only })).status, 200);
  // The same recipe: HMAC-SHA256 over "GET <target>\n<timestamp>\n<access key>".
  const ts = v2["x-ncp-apigw-timestamp"];
  assert.equal(v1only["x-ncp-apigw-signature-v1"], createHmac("sha256", DEMO.secretKey).update(`GET ${target}\n${ts}\n${DEMO.accessKey}`).digest("base64"));
  const badV1 = await raw(sim, { target, headers: { ...v1only, "x-ncp-apigw-signature-v1": "AAAA" } });
  assert.equal(badV1.status, 401);
  assert.match(JSON.parse(badV1.body).error.details, /x-ncp-apigw-signature-v1/);
  assert.equal((await raw(sim, { target, headers: { ...v2, "x-ncp-apigw-signature-v1": "garbage" } })).status, 200);
  const v2Wrong = await raw(sim, { target, headers: { ...v2, "x-ncp-apigw-signature-v2": "garbage", "x-ncp-apigw-signature-v1": v2["x-ncp-apigw-signature-v2"] } });
  assert.equal(v2Wrong.status, 401);
  assert.match(JSON.parse(v2Wrong.body).error.details, /x-ncp-apigw-signature-v2/);
  const none = { ...v2 };
  delete none["x-ncp-apigw-signature-v2"];
  assert.match(JSON.parse((await raw(sim, { target, headers: none })).body).error.details, /signature-v2 \(or x-ncp-apigw-signature-v1\)/);
});

test("row 4: 400/100 'Bad Request Exception' and 404/300 'Not Found Exception', without details; 401 keeps its reason", async () => {
  const notFound = await raw(sim, { target: "/vpostgresql/v2/noSuchAction" });
  assert.equal(notFound.status, 404);
  assert.deepEqual(JSON.parse(notFound.body), { error: { errorCode: "300", message: "Not Found Exception" } });
  assert.match(notFound.headers["x-sim-details"], /noSuchAction/);
  const target = "/vpostgresql/v2/getCloudPostgresqlBucketList?x=%zz";
  const bad = await raw(sim, { target, headers: signHeaders({ method: "GET", target, ...DEMO }) });
  assert.equal(bad.status, 400);
  assert.deepEqual(JSON.parse(bad.body), { error: { errorCode: "100", message: "Bad Request Exception" } });
  const method = await raw(sim, { method: "PUT", target: "/vpostgresql/v2/getCloudPostgresqlBucketList" });
  assert.deepEqual(JSON.parse(method.body), { error: { errorCode: "100", message: "Bad Request Exception" } });
  const auth = JSON.parse((await raw(sim, { target: "/vpostgresql/v2/getCloudPostgresqlBucketList" })).body).error;
  assert.deepEqual([auth.errorCode, auth.message], ["200", "Authentication Failed"]);
  assert.match(auth.details, /Missing required header/);
  sim.inject([{ type: "throttle" }, { type: "throttle", details: "slow down" }]);
  assert.deepEqual(JSON.parse((await call(sim, "getCloudPostgresqlBucketList", {})).body), { error: { errorCode: "410", message: "Throttle Limited" } });
  assert.equal(JSON.parse((await call(sim, "getCloudPostgresqlBucketList", {})).body).error.details, "slow down");
  assert.ok(/Which gateway errors carry `details`/.test(README), "README says which gateway errors carry details");
});

test("row 5: a running instance is status CREAT with operation NULL (servers likewise)", async () => {
  for (const format of ["json", "xml"]) {
    const res = await call(sim, "getCloudPostgresqlInstanceList", {}, { format });
    if (format === "json") {
      for (const i of JSON.parse(res.body).getCloudPostgresqlInstanceListResponse.cloudPostgresqlInstanceList) {
        assert.deepEqual(i.cloudPostgresqlInstanceStatus.code, "CREAT");
        assert.deepEqual(i.cloudPostgresqlInstanceOperation, { code: "NULL", codeName: "CLOUD DATABASE(VPC) Null OP" });
        for (const s of i.cloudPostgresqlServerInstanceList) assert.equal(s.cloudPostgresqlServerInstanceOperation.code, "NULL");
      }
    } else {
      assert.doesNotMatch(res.body, /NOOP/);
      assert.equal(xmlAll(res.body, "cloudPostgresqlInstanceOperation").length, 4);
      for (const op of xmlAll(res.body, "cloudPostgresqlInstanceOperation")) assert.equal(xmlText(op, "code"), "NULL");
    }
  }
});

test("row 6: regionCode KR (public, gov) and FKR (fin) are accepted; others are not", async () => {
  for (const regionCode of ["KR", "FKR"]) {
    assert.equal((await callJson(sim, "getCloudPostgresqlBackupDetailList", { regionCode, cloudPostgresqlInstanceNo: INSTANCE_B })).status, 200, regionCode);
    assert.equal((await callJson(sim, "exportBackupToObjectStorage", { regionCode, cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups" })).status, 200);
  }
  assert.deepEqual(sim.exports.map((e) => e.regionCode), ["KR", "FKR"]);
  for (const regionCode of ["JP", "fkr", "GKR"]) {
    const { status, json } = await callJson(sim, "getCloudPostgresqlBucketList", { regionCode });
    assert.equal(status, 400);
    assert.equal(json.responseError.returnCode, "5001003");
  }
});

test("row 7: pg-reports (5678901): backupType USER, two 8-digit files listed OLDER first", async () => {
  const inst = (await callJson(sim, "getCloudPostgresqlInstanceList", { "cloudPostgresqlInstanceNoList.1": INSTANCE_R })).json
    .getCloudPostgresqlInstanceListResponse.cloudPostgresqlInstanceList;
  assert.equal(inst.length, 1);
  assert.equal(inst[0].cloudPostgresqlServiceName, "pg-reports");
  assert.deepEqual(inst[0].cloudPostgresqlServerInstanceList.map((s) => [s.cloudPostgresqlServerInstanceNo, typeof s.publicDomain]), [["5678902", "string"]]);
  const files = (await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_R })).json
    .getCloudPostgresqlBackupDetailListResponse;
  assert.equal(files.totalRows, 2);
  const list = files.cloudPostgresqlBackupDetailList;
  assert.deepEqual(list.map((f) => f.fileName), [FILE_R_OLD, FILE_R_NEW]);
  for (const f of list) {
    assert.match(f.fileName, /^\d{8}$/);
    assert.deepEqual(Object.keys(f), ["fileName", "startTime", "endTime", "backupSize", "dataStorageSize", "archivedWalFileSize"]);
  }
  // files[0] is NOT the newest: the newest by endTime is the last one.
  const newest = [...list].sort((a, b) => (a.endTime < b.endTime ? 1 : -1))[0];
  assert.equal(newest.fileName, FILE_R_NEW);
  assert.notEqual(list[0].fileName, newest.fileName);
  assert.deepEqual([list[1].endTime, list[1].backupSize], ["2026-11-18T04:01:39+0900", "419430400"]);
  const backups = (await callJson(sim, "getCloudPostgresqlBackupList", {})).json.getCloudPostgresqlBackupListResponse.cloudPostgresqlBackupList;
  const r = backups.find((b) => b.cloudPostgresqlInstanceNo === INSTANCE_R);
  assert.deepEqual([r.backupType, r.lastBackupDate, r.backupSize], ["USER", "2026-11-18T04:01:39+0900", String(402653184 + 419430400)]);
  // The existing instances are unchanged.
  const a = (await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A })).json.getCloudPostgresqlBackupDetailListResponse;
  assert.equal(a.cloudPostgresqlBackupDetailList[0].fileName, FILE_A1);
  assert.equal((await callJson(sim, "exportBackupToObjectStorage", { cloudPostgresqlInstanceNo: INSTANCE_R, fileName: FILE_R_NEW, bucketName: "pg-backups" })).status, 200);
});

test("row 8: exportBackupToObjectStorage's XML success has no <?xml ?> declaration; the other actions keep it", async () => {
  const exp = await call(sim, "exportBackupToObjectStorage", { cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups" }, { format: "xml" });
  assert.equal(exp.status, 200);
  assert.ok(exp.body.startsWith("<exportBackupToObjectStorageResponse><requestId>"), exp.body);
  const noFormat = await call(sim, "exportBackupToObjectStorage", { cloudPostgresqlInstanceNo: INSTANCE_A, fileName: FILE_A1, bucketName: "pg-backups" }, { format: null });
  assert.ok(noFormat.body.startsWith("<exportBackupToObjectStorageResponse>"));
  // Its service errors, and every other action, keep the declaration.
  const err = await call(sim, "exportBackupToObjectStorage", { cloudPostgresqlInstanceNo: INSTANCE_A, fileName: "nope", bucketName: "pg-backups" }, { format: "xml" });
  assert.ok(err.body.startsWith('<?xml version="1.0" encoding="UTF-8"?><responseError>'));
  for (const action of ["getCloudPostgresqlInstanceList", "getCloudPostgresqlBackupList", "getCloudPostgresqlBucketList"]) {
    assert.ok((await call(sim, action, {}, { format: "xml" })).body.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), action);
  }
});

test("row 9: the json-list-as-object fault renders every one-item JSON list as { <item element>: item }", async () => {
  sim.inject({ type: "json-list-as-object", times: 3 });
  const one = (await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_B })).json.getCloudPostgresqlBackupDetailListResponse;
  assert.equal(one.totalRows, 1);
  assert.deepEqual(Object.keys(one.cloudPostgresqlBackupDetailList), ["cloudPostgresqlBackupDetail"]);
  assert.equal(one.cloudPostgresqlBackupDetailList.cloudPostgresqlBackupDetail.fileName, "20261120_020003");
  assert.equal(one.cloudPostgresqlBackupDetailList.cloudPostgresqlBackupDetail.backupSize, "268435456");
  // Nested lists too; lists of 0 or 2+ items stay arrays.
  const inst = (await callJson(sim, "getCloudPostgresqlInstanceList", { cloudPostgresqlServiceName: "pg-prod" })).json.getCloudPostgresqlInstanceListResponse;
  const prod = inst.cloudPostgresqlInstanceList.cloudPostgresqlInstance;
  assert.deepEqual(prod.accessControlGroupNoList, { accessControlGroupNo: "104321" });
  assert.ok(Array.isArray(prod.cloudPostgresqlServerInstanceList) && prod.cloudPostgresqlServerInstanceList.length === 2);
  assert.ok(Array.isArray(prod.cloudPostgresqlConfigList));
  const dev = (await callJson(sim, "getCloudPostgresqlInstanceList", { cloudPostgresqlServiceName: "pg-dev" })).json.getCloudPostgresqlInstanceListResponse
    .cloudPostgresqlInstanceList.cloudPostgresqlInstance;
  assert.deepEqual(dev.accessControlGroupNoList, []);
  assert.deepEqual(dev.cloudPostgresqlConfigList, { cloudPostgresqlConfig: "timezone=Asia/Seoul" });
  assert.equal(dev.cloudPostgresqlServerInstanceList.cloudPostgresqlServerInstance.cloudPostgresqlServerInstanceNo, "3456790");
  // The fault is used up: the next answer has arrays again.
  const again = (await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_B })).json;
  assert.ok(Array.isArray(again.getCloudPostgresqlBackupDetailListResponse.cloudPostgresqlBackupDetailList));
  // XML answers are not affected.
  sim.inject({ type: "json-list-as-object" });
  const xml = await call(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_B }, { format: "xml" });
  assert.match(xml.body, /<cloudPostgresqlBackupDetailList><cloudPostgresqlBackupDetail><fileName>20261120_020003<\/fileName>/);
});

test("row 10: pageNo 0 and 1 are both the first page (the simulator's choice, said so in README)", async () => {
  const page = async (pageNo) => (await callJson(sim, "getCloudPostgresqlBackupDetailList", { cloudPostgresqlInstanceNo: INSTANCE_A, pageNo, pageSize: "1" }))
    .json.getCloudPostgresqlBackupDetailListResponse.cloudPostgresqlBackupDetailList.map((f) => f.fileName);
  assert.deepEqual(await page("0"), await page("1"));
  assert.deepEqual(await page("0"), [FILE_A1]);
  assert.ok(/0 and 1 both mean the first page[^\n]*simulator's choice/.test(README), "README: pageNo 0 = 1 is the simulator's choice");
});

test("row 11: cloudPostgresqlConfigList on every instance and publicDomain on every server, in JSON and XML", async () => {
  const list = (await callJson(sim, "getCloudPostgresqlInstanceList", {})).json.getCloudPostgresqlInstanceListResponse.cloudPostgresqlInstanceList;
  for (const i of list) {
    assert.ok(Array.isArray(i.cloudPostgresqlConfigList), i.cloudPostgresqlInstanceNo);
    for (const c of i.cloudPostgresqlConfigList) assert.equal(typeof c, "string"); // List<String> in NCP's model and the Go SDK
    for (const s of i.cloudPostgresqlServerInstanceList) assert.match(s.publicDomain, /\.ntruss\.com$/);
  }
  assert.deepEqual(list[0].cloudPostgresqlConfigList, ["max_connections=300", "log_min_duration_statement=1000"]);
  const xml = (await call(sim, "getCloudPostgresqlInstanceList", {}, { format: "xml" })).body;
  const items = xmlAll(xmlAll(xml, "cloudPostgresqlInstanceList")[0], "cloudPostgresqlInstance");
  assert.deepEqual(xmlAll(xmlAll(items[0], "cloudPostgresqlConfigList")[0], "cloudPostgresqlConfig"), ["max_connections=300", "log_min_duration_statement=1000"]);
  assert.match(items[1], /<cloudPostgresqlConfigList><\/cloudPostgresqlConfigList>/);
  assert.equal(xmlAll(xml, "publicDomain").length, 5);
  assert.equal(xmlText(items[0], "publicDomain"), "pg-prod-001-7abc.vpc-pg.pub-postgres.ntruss.com");
  assert.ok(items.every((i) => i.includes("<cloudPostgresqlConfigList>")));
  void INSTANCE_C;
});

test("row 12: sim/README.md says NCP publishes XML samples where the XML format is described", () => {
  const formats = README.split("\n").find((l) => l.includes("**Formats**"));
  assert.ok(formats && /NCP publishes XML samples/.test(formats), "README's Formats line mentions NCP's XML samples");
});

test("row 13: every service return code but 5001017 is marked as the simulator's own in README", () => {
  for (const code of Object.values(ERROR_CODES)) {
    const row = README.split("\n").find((l) => l.startsWith(`| \`${code}\``));
    assert.ok(row, `README has a row for ${code}`);
    if (code === "5001017") assert.ok(/NCP/.test(row), row);
    else assert.ok(/simulator's own/.test(row), row);
  }
});

test("README's Sources list has one line per documented fact (rows 1-13)", () => {
  const sources = README.split("## Sources")[1];
  assert.ok(sources, "a Sources section");
  for (let n = 1; n <= 13; n++) assert.ok(new RegExp(`^${n}\\. `, "m").test(sources), `Sources row ${n}`);
});
