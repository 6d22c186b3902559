// examples/worker in the real workerd (miniflare), bundled as Wrangler would, in front of the
// local NCP simulator: server-side signing on POST /export, the signed-request relay, and the
// nightly export (the Cron Trigger's scheduled handler), with the Worker's log lines captured.

import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { exportBackup, signRequest } from "ncloud-pg-backup";
import { startSimulator } from "../sim/server.mjs";
import { startWorker } from "./helpers/workerd.mjs";
import { startLoggedWorker } from "./helpers/worker-logs.mjs";

const ENTRY = "examples/worker/src/index.js";
const DEMO = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
const WORKER = "http://localhost"; // the Worker's own URL, as the caller sees it
const SPECIAL_FILE = "manual 2026/11/18 #1 a+b&c=d 100% 백업 (!*')";
const ORIGIN = "https://admin.example.com";

describe("worker example", { timeout: 120_000 }, () => {
  let sim, mf, strict;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    mf = await startWorker(ENTRY, {
      bindings: { NCP_ACCESS_KEY: DEMO.accessKey, NCP_SECRET_KEY: DEMO.secretKey, NCP_ENDPOINT: sim.url },
    });
    // A second deployment with every optional guard on, and a wrong secret key.
    strict = await startWorker(ENTRY, {
      bindings: {
        NCP_ACCESS_KEY: DEMO.accessKey, NCP_SECRET_KEY: "wrong-secret", NCP_ENDPOINT: sim.url,
        ALLOWED_ORIGINS: `https://other.example, ${ORIGIN}`, EXPORT_TOKEN: "t0ken",
      },
    });
  });

  after(async () => {
    await mf?.dispose();
    await strict?.dispose();
    await sim?.close();
  });

  function postExport(worker, body, headers = {}) {
    return worker.dispatchFetch(`${WORKER}/export`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  describe("POST /export (server-side signing)", () => {
    test("exports with the Worker's keys and returns the result as JSON", async () => {
      const res = await postExport(mf, { cloudPostgresqlInstanceNo: "1234567", fileName: SPECIAL_FILE, bucketName: "pg-backups", regionCode: "KR" });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      const result = await res.json();
      const event = sim.exports.at(-1);
      assert.deepEqual(result, { requestId: event.requestId, returnCode: "0", returnMessage: "success", httpStatus: 200 });
      assert.deepEqual(
        [event.cloudPostgresqlInstanceNo, event.fileName, event.bucketName, event.regionCode],
        ["1234567", SPECIAL_FILE, "pg-backups", "KR"],
      );
    });

    test("a body that is not a JSON object is a 400 invalid_request", async () => {
      for (const body of ["{not json", "[]", "null", "42", ""]) {
        const res = await postExport(mf, body);
        assert.equal(res.status, 400, body);
        assert.equal((await res.json()).error.kind, "invalid_request", body);
      }
    });

    test("the caller cannot set keys or the endpoint: 400 invalid_options naming the field, nothing sent", async () => {
      const sent = sim.requests.length;
      for (const field of ["endpoint", "accessKey", "secretKey", "site", "fetch"]) {
        const res = await postExport(mf, { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups", [field]: "http://evil.example" });
        assert.equal(res.status, 400, field);
        const { error } = await res.json();
        assert.equal(error.kind, "invalid_options");
        assert.equal(error.option, field);
      }
      assert.equal(sim.requests.length, sent);
    });

    test("a missing field or a control character is the package's invalid_options, as 400", async () => {
      let res = await postExport(mf, { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "" });
      assert.equal(res.status, 400);
      let { error } = await res.json();
      assert.deepEqual([error.kind, error.option], ["invalid_options", "bucketName"]);

      res = await postExport(mf, { cloudPostgresqlInstanceNo: "1234567", fileName: "a\nb", bucketName: "pg-backups" });
      assert.equal(res.status, 400);
      ({ error } = await res.json());
      assert.deepEqual([error.kind, error.option], ["invalid_options", "fileName"]);
    });

    test("an unknown instance is NCP's service error 5001017, as 400 with the code", async () => {
      const res = await postExport(mf, { cloudPostgresqlInstanceNo: "9999999", fileName: "20261120_030005", bucketName: "pg-backups" });
      assert.equal(res.status, 400);
      const { error } = await res.json();
      assert.equal(error.kind, "service");
      assert.equal(error.code, "5001017");
      assert.equal(error.status, 400);
      assert.match(error.message, /9999999/);
    });

    test("NCP throttling is 429", async () => {
      sim.inject({ type: "quota", action: "exportBackupToObjectStorage", times: 10 });
      try {
        const res = await postExport(mf, { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" });
        assert.equal(res.status, 429);
        const { error } = await res.json();
        assert.deepEqual([error.kind, error.status, error.code], ["throttled", 429, "400"]);
      } finally {
        sim.clearFaults();
      }
    });

    test("the Worker's wrong secret key is auth, as 502 (its misconfiguration), without the secret", async () => {
      const res = await postExport(strict, { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" },
        { authorization: "Bearer t0ken", origin: ORIGIN });
      assert.equal(res.status, 502);
      const text = await res.text();
      assert.ok(!text.includes("wrong-secret"), text);
      const { error } = JSON.parse(text);
      assert.deepEqual([error.kind, error.status, error.code], ["auth", 401, "200"]);
    });

    test("with EXPORT_TOKEN set, a missing or wrong token is 401 and nothing is sent", async () => {
      const sent = sim.requests.length;
      for (const authorization of [undefined, "Bearer nope", "Bearer t0ken2", "t0ke"]) {
        const res = await postExport(strict, { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" },
          authorization ? { authorization } : {});
        assert.equal(res.status, 401, authorization);
        assert.equal(res.headers.get("www-authenticate"), "Bearer");
        assert.equal((await res.json()).error.kind, "unauthorized");
      }
      assert.equal(sim.requests.length, sent);
    });

    test("GET /export is 405, a body over 64 KiB 413", async () => {
      let res = await mf.dispatchFetch(`${WORKER}/export`);
      assert.equal(res.status, 405);
      await res.arrayBuffer();
      res = await postExport(mf, JSON.stringify({ fileName: "x".repeat(70 * 1024) }));
      assert.equal(res.status, 413);
      await res.arrayBuffer();
    });
  });

  describe("/vpostgresql/v2/* (relay)", () => {
    test("forwards a request signed for the Worker's URL unchanged; NCP accepts the signature", async () => {
      const url = `${WORKER}/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json`;
      const { headers } = signRequest({ method: "GET", url, ...DEMO });
      const res = await mf.dispatchFetch(url, { headers: { ...headers, origin: "https://page.example" } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      const body = await res.json();
      assert.deepEqual(body.getCloudPostgresqlBucketListResponse.cloudPostgresqlBucketList.map((b) => b.bucketName),
        ["pg-backups", "archive-kr", "empty-bucket"]);

      const seen = sim.requests.at(-1);
      assert.equal(seen.method, "GET");
      assert.equal(seen.target, "/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json");
      assert.equal(seen.headers["x-ncp-apigw-signature-v2"], headers["x-ncp-apigw-signature-v2"]);
      assert.equal(seen.headers["x-ncp-apigw-timestamp"], headers["x-ncp-apigw-timestamp"]);
      assert.equal(seen.headers.origin, undefined, "only the NCP headers are forwarded");
    });

    test("the package itself works through the relay, GET and POST, odd file names included", async () => {
      const viaWorker = (input, init) => mf.dispatchFetch(input, init);
      for (const method of ["GET", "POST"]) {
        const result = await exportBackup({
          ...DEMO, endpoint: WORKER, fetch: viaWorker, method, responseFormatType: method === "GET" ? "xml" : "json",
          cloudPostgresqlInstanceNo: "1234567", fileName: SPECIAL_FILE, bucketName: "archive-kr",
        });
        const event = sim.exports.at(-1);
        assert.equal(result.requestId, event.requestId, method);
        assert.equal(event.fileName, SPECIAL_FILE, method);
        assert.equal(sim.requests.at(-1).method, method);
      }
    });

    test("NCP's errors pass through with their status", async () => {
      const url = `${WORKER}/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json`;
      const { headers } = signRequest({ method: "GET", url, accessKey: DEMO.accessKey, secretKey: "wrong" });
      const res = await mf.dispatchFetch(url, { headers });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).error.errorCode, "200");
    });

    test("answers CORS preflight with 204 and the signature headers allowed", async () => {
      const res = await mf.dispatchFetch(`${WORKER}/vpostgresql/v2/exportBackupToObjectStorage`, {
        method: "OPTIONS",
        headers: { origin: "https://page.example", "access-control-request-method": "POST" },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.match(res.headers.get("access-control-allow-methods"), /POST/);
      for (const h of ["x-ncp-apigw-timestamp", "x-ncp-iam-access-key", "x-ncp-apigw-signature-v2", "content-type"]) {
        assert.match(res.headers.get("access-control-allow-headers"), new RegExp(h));
      }
    });

    test("other paths are 404, other methods 405, bodies over 64 KiB 413", async () => {
      for (const path of ["/", "/vpostgresql/v1/x", "/_sim/buckets", "/server/v2/getServerInstanceList"]) {
        const res = await mf.dispatchFetch(WORKER + path);
        assert.equal(res.status, 404, path);
        assert.equal((await res.json()).error.kind, "not_found");
      }
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        const res = await mf.dispatchFetch(`${WORKER}/vpostgresql/v2/getCloudPostgresqlBucketList`, { method, body: method === "DELETE" ? undefined : "x" });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get("allow"), "GET, POST, OPTIONS");
        await res.arrayBuffer();
      }
      const sent = sim.requests.length;
      const res = await mf.dispatchFetch(`${WORKER}/vpostgresql/v2/exportBackupToObjectStorage`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "fileName=" + "x".repeat(64 * 1024),
      });
      assert.equal(res.status, 413);
      await res.arrayBuffer();
      assert.equal(sim.requests.length, sent, "nothing forwarded");
    });

    test("ALLOWED_ORIGINS: a listed origin is echoed, another is refused with 403", async () => {
      const url = `${WORKER}/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json`;
      const { headers } = signRequest({ method: "GET", url, ...DEMO });
      let res = await strict.dispatchFetch(url, { headers: { ...headers, origin: ORIGIN } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), ORIGIN);
      assert.match(res.headers.get("vary"), /Origin/);
      await res.arrayBuffer();

      const sent = sim.requests.length;
      res = await strict.dispatchFetch(url, { headers: { ...headers, origin: "https://evil.example" } });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("access-control-allow-origin"), null);
      assert.equal((await res.json()).error.kind, "forbidden_origin");
      assert.equal(sim.requests.length, sent);
    });
  });
  describe("scheduled: the nightly export", () => {
    const BUCKET = "pg-backups";
    const WRONG_SECRET = "wrong-secret-8f3Kq2ZxT0";
    // The newest file of each seed instance by endTime (5678901 lists it last, 1234567 first).
    const NEWEST = { 5678901: "20261118", 1234567: "20261120_030005" };
    const cron = cronFromWranglerToml();
    const workers = {};

    /** The one cron line of examples/worker/wrangler.toml's [triggers], fired as Cloudflare would. */
    function cronFromWranglerToml() {
      const toml = readFileSync("examples/worker/wrangler.toml", "utf8");
      const triggers = /^\[triggers\]\s*\n(?:\s*#.*\n)*\s*crons\s*=\s*\[\s*"([^"]+)"\s*\]/m.exec(toml);
      assert.ok(triggers, "wrangler.toml declares [triggers] crons = [\"…\"]");
      return triggers[1];
    }

    before(async () => {
      const common = { NCP_ACCESS_KEY: DEMO.accessKey, NCP_ENDPOINT: sim.url, NCP_STORAGE_ENDPOINT: sim.url };
      const configs = {
        // Blanks around the numbers, as people type them.
        nightly: { ...common, NCP_SECRET_KEY: DEMO.secretKey, BACKUP_INSTANCES: " 5678901, 1234567 ", BACKUP_BUCKET: BUCKET },
        withEmpty: { ...common, NCP_SECRET_KEY: DEMO.secretKey, BACKUP_INSTANCES: "5678901,3456789,1234567", BACKUP_BUCKET: BUCKET },
        wrongKey: { ...common, NCP_SECRET_KEY: WRONG_SECRET, BACKUP_INSTANCES: "5678901,1234567", BACKUP_BUCKET: BUCKET },
        unset: { ...common, BACKUP_INSTANCES: " , " },
      };
      await Promise.all(Object.entries(configs).map(async ([name, bindings]) => {
        workers[name] = await startLoggedWorker(ENTRY, { bindings });
      }));
    });

    after(async () => {
      await Promise.all(Object.values(workers).map((w) => w.dispose()));
    });

    beforeEach(() => sim.reset());

    /** Fires the Cron Trigger once; its outcome ("ok" or "exception") and the lines it logged. */
    async function runScheduled(name, expectedLines) {
      const worker = workers[name];
      const from = worker.logs.length;
      const { outcome } = await (await worker.mf.getWorker()).scheduled({ cron, scheduledTime: new Date() });
      const lines = await worker.waitForLines(from, expectedLines);
      return { outcome, lines };
    }

    const exported = () => sim.exports.map((e) => `${e.cloudPostgresqlInstanceNo}/${e.fileName}/${e.bucketName}`).sort();
    const sorted = (lines) => [...lines].sort((a, b) => a.message.localeCompare(b.message));

    test("wrangler.toml schedules it nightly, in UTC", () => {
      assert.match(cron, /^\d{1,2} \d{1,2} \* \* \*$/, "once a day at a fixed time");
      assert.match(readFileSync("examples/worker/wrangler.toml", "utf8"), /UTC/);
    });

    test("the first run exports the newest backup file of each instance, one line each", async () => {
      const { outcome, lines } = await runScheduled("nightly", 2);
      assert.equal(outcome, "ok");
      assert.deepEqual(exported(), [`1234567/${NEWEST[1234567]}/${BUCKET}`, `5678901/${NEWEST[5678901]}/${BUCKET}`]);
      const requestId = (no) => sim.exports.find((e) => e.cloudPostgresqlInstanceNo === no).requestId;
      assert.deepEqual(sorted(lines), sorted([
        { level: "log", message: `exported ${NEWEST[1234567]} of 1234567 to ${BUCKET} (requestId ${requestId("1234567")})` },
        { level: "log", message: `exported ${NEWEST[5678901]} of 5678901 to ${BUCKET} (requestId ${requestId("5678901")})` },
      ]));
    });

    test("the second run exports nothing: the files are in the bucket, and it says where", async () => {
      assert.equal((await runScheduled("nightly", 2)).outcome, "ok");
      const first = sim.exports.length;
      assert.equal(first, 2);
      // The simulator writes an export's object at once: both are listed in the bucket now.
      const keys = Object.fromEntries(sim.exports.map((e) => [e.cloudPostgresqlInstanceNo, e.objectKey]));
      assert.equal(sim.objects[BUCKET].filter((o) => Object.values(keys).includes(o.key) && !o.pending).length, 2);

      const listedBefore = sim.requests.filter((r) => r.target.startsWith(`/${BUCKET}?`)).length;
      const { outcome, lines } = await runScheduled("nightly", 2);
      assert.equal(outcome, "ok");
      assert.equal(sim.exports.length, first, "nothing exported again");
      assert.ok(sim.requests.filter((r) => r.target.startsWith(`/${BUCKET}?`)).length >= listedBefore + 2, "the bucket was listed for each instance");
      assert.deepEqual(sorted(lines), sorted([
        { level: "log", message: `skipped ${NEWEST[1234567]} of 1234567: already in ${BUCKET} as ${keys[1234567]}` },
        { level: "log", message: `skipped ${NEWEST[5678901]} of 5678901: already in ${BUCKET} as ${keys[5678901]}` },
      ]));
    });

    test("an instance without backup files fails alone: the others export, the run is reported failed", async () => {
      const { outcome, lines } = await runScheduled("withEmpty", 3);
      assert.equal(outcome, "exception", "Cloudflare marks the invocation failed");
      assert.deepEqual(exported(), [`1234567/${NEWEST[1234567]}/${BUCKET}`, `5678901/${NEWEST[5678901]}/${BUCKET}`]);
      assert.equal(lines.length, 3, JSON.stringify(lines));
      const failed = lines.filter((l) => l.message.startsWith("failed "));
      assert.equal(failed.length, 1, JSON.stringify(lines));
      assert.equal(failed[0].level, "error");
      assert.match(failed[0].message, /^failed 3456789: not_found instance 3456789 has no backup files yet/);
      for (const no of ["5678901", "1234567"]) {
        assert.equal(lines.filter((l) => l.level === "log" && l.message.startsWith(`exported ${NEWEST[no]} of ${no} to ${BUCKET} `)).length, 1, no);
      }
    });

    test("NCP refusing the keys: a failed line per instance (kind, code, status), the run failed, the secret in no line", async () => {
      const { outcome, lines } = await runScheduled("wrongKey", 2);
      assert.equal(outcome, "exception");
      assert.deepEqual(sim.exports, []);
      assert.deepEqual(lines.map((l) => l.message.split(":")[0]).sort(), ["failed 1234567", "failed 5678901"]);
      for (const line of lines) {
        assert.equal(line.level, "error");
        assert.match(line.message, /^failed \d+: auth Authentication Failed .*errorCode 200, HTTP 401/);
        assert.ok(!line.message.includes(WRONG_SECRET), line.message);
      }
    });

    test("missing settings: one line naming them, the run failed, nothing sent", async () => {
      const sent = sim.requests.length;
      const { outcome, lines } = await runScheduled("unset", 1);
      assert.equal(outcome, "exception");
      assert.equal(sim.requests.length, sent);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0].level, "error");
      assert.match(lines[0].message, /^nightly export not run: BACKUP_INSTANCES, BACKUP_BUCKET, NCP_SECRET_KEY not set/);
      assert.doesNotMatch(lines[0].message, /NCP_ACCESS_KEY/, "the access key is set");
    });

    test("no line any of these Workers logged holds a secret key", () => {
      const all = Object.values(workers).flatMap((w) => w.logs);
      assert.ok(all.length >= 5, "the runs above logged");
      for (const { message } of all) {
        for (const secret of [DEMO.secretKey, WRONG_SECRET]) assert.ok(!message.includes(secret), message);
      }
    });
  });
});
