// Helpers for src/js/convert.rs, and readOptions for pkg/api.js.
//
// What a JS value is, answered in one call from the wasm module instead of
// one call per question (is it a string? how long? a number? an array? ...):
// src/js/convert.rs reads options, call() parameters and parsed answers with
// it. The low 4 bits are the kind; for a string, the bits above hold its
// length in UTF-16 units (capped far above any size the module accepts).

const STRING_LENGTH_CAP = 0x7ffffff;

export function kindOf(v) {
  switch (typeof v) {
    case "undefined":
      return 0;
    case "boolean":
      return v ? 3 : 2;
    case "number":
      return 4;
    case "string":
      return 5 | (Math.min(v.length, STRING_LENGTH_CAP) << 4);
    case "function":
      return 7;
    case "object":
      if (v === null) return 1;
      try {
        if (Array.isArray(v)) return 6;
        // Plain data: the prototype is null or an Object.prototype (of any realm).
        const proto = Object.getPrototypeOf(v);
        if (proto === null || (Object.getPrototypeOf(proto) === null && typeof proto.hasOwnProperty === "function")) return 8;
      } catch {
        // a revoked Proxy, or a Proxy whose traps throw: an object, not plain data
      }
      return 9;
    default:
      return 10; // symbol, bigint
  }
}

// An answer's JSON, parsed where its text is: the module then reads the
// parsed value, and the text (up to 16 MiB) is never copied into wasm memory
// and back out for JSON.parse. Only a body that starts with "{" (as NCP's JSON
// answers do) or "["; `null` when such a body does not parse (it cannot parse
// to null), so it is not parsed a second time from a copy; `undefined` for any
// other body, which the module then reads from its text (it trims a byte order
// mark and white space, and says what a body that is no answer was). Never throws.
export function parseJsonBody(text) {
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return undefined;
  // A text with a lone surrogate takes the text path too: copied into wasm
  // memory, a lone surrogate becomes U+FFFD, so there two keys that differ
  // only in one are the same key (the last value wins), as they must stay.
  if (!wellFormed(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Whether `text` has no lone surrogate (`isWellFormed` is Node 20+, older runtimes get the regex). */
export const wellFormed = (text) => (typeof text.isWellFormed === "function" ? text.isWellFormed() : !/\p{Cs}/u.test(text));

// Limits the module applies to an options object (src/options.rs), so that
// nothing over them is copied into wasm memory: the options written (keys
// holding undefined or null are skipped, not written), and a value's and a
// name's length in UTF-16 units.
const MAX_OPTION_KEYS = 64;
export const MAX_VALUE_LEN = 4096;
const MAX_NAME_LEN = 200;
// Codes added to kindOf's: reading the object's keys, or a value, threw; an
// AbortSignal; a string too long to copy; a string with a lone surrogate
// (copied, it would become U+FFFD, and another value would be sent). And the
// flag for a name too long to copy.
const THREW = 11;
const SIGNAL = 12;
const LONG_STRING = 13;
const LONE_SURROGATE = 14;
const LONG_NAME = 16;

const number = new DataView(new ArrayBuffer(8));
const encoder = new TextEncoder();

// The options' bytes go into one buffer, reused: a new array per call (an
// ArrayBuffer each) took about twice as long as encoding into this one. A
// text that might not fit (three bytes a UTF-16 unit at most) gets an array
// of its own. Reuse is safe: no caller's code runs between filling it and the
// module copying it, and the caller wipes what was written right after.
const SHARED = 16 * 1024;
let shared;

/** `text` as UTF-8 bytes. */
function bytesOf(text) {
  if (text.length * 3 > SHARED) return encoder.encode(text);
  shared ??= new Uint8Array(SHARED);
  return shared.subarray(0, encoder.encodeInto(text, shared).written);
}

/**
 * An options object, read for the module in one pass, as one text: copying
 * each name and value into wasm memory on its own took several crossings an
 * option (README, Benchmarks). Each own enumerable key is read once, in
 * order, and so is each value (a getter runs once). Returns
 * `[bytes, signal, fetch, clockOffsetMs]`: `signal` and `fetch` are the values of the
 * options of those names when they are an AbortSignal and a function (they
 * stay in JS: pkg/transport.js uses them), and `clockOffsetMs` that option's value
 * when it is a number (a Client's fast signRequest path uses it, once the
 * module has checked it). `bytes` is the text's UTF-8, which
 * the module reads (src/options_text.rs) and wipes; the caller
 * wipes `bytes` once the module has it (`fill(0)`: it may hold the secret
 * key). Bytes rather than a string: wasm-bindgen copies a string into wasm
 * memory in two steps when it is not all ASCII, and the first copy, freed
 * when the buffer moves, would keep whatever came before the first non-ASCII
 * character, the secret key perhaps; an array is copied once. The text, one
 * character a code:
 * - the object's kind (`kindOf`'s, or THREW when its keys could not be read);
 * - for each option whose value is not undefined or null, up to
 *   MAX_OPTION_KEYS of them: the value's kind (`kindOf`'s, THREW, SIGNAL,
 *   LONG_STRING or LONE_SURROGATE), with LONG_NAME added when the name is not copied; the name
 *   (its length, then itself) unless too long; then for a string its length
 *   and itself, for a number its 8 bytes (little-endian), one character each.
 *   After THREW nothing more is read.
 * A length (at most 4096) is never a surrogate, and no piece is followed by
 * one, so no two pieces can join into one character. Never throws.
 */
export function readOptions(opts) {
  let signal, fetch, offset;
  const object = kindOf(opts) & 15;
  let text = String.fromCharCode(object);
  if (object !== 8 && object !== 9) return [bytesOf(text), signal, fetch];
  let keys;
  try {
    keys = Object.keys(opts);
  } catch {
    return [bytesOf(String.fromCharCode(THREW)), signal, fetch];
  }
  // Counted as written: a key holding undefined or null is skipped, and must
  // not use up the count, or options after 64 of them would be dropped unseen.
  for (let i = 0, written = 0; i < keys.length && written < MAX_OPTION_KEYS; i++) {
    const name = keys[i];
    let v, kind;
    try {
      v = opts[name];
      kind = kindOf(v) & 15;
    } catch {
      kind = THREW;
    }
    if (kind === 0 || kind === 1) continue; // undefined or null: absent, as with optional arguments in JS
    written++;
    if (kind === 5 && v.length > MAX_VALUE_LEN) kind = LONG_STRING;
    else if (kind === 5 && !wellFormed(v)) kind = LONE_SURROGATE;
    else if ((kind === 8 || kind === 9) && isSignal(v)) kind = SIGNAL;
    if (name.length > MAX_NAME_LEN) text += String.fromCharCode(kind | LONG_NAME);
    else text += String.fromCharCode(kind, name.length) + name;
    if (kind === 5) text += String.fromCharCode(v.length) + v;
    else if (kind === 4) {
      number.setFloat64(0, v, true);
      for (let b = 0; b < 8; b++) text += String.fromCharCode(number.getUint8(b));
    } else if (kind === THREW) break;
    else if (kind === SIGNAL && name === "signal") signal = v;
    else if (kind === 7 && name === "fetch") fetch = v;
    if (kind === 4 && name === "clockOffsetMs") offset = v;
  }
  return [bytesOf(text), signal, fetch, offset];
}

/** Duck-typed, so a signal from another realm (an iframe, a polyfill) works too. */
function isSignal(v) {
  try {
    return typeof v.aborted === "boolean" && typeof v.addEventListener === "function";
  } catch {
    return false;
  }
}
