// Section 2: end to end against the simulator in its own process. The package's
// exportBackup and Client#exportBackup against the hand-written baseline, the
// same request, at concurrency 1 and 64. Rounds rotate the candidates' order;
// each ratio is the median of the per-round ratios to the baseline.
import { Client, exportBackup } from "ncloud-pg-backup";
import { EXPORT, KEYS } from "./inputs.mjs";
import { exportBackupBaseline } from "./baseline.mjs";
import { log, median, now, rotate } from "./stats.mjs";

function candidates(endpoint) {
  const opts = { ...KEYS, endpoint, ...EXPORT };
  const client = new Client({ ...KEYS, endpoint });
  return [
    { id: "baseline", label: "node:crypto + fetch + JSON.parse (baseline)", run: () => exportBackupBaseline(endpoint) },
    {
      id: "baselineTimeout",
      label: "the baseline with a 30 s AbortSignal.timeout, as the package sends each attempt",
      run: () => exportBackupBaseline(endpoint, { timeoutMs: 30_000 }),
    },
    { id: "exportBackup", label: "exportBackup (wasm)", run: () => exportBackup(opts) },
    { id: "client", label: "Client#exportBackup (wasm)", run: () => client.exportBackup(EXPORT) },
  ];
}

/** `count` requests, `concurrency` in flight; resolves to elapsed ms. Any failed export aborts the benchmark. */
async function drive(c, count, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const r = await c.run();
      if (r.returnCode !== "0") throw new Error(`${c.label}: returnCode ${r.returnCode} ${r.returnMessage}`);
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return now() - t0;
}

export async function benchE2E({ quick, sim }) {
  const count = quick ? 100 : 2000;
  const rounds = quick ? 3 : 7;
  const list = candidates(sim.url);
  const results = [];
  for (const concurrency of [1, 64]) {
    for (const c of list) await drive(c, quick ? 20 : 300, concurrency); // warm-up: JIT, sockets
    log(`e2e: concurrency ${concurrency}, ${rounds} rounds x ${count} requests per candidate`);
    const samples = Object.fromEntries(list.map((c) => [c.id, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of rotate(list, r)) {
        await sim.reset(); // the simulator keeps every request in memory
        samples[c.id].push(await drive(c, count, concurrency));
      }
    }
    const out = {};
    for (const c of list) {
      const ms = median(samples[c.id]);
      out[c.id] = {
        label: c.label,
        requestsPerSecond: (count / ms) * 1000,
        msPerRequest: ms / count,
        ratioToBaseline: median(samples[c.id].map((t, r) => t / samples.baseline[r])),
        roundsMs: samples[c.id],
      };
    }
    results.push({ concurrency, requests: count, rounds, candidates: out });
  }
  await sim.reset();
  return { endpoint: sim.url, runs: results };
}
