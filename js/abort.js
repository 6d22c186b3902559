// A promise that rejects when `signal` aborts. The module races it against
// fetch and the body read, so a timeout or the caller's abort settles the call
// even when a custom fetch ignores its signal. It is marked handled: an abort
// after the race was decided must not surface as an unhandled rejection.
export function whenAborted(signal) {
  const aborted = new Promise((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  return aborted;
}
