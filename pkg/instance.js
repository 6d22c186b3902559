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
 * `enter()`, which calls into the module. An exception that is not an
 * NcloudError is rethrown as it is (a stack overflow is the caller's to
 * see), and the instance is replaced when the outermost call ends.
 */
export function entered(enter) {
  if (broken && depth === 0) restart();
  depth++;
  try {
    return enter();
  } catch (error) {
    if (!(error instanceof NcloudError)) broken = true;
    throw error;
  } finally {
    if (--depth === 0 && broken) restart();
  }
}

/** Replaces the instance with a fresh one (for the tests too). */
export function restart() {
  broken = false;
  generation++;
  try {
    __wbg_reset_state();
  } finally {
    for (const f of onRestart) f();
  }
}
