// The public surface: the module's exports (src/js/exports.rs), each called
// through the guard (guard.js). Every entry file initialises the module its
// runtime's way, then re-exports this.
import * as wasm from "./gen/ncloud_pg_backup.js";
import { NcloudError } from "./error.js";
import { enter, enterAsync, generation, instanceBroken } from "./guard.js";

export { NcloudError };

/**
 * An async function of the module (or a Client's method: `this` is passed
 * on), through the guard. Its NcloudError is made when an answer arrives, so
 * its stack is taken again where it reaches this await: the caller's frames,
 * where the engine keeps async stacks (V8's `Error.captureStackTrace`;
 * elsewhere the stack stays as it was made).
 */
function asyncCall(f) {
  const wrapper = async function (...args) {
    try {
      return await enterAsync(() => f.apply(this, args));
    } catch (error) {
      throw callersStack(error, wrapper);
    }
  };
  return wrapper;
}

function callersStack(error, above) {
  if (error instanceof NcloudError) Error.captureStackTrace?.(error, above);
  return error;
}

export const exportBackup = asyncCall(wasm.exportBackup);
export const exportLatestBackup = asyncCall(wasm.exportLatestBackup);
export const listInstances = asyncCall(wasm.listInstances);
export const listBackups = asyncCall(wasm.listBackups);
export const listBackupFiles = asyncCall(wasm.listBackupFiles);
export const listBuckets = asyncCall(wasm.listBuckets);
export const call = asyncCall(wasm.call);
export const findExportedObject = asyncCall(wasm.findExportedObject);
export const waitForExport = asyncCall(wasm.waitForExport);
export const signRequest = (input) => enter(() => wasm.signRequest(input));

/** The instance each Client was made in: one made before a replacement is stale. */
const born = new WeakMap();
/** Calls into each Client now on the stack, and those freed meanwhile (by a getter of their call's options). */
const busy = new WeakMap();
const freeLater = new WeakSet();

/** `call()` on `client`; a free() it causes (a getter's) happens once the module has let go of it. */
function using(client, call) {
  busy.set(client, (busy.get(client) ?? 0) + 1);
  try {
    return call();
  } finally {
    busy.set(client, busy.get(client) - 1);
    if (!busy.get(client) && freeLater.has(client)) {
      freeLater.delete(client);
      client.free();
    }
  }
}

const clientError = (message) => new NcloudError("invalid_options", message, { option: "client" });

/**
 * Why `client` cannot be used for `method`, or null. Checked before the
 * module is called: a method taken off its Client, a freed Client (a null
 * pointer) or a stale one would otherwise throw through the module.
 */
function unusable(client, method) {
  if (!born.has(client)) {
    return clientError(`Client#${method} was called on something that is not a Client: call it as client.${method}(…)`);
  }
  if (!client.__wbg_ptr) return clientError("this Client was freed (client.free()); create a new Client");
  if (born.get(client) !== generation) {
    return clientError(
      "this Client is gone: the module was restarted after an exception escaped it (such as a JS stack overflow inside a call); create a new Client",
    );
  }
  return null;
}

/** Credentials and settings once; the secret is kept only as prepared HMAC keys. */
export class Client extends wasm.Client {
  constructor(config) {
    enter(() => super(config));
    born.set(this, generation);
  }

  /** Wipes the prepared keys and frees their memory now; a second call does nothing. */
  free() {
    if (!born.has(this)) throw unusable(this, "free");
    if (!this.__wbg_ptr) return;
    // Its memory went with the old instance, or goes with this broken one: never called into.
    if (born.get(this) !== generation || instanceBroken()) this.__destroy_into_raw();
    else if (busy.get(this)) freeLater.add(this);
    else enter(() => super.free());
  }

  /** `{ accessKey, endpoint, secretKey: "<hidden>" }`, or `{ freed: true }`. */
  toJSON() {
    return unusable(this, "toJSON") || instanceBroken() ? { freed: true } : enter(() => super.toJSON());
  }

  toString() {
    return unusable(this, "toString") || instanceBroken() ? "ncloud-pg-backup Client (freed)" : enter(() => super.toString());
  }
}

/**
 * The module's `method` on `client`, checked inside the guard: a call that
 * waited for a replacement finds its Client stale then, and never passes the
 * old instance's pointer to the new one.
 */
function onClient(client, name, method, args) {
  const refused = unusable(client, name);
  if (refused) throw refused;
  return using(client, () => method.apply(client, args));
}

// The calls, each guarded and checked on its Client.
for (const name of ["exportBackup", "exportLatestBackup", "listInstances", "listBackups", "listBackupFiles", "listBuckets", "call", "findExportedObject", "waitForExport"]) {
  const method = wasm.Client.prototype[name];
  Client.prototype[name] = asyncCall(function (...args) {
    return onClient(this, name, method, args);
  });
}
Client.prototype.signRequest = function (input) {
  return enter(() => onClient(this, "signRequest", wasm.Client.prototype.signRequest, [input]));
};
if (Symbol.dispose) Client.prototype[Symbol.dispose] = Client.prototype.free;
