// "ncloud-pg-backup/wasm": the module's .wasm file, as a bundler gives it:
// its URL (esbuild's file loader, Vite's ?url) or its bytes (esbuild's binary loader).
declare const wasm: string | Uint8Array;
export default wasm;
