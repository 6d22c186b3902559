// Cloudflare Workers (workerd) and other edge runtimes: code generation at run
// time is disallowed there, so the .wasm is imported as a module (Wrangler and
// miniflare compile it ahead of time) and instantiated synchronously.
import wasm from "./gen/ncloud_pg_backup_bg.wasm";
import { initSync } from "./gen/ncloud_pg_backup.js";

initSync({ module: wasm });

export * from "./api.js";
