// Helpers shared by the sections: interleaved rounds, per-round ratios and
// their medians, a clock, progress output.

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

/**
 * `rounds` rounds in which every candidate of `list` is measured once, by
 * `measure(candidate)`, in an order rotated per round. Resolves to the
 * samples by candidate id, index = round, so a sample can be paired with the
 * other candidates' samples of the same round, taken moments apart.
 */
export async function sampleRounds(list, rounds, measure) {
  const samples = Object.fromEntries(list.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(list, r)) samples[c.id].push(await measure(c));
  }
  return samples;
}

/**
 * `samples[id]` against `samples[base]` round by round (`value` picks the
 * number out of a sample), as the median of the per-round ratios and their
 * quartiles. A slow spell of the machine then moves both sides of a ratio
 * alike instead of landing on one candidate.
 */
export function ratio(samples, id, base, value = (s) => s) {
  const perRound = samples[id].map((s, r) => value(s) / value(samples[base][r]));
  return { median: median(perRound), quartiles: quartiles(perRound) };
}

/** The same per round, as differences (`id` minus `base`). */
export function difference(samples, id, base, value = (s) => s) {
  const perRound = samples[id].map((s, r) => value(s) - value(samples[base][r]));
  return { median: median(perRound), quartiles: quartiles(perRound) };
}

/** Milliseconds, sub-microsecond resolution. */
export const now = () => performance.now();

/** Progress goes to stderr so stdout holds only the table. */
export const log = (...args) => console.error("[bench]", ...args);
