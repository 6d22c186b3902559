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

// The shared deadline list that times attempts out in Node (pkg/transport.js).
import { deadlines } from "../pkg/transport.js";

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("deadlines: each timeout length keeps its own time, and aborts with a TimeoutError", async () => {
  const long = deadlines.add(1_000);
  const short = deadlines.add(50);
  await pause(500);
  assert.equal(short.signal.aborted, true, "the 50 ms attempt waited for the 1 s one");
  assert.equal(short.signal.reason.name, "TimeoutError");
  assert.equal(long.signal.aborted, false, "the 1 s attempt ended early");
  await pause(800);
  assert.equal(long.signal.aborted, true);
  assert.equal(deadlines.lists.size, 0, "an empty list was kept");
});

test("deadlines: a later attempt of the same length gets its full time, and a finished one is never aborted", async () => {
  const first = deadlines.add(400);
  const done = deadlines.add(400);
  await pause(250);
  const later = deadlines.add(400);
  done.done();
  await pause(250); // 500 ms in: the first (due at 400) is aborted, the later one (due at 650) not yet
  assert.equal(first.signal.aborted, true);
  assert.equal(done.signal.aborted, false, "a finished attempt was aborted");
  assert.equal(later.signal.aborted, false, "the later attempt was aborted with the first");
  await pause(400);
  assert.equal(later.signal.aborted, true, "the timer did not wake again for the later attempt");
  first.done(); // after its timeout: harmless
  later.done();
  assert.equal(deadlines.lists.size, 0);
});

test("deadlines: attempts that finish leave nothing behind, in any order", () => {
  const attempts = Array.from({ length: 100 }, (_, i) => deadlines.add(1_000 + (i % 3)));
  for (const i of [50, 0, 99, ...Array.from({ length: 100 }, (_, j) => j)]) attempts[i].done();
  assert.equal(deadlines.lists.size, 0);
  assert.ok(attempts.every((a) => !a.signal.aborted));
});

test("deadlines: a pending timeout does not keep Node running", () => {
  const script = `
    import { deadlines } from ${JSON.stringify(new URL("../pkg/transport.js", import.meta.url).href)};
    deadlines.add(60_000);
    console.log("added");`;
  const started = Date.now();
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  assert.equal(out.trim(), "added");
  assert.ok(Date.now() - started < 15_000, "Node waited for the timer");
});
