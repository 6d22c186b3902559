#!/usr/bin/env node
// `make bench`: measures the built package in pkg/ against plain-JS baselines,
// prints one markdown table (stdout; progress goes to stderr) and writes the
// same data to bench/out/results.json.
//   node bench/run.mjs [--quick] [--only size,signing,e2e,cold]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { benchSigning } from "./signing.mjs";
import { benchE2E } from "./e2e.mjs";
import { benchSize } from "./size.mjs";
import { benchCold } from "./cold.mjs";
import { startSimProcess } from "./sim-process.mjs";
import { renderTable, rows, targets } from "./report.mjs";
import { log, now } from "./stats.mjs";
import { readArgs } from "../scripts/cli.mjs";

const SECTIONS = ["size", "signing", "e2e", "cold"];
const USAGE = `usage: node bench/run.mjs [--quick] [--only ${SECTIONS.join(",")}]`;

const args = readArgs({ quick: { type: "boolean" }, only: { type: "string", default: SECTIONS.join(",") } }, USAGE);
const opts = { quick: Boolean(args.quick), only: args.only.split(",").filter(Boolean) };
if (!opts.only.length || opts.only.some((s) => !SECTIONS.includes(s))) {
  console.error(`--only takes a comma-separated list of ${SECTIONS.join(", ")}\n${USAGE}`);
  process.exit(2);
}
const wasm = new URL("../pkg/gen/ncloud_pg_backup_bg.wasm", import.meta.url);
if (!existsSync(wasm)) {
  console.error("pkg/gen is missing: build the package first (make pkg, or bash scripts/build-pkg.sh)");
  process.exit(1);
}

const started = now();
const wants = (section) => opts.only.includes(section);
const results = {
  meta: {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: os.cpus().length,
    quick: opts.quick,
    sections: opts.only,
  },
};

if (wants("size")) {
  log("size");
  results.size = benchSize();
}
if (wants("signing")) results.signing = await benchSigning(opts);
if (wants("e2e")) {
  const sim = await startSimProcess();
  try {
    results.e2e = await benchE2E({ ...opts, sim });
  } finally {
    await sim.stop();
  }
}
// Last: it loads miniflare, whose undici takes over the global fetch (see cold.mjs).
if (wants("cold")) results.cold = await benchCold(opts);
results.meta.durationMs = now() - started;

const table = rows(results);
results.targets = targets(table);
results.table = table;
const outDir = fileURLToPath(new URL("./out/", import.meta.url));
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}results.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log(renderTable(results, table));
log(`wrote bench/out/results.json (${(results.meta.durationMs / 1000).toFixed(1)} s)`);
