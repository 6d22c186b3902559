// For bundlers that do not understand `new URL(…, import.meta.url)` (esbuild,
// tsup) and for hosting the .wasm elsewhere: call `init` once before the
// first call, with the module's bytes, a compiled module, or a URL or
// Response to fetch it from (the file is exported as "ncloud-pg-backup/wasm").
import { initSync } from "./gen/ncloud_pg_backup.js";
import { NcloudError } from "./error.js";
import { moduleLoaded } from "./guard.js";

export default async function init(source = new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) {
  const module = await compiled(source);
  // Checked before it is instantiated: the glue keeps the first instance it makes, right or wrong.
  if (!WebAssembly.Module.exports(module).some((e) => e.name === "signRequest")) {
    throw new NcloudError(
      "invalid_options",
      "init() was given a WebAssembly module that is not ncloud-pg-backup's: pass the package's .wasm (ncloud-pg-backup/wasm), as bytes, a compiled module, a URL or a Response",
    );
  }
  initSync({ module });
  moduleLoaded();
}

async function compiled(given) {
  const source = await given; // a Promise<Response> too
  if (source instanceof WebAssembly.Module) return source;
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return new WebAssembly.Module(source);
  const response = source instanceof Response ? source : await fetch(source);
  if (!response.ok) throw new NcloudError("invalid_options", `init() could not fetch the .wasm: HTTP ${response.status} from ${response.url || String(source)}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

export * from "./api.js";
