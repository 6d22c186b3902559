#!/usr/bin/env node
// Where exportBackup's end-to-end cost over the baseline comes from, one
// module step at a time. Not part of `make bench` (it runs about two minutes):
//   node bench/attribution.mjs [--quick] [--rounds N] [--concurrency C]
//
// Every candidate sends the same request to the simulator. From the second
// on, each adds one piece of the package to the one before: its signer and
// Node timeout in hand-written code; its transport loop (pkg/transport.js)
// driving JS stand-ins for the module's steps; then the module's own steps
// in place of the stand-ins, one by one, up to exportBackup itself. Rounds
// rotate the candidates' order; each ratio is the median of the per-round
// ratios to the baseline, so the increments are as noisy as the machine.
// Two controls run in the same rounds: the baseline again (how far from
// 1.000x the same code lands: the noise), and the baseline plus plain JS
// work that takes a known time in a hot loop (what a microsecond of hot-loop
// CPU costs inside this run, to read the steps' points by).
import { Client, exportBackup } from "ncloud-pg-backup";
import { __job } from "../pkg/gen/ncloud_pg_backup.js";
import { readOptions } from "../pkg/gen/values.js";
import { deadlines, run } from "../pkg/transport.js";
import { exportBackupBaseline } from "./baseline.mjs";
import { sampleRounds } from "./e2e.mjs";
import { EXPORT, KEYS, exportUrl } from "./inputs.mjs";
import { startSimProcess } from "./sim-process.mjs";
import { log, median } from "./stats.mjs";
import { readArgs } from "../scripts/cli.mjs";

const USAGE = "usage: node bench/attribution.mjs [--quick] [--rounds N] [--concurrency C]";
const args = readArgs({ quick: { type: "boolean" }, rounds: { type: "string" }, concurrency: { type: "string", default: "64" } }, USAGE);
const quick = Boolean(args.quick);
const rounds = Number(args.rounds ?? (quick ? 3 : 41));
const concurrency = Number(args.concurrency);
const count = quick ? 100 : 2000;
if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(concurrency) && concurrency > 0)) {
  console.error(USAGE);
  process.exit(2);
}

/** The candidates against `endpoint`, each adding one piece to the one before. */
function candidates(endpoint) {
  const opts = { ...KEYS, endpoint, ...EXPORT };
  const client = new Client({ ...KEYS, endpoint });
  const url = exportUrl(endpoint);
  const prepare = () => __job("exportBackup", readOptions(opts)[0]); // as pkg/api.js does
  // JS stand-ins for the module's steps, shaped as pkg/transport.js expects.
  const request = () => {
    const { headers } = client.signRequest({ method: "GET", url });
    return [url, "GET", "", ...Object.entries(headers).flat()].join("\n");
  };
  const report = (why, response, text) => {
    const { requestId, returnCode, returnMessage } = JSON.parse(text).exportBackupToObjectStorageResponse;
    return { requestId, returnCode, returnMessage, httpStatus: response.status };
  };
  const standIn = (job) => ({
    timeoutMs: 30_000,
    request: job ? () => job.request() : request,
    report,
    free: () => job?.free(),
  });
  return [
    { id: "baseline", label: "baseline: node:crypto + fetch + JSON.parse", run: () => exportBackupBaseline(endpoint) },
    {
      id: "signerAndTimeout",
      label: "+ the package's signer (Client#signRequest) and Node timeout (deadline list)",
      run: () => exportBackupBaseline(endpoint, { sign: (input) => client.signRequest(input), attempt: () => deadlines.add(30_000) }),
    },
    { id: "transport", label: "+ the transport loop (pkg/transport.js) with JS stand-ins for the module's steps", run: () => run(standIn()) },
    {
      id: "prepare",
      label: "+ the module reads and checks the options and prepares the key (readOptions, __job)",
      run: () => {
        const job = prepare();
        return run({ ...standIn(), free: () => job.free() });
      },
    },
    { id: "request", label: "+ the module builds and signs the request (job.request)", run: () => run(standIn(prepare())) },
    { id: "exportBackup", label: "+ the module reads the answer (job.report): exportBackup itself", run: () => exportBackup(opts) },
  ];
}

/** Plain JS work, `n` rounds of a multiply-add; `sink` keeps it from being optimised away. */
let sink = 0;
function busy(n) {
  let x = sink | 0;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 31) + i) | 0;
  sink = x;
}

/** Microseconds a call of `f` takes in a hot loop (median of 5 rounds). */
function hotUs(f, calls = quick ? 200 : 20_000) {
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    rounds.push(((performance.now() - t0) * 1000) / calls);
  }
  return median(rounds);
}

/** The two controls (see the top of this file); `busyUs` is the busy work's hot-loop time. */
function controls(endpoint) {
  let n = 1000;
  for (let tries = 0; tries < 5; tries++) n = Math.max(1, Math.round((n * 5) / hotUs(() => busy(n), 2000))); // about 5 µs
  const busyUs = hotUs(() => busy(n));
  return {
    busyUs,
    list: [
      { id: "again", label: "control: the baseline again (the same code; its distance from 1.000× is noise)", run: () => exportBackupBaseline(endpoint) },
      {
        id: "busy",
        label: `control: the baseline plus plain JS work that takes ${busyUs.toFixed(1)} µs in a hot loop`,
        run: () => {
          busy(n);
          return exportBackupBaseline(endpoint);
        },
      },
    ],
  };
}

const sim = await startSimProcess();
try {
  const list = candidates(sim.url);
  const control = controls(sim.url);
  log(`attribution: concurrency ${concurrency}, ${rounds} rounds x ${count} requests per candidate`);
  const samples = await sampleRounds({ list: [...list, ...control.list], sim, rounds, count, concurrency, warmUp: quick ? 20 : 1000 });
  const ratio = (id) => median(samples[id].map((s, r) => s.ms / samples.baseline[r].ms));
  const us = (id) => (median(samples[id].map((s) => s.ms)) * 1000) / count;
  console.log(`Concurrency ${concurrency}, ${rounds} rounds of ${count} requests, Node ${process.version}${quick ? " (--quick: tiny counts)" : ""}.\n`);
  console.log("| Candidate | µs per request | Ratio to baseline | Added by this step |");
  console.log("| --- | ---: | ---: | ---: |");
  let previous = 1;
  for (const c of list) {
    const r = ratio(c.id);
    console.log(`| ${c.label} | ${us(c.id).toFixed(0)} | ${r.toFixed(3)}× | ${c.id === "baseline" ? "" : `${((r - previous) * 100).toFixed(1)} pt`} |`);
    previous = r;
  }
  for (const c of control.list) console.log(`| ${c.label} | ${us(c.id).toFixed(0)} | ${ratio(c.id).toFixed(3)}× | |`);
  // The busy work's cost in this run, per request, against its hot-loop time.
  const added = median(samples.busy.map((s, r) => ((s.ms - samples.baseline[r].ms) * 1000) / count));
  console.log(`\nIn this run, ${control.busyUs.toFixed(1)} µs of hot-loop JS added ${added.toFixed(1)} µs a request (${(added / control.busyUs).toFixed(1)}×).`);
} finally {
  await sim.stop();
}
