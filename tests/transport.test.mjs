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

test("deadlines: an attempt done in time hands its controller to the next, with nothing left listening", () => {
  const clock = fakeClock();
  const list = deadlineList(clock, getEventListeners);
  const first = list.add(100);
  first.signal.addEventListener("abort", () => {}); // as fetch does, until its request is collected
  first.done();
  const next = attempt(list, clock, 100);
  assert.equal(next.signal, first.signal, "a new signal was made");
  assert.equal(getEventListeners(next.signal, "abort").length, 1, "fetch's listener was left on the signal"); // attempt()'s own
  clock.advanceTo(1_000);
  assert.equal(next.abortedAt, 100, "the reused signal keeps the next attempt's own time");
  // Without Node's getEventListeners (as in the tests above), nothing is reused.
  const plain = deadlineList(fakeClock());
  const a = plain.add(100);
  a.done();
  assert.notEqual(plain.add(100).signal, a.signal);
});

test("deadlines: a timed-out attempt's controller is never reused, and one done twice is handed on once", () => {
  const clock = fakeClock();
  const list = deadlineList(clock, getEventListeners);
  const late = list.add(50);
  clock.advanceTo(100);
  late.done(); // after its timeout
  const fresh = list.add(50);
  assert.notEqual(fresh.signal, late.signal);
  assert.equal(fresh.signal.aborted, false);
  fresh.done();
  fresh.done();
  const [b, c] = [list.add(50), list.add(50)];
  assert.equal(b.signal, fresh.signal);
  assert.notEqual(c.signal, fresh.signal, "one controller given to two attempts in flight");
  b.done();
  c.done();
  assert.equal(list.lists.size, 0);
  assert.equal(clock.pending(), 0);
});

test("deadlines: the package's calls in Node reuse their attempts' signals, each passed to fetch with nothing else listening", async () => {
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const runtimeFetch = globalThis.fetch;
  const seen = [];
  // The runtime's fetch, watched: the package uses whatever the global is when it sends.
  globalThis.fetch = (url, init) => {
    seen.push({ signal: init.signal, listening: getEventListeners(init.signal, "abort").length });
    return runtimeFetch(url, init);
  };
  try {
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    for (let i = 0; i < 3; i++) assert.equal((await exportBackup({ ...OPTS, endpoint })).returnCode, "0");
    assert.equal(seen.length, 3);
    assert.ok(seen.every((s) => s.signal === seen[0].signal), "each call made a new signal");
    assert.deepEqual(seen.map((s) => s.listening), [0, 0, 0], "a listener from an earlier request was still on the signal");
    assert.equal(seen[0].signal.aborted, false);
  } finally {
    globalThis.fetch = runtimeFetch;
    server.closeAllConnections?.();
    server.close();
  }
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
