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

const sim = await startSimProcess();
try {
  const list = candidates(sim.url);
  log(`attribution: concurrency ${concurrency}, ${rounds} rounds x ${count} requests per candidate`);
  const samples = await sampleRounds({ list, sim, rounds, count, concurrency, warmUp: quick ? 20 : 1000 });
  const ratio = (id) => median(samples[id].map((s, r) => s.ms / samples.baseline[r].ms));
  console.log(`Concurrency ${concurrency}, ${rounds} rounds of ${count} requests, Node ${process.version}${quick ? " (--quick: tiny counts)" : ""}.\n`);
  console.log("| Candidate | µs per request | Ratio to baseline | Added by this step |");
  console.log("| --- | ---: | ---: | ---: |");
  let previous = 1;
  for (const c of list) {
    const r = ratio(c.id);
    const us = (median(samples[c.id].map((s) => s.ms)) * 1000) / count;
    console.log(`| ${c.label} | ${us.toFixed(0)} | ${r.toFixed(3)}× | ${c.id === "baseline" ? "" : `${((r - previous) * 100).toFixed(1)} pt`} |`);
    previous = r;
  }
} finally {
  await sim.stop();
}
