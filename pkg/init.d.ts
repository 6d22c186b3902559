// Types of "ncloud-pg-backup/init": the package without its own loading of
// the module, for bundlers that cannot carry the .wasm (esbuild, tsup).
export * from "./index.js";

/**
 * Loads the module once, before the first call: the bytes of
 * "ncloud-pg-backup/wasm" (a Uint8Array or ArrayBuffer), a compiled
 * WebAssembly.Module, a Response, or a URL to fetch it from.
 */
export default function init(source: BufferSource | WebAssembly.Module | Response | Promise<Response> | URL | string): Promise<void>;
