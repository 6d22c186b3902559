// Small helpers shared by the sections: medians, interleaving, a clock.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The first and third quartiles: the middle half of `values` lies between them. */
export function quartiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => {
    const i = (sorted.length - 1) * q;
    const lo = Math.floor(i);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
  };
  return [at(0.25), at(0.75)];
}

/** The candidates in round `round`'s order: rotated, so each one takes every position in turn. */
export function rotate(list, round) {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** Milliseconds, sub-microsecond resolution. */
export const now = () => performance.now();

/** Progress goes to stderr so stdout holds only the table. */
export const log = (...args) => console.error("[bench]", ...args);
