// Browsers and bundlers that understand `new URL(…, import.meta.url)` (Vite,
// webpack 5): the .wasm is an asset beside this file, loaded before the
// first call, so no init step is needed. A page can import this file from a URL.
import init from "./gen/ncloud_pg_backup.js";
import { moduleLoaded } from "./guard.js";

await init({ module_or_path: new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url) });
moduleLoaded();

export * from "./api.js";
