// Browsers and bundlers (Vite, webpack 5): both understand
// `new URL(..., import.meta.url)` and emit the .wasm as an asset. The top-level
// await means callers never need an init step; a page without a bundler can
// import this file straight from a URL.
import init from "./gen/ncloud_pg_backup.js";

await init({ module_or_path: new URL("./gen/ncloud_pg_backup_bg.wasm", import.meta.url) });

export * from "./api.js";
