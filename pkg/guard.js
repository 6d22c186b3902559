// What happens when an exception escapes the module.
//
// Every failure the module knows of is an NcloudError it returns. Anything
// else that comes out of a call into it (a JS stack overflow, which the engine
// can raise at any function entry inside the module, or a trap) unwound its
// frames without their clean-up, and may have left its memory half-updated.
// So every call goes through `enter`: after such an exception the instance is
// marked broken, the calls still running in it are cut short (they reject at
// once and send nothing more), and once none is left it is replaced by a fresh
// instance of the same compiled module (wasm-bindgen's
// --experimental-reset-state-function). Not before: the old instance's
// callbacks would then throw when their promises settle. Until then, a new
// async call waits for the replacement and a synchronous one is refused.
// Calls before the module is loaded (the `init` entry's, before init()) and
// calls nested too deep (getters or onProgress calling in again and again,
// which would run the module's own stack out) are refused up front.
import { __wbg_reset_state } from "./gen/ncloud_pg_backup.js";
import { NcloudError } from "./error.js";

/** How many times the instance was replaced: what an older one made is stale. */
export let generation = 0;
/** Whether an entry has loaded the module (moduleLoaded). */
let loaded = false;
/** Calls into the module now on the stack (a getter the module calls can call in again). */
let depth = 0;
/** Far deeper than any real use (a getter or onProgress calling in once), far short of the module's stack. */
const MAX_DEPTH = 16;
/** Async calls whose work still runs in the instance. */
let running = 0;
let broken = false;
/** Whether a replacement that failed is to be tried again on a timer. */
let retrying = false;
/** Settles when the broken instance is replaced; rejects the running calls' races. */
let replaced = deferred();
let cutShort = deferred();

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // nobody may be racing it
  return { promise, resolve, reject };
}

/** For the entry files: the module is loaded, calls may go in. */
export function moduleLoaded() {
  loaded = true;
}

/** For the module: whether its instance is broken, so a call still running in it stops (src/js/transport.rs). */
export const instanceBroken = () => broken;

const restarting = () =>
  new NcloudError(
    "bad_response",
    "the call was cut short: the module is restarted after an exception escaped it (such as a JS stack overflow inside a call); call again",
    { retryable: true },
  );

/**
 * Runs `call` (which calls into the module). Its result is returned as it
 * is; a promise is also raced against the instance breaking meanwhile.
 */
export function enter(call) {
  if (!loaded) {
    throw new NcloudError(
      "invalid_options",
      'the module is not loaded yet: with "ncloud-pg-backup/init", call init() and wait for it before the first call',
    );
  }
  if (depth >= MAX_DEPTH) {
    throw new NcloudError(
      "invalid_options",
      `calls nested ${MAX_DEPTH} deep: an option's getter or onProgress calls the package, which calls it again; call it outside`,
    );
  }
  if (broken) {
    replaceIfIdle();
    if (broken) throw restarting();
  }
  const born = generation;
  const cut = cutShort;
  depth++;
  let result;
  try {
    result = call();
  } catch (error) {
    depth--;
    // Broken unless it is one of the module's own errors. Set first: the stack
    // may have run out, and the next call here could overflow too.
    const before = broken;
    broken = true;
    if (error instanceof NcloudError) broken = before;
    replaceIfIdle();
    throw error;
  }
  depth--;
  const promise = typeof result?.then === "function";
  if (promise) {
    // Counted before any replacement: its work has started in this instance.
    running++;
    const done = () => {
      running--;
      replaceIfIdle();
    };
    result.then(done, done);
  }
  replaceIfIdle();
  // A call nested in this one (a getter calling the package) broke the instance: this result came from it.
  if (generation !== born || broken) {
    if (promise) return cut.promise;
    throw restarting();
  }
  return promise ? Promise.race([result, cut.promise]) : result;
}

/** `enter(call)` for an async function: while the instance waits to be replaced, after it is. */
export function enterAsync(call) {
  if (broken) return replaced.promise.then(() => enter(call));
  try {
    return enter(call);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Cuts the calls running in a broken instance short, and replaces it once nothing runs in it. */
function replaceIfIdle() {
  if (!broken) return;
  cutShort.reject(restarting());
  if (depth > 0 || running > 0) return;
  try {
    __wbg_reset_state();
  } catch {
    // It runs at the bottom of the stack that overflowed, and can overflow
    // too: then once more on an empty stack, after a timer. Should that fail
    // too, the next call tries again.
    if (!retrying) {
      retrying = true;
      setTimeout(replaceIfIdle, 0);
    } else retrying = false;
    return;
  }
  retrying = false;
  generation++;
  broken = false;
  const waiting = replaced;
  replaced = deferred();
  cutShort = deferred();
  waiting.resolve();
}

/** For the tests: marks the instance broken, as an escaped exception does. */
export function breakInstance() {
  broken = true;
  replaceIfIdle();
}
