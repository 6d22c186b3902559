// Node (>= 18): Node cannot fetch a file: URL, so read the bytes and compile them synchronously.
import { getEventListeners } from "node:events";
import { readFileSync } from "node:fs";
import { initSync } from "./gen/ncloud_pg_backup.js";
import { useDeadlineList } from "./transport.js";

initSync({ module: readFileSync(new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });

// One timer per timeout length for the attempts in flight (transport.js);
// their controllers reused once they are done where the fetch is Node's own
// (undici). Deno and Bun load this entry too, and their fetch ties a signal
// to a request in ways its listeners do not show.
const nodeFetch = typeof process.versions.undici === "string" && !process.versions.bun && !globalThis.Deno;
useDeadlineList(nodeFetch ? { listenersOf: getEventListeners, fetch: globalThis.fetch } : undefined);

export * from "./api.js";
