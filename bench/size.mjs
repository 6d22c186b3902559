// Size: what users download. The wasm raw, gzip (Node zlib, level 9) and brotli (max quality),
// the JS glue, and the package as `npm pack --dry-run` reports it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const PKG = fileURLToPath(new URL("../pkg/", import.meta.url));

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;

export function benchSize() {
  const wasm = readFileSync(`${PKG}gen/ncloud_pg_backup_bg.wasm`);
  const glue = readFileSync(`${PKG}gen/ncloud_pg_backup.js`);
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PKG, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  return {
    wasm: { bytes: wasm.length, gzipBytes: gzip(wasm), brotliBytes: brotli(wasm) },
    glue: { bytes: glue.length, gzipBytes: gzip(glue) },
    npmPack: { size: pack.size, unpackedSize: pack.unpackedSize, entryCount: pack.entryCount },
  };
}
