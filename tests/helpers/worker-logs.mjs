// A Worker in the real workerd (through miniflare), started by workerd.mjs, with what it
// writes through console.* captured line by line.
//
// How the capture works: `handleStructuredLogs` makes miniflare start workerd with structured
// logging, so every console.log/console.error call arrives as one JSON line
// `{ timestamp, level, message }` on workerd's stdout/stderr, which miniflare parses and hands
// over (and no longer prints). Two things about it:
// - the lines come through a pipe from the workerd process, so they may land after the call
//   that wrote them has resolved: wait for them (`waitForLines`), never read them at once;
// - miniflare checks the handler's return value with zod against `void`: a handler that
//   returns anything (`(l) => logs.push(l)` returns a number) makes the stream handler throw
//   inside miniflare, which takes down the test process.
import { startWorker } from "./workerd.mjs";

/**
 * Starts `entry` in workerd with `bindings`. Returns `{ mf, logs, waitForLines, dispose }`:
 * `logs` is every line so far as `{ level, message }` ("log", "error", "warn", …).
 */
export async function startLoggedWorker(entry, options = {}) {
  const logs = [];
  const mf = await startWorker(entry, {
    ...options,
    handleStructuredLogs: ({ level, message }) => {
      logs.push({ level, message });
    },
  });
  const dispose = () => mf.dispose();

  /**
   * The lines logged from index `from` on, once at least `count` of them are there (or
   * `timeoutMs` passed: then what there is, for the caller's assertion to show), and then
   * `settleMs` more, so that a line too many is seen too.
   */
  async function waitForLines(from, count, { timeoutMs = 5_000, settleMs = 150 } = {}) {
    const deadline = Date.now() + timeoutMs;
    while (logs.length - from < count && Date.now() < deadline) await sleep(10);
    await sleep(settleMs);
    return logs.slice(from);
  }

  return { mf, logs, waitForLines, dispose };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
