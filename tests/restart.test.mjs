// An exception that escapes the module (a JS stack overflow inside a call)
// skips its clean-up; the instance is then replaced (pkg/guard.js). These
// tests overflow the stack inside the module on purpose, or break the
// instance as such an exception does, then check that the module still
// signs and sends, that what the old instance held is refused with an
// NcloudError rather than used, and that calls still running in the old
// instance are cut short without sending more or crashing the process.
// Node may print "Exception in PromiseRejectCallback: RangeError: Maximum call
// stack size exceeded" during a dive: its own rejection hook ran out of the
// same stack. That is Node reporting the dive, not a failure of the test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Client, NcloudError, call, exportBackup, signRequest } from "ncloud-pg-backup";
import { breakInstance, enter, generation } from "../pkg/guard.js";
import { startSimulator } from "../sim/server.mjs";
import { overflowsInside } from "./conformance/cases.mjs";

const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" }; // the simulator's
const URL_ = "https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList?regionCode=KR&a=%20b";
const TS = 1_700_000_000_000;
// A backup file the simulator has.
const EXPORT = { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" };
const ACCEPTED = JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } });

let sim;
const crashes = [];
const onCrash = (e) => crashes.push(e);
before(async () => {
  sim = await startSimulator({ port: 0, quiet: true });
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
});
after(async () => {
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
  await sim.close();
  assert.deepEqual(crashes.map(String), [], "no exception or rejection went unhandled");
});

/** node:crypto's signature for the same request: the independent check. */
function expected(url = URL_, ts = TS) {
  const u = new URL(url);
  return createHmac("sha256", KEYS.secretKey).update(`GET ${u.pathname}${u.search}\n${ts}\n${KEYS.accessKey}`).digest("base64");
}

/** The module signs and sends: what "still works" means here. */
async function assertWorking() {
  assert.equal(signRequest({ method: "GET", url: URL_, ...KEYS, timestamp: TS }).headers["x-ncp-apigw-signature-v2"], expected());
  // The dives blocked the event loop for longer than the simulator keeps an
  // idle connection: let fetch see those closed before it picks one.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const client = new Client({ ...KEYS, endpoint: sim.url });
  assert.equal(client.signRequest({ method: "GET", url: URL_, timestamp: TS }).headers["x-ncp-apigw-signature-v2"], expected());
  assert.equal((await client.exportBackup(EXPORT)).returnCode, "0");
  client.free();
}

const ops = {
  signRequest: () => void signRequest({ method: "GET", url: URL_, ...KEYS, timestamp: 1 }),
  "new Client": () => new Client(KEYS).free(),
  "Client#signRequest": () => {
    const client = new Client(KEYS);
    try {
      client.signRequest({ method: "GET", url: URL_, timestamp: 1 });
    } finally {
      client.free();
    }
  },
  "exportBackup (reading its options)": () =>
    exportBackup({ ...KEYS, ...EXPORT, maxRetries: 0, fetch: async () => Promise.reject(new Error("offline")) }),
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
  breakInstance();
  assert.throws(() => old.signRequest({ method: "GET", url: URL_ }), (e) => e instanceof NcloudError && e.option === "client" && /create a new Client/.test(e.message));
  await assert.rejects(old.exportBackup(EXPORT), (e) => e instanceof NcloudError && e.option === "client");
  assert.deepEqual(old.toJSON(), { freed: true });
  assert.ok(!String(old).includes(KEYS.accessKey));
  old.free(); // must not free its old pointer in the new instance
  old.free();
  for (let i = 0; i < 50; i++) new Client(KEYS).free(); // the new instance's heap is intact
  await assertWorking();
});

test("a call running when the instance breaks is cut short at once, sends nothing more, and the instance is replaced when it ends", { timeout: 60_000 }, async () => {
  let answer;
  let sent = 0;
  // The first attempt is throttled, the second would come after the wait.
  const throttled = JSON.stringify({ error: { errorCode: "410", message: "Throttle Limited" } });
  const fetch = () => {
    sent++;
    return new Promise((resolve) => (answer = () => resolve(new Response(throttled, { status: 429, headers: { "retry-after": "1" } }))));
  };
  const before = generation;
  const client = new Client(KEYS);
  const inFlight = exportBackup({ ...KEYS, ...EXPORT, fetch });
  while (!answer) await new Promise((r) => setTimeout(r, 1));
  breakInstance();
  await assert.rejects(inFlight, (e) => e instanceof NcloudError && e.kind === "bad_response" && /cut short/.test(e.message));
  assert.equal(generation, before, "not replaced while the call still runs in it");
  // Meanwhile a synchronous call is refused, and an async one waits for the new instance.
  assert.throws(() => signRequest({ method: "GET", url: URL_, ...KEYS }), (e) => e instanceof NcloudError && e.retryable && /cut short/.test(e.message));
  const waiting = exportBackup({ ...KEYS, ...EXPORT, fetch: async () => new Response(ACCEPTED) });
  // A Client of the broken instance waits too, then is refused: its pointer means nothing in the new one.
  let staleSent = 0;
  const stale = client.exportBackup({ ...EXPORT, fetch: async () => (staleSent++, new Response(ACCEPTED)) });
  answer();
  assert.equal((await waiting).requestId, "r", "the waiting call ran in the new instance");
  await assert.rejects(stale, (e) => e instanceof NcloudError && e.option === "client" && /restarted/.test(e.message));
  assert.equal(staleSent, 0, "the stale Client's call never ran");
  assert.ok(generation > before, "replaced once the call ended");
  await new Promise((r) => setTimeout(r, 1500)); // the Retry-After the cut-short call would have waited
  assert.equal(sent, 1, "the cut-short call sent no second attempt");
  await assertWorking();
});

/** A replacement done with `make(Instance, module, imports)` in place of `new WebAssembly.Instance(…)`. */
function breakWith(make) {
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    return make(Instance, module, imports);
  };
  try {
    breakInstance();
  } finally {
    WebAssembly.Instance = Instance;
  }
}

test("a replacement that fails (the stack ran out in it) is done again by the next call, or on an empty stack", { timeout: 60_000 }, async () => {
  breakWith(() => {
    throw new RangeError("Maximum call stack size exceeded");
  });
  let before = generation;
  new Client(KEYS).free(); // the call replaces the instance first
  assert.ok(generation > before, "replaced before the call");
  breakWith(() => {
    throw new RangeError("Maximum call stack size exceeded");
  });
  before = generation;
  await new Promise((resolve) => setTimeout(resolve, 5)); // no call: the retry queued on an empty stack (a timer) runs
  assert.ok(generation > before, "replaced with no call");
  await assertWorking();
});

/** Replaces the instance with one whose exports count their calls; returns the count so far. */
function countingInstance() {
  let calls = 0;
  breakWith((Instance, module, imports) => {
    const exports = {};
    for (const [name, value] of Object.entries(new Instance(module, imports).exports)) {
      exports[name] = typeof value === "function" ? (...args) => (calls++, value(...args)) : value;
    }
    return { exports };
  });
  return () => calls;
}

test("once a call nested in another broke the instance, the outer one ends with an NcloudError and nothing calls in", { timeout: 60_000 }, async () => {
  // A getter that calls in, and an exception escapes (as a stack overflow would).
  let atBreak;
  const breaks = (calls) => {
    assert.throws(() => enter(() => {
      throw new RangeError("Maximum call stack size exceeded");
    }), RangeError);
    atBreak = calls();
  };
  const outer = [
    (calls) => signRequest({ method: "GET", get url() { breaks(calls); return URL_; }, ...KEYS, timestamp: TS }),
    (calls) => new Client(KEYS).signRequest({ method: "GET", get url() { breaks(calls); return URL_; }, timestamp: TS }),
  ];
  for (const [i, outerCall] of outer.entries()) {
    const calls = countingInstance();
    assert.throws(() => outerCall(calls), (e) => e instanceof NcloudError && /cut short/.test(e.message), `outer call ${i}`);
    assert.ok(calls() >= atBreak, `outer call ${i}`);
  }
  // While broken, a Client shows as gone and its free() does not call in.
  const calls = countingInstance();
  const held = new Client(KEYS);
  let shown, atFree;
  const input = { method: "GET", get url() { breaks(calls); shown = [String(held), JSON.stringify(held)]; held.free(); atFree = calls(); return URL_; }, ...KEYS, timestamp: TS };
  assert.throws(() => signRequest(input), NcloudError);
  assert.deepEqual(shown, ["ncloud-pg-backup Client (freed)", '{"freed":true}']);
  assert.equal(atFree, atBreak, "free() did not call into the broken instance");
  held.free();
  await assertWorking();
});

// Frames of 24 sizes for the dives below, so that where the stack runs out
// moves from one dive to the next.
const pads = Array.from({ length: 24 }, (_, n) => new Function("f", `let ${Array.from({ length: 2 * n + 1 }, (_, i) => `v${i} = ${i}`).join(", ")}; return f(v0);`));

/**
 * Runs `outer(getter)` up to 96 times, where `getter` calls `nested` at
 * ever deeper stacks until it throws, as a caller's getter that calls the
 * package again might. The outer call must give its right result or an
 * NcloudError, never anything else. Returns how many were cut short.
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

const answered = async () => new Response('{"getCloudPostgresqlBucketListResponse":{"requestId":"r","returnCode":"0","returnMessage":"success","totalRows":0,"cloudPostgresqlBucketList":[]}}');

test("a stack overflow inside a call nested in another (a getter calling in) ends the outer one with its result or an NcloudError", { timeout: 60_000 }, async () => {
  const before = generation;
  const signed = await nestedDives(
    (dive) => signRequest({ method: "GET", get url() { dive(); return URL_; }, ...KEYS, timestamp: TS }),
    () => signRequest({ method: "GET", url: URL_, ...KEYS, timestamp: TS }),
    (r) => assert.equal(r.headers["x-ncp-apigw-signature-v2"], expected()),
  );
  const called = await nestedDives(
    (dive) => call("getCloudPostgresqlBucketList", { get pageNo() { dive(); return 1; } }, { ...KEYS, endpoint: sim.url, fetch: answered }),
    () => new Client(KEYS).free(),
    (r) => assert.equal(r.returnCode, "0"),
  );
  // Without a nested call that broke the instance this test would prove nothing.
  assert.ok(signed + called >= 1, `cut short: ${signed} signRequest, ${called} call()`);
  assert.ok(generation > before, "the instance was replaced");
  await assertWorking();
});
