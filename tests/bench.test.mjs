// `make bench` in its quick form: it runs to the end, prints the table and
// writes every section to bench/out/results.json. No timing thresholds: the
// numbers are the benchmark's to report, not the test's to judge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Every leaf of `value` that is not a string or boolean is a finite number. */
function assertNumericLeaves(value, path) {
  if (typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") return assert.ok(Number.isFinite(value), `${path} is ${value}`);
  assert.ok(value && typeof value === "object", `${path} is ${value}`);
  for (const [k, v] of Object.entries(value)) assertNumericLeaves(v, `${path}.${k}`);
}

test("bench --quick prints the table and writes results.json with every section", { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, ["bench/run.mjs", "--quick"], { cwd: root, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr }),
    );
  });
  assert.equal(code, 0, stderr);

  assert.match(stdout, /^\| Section \| Measurement \| Result \| Ratio \| Target \| Met \|$/m);
  assert.match(stdout, new RegExp(`Node ${process.version.replace(/\./g, "\\.")}`));
  for (const section of ["Signing", "End to end, concurrency 1", "End to end, concurrency 64", "Size", "Cold start, Node", "Cold start, workerd"]) {
    assert.ok(stdout.includes(`| ${section} |`), `table has a ${section} row`);
  }

  const results = JSON.parse(readFileSync(`${root}bench/out/results.json`, "utf8"));
  assert.equal(results.meta.quick, true);
  for (const section of ["signing", "e2e", "size", "cold"]) assertNumericLeaves(results[section], section);

  const s = results.signing.candidates;
  for (const id of ["nodeCrypto", "signRequest", "client", "webCrypto", "noble"]) {
    assert.equal(typeof s[id].nsPerSignature, "number", `signing.${id}`);
    assert.equal(typeof s[id].ratioToNodeCrypto, "number", `signing.${id}`);
  }
  assert.equal(typeof results.signing.clientSpeedupOverWebCrypto, "number");

  assert.deepEqual(results.e2e.runs.map((r) => r.concurrency), [1, 64]);
  for (const run of results.e2e.runs) {
    for (const id of ["baseline", "baselineAgain", "baselineSignal", "baselineTimeout", "baselineWasmSigned", "exportBackup", "client"]) {
      const c = run.candidates[id];
      assert.equal(typeof c.requestsPerSecond, "number", `e2e.${run.concurrency}.${id}`);
      assert.equal(typeof c.ratioToBaseline, "number", `e2e.${run.concurrency}.${id}`);
      assert.ok(c.cpuUsPerRequest > 0, `e2e.${run.concurrency}.${id}.cpuUsPerRequest`);
      const [q1, q3] = c.ratioQuartiles;
      assert.ok(q1 <= c.ratioToBaseline && c.ratioToBaseline <= q3, `e2e.${run.concurrency}.${id}: the median within its quartiles`);
    }
    // Each round's baseline against itself is exactly 1.
    assert.deepEqual(run.candidates.baseline.ratioQuartiles, [1, 1]);
    for (const id of ["exportBackup", "client"]) {
      assert.ok(run.candidates[id].ratioToTimeoutBaseline > 0, `e2e.${run.concurrency}.${id}.ratioToTimeoutBaseline`);
    }
  }

  for (const id of ["prepare", "request", "report", "timeout", "signalTimeout", "baseline"]) {
    assert.equal(typeof results.e2e.perCall[id].usPerCall, "number", `e2e.perCall.${id}`);
  }
  assert.ok(stdout.includes("| End to end, CPU per call (no network) |"), "table has the per-call rows");
  assert.match(stdout, /\| exportBackup \(wasm\) \|[^\n]*\| \d+\.\d\d× \(\d+\.\d\d–\d+\.\d\d\) \|/, "the end-to-end ratio with its quartiles");

  const { wasm, glue, npmPack } = results.size;
  for (const n of [wasm.bytes, wasm.gzipBytes, wasm.brotliBytes, glue.bytes, glue.gzipBytes, npmPack.size, npmPack.unpackedSize]) {
    assert.ok(Number.isInteger(n) && n > 0);
  }

  for (const id of ["nodeSign", "nodeExport", "workerd"]) {
    const c = results.cold[id];
    for (const n of [c.wasm.ms, c.baseline.ms, c.ratioToBaseline]) assert.equal(typeof n, "number", `cold.${id}`);
  }

  assert.ok(results.targets.length >= 9, "every target checked");
  for (const t of results.targets) assert.equal(typeof t.pass, "boolean", t.measurement);
});

test("bench/attribution.mjs --quick prints one row per step and per control with its ratio, and the controls' reading", { timeout: 90_000 }, async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, ["bench/attribution.mjs", "--quick"], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr }),
    );
  });
  assert.equal(code, 0, stderr);
  const rows = stdout.split("\n").filter((line) => /^\| [^-]/.test(line)).slice(1); // past the header
  assert.equal(rows.length, 8, stdout);
  assert.match(rows[0], /^\| baseline: /);
  assert.match(rows[5], /exportBackup itself/);
  assert.match(rows[6], /^\| control: the baseline again/);
  assert.match(rows[7], /^\| control: the baseline plus plain JS work that takes \d+\.\d µs in a hot loop/);
  for (const row of rows) assert.match(row, /\| \d+ \| \d+\.\d{3}× \|/, row);
  assert.match(stdout, /\nIn this run, \d+\.\d µs of hot-loop JS added -?\d+\.\d µs a request \(-?\d+\.\d×\)\.\n/);
});
