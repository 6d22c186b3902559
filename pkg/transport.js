// The runtime's side of every call. The wasm module decides what to send,
// signs it, reads each answer and decides whether to retry (src/call.rs,
// src/engine.rs); this file does the input and output it cannot: fetch, the
// per-attempt timeout, the caller's AbortSignal, and the waits between
// attempts. Driving the module from here instead of awaiting JS promises
// inside Rust made the package smaller and each request cheaper
// (README, Benchmarks: what we tried).

import { NcloudError } from "./gen/error.js";
import { entered, generation, restarted } from "./instance.js";

/**
 * Runs a prepared job (from `__job`) to its result, with the caller's `fetch`
 * and `AbortSignal` (each `undefined` when not given). Rejects only with the
 * NcloudError the module throws, the one that says the module was restarted
 * meanwhile (pkg/instance.js), or `noFetch()`'s. `born`: the generation of the
 * instance that made the job.
 */
export async function run(job, fetchFn, signal, born = generation) {
  /** `step(job)` in the module, if the job's instance is still the current one. */
  const inModule = (step) => {
    if (generation !== born) throw restarted();
    try {
      return entered(() => step(job));
    } catch (error) {
      throw generation === born ? error : restarted();
    }
  };
  try {
    // Before anything is sent, so nothing counts as an attempt.
    if (!fetchFn && typeof fetch !== "function") throw noFetch();
    const timeoutMs = inModule((j) => j.timeoutMs);
    for (;;) {
      if (isAborted(signal)) inModule((j) => j.report("aborted")); // throws
      const [url, method, body, ...pairs] = inModule((j) => j.request()).split("\n");
      const headers = {};
      for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
      if (typeof AbortController !== "function") inModule((j) => j.report("network", new Error("this runtime has no AbortController")));
      const attempt = attemptSignal(signal, timeoutMs, fetchFn);
      const init = { method, headers, signal: attempt.signal };
      if (body) init.body = body;
      let response, text, failure, race;
      try {
        // The runtime's fetch honours the signal for the request and the body;
        // a caller's fetch may not, so its promises are raced against it.
        if (fetchFn) {
          race = raceAbort(attempt.signal);
          response = await race.settle(fetchFn(url, init));
          text = typeof response?.text === "function" ? await race.settle(response.text()) : undefined;
        } else {
          response = await fetch(url, init);
          text = typeof response?.text === "function" ? await response.text() : undefined;
        }
      } catch (error) {
        failure = { why: isAborted(signal) ? "aborted" : attempt.signal.aborted ? "timeout" : "network", error };
      } finally {
        attempt.done();
        race?.done();
      }
      // A number: wait that long and send again. Anything else: the result.
      const next = inModule((j) => (failure ? j.report(failure.why, failure.error) : j.report(undefined, response, text)));
      if (typeof next !== "number") return next;
      if (next > 0 && !isAborted(signal)) await sleep(next, signal);
    }
  } finally {
    // Never into a new instance: the old one's memory went with it.
    if (generation === born) entered(() => job.free());
  }
}

/** What a call gets in a runtime without a global fetch, when the caller passed none. */
const noFetch = () =>
  new NcloudError("invalid_options", "this runtime has no global fetch: pass the fetch option, a function with fetch's signature", {
    option: "fetch",
  });

/**
 * The signal for one attempt: aborts once `ms` have passed, or when the
 * caller's signal does. One of its own per attempt, never shared by two in
 * flight (Workers forbid sharing one between requests), and never the
 * caller's long-lived signal itself, so fetch cannot pile listeners onto it.
 * With the runtime's fetch and no caller's signal: in Node, a controller on
 * the deadline list below (which can hand a finished attempt's controller on
 * to a later attempt, fetch's listener taken off); elsewhere
 * `AbortSignal.timeout`, the platform's own. Both timers leave Node free to
 * exit, which the runtime's fetch does not while a request is open; a caller's
 * fetch may not keep Node running (a mock that never answers), so that case
 * gets a timer of its own.
 */
function attemptSignal(user, ms, customFetch) {
  if (!user && !customFetch) {
    if (deadlines) return deadlines.add(ms);
    if (typeof globalThis.AbortSignal?.timeout === "function") return { signal: AbortSignal.timeout(ms), done() {} };
  }
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, ms);
  listen(user, "addEventListener", abort);
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      listen(user, "removeEventListener", abort);
    },
  };
}

/**
 * The deadline list every call's attempts use, once the Node entry
 * (pkg/node.js) has turned it on; `null` elsewhere. Not detected here: workerd
 * with `nodejs_compat` reports a Node version too, and there a timer belongs to
 * the request that set it, so one request's timer cannot time out another's.
 */
export let deadlines = null;

/**
 * Called by the Node entry. `reuse`, when the runtime's fetch is Node's own
 * (undici): `{ listenersOf, fetch }`, Node's `events.getEventListeners` and
 * that fetch (see `deadlineList`).
 */
export function useDeadlineList(reuse) {
  deadlines ??= deadlineList(realClock, reuse);
}

const realClock = {
  now: () => performance.now(),
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref?.(); // a pending timeout alone does not keep Node running
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer),
};

/**
 * Per-attempt timeouts for Node: one timer per timeout length for all the
 * attempts in flight, not one per attempt. `AbortSignal.timeout` keeps its
 * timer (and weak references to the signal) for the whole timeout, long after
 * the request is done: at 4,000 requests a second and the default 30 s, about
 * 120,000 of them pending. Here a finished attempt leaves its list at once.
 * Each length keeps its attempts in start order, so their deadlines are in
 * order too; the timer wakes for the oldest, aborts what is due and sleeps
 * until the next. `clock` is for the tests.
 *
 * With `reuse` (`{ listenersOf, fetch }`: Node's `events.getEventListeners`
 * and Node's own fetch), the controller of an attempt that finished in time
 * is kept for a later one: Node makes a controller's signal, an EventTarget,
 * on first use, about 3 µs of an attempt's timeout (README, Benchmarks).
 * Node's fetch puts one listener on the signal and leaves it until the
 * request is collected; once the attempt is done (answered and its body
 * read, or failed), nothing needs it, and taking it off costs a tenth of a
 * new signal. Only while the global fetch is still that fetch (a wrapper
 * may tie the signal to more than it shows), and only when that one
 * listener, and nothing else, was there; otherwise the controller is left
 * to be collected, as before.
 */
export function deadlineList(clock = realClock, reuse = null) {
  const lists = new Map();
  /** Controllers of attempts that finished in time, for the next ones (at most SPARE). */
  const spare = [];
  const SPARE = 256;

  /**
   * Keeps `controller` for a later attempt, if fetch's one listener was all
   * there was on its signal. None at all means the signal did not reach
   * Node's fetch as given (a wrapper may have passed on another signal tied
   * to it, which no listener shows), so it is not reused either.
   */
  function recycle(controller) {
    const { signal } = controller;
    if (!reuse || globalThis.fetch !== reuse.fetch || spare.length >= SPARE) return;
    const listeners = reuse.listenersOf(signal, "abort");
    if (listeners.length !== 1) return;
    signal.removeEventListener("abort", listeners[0]);
    if (reuse.listenersOf(signal, "abort").length === 0) spare.push(controller);
  }

  /**
   * Takes `entry` out of `list`; an empty list stops its timer and is
   * forgotten. False if it was gone already (timed out, or done twice).
   */
  function remove(list, entry) {
    if (entry.prev) entry.prev.next = entry.next;
    else if (list.head === entry) list.head = entry.next;
    else return false;
    if (entry.next) entry.next.prev = entry.prev;
    else list.tail = entry.prev;
    entry.prev = entry.next = null;
    if (!list.head) {
      if (list.timer !== null) clock.clearTimeout(list.timer);
      list.timer = null;
      if (lists.get(list.ms) === list) lists.delete(list.ms);
    }
    return true;
  }

  /** Aborts every attempt now due, then sleeps until the next deadline. */
  function expire(list) {
    list.timer = null;
    const now = clock.now();
    while (list.head && list.head.at <= now) {
      const entry = list.head;
      remove(list, entry);
      entry.controller.abort(new DOMException("no answer within the attempt's timeout", "TimeoutError"));
    }
    // An abort listener may have added to the list, and so armed its timer.
    if (list.head && list.timer === null) wake(list, now);
  }

  /** Sleeps until the oldest attempt of `list` is due. */
  function wake(list, now) {
    list.timer = clock.setTimeout(() => expire(list), list.head.at - now);
  }

  return {
    /** The lists by timeout length (for the tests). */
    lists,

    /** `{ signal, done() }`: the signal aborts with a TimeoutError once `ms` have passed, unless `done()` came first. */
    add(ms) {
      let list = lists.get(ms);
      if (!list) lists.set(ms, (list = { ms, head: null, tail: null, timer: null }));
      const now = clock.now();
      const entry = { controller: spare.pop() ?? new AbortController(), at: now + ms, prev: list.tail, next: null };
      if (list.tail) list.tail.next = entry;
      else list.head = entry;
      list.tail = entry;
      // For the oldest, usually this one; an abort listener can add while
      // expire() runs, with older attempts still waiting.
      if (list.timer === null) wake(list, now);
      return {
        signal: entry.controller.signal,
        done() {
          if (remove(list, entry)) recycle(entry.controller);
        },
      };
    },
  };
}

/** Waits `ms`, or less if the caller's signal aborts first (the loop then stops). */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      listen(signal, "removeEventListener", wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    listen(signal, "addEventListener", wake);
  });
}

/**
 * For a caller's fetch, which may ignore its signal: `settle(promise)`
 * rejects when `signal` aborts, if that comes first. `done()` unsubscribes.
 */
function raceAbort(signal) {
  let stop;
  const aborted = new Promise((_, reject) => {
    stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop);
  });
  aborted.catch(() => {}); // an abort after the race was decided is not an unhandled rejection
  return {
    settle: (promise) => Promise.race([promise, aborted]),
    done: () => signal.removeEventListener("abort", stop),
  };
}

/** `signal.aborted`, read so that an odd signal cannot throw out of the call. */
function isAborted(signal) {
  try {
    return signal?.aborted === true;
  } catch {
    return false;
  }
}

/** (Un)subscribes to a caller's signal; an odd signal that throws is ignored, as the module ignores it. */
function listen(signal, method, listener) {
  try {
    signal?.[method]("abort", listener);
  } catch {
    // duck-typed signals from other realms or polyfills: best effort
  }
}
