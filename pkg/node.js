// Node (>= 18): Node cannot fetch a file: URL, so read the bytes and compile them synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./gen/ncloud_pg_backup.js";
import { useDeadlineList } from "./transport.js";

initSync({ module: readFileSync(new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });

// One timer per timeout length for the attempts in flight (transport.js).
useDeadlineList();

export * from "./api.js";
