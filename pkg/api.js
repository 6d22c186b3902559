// The public surface, shared by every entry file. Each entry initialises the
// wasm module its runtime's way, then re-exports this.
import {
  __job,
  __memory,
  __scratch,
  __signChecked,
  __signFast,
  Client as WasmClient,
} from "./gen/ncloud_pg_backup.js";
import { NcloudError } from "./gen/error.js";
import { MAX_VALUE_LEN, readOptions } from "./gen/values.js";
import { afterRestart, entered, generation, healthy, intact } from "./instance.js";
import { run } from "./transport.js";

export { NcloudError };

// Every call is prepared by the module when the function is called (options
// read and checked then, so a bad option rejects before anything is sent and
// changing the object afterwards changes nothing), then run by transport.js.
// The options cross as the one text readOptions (js/values.js) reads them
// into (`prepare` takes its bytes); their fetch and signal stay here, for
// transport.js. `defaultFetch`: a Client's.
function send(prepare, opts, defaultFetch) {
  const [bytes, signal, fetch] = readOptions(opts);
  let job, born;
  try {
    // The job's instance, read before any restart the call may end with (pkg/instance.js).
    [job, born] = entered(() => [thenWipe(bytes, prepare), generation]);
  } catch (error) {
    return Promise.reject(error); // the module's NcloudError, or what escaped it (pkg/instance.js)
  }
  return run(job, fetch ?? defaultFetch, signal, born);
}

/**
 * `use(bytes)` for the options' bytes (unless a call nested in this one broke
 * the instance meanwhile), which are wiped as soon as it returns or throws,
 * before any caller's code (a fetch) runs: the module has its copy
 * (and wipes it); this one may hold the secret key.
 */
function thenWipe(bytes, use) {
  try {
    intact(); // the caller's getters have run (readOptions)
    return use(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** signRequest's validated path: `sign` gets the options' bytes. */
const signChecked = (sign, input) => signed(...thenWipe(readOptions(input)[0], sign));

/** Sends a backup file of a Cloud DB for PostgreSQL instance to an Object Storage bucket. */
export const exportBackup = (opts) => send((o) => __job("exportBackup", o), opts);
/** Lists the Cloud DB for PostgreSQL instances. */
export const listInstances = (opts) => send((o) => __job("listInstances", o), opts);
/** Lists the backups of every instance. */
export const listBackups = (opts) => send((o) => __job("listBackups", o), opts);
/** Lists one instance's backup files. */
export const listBackupFiles = (opts) => send((o) => __job("listBackupFiles", o), opts);
/** Lists the Object Storage buckets the service can write to. */
export const listBuckets = (opts) => send((o) => __job("listBuckets", o), opts);
/** Calls any vpostgresql/v2 action; resolves to the unwrapped response object. */
export const call = (action, params, opts) => send((o) => __job("call", o, action, params), opts);

// signRequest is called per request by people who send requests themselves,
// so its common shape takes a short path: a plain object of the known
// options, each a primitive of sane length, whose strings are ASCII, is
// written straight into a buffer in wasm memory and signed there
// (src/js/fast.rs; one crossing, no string conversions; README, Benchmarks).
// The wasm side runs the same checks either way; anything unusual, or
// anything it refuses, takes the fully validated path, whose NcloudError
// says what is wrong.

// Longer strings are refused before being copied, as on the options' path.
const text = (v) => typeof v === "string" && v.length <= MAX_VALUE_LEN;
const number = (v) => v === undefined || typeof v === "number";

/**
 * The input's fields, each read once, if it has the common shape; else null.
 * `credentials`: whether accessKey and secretKey may be among them (not on a Client).
 */
function plainFields(input, credentials) {
  try {
    if (typeof input !== "object" || input === null || Object.getPrototypeOf(input) !== Object.prototype) return null;
    // Own enumerable properties, as the wasm side reads them (Object.keys), each read once.
    // A switch into locals rather than a Set of names and an object filled
    // key by key: 6 % of a signRequest (README, Benchmarks).
    let method, url, accessKey, secretKey, timestamp, clockOffsetMs;
    for (const key of Object.keys(input)) {
      switch (key) {
        case "method":
          method = input[key];
          break;
        case "url":
          url = input[key];
          break;
        case "timestamp":
          timestamp = input[key];
          break;
        case "clockOffsetMs":
          clockOffsetMs = input[key];
          break;
        case "accessKey":
          if (!credentials) return null;
          accessKey = input[key];
          break;
        case "secretKey":
          if (!credentials) return null;
          secretKey = input[key];
          break;
        default:
          return null;
      }
    }
    if (!(text(method) && text(url) && number(timestamp) && number(clockOffsetMs))) return null;
    return { method, url, accessKey, secretKey, timestamp, clockOffsetMs };
  } catch {
    return null; // a throwing getter or a Proxy: the validated path explains
  }
}

/** `timestamp` as given (-0 as 0), else the clock plus `clockOffsetMs` (as the wasm path does). */
function timestampOf(timestamp, clockOffsetMs) {
  const t = timestamp ?? Math.floor(Date.now() + (clockOffsetMs ?? 0));
  return t === 0 ? 0 : t;
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

/** The scratch buffer (src/js/fast.rs), found on first use: the module is initialised after this file loads. */
let scratch;
afterRestart(() => (scratch = undefined)); // a new instance has a memory of its own
// The platform's encoder and decoder: native, and several times faster than a
// JS loop over the characters for strings of this size (README, Benchmarks).
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The scratch buffer's bytes, and the first 44 of them (a signature), as
 * views made again only when the module's memory has grown (which replaces
 * its ArrayBuffer): two views fewer to make per signature.
 */
function room() {
  if (!scratch) {
    const [at, length] = __scratch();
    scratch = { memory: __memory(), at, length, buffer: null, room: null, signature: null };
  }
  if (scratch.buffer !== scratch.memory.buffer) {
    scratch.buffer = scratch.memory.buffer;
    scratch.room = new Uint8Array(scratch.buffer, scratch.at, scratch.length);
    scratch.signature = scratch.room.subarray(0, 44);
  }
  return scratch.room;
}

/**
 * Writes the strings one after another into the scratch buffer, a byte a
 * character; false if one is not ASCII (the validated path takes those).
 */
function put(a, b, c = "", d = "") {
  const bytes = room();
  const all = a + b + c + d;
  const { read, written } = encoder.encodeInto(all, bytes);
  // One byte for every UTF-16 unit read, all of them read: nothing but ASCII.
  if (read === all.length && written === all.length) return true;
  bytes.fill(0, 0, written); // what was written may include part of a secret
  return false;
}

/** The signature the fast path wrote at the start of the scratch buffer. */
function take(length) {
  const { signature } = scratch;
  return decoder.decode(length === signature.length ? signature : scratch.room.subarray(0, length));
}

/** Signs a request to any NCP API Gateway URL: `{ headers, timestamp }`. */
export const signRequest = (input) => entered(() => sign(input));

function sign(input) {
  const f = plainFields(input, true); // runs the input's getters
  intact();
  if (f && text(f.accessKey) && text(f.secretKey) && put(f.method, f.url, f.accessKey, f.secretKey)) {
    const timestamp = timestampOf(f.timestamp, f.clockOffsetMs);
    const length = __signFast(f.method.length, f.url.length, f.accessKey.length, f.secretKey.length, f.clockOffsetMs, timestamp);
    if (length) return signed(timestamp, f.accessKey, take(length));
  }
  return signChecked(__signChecked, input);
}

// A freed Client (client.free()) has no wasm state left: say so instead of
// calling into the module with a null pointer (which wasm-bindgen reports by
// throwing through the module's frames, and enough of those break it). Checked
// again after any of the caller's code has run (a getter can free the Client).
const freed = () =>
  new NcloudError("invalid_options", "this Client was freed (client.free()); create a new Client", { option: "client" });
// A Client of an instance that was replaced (pkg/instance.js): its prepared key went with it.
const stale = () =>
  new NcloudError(
    "invalid_options",
    "this Client is gone: the module was restarted after an exception escaped it (such as a JS stack overflow inside a call); create a new Client",
    { option: "client" },
  );
// A method called on something that is not a Client (one taken off its Client,
// `const { signRequest } = client`): the caller's mistake alone, which must not
// count as an exception escaping the module (pkg/instance.js).
const notClient = (method) =>
  new NcloudError(
    "invalid_options",
    `Client#${method} was called on something that is not a Client: call it as client.${method}(…), or bind it to its Client`,
    { option: "client" },
  );

/** Credentials and transport settings once; the secret is kept only as a prepared HMAC key. */
export class Client extends WasmClient {
  /** `[accessKey, endpoint]`, read from the module once: they never change. */
  #shown;
  /** The config's fetch, the default for every call (it stays in JS, as a call's does). */
  #fetch;
  /** The config's clockOffsetMs, for the fast signRequest path (the validated one has the module's copy). */
  #offset;
  /** Whether the module is preparing one of this Client's calls (and reading its `call()` parameters, whose getters may free it). */
  #preparing = false;
  /** free() was called meanwhile: the module cannot free what it is using, so it happens right after. */
  #freeAfter = false;
  /** The instance it lives in (pkg/instance.js). */
  #generation = generation;

  constructor(config) {
    const [bytes, , fetch, offset] = readOptions(config);
    entered(() => thenWipe(bytes, (b) => super(b)));
    this.#fetch = fetch;
    this.#offset = offset; // checked by the module, which refused the config otherwise
  }

  /** This Client, if it was not freed and its instance is the current one; else throws the NcloudError that says so. */
  #live() {
    if (!this.__wbg_ptr) throw freed();
    if (this.#generation !== generation) throw stale();
    intact();
    return this;
  }

  /** Whether `c` is a Client at all (a private brand check; `#fetch in` throws for a primitive). */
  static #brand(c) {
    return typeof c === "object" && c !== null && #fetch in c;
  }

  /** Whether `c` is a Client, not freed, of the current instance and that instance is not broken (what toJSON and toString show). */
  static #is(c) {
    return Client.#brand(c) && !!c.__wbg_ptr && c.#generation === generation && healthy();
  }

  /** Throws `notClient(method)` for anything but a Client, before anything else. */
  static #check(c, method) {
    if (!Client.#brand(c)) throw notClient(method);
  }

  /** Wipes the prepared key and frees the module's memory for it; again, it does nothing. */
  free() {
    Client.#check(this, "free");
    if (!this.__wbg_ptr) return;
    // Its memory went with the old instance, or goes with this broken one: never called into.
    if (this.#generation !== generation || !healthy()) this.__destroy_into_raw();
    else if (this.#preparing) this.#freeAfter = true;
    else entered(() => super.free());
  }

  signRequest(input) {
    Client.#check(this, "signRequest");
    return entered(() => this.#sign(input));
  }

  #sign(input) {
    this.#live();
    const f = plainFields(input, false); // runs the input's getters
    if (f && this.#live() && put(f.method, f.url)) {
      // The call's clock offset, else the Client's (as the validated path does).
      const timestamp = timestampOf(f.timestamp, f.clockOffsetMs ?? this.#offset);
      const length = this.__signFast(f.method.length, f.url.length, f.clockOffsetMs, timestamp);
      if (length) return signed(timestamp, this.#key(), take(length));
    }
    return signChecked((bytes) => this.#live().__signChecked(bytes), input);
  }

  exportBackup(opts) {
    return Client.#sending(this, "exportBackup", opts);
  }

  listInstances(opts) {
    return Client.#sending(this, "listInstances", opts);
  }

  listBackups(opts) {
    return Client.#sending(this, "listBackups", opts);
  }

  listBackupFiles(opts) {
    return Client.#sending(this, "listBackupFiles", opts);
  }

  listBuckets(opts) {
    return Client.#sending(this, "listBuckets", opts);
  }

  call(action, params, opts) {
    return Client.#sending(this, "call", opts, action, params);
  }

  /** `c.#send(…)`, or a promise rejected with `notClient(name)`. */
  static #sending(c, name, opts, action, params) {
    return Client.#brand(c) ? c.#send(name, opts, action, params) : Promise.reject(notClient(name));
  }

  #send(name, opts, action, params) {
    if (!this.__wbg_ptr) return Promise.reject(freed());
    // readOptions has run the options' getters by the time this is called.
    return send((bytes) => this.#prepare(name, bytes, action, params), opts, this.#fetch);
  }

  #prepare(name, bytes, action, params) {
    this.#live();
    const outer = !this.#preparing; // else a getter's own call: the outer one frees
    this.#preparing = true;
    try {
      return this.__job(name, bytes, action, params);
    } finally {
      if (outer) {
        this.#preparing = false;
        if (this.#freeAfter) {
          this.#freeAfter = false;
          this.free();
        }
      }
    }
  }

  #parts() {
    return (this.#shown ??= entered(() => this.__shown).split("\n"));
  }

  #key() {
    return this.#parts()[0];
  }

  /** What `JSON.stringify(client)` shows: never the secret. */
  toJSON() {
    if (!Client.#is(this)) return { freed: true };
    const [accessKey, endpoint] = this.#parts();
    return { accessKey, endpoint, secretKey: "<hidden>" };
  }

  /** What `String(client)` shows: never the secret. */
  toString() {
    if (!Client.#is(this)) return "ncloud-pg-backup Client (freed)";
    return `ncloud-pg-backup Client (accessKey ${this.#key()}, secret key hidden)`;
  }
}
// `using client = new Client(…)` frees it as free() does, even after a free().
if (Symbol.dispose) Client.prototype[Symbol.dispose] = Client.prototype.free;
