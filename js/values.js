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
