// Node: a file: URL cannot be fetched, so the bytes are read and compiled at
// once. node:fs through process.getBuiltinModule (Node 20.16+ and 22.3+)
// rather than `import`: Node's ES-module wrapper of fs reads every export,
// fs.promises among them, which adds about 1.5 ms to the package's import
// (make bench).
import { initSync } from "./gen/ncloud_pg_backup.js";
import { moduleLoaded } from "./guard.js";

const builtin = globalThis.process?.getBuiltinModule;
if (typeof builtin !== "function") {
  throw new Error(
    'ncloud-pg-backup: this runtime has no process.getBuiltinModule, which the package\'s Node entry needs (Node 20.19+ or 22.12+, as package.json "engines" says)',
  );
}
const { readFileSync } = builtin("node:fs");
initSync({ module: readFileSync(new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });
moduleLoaded();

export * from "./api.js";
