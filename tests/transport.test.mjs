// The transport (src/js/transport.rs) in Node, where the conformance cases
// cannot reach: a process with nothing else keeping it alive, an abort that
// lands just before a wait, a runtime without fetch, the caller's signal
// shared by many calls, redirects and endless bodies from a real server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNodeModule } from "./helpers/node-script.mjs";
import { exportBackup, listBuckets, NcloudError } from "ncloud-pg-backup";
import { getEventListeners } from "node:events";
import { createServer } from "node:http";

const OPTS = { accessKey: "AK", secretKey: "SK", cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" };

test("a caller's fetch that never answers still times out when nothing else keeps Node running", () => {
  const script = `
    import { exportBackup, listBuckets, NcloudError } from "ncloud-pg-backup";
import { getEventListeners } from "node:events";
import { createServer } from "node:http";
    exportBackup({ ...${JSON.stringify(OPTS)}, timeoutMs: 100, fetch: () => new Promise(() => {}) })
      .then(() => console.log("resolved"), (e) => console.log(e.kind));`;
  const out = runNodeModule(script);
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

test("a runtime without a global fetch refuses the call before sending, naming the fetch option", async () => {
  const global = Object.getOwnPropertyDescriptor(globalThis, "fetch");
  delete globalThis.fetch;
  try {
    const e = await exportBackup(OPTS).then(
      () => assert.fail("resolved"),
      (e) => e,
    );
    assert.equal(e.name, "NcloudError");
    assert.deepEqual([e.kind, e.option, e.attempts, e.retryable], ["invalid_options", "fetch", 0, false]);
    assert.match(e.message, /no global fetch: pass the fetch option/);
  } finally {
    Object.defineProperty(globalThis, "fetch", global);
  }
  // With one passed, the same runtime works.
  const fetch = async () => new Response(JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } }));
  delete globalThis.fetch;
  try {
    assert.equal((await exportBackup({ ...OPTS, fetch })).requestId, "r");
  } finally {
    Object.defineProperty(globalThis, "fetch", global);
  }
});

test("a caller's fetch that throws a ReferenceError is reported with its own words, not as a missing fetch", async () => {
  const fetch = async () => {
    throw new ReferenceError("proxyAgent is not defined");
  };
  const e = await exportBackup({ ...OPTS, fetch }).then(
    () => assert.fail("resolved"),
    (e) => e,
  );
  assert.deepEqual([e.kind, e.attempts], ["network", 1]);
  assert.match(e.message, /proxyAgent is not defined/);
  assert.doesNotMatch(e.message, /global fetch/);
});

/** A server on 127.0.0.1 answering with `handler`; resolves to `{ url, close() }`. */
async function serve(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

test("a redirect is never followed: one request reaches the server, and the error names the Location", async () => {
  for (const status of [302, 307, 308]) {
    let requests = 0;
    const s = await serve((req, res) => {
      requests++;
      res.writeHead(status, { location: req.url }).end(); // back to the same target: a loop
    });
    try {
      const e = await exportBackup({ ...OPTS, endpoint: s.url, retryUnsafe: true }).then(() => assert.fail("resolved"), (e) => e);
      assert.ok(e instanceof NcloudError);
      assert.deepEqual([e.kind, e.status, e.attempts, e.retryable], ["bad_response", status, 1, false], String(status));
      assert.match(e.message, new RegExp(`redirect to /vpostgresql/v2/exportBackupToObjectStorage\\?`));
      assert.equal(requests, 1, `HTTP ${status}: the export reached the server once`);
    } finally {
      await s.close();
    }
  }
});

test("an answer's body is cut off once it passes 16 MiB, not read whole first", async () => {
  let written = 0;
  let stopped = false;
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  const s = await serve((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    const more = () => {
      while (!stopped && written < 100 * chunk.length) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      res.end("}");
    };
    res.on("close", () => (stopped = true));
    more();
  });
  try {
    const e = await exportBackup({ ...OPTS, endpoint: s.url }).then(() => assert.fail("resolved"), (e) => e);
    assert.deepEqual([e.kind, e.status], ["bad_response", 200]);
    assert.match(e.message, /over 16 MiB/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(written < 48 * chunk.length, `the server wrote ${written >> 20} MiB of the 100 before the package stopped reading`);
  } finally {
    await s.close();
  }
});

test("a Content-Length over 16 MiB is refused as it arrives, however large (2^40 too), without waiting for the body", async () => {
  for (const length of [16 * 1024 * 1024 + 1, 2 ** 40]) {
    const s = await serve((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(length) });
      res.write("{"); // and nothing more: a body that would take forever
    });
    try {
      const started = Date.now();
      const e = await exportBackup({ ...OPTS, endpoint: s.url, timeoutMs: 20_000 }).then(() => assert.fail("resolved"), (e) => e);
      assert.deepEqual([e.kind, e.status], ["bad_response", 200], String(length));
      assert.match(e.message, /over 16 MiB/);
      assert.ok(Date.now() - started < 10_000, `refused at once, not after timeoutMs (${length})`);
    } finally {
      await s.close();
    }
  }
});

test("twenty calls sharing one AbortSignal print no MaxListenersExceededWarning, all abort with it, and leave no listener on it", () => {
  const script = `
    import { exportBackup } from "ncloud-pg-backup";
    import { getEventListeners } from "node:events";
    const warnings = [];
    process.on("warning", (w) => warnings.push(w.name));
    const ac = new AbortController();
    const fetch = () => new Promise(() => {}); // never answers
    const calls = Array.from({ length: 20 }, () => exportBackup({ ...${JSON.stringify(OPTS)}, fetch, signal: ac.signal }).catch((e) => e.kind));
    const during = getEventListeners(ac.signal, "abort").length;
    setTimeout(() => ac.abort(), 50);
    const kinds = await Promise.all(calls);
    await new Promise((r) => setTimeout(r, 50)); // a warning is emitted on the next tick
    console.log(JSON.stringify({ warnings, during, after: getEventListeners(ac.signal, "abort").length, kinds: [...new Set(kinds)] }));`;
  const r = JSON.parse(runNodeModule(script));
  assert.deepEqual(r, { warnings: [], during: 1, after: 0, kinds: ["aborted"] });
});

test("a caller's long-lived signal keeps no listener of a finished call, and a finished call keeps no timer running", () => {
  const script = `
    import { exportBackup } from "ncloud-pg-backup";
    import { getEventListeners } from "node:events";
    const ac = new AbortController();
    const answer = JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } });
    for (let i = 0; i < 100; i++) await exportBackup({ ...${JSON.stringify(OPTS)}, fetch: async () => new Response(answer), signal: ac.signal, timeoutMs: 600000 });
    console.log(getEventListeners(ac.signal, "abort").length);
    globalThis.started = Date.now();`;
  const started = Date.now();
  assert.equal(runNodeModule(script, { timeout: 10_000 }).trim(), "0");
  assert.ok(Date.now() - started < 8_000, "the process ended without waiting for the 10-minute attempt timers");
});

test("an NcloudError shows the caller's frames, carries the runtime's error as cause, and keeps its fields in JSON", async () => {
  async function nightlyExportJob() {
    const { buckets } = await listBuckets({ accessKey: "AK", secretKey: "the-secret-key", endpoint: "http://127.0.0.1:9" });
    return buckets;
  }
  const e = await nightlyExportJob().then(() => assert.fail("resolved"), (e) => e);
  assert.equal(e.kind, "network");
  assert.match(e.stack, /^NcloudError: the request to http:\/\/127\.0\.0\.1:9 failed/);
  assert.match(e.stack, /nightlyExportJob/, "the caller's own frame");
  assert.doesNotMatch(e.stack, /wasm-function/);
  assert.ok(e.cause instanceof Error, "the runtime's error as cause");
  const json = JSON.parse(JSON.stringify(e));
  assert.deepEqual([json.name, json.kind, json.message, json.attempts, json.retryable], ["NcloudError", "network", e.message, 1, false]);
  assert.ok(!JSON.stringify(e).includes("the-secret-key"));
});
