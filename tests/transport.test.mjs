// pkg/transport.js, the runtime side of every call, in situations the
// conformance cases cannot set up: a process with nothing else keeping it
// alive, and an abort that lands just before a wait between attempts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNodeModule } from "./helpers/node-script.mjs";
import { exportBackup } from "ncloud-pg-backup";

const OPTS = { accessKey: "AK", secretKey: "SK", cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" };

test("a caller's fetch that never answers still times out when nothing else keeps Node running", () => {
  const script = `
    import { exportBackup } from "ncloud-pg-backup";
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

// The deadline list that times attempts out in Node (pkg/transport.js), on a
// clock the tests move by hand: exact times, no dependence on the machine's load.
import { getEventListeners } from "node:events";
import { createServer } from "node:http";
import { deadlineList, deadlines } from "../pkg/transport.js";

/**
 * A clock whose timers fire when `advanceTo` passes them; timers longer than
 * `early` ms fire that much before they are due (as Node's may, against
 * `performance.now()`).
 */
function fakeClock({ early = 0 } = {}) {
  let now = 0;
  let nextId = 0; // 0 is a valid timer id: the list must not treat it as "no timer"
  const timers = new Map();
  const clock = {
    fires: 0,
    now: () => now,
    setTimeout(run, ms) {
      const wait = Math.max(1, ms);
      timers.set(nextId, { at: now + (wait > early ? wait - early : wait), run });
      return nextId++;
    },
    clearTimeout: (id) => timers.delete(id),
    pending: () => timers.size,
    /** Moves time forward to `to`, firing each timer at its time, in order. */
    advanceTo(to) {
      for (;;) {
        let first = null;
        for (const [id, t] of timers) if (t.at <= to && (!first || t.at < first[1].at)) first = [id, t];
        if (!first) break;
        timers.delete(first[0]);
        now = Math.max(now, first[1].at);
        clock.fires++;
        first[1].run();
      }
      now = to;
    },
  };
  return clock;
}

/** Adds an attempt and records when its signal aborted. */
function attempt(list, clock, ms) {
  const a = list.add(ms);
  a.addedAt = clock.now();
  a.signal.addEventListener("abort", () => (a.abortedAt = clock.now()));
  return a;
}

test("deadlines: each attempt aborts with a TimeoutError when its own time is up, not before", () => {
  const clock = fakeClock();
  const list = deadlineList(clock);
  const long = attempt(list, clock, 1_000);
  clock.advanceTo(10);
  const short = attempt(list, clock, 50);
  clock.advanceTo(250);
  const later = attempt(list, clock, 1_000);
  clock.advanceTo(5_000);
  assert.deepEqual([short.abortedAt, long.abortedAt, later.abortedAt], [60, 1_000, 1_250]);
  assert.equal(short.signal.reason.name, "TimeoutError");
  assert.equal(list.lists.size, 0, "an empty list was kept");
  assert.equal(clock.pending(), 0, "a timer was left behind");
});

test("deadlines: a timer that fires early sleeps again for the rest, without spinning", () => {
  const clock = fakeClock({ early: 2 });
  const list = deadlineList(clock);
  const a = attempt(list, clock, 100);
  clock.advanceTo(99);
  assert.equal(a.abortedAt, undefined, "aborted before its time");
  clock.advanceTo(1_000);
  assert.equal(a.abortedAt, 100);
  assert.ok(clock.fires <= 3, `${clock.fires} timer fires for one deadline`);
});

test("deadlines: finished attempts, taken out in any order, are never aborted and the rest keep their times", () => {
  const clock = fakeClock();
  const list = deadlineList(clock);
  const all = [];
  for (let i = 0; i < 6; i++) {
    all.push(attempt(list, clock, 100));
    clock.advanceTo(clock.now() + 10); // due at 100, 110, ..., 150
  }
  // A middle one, the tail, the head, then one whose neighbour left before it.
  for (const i of [3, 5, 0, 4]) all[i].done();
  all[3].done(); // twice: harmless
  const added = attempt(list, clock, 100); // due at 160, after the old tail
  all[1].done(); // the new head, after the list changed around it
  clock.advanceTo(1_000);
  assert.deepEqual(
    all.map((a) => a.abortedAt),
    [undefined, undefined, 120, undefined, undefined, undefined],
  );
  assert.equal(added.abortedAt, 160);
  added.done(); // after its timeout: harmless
  assert.equal(list.lists.size, 0);
  assert.equal(clock.pending(), 0);
});

test("deadlines: an attempt added while others abort gets one timer, due for the oldest", () => {
  const clock = fakeClock();
  const list = deadlineList(clock);
  const a = attempt(list, clock, 100);
  clock.advanceTo(50);
  const c = attempt(list, clock, 100); // keeps the list in use while a aborts
  let b;
  a.signal.addEventListener("abort", () => (b = attempt(list, clock, 100)));
  clock.advanceTo(100);
  assert.equal(clock.pending(), 1, "two timers armed for one list");
  clock.advanceTo(1_000);
  assert.deepEqual([c.abortedAt, b.abortedAt], [150, 200]);
  assert.equal(clock.pending(), 0);
});

test("deadlines: many attempts of a few lengths leave nothing behind", () => {
  const clock = fakeClock();
  const list = deadlineList(clock);
  const attempts = Array.from({ length: 100 }, (_, i) => list.add(1_000 + (i % 3)));
  for (const i of [50, 0, 99, ...Array.from({ length: 100 }, (_, j) => j)]) attempts[i].done();
  assert.equal(list.lists.size, 0);
  assert.equal(clock.pending(), 0);
  assert.ok(attempts.every((a) => !a.signal.aborted));
});

/** What the Node entry hands the list where the fetch is Node's own. */
const REUSE = { listenersOf: getEventListeners, fetch: globalThis.fetch };

/** `attempt.done()` after the one listener Node's fetch puts on the signal (and leaves until its request is collected). */
function fetched(a) {
  a.signal.addEventListener("abort", () => {});
  a.done();
  return a;
}

test("deadlines: an attempt done in time hands its controller to the next, if fetch's one listener was all there was", () => {
  const clock = fakeClock();
  const list = deadlineList(clock, REUSE);
  const first = fetched(list.add(100));
  const next = list.add(100);
  assert.equal(next.signal, first.signal, "a new signal was made");
  assert.equal(getEventListeners(next.signal, "abort").length, 0, "fetch's listener was left on the signal");
  next.signal.addEventListener("abort", () => (next.abortedAt = clock.now()));
  clock.advanceTo(1_000);
  assert.equal(next.abortedAt, 100, "the reused signal keeps the next attempt's own time");

  // Anything more on the signal, and the controller is left alone, listeners and all.
  const extra = [() => {}, () => {}];
  for (const [listen, count] of [
    [(signal) => extra.forEach((l) => signal.addEventListener("abort", l)), 2], // a wrapper's and fetch's
    [(signal) => signal.addEventListener("abort", extra[0], { capture: true }), 1], // one removeEventListener cannot take off
  ]) {
    const a = list.add(100);
    listen(a.signal);
    a.done();
    const b = list.add(100);
    assert.notEqual(b.signal, a.signal);
    assert.equal(getEventListeners(a.signal, "abort").length, count);
    b.done();
  }
});

test("deadlines: no reuse without fetch's listener, without Node's fetch as the global, nor without the Node entry's say-so", () => {
  const clock = fakeClock();
  const list = deadlineList(clock, REUSE);
  const unheard = list.add(100); // a wrapper may have handed fetch another signal tied to this one
  unheard.done();
  assert.notEqual(list.add(100).signal, unheard.signal);
  const wrapped = deadlineList(clock, { ...REUSE, fetch: () => {} }); // the global is another function
  const a = fetched(wrapped.add(100));
  assert.notEqual(wrapped.add(100).signal, a.signal);
  const plain = deadlineList(clock);
  const b = fetched(plain.add(100));
  assert.notEqual(plain.add(100).signal, b.signal);
});

test("deadlines: a timed-out attempt's controller is never reused, one done twice is handed on once, and at most 256 are kept", () => {
  const clock = fakeClock();
  const list = deadlineList(clock, REUSE);
  const late = list.add(50);
  late.signal.addEventListener("abort", () => {});
  clock.advanceTo(100);
  late.done(); // after its timeout
  const fresh = fetched(list.add(50));
  assert.notEqual(fresh.signal, late.signal);
  assert.equal(fresh.signal.aborted, false);
  fresh.done();
  const [b, c] = [list.add(50), list.add(50)];
  assert.equal(b.signal, fresh.signal);
  assert.notEqual(c.signal, fresh.signal, "one controller given to two attempts in flight");
  b.done();
  c.done();
  // 300 done at once: 256 of their signals come back, then new ones.
  const burst = Array.from({ length: 300 }, () => list.add(50));
  burst.forEach(fetched);
  const known = new Set(burst.map((a) => a.signal));
  const after = Array.from({ length: 300 }, () => list.add(50));
  assert.equal(after.filter((a) => known.has(a.signal)).length, 256);
  after.forEach((a) => a.done());
  assert.equal(list.lists.size, 0);
  assert.equal(clock.pending(), 0);
});

test("deadlines: the package's calls in Node reuse a signal after an answer or a failure, never after a timeout", () => {
  // A fresh Node whose global fetch records what it is given before the
  // package loads: the entry takes that fetch as the runtime's.
  const script = `
    import { getEventListeners } from "node:events";
    import { createServer } from "node:http";
    const runtimeFetch = globalThis.fetch;
    const seen = [];
    globalThis.fetch = (url, init) => {
      seen.push({ signal: init.signal, listening: getEventListeners(init.signal, "abort").length });
      return runtimeFetch(url, init);
    };
    const { exportBackup } = await import("ncloud-pg-backup");
    const body = JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } });
    const answers = createServer((req, res) => res.end(body));
    const hangs = createServer(() => {});
    const closed = createServer();
    for (const s of [answers, hangs, closed]) await new Promise((r) => s.listen(0, "127.0.0.1", r));
    const at = (s) => "http://127.0.0.1:" + s.address().port;
    const deadPort = at(closed);
    await new Promise((r) => closed.close(r));
    const opts = ${JSON.stringify({ ...OPTS, maxRetries: 0 })};
    const outcome = (endpoint, extra) => exportBackup({ ...opts, endpoint, ...extra }).then((r) => r.returnCode, (e) => e.kind);
    const got = [];
    got.push(await outcome(at(answers)), await outcome(at(answers)), await outcome(deadPort), await outcome(at(answers)));
    got.push(await outcome(at(hangs), { timeoutMs: 200 }), await outcome(at(answers)));
    const first = seen[0].signal;
    console.log(JSON.stringify({
      got,
      same: seen.map((s) => s.signal === first),
      listening: seen.map((s) => s.listening),
      firstAborted: first.aborted,
      lastAborted: seen[5].signal.aborted,
    }));
    hangs.closeAllConnections();
    for (const s of [answers, hangs]) s.close();
  `;
  const r = JSON.parse(runNodeModule(script));
  assert.deepEqual(r.got, ["0", "0", "network", "0", "timeout", "0"]);
  assert.deepEqual(r.same, [true, true, true, true, true, false], "reused after an answer and a failure, not after the timeout");
  assert.deepEqual(r.listening, [0, 0, 0, 0, 0, 0], "a listener from an earlier request was still on the signal");
  assert.equal(r.firstAborted, true, "the timeout aborted the reused signal");
  assert.equal(r.lastAborted, false);
});

test("deadlines: the package's calls in Node time out through the list, and leave it empty", async () => {
  const server = createServer(() => {}); // accepts, never answers
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    const call = exportBackup({ ...OPTS, endpoint, timeoutMs: 300 }).then(
      () => "resolved",
      (e) => e.kind,
    );
    await pause(50);
    assert.equal(deadlines?.lists.get(300)?.head?.at > 0, true, "the attempt is not on the list");
    assert.equal(await call, "timeout");
    assert.equal(deadlines.lists.size, 0);
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
});

test("deadlines: a pending timeout does not keep Node running", () => {
  const script = `
    import { deadlineList } from ${JSON.stringify(new URL("../pkg/transport.js", import.meta.url).href)};
    deadlineList().add(60_000);
    console.log("added");`;
  const started = Date.now();
  const out = runNodeModule(script);
  assert.equal(out.trim(), "added");
  assert.ok(Date.now() - started < 15_000, "Node waited for the timer");
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
