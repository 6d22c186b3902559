// Node: a file: URL cannot be fetched, so the bytes are read and compiled at
// once. node:fs through process.getBuiltinModule (Node 20.16+) rather than
// `import`: Node's ES-module wrapper of fs reads every export, fs.promises
// among them, which added about 1.5 ms to the package's import (make bench).
import { initSync } from "./gen/ncloud_pg_backup.js";

if (typeof process.getBuiltinModule !== "function") {
  throw new Error(`ncloud-pg-backup needs Node 20.19+ or 22.12+ (package.json "engines"); this is Node ${process.version}`);
}
const { readFileSync } = process.getBuiltinModule("node:fs");
initSync({ module: readFileSync(new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });

export * from "./api.js";
