// An exception that escapes the module (a JS stack overflow inside a call)
// skips its clean-up; the instance is then replaced (pkg/instance.js). These
// tests overflow the stack inside the module on purpose, then check that the
// module still signs and sends, and that what the old instance held is
// refused with an NcloudError rather than used.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Client, NcloudError, call, exportBackup, signRequest } from "ncloud-pg-backup";
import { entered, generation, healthy, restart } from "../pkg/instance.js";
import { startSimulator } from "../sim/server.mjs";
import { overflowsInside } from "./conformance/cases.mjs";

const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" }; // the simulator's
const URL_ = "https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList?regionCode=KR&a=%20b";
const TS = 1_700_000_000_000;
// A backup file the simulator has.
const EXPORT = { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" };

let sim;
before(async () => {
  sim = await startSimulator({ port: 0, quiet: true });
});
after(() => sim.close());

/** node:crypto's signature for the same request: the independent check. */
function expected(url = URL_, ts = TS) {
  const u = new URL(url);
  return createHmac("sha256", KEYS.secretKey).update(`GET ${u.pathname}${u.search}\n${ts}\n${KEYS.accessKey}`).digest("base64");
}

/** The module signs both ways and sends: what "still works" means here. */
async function assertWorking() {
  const fast = signRequest({ method: "GET", url: URL_, ...KEYS, timestamp: TS });
  assert.equal(fast.headers["x-ncp-apigw-signature-v2"], expected());
  const checked = signRequest(Object.assign(Object.create(null), { method: "GET", url: URL_, ...KEYS, timestamp: TS }));
  assert.equal(checked.headers["x-ncp-apigw-signature-v2"], expected());
  // The dives blocked the event loop for longer than the simulator keeps an
  // idle connection: let fetch see those closed before it picks one.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const client = new Client({ ...KEYS, endpoint: sim.url });
  assert.equal(client.signRequest({ method: "GET", url: URL_, timestamp: TS }).headers["x-ncp-apigw-signature-v2"], expected());
  const r = await client.exportBackup(EXPORT);
  assert.equal(r.returnCode, "0");
  client.free();
}

const slowInput = () => Object.assign(Object.create(null), { method: "GET", url: URL_, ...KEYS, timestamp: 1 });
const ops = {
  "signRequest (fast path)": () => void signRequest({ method: "GET", url: URL_, ...KEYS, timestamp: 1 }),
  "signRequest (validated path)": () => void signRequest(slowInput()),
  "new Client": () => new Client(KEYS).free(),
  "exportBackup (preparing the call)": () =>
    exportBackup({ ...KEYS, endpoint: sim.url, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", maxRetries: 0, fetch: async () => Promise.reject(new Error("offline")) }),
};

for (const [name, op] of Object.entries(ops)) {
  test(`a stack overflow inside the module during ${name} leaves it working`, { timeout: 60_000 }, async () => {
    const before = generation;
    const inside = await overflowsInside(op);
    // Without at least one overflow inside the module this test would prove nothing.
    assert.ok(inside >= 1, `no stack overflow was raised inside the module in ${name}`);
    assert.ok(generation > before, "the instance was replaced");
    await assertWorking();
  });
}

test("a Client from before a restart is refused with an NcloudError, and freeing it touches nothing", { timeout: 60_000 }, async () => {
  const old = new Client({ ...KEYS, endpoint: sim.url });
  restart();
  assert.throws(() => old.signRequest({ method: "GET", url: URL_ }), (e) => e instanceof NcloudError && e.option === "client" && /create a new Client/.test(e.message));
  await assert.rejects(old.exportBackup({ cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" }), (e) => e instanceof NcloudError && e.option === "client");
  assert.deepEqual(old.toJSON(), { freed: true });
  assert.ok(!String(old).includes(KEYS.accessKey));
  old.free(); // must not free its old pointer in the new instance
  old.free();
  for (let i = 0; i < 50; i++) new Client(KEYS).free(); // the new instance's heap is intact
  await assertWorking();
});

test("a call in flight when the instance is replaced rejects with an NcloudError, and the module works", { timeout: 60_000 }, async () => {
  let answer;
  const body = JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } });
  const fetch = () => new Promise((resolve) => (answer = () => resolve(new Response(body, { headers: { "content-type": "application/json" } }))));
  const inFlight = exportBackup({ ...KEYS, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", fetch });
  while (!answer) await new Promise((r) => setTimeout(r, 1));
  restart();
  answer();
  await assert.rejects(inFlight, (e) => e instanceof NcloudError && e.kind === "bad_response" && /restarted/.test(e.message));
  for (let i = 0; i < 50; i++) new Client(KEYS).free();
  await assertWorking();
});

/** `restart()` with `make(Instance, module, imports)` in place of `new WebAssembly.Instance(…)`, which is the real one again after. */
function restartWith(make) {
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    return make(Instance, module, imports);
  };
  try {
    restart();
  } finally {
    WebAssembly.Instance = Instance;
  }
}

/** `restart()` while the new instance cannot be made (its stack ran out, say). */
function failedRestart() {
  assert.throws(() => restartWith(() => {
    throw new RangeError("Maximum call stack size exceeded");
  }), RangeError);
  assert.ok(!healthy(), "still broken");
}

test("a restart that fails part-way (the stack ran out in it) is done again: by the next call, or on an empty stack", { timeout: 60_000 }, async () => {
  // The replacement runs at the bottom of the stack that overflowed, so it can overflow too.
  failedRestart();
  let before = generation;
  const client = new Client(KEYS); // in the same task: the call replaces the instance first
  assert.ok(generation > before, "the instance was replaced before the call");
  client.free();
  await assertWorking();
  failedRestart();
  before = generation;
  await null; // no call: the retry queued on an empty stack runs
  assert.ok(generation > before && healthy(), "the instance was replaced with no call");
  for (let i = 0; i < 50; i++) new Client(KEYS).free();
  await assertWorking();
});

/** Replaces the instance with one whose exports count their calls; returns the count so far. */
function countingInstance() {
  let calls = 0;
  restartWith((Instance, module, imports) => {
    const exports = {};
    for (const [name, value] of Object.entries(new Instance(module, imports).exports)) {
      exports[name] = typeof value === "function" ? (...args) => (calls++, value(...args)) : value;
    }
    return { exports };
  });
  return () => calls;
}

test("once a call nested in another broke the instance, the outer one calls into it no more and ends with an NcloudError", { timeout: 60_000 }, async () => {
  // A getter that calls in, and an exception escapes (as a stack overflow would).
  let atBreak;
  const breaks = (calls) => {
    assert.throws(() => entered(() => {
      throw new RangeError("Maximum call stack size exceeded");
    }), RangeError);
    atBreak = calls();
  };
  const outer = [
    (calls) => signRequest({ method: "GET", get url() { breaks(calls); return URL_; }, ...KEYS, timestamp: TS }),
    // The validated path (not a plain object): the getter runs as readOptions reads the input.
    (calls) => {
      const input = Object.defineProperty(Object.create(null), "url", { enumerable: true, get: () => (breaks(calls), URL_) });
      return signRequest(Object.assign(input, { method: "GET", ...KEYS, timestamp: TS }));
    },
    (calls) => new Client(KEYS).signRequest({ method: "GET", get url() { breaks(calls); return URL_; }, timestamp: TS }),
  ];
  for (const [i, call] of outer.entries()) {
    const calls = countingInstance();
    assert.throws(() => call(calls), (e) => e instanceof NcloudError && /cut short/.test(e.message), `outer call ${i}`);
    assert.equal(calls(), atBreak, `outer call ${i}: nothing called into the broken instance after the break`);
  }
  // While it is broken, a Client shows as gone, and free() does not call in.
  const calls = countingInstance();
  const held = new Client(KEYS);
  let shown, atFree;
  const input = { method: "GET", get url() { breaks(calls); shown = [String(held), JSON.stringify(held)]; held.free(); atFree = calls(); return URL_; }, ...KEYS, timestamp: TS };
  assert.throws(() => signRequest(input), NcloudError);
  assert.deepEqual(shown, ["ncloud-pg-backup Client (freed)", '{"freed":true}']);
  assert.equal(atFree, atBreak, "free() did not call into the broken instance");
  held.free(); // again, after the restart: nothing
  await assertWorking();
});

// Frames of 24 sizes for the dives below, so that where the stack runs out
// moves from one dive to the next.
const pads = Array.from({ length: 24 }, (_, n) => new Function("f", `let ${Array.from({ length: 2 * n + 1 }, (_, i) => `v${i} = ${i}`).join(", ")}; return f(v0);`));

/**
 * Runs `outer(getter)` 96 times (fewer once three were cut short), where
 * `getter` calls `nested` at ever deeper stacks until it throws, as a
 * caller's getter that calls the package again might. The outer call must
 * give its right result, or an NcloudError; never anything else. Returns how
 * many were cut short because a nested call broke the instance.
 */
async function nestedDives(outer, nested, right) {
  let cutShort = 0;
  for (let i = 0; i < 96 && cutShort < 3; i++) {
    const pad = pads[i % pads.length];
    const dive = () => {
      try {
        nested();
      } catch {
        return;
      }
      pad(dive);
    };
    let result, error;
    try {
      result = await outer(dive);
    } catch (e) {
      error = e;
    }
    if (error === undefined) right(result);
    else {
      assert.ok(error instanceof NcloudError, `the outer call failed with ${error}`);
      if (/cut short/.test(error.message)) cutShort++;
    }
  }
  return cutShort;
}

const answered = async () => ({ status: 200, headers: { get: () => null }, text: async () => '{"getCloudPostgresqlBucketListResponse":{"requestId":"r","returnCode":"0","returnMessage":"success","totalRows":0,"cloudPostgresqlBucketList":[]}}' });

test("a stack overflow inside a call nested in another (a getter calling in) ends the outer one with an NcloudError", { timeout: 60_000 }, async () => {
  const before = generation;
  // The getter runs before the module is entered (signRequest reads its input in JS) ...
  const signed = await nestedDives(
    (dive) => signRequest({ method: "GET", get url() { dive(); return URL_; }, ...KEYS, timestamp: TS }),
    () => signRequest({ method: "GET", url: URL_, ...KEYS, timestamp: TS }),
    (r) => assert.equal(r.headers["x-ncp-apigw-signature-v2"], expected()),
  );
  // ... or by the module, reading call()'s parameters.
  const called = await nestedDives(
    (dive) => call("getCloudPostgresqlBucketList", { get pageNo() { dive(); return 1; } }, { ...KEYS, endpoint: sim.url, fetch: answered }),
    () => new Client(KEYS).free(),
    (r) => assert.equal(r.returnCode, "0"),
  );
  // Without a nested call that broke the instance this test would prove nothing.
  assert.ok(signed >= 1 && called >= 1, `cut short: ${signed} signRequest, ${called} call()`);
  assert.ok(generation > before, "the instance was replaced");
  await assertWorking();
});
