// The hand-written Node baseline: signature v2 with node:crypto, sent with the
// global fetch and read with JSON.parse. What a user would write without the package.
import { createHmac } from "node:crypto";
import { EXPORT, KEYS, exportUrl, signed, stringToSign } from "./inputs.mjs";

/** Signs like the package's signRequest: `{ headers, timestamp }`. */
export function signNodeCrypto({ method, url, timestamp }, { accessKey, secretKey } = KEYS) {
  const signature = createHmac("sha256", secretKey)
    .update(stringToSign(method, url, timestamp, accessKey))
    .digest("base64");
  return signed(signature, timestamp, accessKey);
}

/**
 * The same request as the package's exportBackup; resolves to the same result
 * shape. With `timeoutMs`, the request gets a timeout that aborts it, the
 * platform's way (AbortSignal.timeout); the package has its own in Node
 * (pkg/transport.js, deadline list). With `signal`, fetch gets that signal:
 * what making a request cancellable costs by itself, with no timer. `sign`
 * replaces node:crypto's signature (`{ method, url, timestamp }` to
 * `{ headers }`), and `attempt()` gives `{ signal, done() }` for the request:
 * the package's signer and timeout in otherwise hand-written code.
 */
export async function exportBackupBaseline(endpoint, { keys = KEYS, params = EXPORT, timeoutMs, signal, sign, attempt } = {}) {
  const url = exportUrl(endpoint, params);
  const input = { method: "GET", url, timestamp: Date.now() };
  const { headers } = sign ? sign(input) : signNodeCrypto(input, keys);
  if (timeoutMs) signal = AbortSignal.timeout(timeoutMs);
  const timeout = attempt?.();
  if (timeout) signal = timeout.signal;
  try {
    const res = await fetch(url, signal ? { headers, signal } : { headers });
    const body = JSON.parse(await res.text());
    if (!res.ok) throw new Error(`exportBackupToObjectStorage: HTTP ${res.status} ${JSON.stringify(body)}`);
    const { requestId, returnCode, returnMessage } = body.exportBackupToObjectStorageResponse;
    return { requestId, returnCode, returnMessage, httpStatus: res.status };
  } finally {
    timeout?.done();
  }
}
