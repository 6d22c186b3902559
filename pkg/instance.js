// The module's instance, and what happens when an exception escapes it.
//
// Every failure the module knows of is an NcloudError it returns. Anything
// else that comes out of a call into it unwound through its frames without
// their clean-up: a JS stack overflow, which the engine can raise at any
// function entry inside the module (in the middle of an allocation, say), or
// a trap such as running out of memory. Its memory may then be half-updated:
// one such unwind was enough to make every later call fail. So the instance
// is replaced by a fresh one of the same compiled module (wasm-bindgen's
// `--experimental-reset-state-function`, scripts/build-pkg.sh) once no call
// into it is running, and the next call starts clean. What lived in the old
// instance is gone: a Client made before is refused with an NcloudError that
// says to make a new one, and a call in flight rejects with one (pkg/api.js,
// pkg/transport.js); nothing of theirs is ever handed to the new instance.
import { __wbg_reset_state } from "./gen/ncloud_pg_backup.js";
import { NcloudError } from "./gen/error.js";

/** How many times the instance was replaced: what an older one made is stale. */
export let generation = 0;

/** Calls into the module now running (a getter the module calls can call in again). */
let depth = 0;
/** An exception escaped the module: replace it once no call is running. */
let broken = false;
const onRestart = [];

/** `f()` after every replacement (pkg/api.js forgets its views of the old memory). */
export function afterRestart(f) {
  onRestart.push(f);
}

/**
 * Why a call failed that was running when the instance broke, by an
 * exception in a call nested in it (a getter the module called, calling in
 * again) or in another call meanwhile: whatever it got from the broken
 * instance is not to be trusted.
 */
export function restarted() {
  const message =
    "the call was cut short: the module was restarted after an exception escaped it (such as a JS stack overflow inside a call); call again";
  return new NcloudError("bad_response", message);
}

/**
 * Throws `restarted()` if the instance broke while the call running now ran
 * (a call nested in it, from a caller's getter, let an exception escape): for
 * pkg/api.js, before it calls into the instance again after a caller's code.
 */
export function intact() {
  if (broken) throw restarted();
}

/** Whether the instance is not broken (a Client's free() and what it shows ask). */
export const healthy = () => !broken;

/**
 * `enter()`, which calls into the module. An exception that is not an
 * NcloudError is rethrown as it is (a stack overflow is the caller's to
 * see), and the instance is replaced when the outermost call ends. While it
 * is broken, nothing enters it: a call nested in a running one is refused,
 * and the running one's own result is thrown away for `restarted()`.
 */
export function entered(enter) {
  if (broken && depth === 0) restart();
  intact(); // a call nested in a running one, while the instance is broken
  depth++;
  let result, failure;
  let threw = false;
  try {
    result = enter();
  } catch (error) {
    threw = true;
    failure = error;
  }
  depth--;
  // Set during enter() by a call nested in it (at entry it was not).
  const brokenInside = broken;
  if (threw && !(failure instanceof NcloudError)) broken = true;
  if (broken && depth === 0) restart();
  if (brokenInside) throw restarted();
  if (threw) throw failure;
  return result;
}

/**
 * Replaces the instance with a fresh one (for the tests too). It runs at the
 * bottom of whatever stack overflowed, so it can overflow too: then the
 * instance counts as broken still, and is replaced again on an empty stack
 * right after, or by the next call if that comes first.
 */
export function restart() {
  broken = true; // half replaced until the new instance and the views of its memory are in place
  generation++;
  try {
    __wbg_reset_state();
  } catch (error) {
    // Tried again at once on an empty stack, so that no finalizer of an
    // old object runs into the broken instance meanwhile (else the next call does).
    queueMicrotask(() => {
      try {
        if (broken && depth === 0) restart();
      } catch {
        // still broken: the next call replaces it first
      }
    });
    throw error;
  } finally {
    for (const f of onRestart) f();
  }
  broken = false;
}
