// Node: a file: URL cannot be fetched, so the bytes are read and compiled at once.
import { readFileSync } from "node:fs";
import { initSync } from "./gen/ncloud_pg_backup.js";

initSync({ module: readFileSync(new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });

export * from "./api.js";
