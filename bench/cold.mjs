// Section 4: cold start. (a) A fresh Node process, spawn to exit, for a script
// that signs one request and one that sends one exportBackup, against the same
// scripts written with node:crypto + fetch. (b) A fresh workerd isolate through
// miniflare, `new Miniflare(...)` to the first answered dispatchFetch, for a
// Worker that signs with the package against one that signs with WebCrypto.
// After one untimed run each, candidates alternate; each figure is the median of its runs.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { log, median, now, rotate } from "./stats.mjs";

const script = (name) => fileURLToPath(new URL(`./cold/${name}.mjs`, import.meta.url));

/** Spawns `node <file> ...args`; resolves to { ms (spawn to exit), out } or rejects on failure. */
function timeNode(file, args = []) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = now() - t0;
      if (code !== 0) reject(new Error(`${file} exited with ${code}`));
      else resolve({ ms, out: out.trim() });
    });
  });
}

/** `new Miniflare` to the first answered request, then dispose; resolves to { ms, out }. */
async function timeWorker(Miniflare, scriptPath) {
  const t0 = now();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
  });
  try {
    const res = await mf.dispatchFetch("http://worker/");
    const body = await res.json();
    const ms = now() - t0;
    if (!res.ok) throw new Error(`${scriptPath}: HTTP ${res.status}`);
    return { ms, out: body["x-ncp-apigw-signature-v2"] };
  } finally {
    await mf.dispose();
  }
}

/**
 * Runs `wasm` and `baseline` ({ label, run }) once untimed (file cache, first-use
 * costs), then `runs` times each, alternating; both must print the same output.
 */
async function compare(name, runs, candidates) {
  const entries = Object.entries(candidates);
  const samples = { wasm: [], baseline: [] };
  let expected;
  const check = (id, out) => {
    expected ??= out;
    if (out !== expected) throw new Error(`cold ${name}: ${id} printed ${JSON.stringify(out)}, expected ${JSON.stringify(expected)}`);
  };
  for (const [id, c] of entries) check(id, (await c.run()).out);
  for (let r = 0; r < runs; r++) {
    for (const [id, c] of rotate(entries, r)) {
      const { ms, out } = await c.run();
      check(id, out);
      samples[id].push(ms);
    }
  }
  const summary = (id) => ({ label: candidates[id].label, ms: median(samples[id]), samplesMs: samples[id] });
  return {
    runs,
    output: expected,
    wasm: summary("wasm"),
    baseline: summary("baseline"),
    ratioToBaseline: median(samples.wasm.map((ms, r) => ms / samples.baseline[r])),
  };
}

export async function benchCold({ quick, sim }) {
  const nodeRuns = quick ? 3 : 15;
  const workerRuns = quick ? 1 : 7;

  log(`cold: node, ${nodeRuns} runs per script`);
  const nodeSign = await compare("node sign", nodeRuns, {
    wasm: { label: "signRequest", run: () => timeNode(script("sign-wasm")) },
    baseline: { label: "node:crypto", run: () => timeNode(script("sign-baseline")) },
  });
  const nodeExport = await compare("node exportBackup", nodeRuns, {
    wasm: { label: "exportBackup", run: () => timeNode(script("export-wasm"), [sim.url]) },
    baseline: { label: "node:crypto + fetch", run: () => timeNode(script("export-baseline"), [sim.url]) },
  });
  await sim.reset();

  log(`cold: workerd, ${workerRuns} runs per Worker`);
  // Loaded only here: miniflare brings undici 7, which installs itself as the global
  // fetch dispatcher when imported first and makes Node 20's fetch ~5x slower for the
  // rest of the process (measured: 0.25 -> 1.4 ms per request to the simulator).
  const { Miniflare } = await import("miniflare");
  const { bundleWorker } = await import("../tests/helpers/workerd.mjs");
  const wasmWorker = await bundleWorker(script("worker-wasm"));
  const webCryptoWorker = await bundleWorker(script("worker-webcrypto"));
  let workerd;
  try {
    workerd = await compare("workerd sign", workerRuns, {
      wasm: { label: "signRequest", run: () => timeWorker(Miniflare, wasmWorker) },
      baseline: { label: "WebCrypto", run: () => timeWorker(Miniflare, webCryptoWorker) },
    });
  } finally {
    for (const bundle of [wasmWorker, webCryptoWorker]) rmSync(dirname(bundle), { recursive: true, force: true });
  }
  return { nodeSign, nodeExport, workerd };
}
