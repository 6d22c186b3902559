// For bundlers that do not understand `new URL(…, import.meta.url)` (esbuild,
// tsup) and for hosting the .wasm elsewhere: call `init` once before the
// first call, with the module's bytes, a Response, a URL or a compiled module
// (the file is exported as "ncloud-pg-backup/wasm").
import initModule, { initSync } from "./gen/ncloud_pg_backup.js";
import { moduleLoaded } from "./guard.js";

export default async function init(source) {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer || source instanceof WebAssembly.Module) {
    initSync({ module: source });
  } else {
    await initModule({ module_or_path: source });
  }
  moduleLoaded();
}

export * from "./api.js";
