// The public surface, shared by every entry file. Each entry initialises the
// wasm module its runtime's way, then re-exports this.
import {
  signRequest as signChecked,
  __signParts,
  Client as WasmClient,
} from "./gen/ncloud_pg_backup.js";

export {
  exportBackup,
  listInstances,
  listBackups,
  listBackupFiles,
  listBuckets,
  call,
} from "./gen/ncloud_pg_backup.js";
export { NcloudError } from "./gen/error.js";

// signRequest is called per request by people who send requests themselves,
// so its common shape takes a short path: a plain object of the known
// options, each a primitive, goes to the wasm signer as plain arguments (one
// crossing instead of one per field; README, Benchmarks). The wasm side runs
// the same checks either way; anything unusual takes the fully validated path,
// whose NcloudError says what is wrong.

const FREE = new Set(["method", "url", "accessKey", "secretKey", "timestamp", "clockOffsetMs"]);
const BOUND = new Set(["method", "url", "timestamp", "clockOffsetMs"]);

function plainInput(input, known) {
  if (typeof input !== "object" || input === null || Object.getPrototypeOf(input) !== Object.prototype) return false;
  for (const key in input) if (!known.has(key)) return false;
  const { method, url, timestamp, clockOffsetMs } = input;
  return (
    typeof method === "string" &&
    typeof url === "string" &&
    (timestamp === undefined || typeof timestamp === "number") &&
    (clockOffsetMs === undefined || typeof clockOffsetMs === "number")
  );
}

/** `timestamp` as given, else the clock plus `clockOffsetMs` (as the wasm path does). */
function timestampOf({ timestamp, clockOffsetMs }) {
  return timestamp ?? Math.floor(Date.now() + (clockOffsetMs ?? 0));
}

function signed(timestamp, accessKey, signature) {
  return {
    headers: {
      "x-ncp-apigw-timestamp": String(timestamp),
      "x-ncp-iam-access-key": accessKey,
      "x-ncp-apigw-signature-v2": signature,
    },
    timestamp,
  };
}

/** Signs a request to any NCP API Gateway URL: `{ headers, timestamp }`. */
export function signRequest(input) {
  if (plainInput(input, FREE) && typeof input.accessKey === "string" && typeof input.secretKey === "string") {
    const timestamp = timestampOf(input);
    return signed(timestamp, input.accessKey, __signParts(input.method, input.url, input.accessKey, input.secretKey, timestamp));
  }
  return signChecked(input);
}

/** Credentials and transport settings once; the secret is kept only as a prepared HMAC key. */
export class Client extends WasmClient {
  signRequest(input) {
    if (plainInput(input, BOUND)) {
      const timestamp = timestampOf(input);
      return signed(timestamp, this.__accessKey, this.__signParts(input.method, input.url, timestamp));
    }
    return super.signRequest(input);
  }
}
