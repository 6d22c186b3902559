// pkg/transport.js, the runtime side of every call, in situations the
// conformance cases cannot set up: a process with nothing else keeping it
// alive, and an abort that lands just before a wait between attempts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { exportBackup } from "ncloud-pg-backup";

const OPTS = { accessKey: "AK", secretKey: "SK", cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" };

test("a caller's fetch that never answers still times out when nothing else keeps Node running", () => {
  const script = `
    import { exportBackup } from "ncloud-pg-backup";
    exportBackup({ ...${JSON.stringify(OPTS)}, timeoutMs: 100, fetch: () => new Promise(() => {}) })
      .then(() => console.log("resolved"), (e) => console.log(e.kind));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  assert.equal(out.trim(), "timeout");
});

test("an abort during the answer that asked for a retry stops the call instead of waiting", async () => {
  const ac = new AbortController();
  let sent = 0;
  const fetch = async () => {
    sent++;
    return {
      status: 429,
      headers: new Headers({ "retry-after": "8" }),
      text: async () => {
        queueMicrotask(() => ac.abort());
        return JSON.stringify({ error: { errorCode: "400", message: "Exceeded quota" } });
      },
    };
  };
  const call = exportBackup({ ...OPTS, fetch, signal: ac.signal });
  // Waiting out Retry-After would take 8 s; the abort must end the call long before.
  const late = new Promise((resolve) => setTimeout(() => resolve("still waiting"), 4_000).unref());
  const outcome = await Promise.race([call.then(() => "resolved", (e) => e.kind), late]);
  assert.equal(outcome, "aborted");
  assert.equal(sent, 1);
});
