// Cold start. In Node: a fresh process, spawn to exit, for a script that
// signs one request with the package against the same script with
// node:crypto; and the package's `import` timed inside a fresh process. In
// workerd (through miniflare): `new Miniflare(...)` (a new workerd process
// and isolate) to the first answered request, a Worker that signs with the
// package against one that signs with WebCrypto. Each candidate runs once
// untimed (file cache, first-use costs), then the candidates alternate,
// rotated per round; ratios are medians of per-round ratios.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { SIGN_INPUT } from "./inputs.mjs";
import { signNodeCrypto } from "./baseline.mjs";
import { log, median, now, quartiles, ratio, sampleRounds } from "./stats.mjs";

const script = (name) => fileURLToPath(new URL(`./cold/${name}.mjs`, import.meta.url));
const EXPECTED = signNodeCrypto(SIGN_INPUT).headers["x-ncp-apigw-signature-v2"];

/** Spawns `node <file>`; resolves to { ms (spawn to exit), out (its stdout) } or rejects on failure. */
function timeNode(file) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] });
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

/** `new Miniflare` to the first answered request, then dispose; resolves to { ms, out (the signature) }. */
async function timeWorker(Miniflare, workerOptions, scriptPath) {
  const t0 = now();
  const mf = new Miniflare(workerOptions(scriptPath));
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
 * Every candidate ({ id, label, run() -> { ms, signature } }) once untimed,
 * then `rounds` rounds; each must give node:crypto's signature every time.
 */
async function compare(name, rounds, list) {
  const run = async (c) => {
    const sample = await c.run();
    if (sample.signature !== EXPECTED) throw new Error(`cold ${name}: ${c.label} gave ${JSON.stringify(sample.signature)}, expected ${EXPECTED}`);
    return sample;
  };
  for (const c of list) await run(c);
  return sampleRounds(list, rounds, run);
}

/** Median and quartiles of one candidate's milliseconds, and its ratio to `base`'s. */
function summary(samples, list, base, value = (s) => s.ms) {
  return Object.fromEntries(
    list.map((c) => {
      const values = samples[c.id].map(value);
      const r = ratio(samples, c.id, base, value);
      return [c.id, { label: c.label, ms: median(values), msQuartiles: quartiles(values), ratioToBaseline: r.median, ratioQuartiles: r.quartiles, samplesMs: values }];
    }),
  );
}

export async function benchCold({ quick }) {
  const nodeRounds = quick ? 3 : 21;
  const workerRounds = quick ? 1 : 11;

  log(`cold: node, ${nodeRounds} rounds`);
  const spawned = (file) => async () => {
    const { ms, out } = await timeNode(script(file));
    return { ms, signature: out };
  };
  const nodeList = [
    { id: "baseline", label: "node:crypto script (baseline)", run: spawned("sign-baseline") },
    { id: "baselineAgain", label: "node:crypto script again (A/A: its distance from 1.00× is the noise)", run: spawned("sign-baseline") },
    { id: "package", label: "the package's script (signRequest)", run: spawned("sign-wasm") },
    {
      // In the same rounds, so its fresh processes see the same machine.
      id: "import",
      label: "the package's import, timed in the process",
      run: async () => {
        const { ms, out } = await timeNode(script("import-wasm"));
        const { importMs, signature } = JSON.parse(out);
        return { ms, importMs, signature };
      },
    },
  ];
  const nodeSamples = await compare("node", nodeRounds, nodeList);
  const spawnToExit = summary(nodeSamples, nodeList.slice(0, 3), "baseline");
  const importMs = nodeSamples.import.map((s) => s.importMs);

  log(`cold: workerd, ${workerRounds} rounds`);
  // Loaded only here: miniflare brings undici 7, which installs itself as the global
  // fetch dispatcher when imported and makes Node 20's fetch several times slower for
  // the rest of the process, so this runs after the end-to-end section.
  const { Miniflare } = await import("miniflare");
  const { bundleWorker, workerOptions } = await import("../tests/helpers/workerd.mjs");
  const wasmWorker = await bundleWorker(script("worker-wasm"));
  const webCryptoWorker = await bundleWorker(script("worker-webcrypto"));
  let workerd;
  try {
    const started = (path) => async () => {
      const { ms, out } = await timeWorker(Miniflare, workerOptions, path);
      return { ms, signature: out };
    };
    const list = [
      { id: "baseline", label: "WebCrypto Worker (baseline)", run: started(webCryptoWorker) },
      { id: "baselineAgain", label: "WebCrypto Worker again (A/A: its distance from 1.00× is the noise)", run: started(webCryptoWorker) },
      { id: "package", label: "the package's Worker (signRequest)", run: started(wasmWorker) },
    ];
    workerd = summary(await compare("workerd", workerRounds, list), list, "baseline");
  } finally {
    for (const bundle of [wasmWorker, webCryptoWorker]) rmSync(dirname(bundle), { recursive: true, force: true });
  }
  return {
    signature: EXPECTED,
    node: { rounds: nodeRounds, spawn: spawnToExit, import: { ms: median(importMs), msQuartiles: quartiles(importMs), samplesMs: importMs } },
    workerd: { rounds: workerRounds, ...workerd },
  };
}
