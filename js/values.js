// Two helpers for src/js/convert.rs.
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
const wellFormed = (text) => (typeof text.isWellFormed === "function" ? text.isWellFormed() : !/\p{Cs}/u.test(text));
