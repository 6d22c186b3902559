// Cloudflare Workers (workerd): code generation at run time is not allowed,
// so the .wasm is imported as a module (Wrangler compiles it ahead of time).
import wasm from "./gen/ncloud_pg_backup_bg.wasm";
import { initSync } from "./gen/ncloud_pg_backup.js";
import { moduleLoaded } from "./guard.js";

initSync({ module: wasm });
moduleLoaded();

export * from "./api.js";
