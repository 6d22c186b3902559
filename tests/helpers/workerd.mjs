// Runs a Worker script in the real workerd (through miniflare), bundled the way
// Wrangler bundles one: esbuild with the `workerd` export condition, and the
// .wasm file kept as a module that workerd compiles ahead of time.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export async function bundleWorker(entry) {
  const outdir = mkdtempSync(join(tmpdir(), "ncloud-worker-"));
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    loader: { ".wasm": "copy" },
    outdir,
    logLevel: "error",
  });
  return join(outdir, entry.split("/").pop().replace(/\.(m?js|ts)$/, ".js"));
}

/**
 * Miniflare's options for a bundle made by `bundleWorker`: its .wasm compiled ahead of time, as
 * Wrangler has it. Other options (`bindings`, `handleStructuredLogs`, say) go to Miniflare as they are.
 */
export function workerOptions(scriptPath, { compatibilityDate = "2025-09-01", ...more } = {}) {
  return {
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate,
    ...more,
  };
}

/** Starts `entry` in workerd (options as `workerOptions`); returns the Miniflare instance (call dispose()). */
export async function startWorker(entry, options = {}) {
  const scriptPath = await bundleWorker(entry);
  const mf = new Miniflare(workerOptions(scriptPath, options));
  // The bundle's folder goes with the Worker, or at once if it does not start.
  const removeBundle = () => rmSync(dirname(scriptPath), { recursive: true, force: true });
  const dispose = mf.dispose.bind(mf);
  mf.dispose = () => dispose().finally(removeBundle);
  await mf.ready.catch(async (error) => {
    await mf.dispose().catch(() => {});
    throw error;
  });
  return mf;
}
