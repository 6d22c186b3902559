// End to end against the simulator in its own process: the package's
// exportBackup and Client#exportBackup against the hand-written baseline,
// the same request. Three runs: with 20 ms of simulated network latency at
// concurrency 64 (what a backup job sees: the network dominates, and the
// client's own CPU per request is measured there too), and on loopback with
// no latency at concurrency 1 and 64 (a hot loop, where every microsecond of
// the client shows). Rounds rotate the candidates' order; each ratio is the
// median of the per-round ratios to the baseline. And the client's CPU per
// call with no socket at all (`noSocket`): the global fetch replaced by a
// stub that answers at once or after a 1 ms timer, one call at a time, so
// the candidates' own work is measured apart from the socket, the HTTP client
// and the kernel.
import { Client, exportBackup } from "ncloud-pg-backup";
import { EXPORT, KEYS } from "./inputs.mjs";
import { exportBackupBaseline } from "./baseline.mjs";
import { difference, log, median, now, ratio, sampleRounds } from "./stats.mjs";

/** The package's default per-attempt timeout (SPEC: timeoutMs). */
const TIMEOUT_MS = 30_000;

function candidates(endpoint) {
  const opts = { ...KEYS, endpoint, ...EXPORT };
  const client = new Client({ ...KEYS, endpoint });
  return [
    { id: "baseline", label: "node:crypto + fetch + JSON.parse (baseline)", run: () => exportBackupBaseline(endpoint) },
    // The A/A control: the same code as the baseline; its distance from 1.00× is this run's noise.
    { id: "baselineAgain", label: "the baseline again (A/A: its distance from 1.00× is the noise)", run: () => exportBackupBaseline(endpoint) },
    {
      // The package times out every attempt; this is what that alone costs hand-written.
      id: "baselineTimeout",
      label: "the baseline with a 30 s timeout per request (AbortController + setTimeout, as the package)",
      run: () => exportBackupBaseline(endpoint, { timeoutMs: TIMEOUT_MS }),
    },
    { id: "exportBackup", label: "exportBackup", run: () => exportBackup(opts) },
    { id: "client", label: "Client#exportBackup", run: () => client.exportBackup(EXPORT) },
  ];
}

/**
 * `count` requests, `concurrency` in flight; resolves to `{ ms, cpuUs, latencyMs }`:
 * elapsed milliseconds, this process's CPU time (user + system, all its
 * threads) in microseconds, which the simulator's process does not share,
 * and the sum of the requests' own times (start to answer). Any failed
 * export aborts the benchmark.
 */
async function drive(c, count, concurrency) {
  let started = 0;
  let latencyMs = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const t = now();
      const r = await c.run();
      latencyMs += now() - t;
      if (r.returnCode !== "0") throw new Error(`${c.label}: returnCode ${r.returnCode} ${r.returnMessage}`);
    }
  };
  const t0 = now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const ms = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuUs: cpu.user + cpu.system, latencyMs };
}

/** One run: every candidate warmed up, then `rounds` rounds of `count` requests each. */
async function runOne({ sim, list, latencyMs, concurrency, count, rounds, warmUp }) {
  log(`e2e: ${latencyMs ? `${latencyMs} ms latency` : "loopback"}, concurrency ${concurrency}, ${rounds} rounds x ${count} requests per candidate`);
  await sim.reset(latencyMs);
  for (const c of list) await drive(c, warmUp, concurrency); // JIT, sockets
  const samples = await sampleRounds(list, rounds, async (c) => {
    await sim.reset(latencyMs); // the simulator keeps every request in memory
    const sim0 = sim.cpuUs();
    const sample = await drive(c, count, concurrency);
    const sim1 = sim.cpuUs();
    return { ...sample, simCpuUs: sim0 === null ? null : sim1 - sim0 };
  });

  const out = {};
  for (const c of list) {
    const s = samples[c.id];
    const r = ratio(samples, c.id, "baseline", (x) => x.ms);
    // CPU per request, and the same minus the baseline's in the same round.
    const cpu = (x) => x.cpuUs / count;
    const extra = difference(samples, c.id, "baseline", cpu);
    out[c.id] = {
      label: c.label,
      requestsPerSecond: (count / median(s.map((x) => x.ms))) * 1000,
      msPerRequest: median(s.map((x) => x.latencyMs)) / count,
      ratioToBaseline: r.median,
      ratioQuartiles: r.quartiles,
      cpuUsPerRequest: median(s.map(cpu)),
      cpuRatioToBaseline: ratio(samples, c.id, "baseline", cpu).median,
      cpuUsOverBaseline: extra.median,
      cpuUsOverBaselineQuartiles: extra.quartiles,
      // The simulator's CPU too: it shares the machine's cores with the client.
      simCpuUsPerRequest: s[0].simCpuUs === null ? null : median(s.map((x) => x.simCpuUs / count)),
      roundsMs: s.map((x) => x.ms),
      roundsCpuUsPerRequest: s.map(cpu),
    };
  }
  return { latencyMs, concurrency, requests: count, rounds, candidates: out };
}

/** What the stub fetch answers: the simulator's answer to the export, in the same shape. */
const STUB_BODY = JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "stub", returnCode: "0", returnMessage: "success" } });

/**
 * Every candidate with the global fetch (which the package looks up per
 * call, as the baseline does) answering from memory, at once or after a
 * `delayMs` timer: the CPU per call over the baseline's, round by round.
 */
async function runNoSocket({ list, delayMs, count, rounds }) {
  log(`e2e: no socket, answer ${delayMs ? `after a ${delayMs} ms timer` : "at once"}, ${rounds} rounds x ${count} calls per candidate`);
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return new Response(STUB_BODY, { headers: { "content-type": "application/json", "content-length": String(STUB_BODY.length) } });
  };
  try {
    const calls = async (c, n) => {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const r = await c.run();
        if (r.returnCode !== "0") throw new Error(`${c.label}: returnCode ${r.returnCode}`);
      }
      const cpu = process.cpuUsage(cpu0);
      return (cpu.user + cpu.system) / n;
    };
    for (const c of list) await calls(c, Math.ceil(count / 4)); // JIT
    const samples = await sampleRounds(list, rounds, (c) => calls(c, count));
    const out = {};
    for (const c of list) {
      const extra = difference(samples, c.id, "baseline");
      out[c.id] = {
        label: c.label,
        cpuUsPerCall: median(samples[c.id]),
        cpuRatioToBaseline: ratio(samples, c.id, "baseline").median,
        cpuUsOverBaseline: extra.median,
        cpuUsOverBaselineQuartiles: extra.quartiles,
        roundsCpuUsPerCall: samples[c.id],
      };
    }
    return { delayMs, calls: count, rounds, candidates: out };
  } finally {
    globalThis.fetch = realFetch;
  }
}

export async function benchE2E({ quick, sim }) {
  const list = candidates(sim.url);
  // With 20 ms latency, 64 in flight answer at most 3,200 requests a second,
  // so a round of 1,280 is twenty waves (0.4 s or more). The run stays bound
  // by the latency only while the client's CPU for a wave (64 requests, on
  // one thread) fits within those 20 ms; past that, every extra microsecond
  // a request costs shows in the ratio. On loopback a request takes a few
  // hundred microseconds.
  const latency = await runOne({ sim, list, latencyMs: 20, concurrency: 64, count: quick ? 128 : 1280, rounds: quick ? 3 : 17, warmUp: quick ? 64 : 256 });
  const loopback = [];
  for (const concurrency of [1, 64]) {
    loopback.push(await runOne({ sim, list, latencyMs: 0, concurrency, count: quick ? 100 : 600, rounds: quick ? 3 : 7, warmUp: quick ? 20 : 300 }));
  }
  await sim.reset();
  const noSocket = [];
  for (const delayMs of [0, 1]) {
    noSocket.push(await runNoSocket({ list, delayMs, count: delayMs ? (quick ? 20 : 200) : quick ? 200 : 2000, rounds: quick ? 3 : 9 }));
  }
  return { endpoint: sim.url, latency, loopback, noSocket };
}
