// The hand-written Node baseline: signature v2 with node:crypto, sent with the
// global fetch and read with JSON.parse. What a user would write without the package.
import { createHmac } from "node:crypto";
import { EXPORT, KEYS, exportUrl, signed, stringToSign } from "./inputs.mjs";

/** Signs like the package's signRequest: `{ headers, timestamp }`, the key made per call. */
export function signNodeCrypto({ method, url, timestamp }, { accessKey, secretKey } = KEYS) {
  const signature = createHmac("sha256", secretKey)
    .update(stringToSign(method, url, timestamp, accessKey))
    .digest("base64");
  return signed(signature, timestamp, accessKey);
}

/**
 * The same request as the package's exportBackup; resolves to the same result
 * shape. With `timeoutMs`, the request is aborted after that long the way the
 * package times out each attempt (an AbortController and a setTimeout,
 * cleared once answered): what a timeout costs by itself, to read the
 * package's figures against.
 */
export async function exportBackupBaseline(endpoint, { keys = KEYS, params = EXPORT, timeoutMs } = {}) {
  const url = exportUrl(endpoint, params);
  const { headers } = signNodeCrypto({ method: "GET", url, timestamp: Date.now() }, keys);
  let controller, timer;
  if (timeoutMs) {
    controller = new AbortController();
    timer = setTimeout(() => controller.abort(), timeoutMs);
  }
  try {
    const res = await fetch(url, controller ? { headers, signal: controller.signal } : { headers });
    const body = JSON.parse(await res.text());
    if (!res.ok) throw new Error(`exportBackupToObjectStorage: HTTP ${res.status} ${JSON.stringify(body)}`);
    const { requestId, returnCode, returnMessage } = body.exportBackupToObjectStorageResponse;
    return { requestId, returnCode, returnMessage, httpStatus: res.status };
  } finally {
    clearTimeout(timer);
  }
}
