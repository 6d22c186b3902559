// Section 2: end to end against the simulator in its own process. The package's
// exportBackup and Client#exportBackup against the hand-written baseline, the
// same request, at concurrency 1 and 64. Rounds rotate the candidates' order;
// each ratio is the median of the per-round ratios to the baseline.
import { Client, exportBackup } from "ncloud-pg-backup";
// The same module instance the package entry initialised (one URL, one module),
// for the per-call pieces below.
import { __job } from "../pkg/gen/ncloud_pg_backup.js";
import { readOptions } from "../pkg/gen/values.js";
import { deadlines } from "../pkg/transport.js";
import { EXPORT, KEYS, exportUrl, signed, stringToSign } from "./inputs.mjs";
import { exportBackupBaseline } from "./baseline.mjs";
import { createHmac } from "node:crypto";
import { log, median, now, quartiles, rotate } from "./stats.mjs";

function candidates(endpoint) {
  const opts = { ...KEYS, endpoint, ...EXPORT };
  const client = new Client({ ...KEYS, endpoint });
  return [
    { id: "baseline", label: "node:crypto + fetch + JSON.parse (baseline)", run: () => exportBackupBaseline(endpoint) },
    {
      // An A/A control: how far the same code lands from 1.00x in this run.
      id: "baselineAgain",
      label: "the baseline again (the same code: its distance from 1.00× is the noise)",
      run: () => exportBackupBaseline(endpoint),
    },
    {
      // What any cancellable fetch costs in this runtime: a signal that never fires.
      id: "baselineSignal",
      label: "the baseline with an AbortSignal that never fires (no timer)",
      run: () => exportBackupBaseline(endpoint, { signal: new AbortController().signal }),
    },
    {
      id: "baselineTimeout",
      label: "the baseline with a 30 s AbortSignal.timeout per request",
      run: () => exportBackupBaseline(endpoint, { timeoutMs: 30_000 }),
    },
    {
      // The package's signer and Node timeout with the rest hand-written: the
      // gap from here to exportBackup is what reading and checking the
      // options and normalising the answer cost.
      id: "baselineWasmSigned",
      label: "the baseline signed by Client#signRequest, with the package's timeout (deadline list)",
      run: () => exportBackupBaseline(endpoint, { sign: (input) => client.signRequest(input), attempt: () => deadlines.add(30_000) }),
    },
    { id: "exportBackup", label: "exportBackup (wasm)", run: () => exportBackup(opts) },
    { id: "client", label: "Client#exportBackup (wasm)", run: () => client.exportBackup(EXPORT) },
  ];
}

/**
 * `count` requests, `concurrency` in flight; resolves to `{ ms, cpuUs }`:
 * elapsed milliseconds, and this process's CPU time (user + system) in
 * microseconds, which the simulator's process does not share. Any failed
 * export aborts the benchmark.
 */
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
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const ms = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuUs: cpu.user + cpu.system };
}

/**
 * Every candidate of `list` warmed up, then `rounds` rounds of `count`
 * requests each, the order rotated per round; the samples (`drive`'s
 * `{ ms, cpuUs }`) by candidate id.
 */
export async function sampleRounds({ list, sim, rounds, count, concurrency, warmUp }) {
  for (const c of list) await drive(c, warmUp, concurrency); // JIT, sockets
  const samples = Object.fromEntries(list.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(list, r)) {
      await sim.reset(); // the simulator keeps every request in memory
      samples[c.id].push(await drive(c, count, concurrency));
    }
  }
  return samples;
}

export async function benchE2E({ quick, sim }) {
  const count = quick ? 100 : 2000;
  const rounds = quick ? 3 : 7;
  const list = candidates(sim.url);
  const results = [];
  for (const concurrency of [1, 64]) {
    log(`e2e: concurrency ${concurrency}, ${rounds} rounds x ${count} requests per candidate`);
    const samples = await sampleRounds({ list, sim, rounds, count, concurrency, warmUp: quick ? 20 : 300 });
    const out = {};
    const perRound = (id, key, to = "baseline") => samples[id].map((s, r) => s[key] / samples[to][r][key]);
    const ratios = (id, key, to) => median(perRound(id, key, to));
    for (const c of list) {
      const ms = median(samples[c.id].map((s) => s.ms));
      out[c.id] = {
        label: c.label,
        requestsPerSecond: (count / ms) * 1000,
        msPerRequest: ms / count,
        ratioToBaseline: ratios(c.id, "ms"),
        // The middle half of the per-round ratios: how much one round's ratio moves.
        ratioQuartiles: quartiles(perRound(c.id, "ms")),
        // The package times every attempt out (SPEC: timeoutMs, 30 s by
        // default); this is its ratio to the baseline that does too.
        ratioToTimeoutBaseline: ratios(c.id, "ms", "baselineTimeout"),
        cpuUsPerRequest: median(samples[c.id].map((s) => s.cpuUs)) / count,
        cpuRatioToBaseline: ratios(c.id, "cpuUs"),
        roundsMs: samples[c.id].map((s) => s.ms),
      };
    }
    results.push({ concurrency, requests: count, rounds, candidates: out });
  }
  await sim.reset();
  return { endpoint: sim.url, runs: results, perCall: perCall({ quick }) };
}

/** A listener that does nothing, as the stand-in for fetch's. */
const noop = () => {};

/**
 * Where one exportBackup's CPU time goes, with no network: each step the
 * package takes around fetch (pkg/transport.js drives them), beside what the
 * hand-written baseline does instead, in microseconds (median of rounds).
 */
function perCall({ quick }) {
  const n = quick ? 200 : 20_000;
  const rounds = quick ? 3 : 7;
  const endpoint = "http://127.0.0.1:9";
  const opts = { ...KEYS, endpoint, ...EXPORT };
  const body = JSON.stringify({
    exportBackupToObjectStorageResponse: { requestId: "6c1b0e56-1f2a-4b5c-9d3e-123456789abc", returnCode: "0", returnMessage: "success" },
  });
  const response = { status: 200, text() {}, headers: { get: () => null } };
  const url = exportUrl(endpoint);
  const prepare = () => __job("exportBackup", readOptions(opts)[0]); // as pkg/api.js does
  const steps = [
    { id: "prepare", label: "package: read and check the options, prepare the key (readOptions, __job)", run: () => prepare().free() },
    { id: "request", label: "package: build and sign the request (job.request)", perJob: (job) => job.request() },
    { id: "report", label: "package: read the answer into the result (job.report)", perJob: (job) => job.report(undefined, response, body) },
    {
      // With the listener fetch puts on the signal (the list takes it off when the attempt is done).
      id: "timeout",
      label: "package: the attempt's 30 s timeout in Node (deadlines.add, fetch's listener, then done)",
      run: () => {
        const attempt = deadlines.add(30_000);
        attempt.signal.addEventListener("abort", noop);
        attempt.done();
      },
    },
    // Last in every round, not rotated: each of its signals keeps a 30 s
    // timer, and their clean-up must not land in the other steps' time.
    {
      id: "signalTimeout",
      label: "baseline with a timeout: AbortSignal.timeout(30000), with fetch's listener",
      run: () => AbortSignal.timeout(30_000).addEventListener("abort", noop),
      last: true,
    },
    {
      id: "baseline",
      label: "baseline: sign with node:crypto and JSON.parse the answer",
      run: () => {
        const timestamp = Date.now();
        signed(createHmac("sha256", KEYS.secretKey).update(stringToSign("GET", url, timestamp, KEYS.accessKey)).digest("base64"), timestamp, KEYS.accessKey);
        JSON.parse(body);
      },
    },
  ];
  const samples = Object.fromEntries(steps.map((step) => [step.id, []]));
  for (let r = 0; r < rounds; r++) {
    const rotated = rotate(steps.filter((step) => !step.last), r);
    for (const step of [...rotated, ...steps.filter((step) => step.last)]) {
      const jobs = step.perJob ? Array.from({ length: n }, prepare) : [];
      const t0 = now();
      if (step.perJob) for (const job of jobs) step.perJob(job);
      else for (let i = 0; i < n; i++) step.run();
      samples[step.id].push(((now() - t0) * 1000) / n);
      for (const job of jobs) job.free();
    }
  }
  return Object.fromEntries(steps.map((step) => [step.id, { label: step.label, usPerCall: median(samples[step.id]) }]));
}
