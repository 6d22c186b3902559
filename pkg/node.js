// Node (>= 18): Node cannot fetch a file: URL, so read the bytes and compile them synchronously.
import { getEventListeners } from "node:events";
import { readFileSync } from "node:fs";
import { initSync } from "./gen/ncloud_pg_backup.js";
import { useDeadlineList } from "./transport.js";

initSync({ module: readFileSync(new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });

// One timer per timeout length for the attempts in flight, and their
// controllers reused once they are done (transport.js).
useDeadlineList(getEventListeners);

export * from "./api.js";
