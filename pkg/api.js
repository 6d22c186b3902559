// The public surface, shared by every entry file. Each entry initialises the
// wasm module its runtime's way, then re-exports this.
import { __callJob, __job, __signChecked, __signParts, Client as WasmClient } from "./gen/ncloud_pg_backup.js";
import { NcloudError } from "./gen/error.js";
import { run } from "./transport.js";

export { NcloudError };

// Every call is prepared by the module when the function is called (options
// read and checked then, so a bad option rejects before anything is sent and
// changing the object afterwards changes nothing), then run by transport.js.
function send(prepare) {
  let job;
  try {
    job = prepare();
  } catch (error) {
    return Promise.reject(error); // the module's NcloudError
  }
  return run(job);
}

/** Sends a backup file of a Cloud DB for PostgreSQL instance to an Object Storage bucket. */
export const exportBackup = (opts) => send(() => __job("exportBackup", opts));
/** Lists the Cloud DB for PostgreSQL instances. */
export const listInstances = (opts) => send(() => __job("listInstances", opts));
/** Lists the backups of every instance. */
export const listBackups = (opts) => send(() => __job("listBackups", opts));
/** Lists one instance's backup files. */
export const listBackupFiles = (opts) => send(() => __job("listBackupFiles", opts));
/** Lists the Object Storage buckets the service can write to. */
export const listBuckets = (opts) => send(() => __job("listBuckets", opts));
/** Calls any vpostgresql/v2 action; resolves to the unwrapped response object. */
export const call = (action, params, opts) => send(() => __callJob(action, params, opts));

// signRequest is called per request by people who send requests themselves,
// so its common shape takes a short path: a plain object of the known
// options, each a primitive of sane length, goes to the wasm signer as plain
// arguments (one crossing instead of one per field; README, Benchmarks). The
// wasm side runs the same checks either way; anything unusual takes the fully
// validated path, whose NcloudError says what is wrong.

const FREE = new Set(["method", "url", "accessKey", "secretKey", "timestamp", "clockOffsetMs"]);
const BOUND = new Set(["method", "url", "timestamp", "clockOffsetMs"]);
const MAX = 4096; // as the wasm side: longer strings are refused before being copied

const text = (v) => typeof v === "string" && v.length <= MAX;
const number = (v) => v === undefined || typeof v === "number";

/** The input's fields, each read once, if it has the common shape; else null. */
function plainFields(input, known) {
  try {
    if (typeof input !== "object" || input === null || Object.getPrototypeOf(input) !== Object.prototype) return null;
    for (const key in input) if (!known.has(key)) return null;
    const f = { ...input };
    return text(f.method) && text(f.url) && number(f.timestamp) && number(f.clockOffsetMs) ? f : null;
  } catch {
    return null; // a throwing getter or a Proxy: the validated path explains
  }
}

/** `timestamp` as given, else the clock plus `clockOffsetMs` (as the wasm path does). */
function timestampOf({ timestamp, clockOffsetMs }) {
  return timestamp ?? Math.floor(Date.now() + (clockOffsetMs ?? 0));
}

/** The result of every signRequest path: the wasm side returns its three parts. */
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
  const f = plainFields(input, FREE);
  if (f && text(f.accessKey) && text(f.secretKey)) {
    const timestamp = timestampOf(f);
    return signed(timestamp, f.accessKey, __signParts(f.method, f.url, f.accessKey, f.secretKey, f.clockOffsetMs, timestamp));
  }
  return signed(...__signChecked(input));
}

// A freed Client (client.free()) has no wasm state left: say so instead of
// calling into the module with a null pointer.
const freed = () =>
  new NcloudError("invalid_options", "this Client was freed (client.free()); create a new Client", { option: "client" });

/** Credentials and transport settings once; the secret is kept only as a prepared HMAC key. */
export class Client extends WasmClient {
  signRequest(input) {
    if (!this.__wbg_ptr) throw freed();
    const f = plainFields(input, BOUND);
    if (f) {
      const timestamp = timestampOf(f);
      return signed(timestamp, this.__accessKey, this.__signParts(f.method, f.url, f.clockOffsetMs, timestamp));
    }
    return signed(...this.__signChecked(input));
  }

  exportBackup(opts) {
    return this.#send("exportBackup", opts);
  }

  listInstances(opts) {
    return this.#send("listInstances", opts);
  }

  listBackups(opts) {
    return this.#send("listBackups", opts);
  }

  listBackupFiles(opts) {
    return this.#send("listBackupFiles", opts);
  }

  listBuckets(opts) {
    return this.#send("listBuckets", opts);
  }

  call(action, params, opts) {
    return this.__wbg_ptr ? send(() => this.__callJob(action, params, opts)) : Promise.reject(freed());
  }

  #send(name, opts) {
    return this.__wbg_ptr ? send(() => this.__job(name, opts)) : Promise.reject(freed());
  }

  toJSON() {
    return this.__wbg_ptr ? super.toJSON() : { freed: true };
  }

  toString() {
    return this.__wbg_ptr ? super.toString() : "ncloud-pg-backup Client (freed)";
  }
}
