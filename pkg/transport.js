// The runtime's side of every call. The wasm module decides what to send,
// signs it, reads each answer and decides whether to retry (src/call.rs,
// src/engine.rs); this file does the input and output it cannot: fetch, the
// per-attempt timeout, the caller's AbortSignal, and the waits between
// attempts. Driving the module from here instead of awaiting JS promises
// inside Rust made the package smaller and each request cheaper
// (README, Benchmarks: what we tried).

/**
 * Runs a prepared job (from `__job`) to its result. Rejects only
 * with the NcloudError the module throws.
 */
export async function run(job) {
  try {
    const [fetchFn, signal, timeoutMs] = job.transport;
    for (;;) {
      if (isAborted(signal)) job.report("aborted"); // throws
      const [url, method, body, ...pairs] = job.request().split("\n");
      const headers = {};
      for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
      if (typeof AbortController !== "function") job.report("network", new Error("this runtime has no AbortController"));
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
      const next = failure ? job.report(failure.why, failure.error) : job.report(undefined, response, text);
      if (typeof next !== "number") return next;
      if (next > 0 && !isAborted(signal)) await sleep(next, signal);
    }
  } finally {
    job.free();
  }
}

/**
 * The signal for one attempt: aborts once `ms` have passed, or when the
 * caller's signal does. A fresh one per attempt (Workers forbid sharing one
 * between requests), and never the caller's long-lived signal itself, so fetch
 * cannot pile listeners onto it. With the runtime's fetch and no caller's
 * signal, `AbortSignal.timeout`: the cheapest signal to make, and no timer to
 * clear. Its timer does not keep Node running, which the runtime's fetch does
 * while a request is open; a caller's fetch may not (a mock that never
 * answers), so that case gets a timer of its own.
 */
function attemptSignal(user, ms, customFetch) {
  if (!user && !customFetch && typeof globalThis.AbortSignal?.timeout === "function") {
    return { signal: AbortSignal.timeout(ms), done() {} };
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
