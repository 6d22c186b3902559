// `make bench` in its quick form: it runs to the end, prints the table with
// every row and writes every section to bench/out/results.json. No timing
// thresholds: the numbers are the benchmark's to report, not the test's to judge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** `node bench/run.mjs ...args`; resolves to { code, stdout, stderr }. */
function bench(args, timeout) {
  return new Promise((resolve) => {
    execFile(process.execPath, ["bench/run.mjs", ...args], { cwd: root, timeout }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr }),
    );
  });
}

/** Every leaf of `value` that is not a string, boolean or null is a finite number. */
function assertNumericLeaves(value, path) {
  if (typeof value === "string" || typeof value === "boolean" || value === null) return;
  if (typeof value === "number") return assert.ok(Number.isFinite(value), `${path} is ${value}`);
  assert.ok(typeof value === "object", `${path} is ${value}`);
  for (const [k, v] of Object.entries(value)) assertNumericLeaves(v, `${path}.${k}`);
}

const E2E = ["baseline", "baselineAgain", "baselineTimeout", "exportBackup", "client"];

/** Every row of the table, by id. */
const ROWS = [
  ...["wasmGzip", "wasm", "wasmBrotli", "glue", "npmPack"].map((id) => `size.${id}`),
  ...["baseline", "baselineAgain", "package", "import"].map((id) => `cold.node.${id}`),
  ...["baseline", "baselineAgain", "package"].map((id) => `cold.workerd.${id}`),
  ...["nodeCrypto", "nodeCryptoAgain", "signRequest", "client", "webCrypto", "noble"].map((id) => `signing.${id}`),
  ...E2E.map((id) => `perCall.${id}`),
  ...["noSocketNow", "noSocketTimer"].flatMap((run) => E2E.map((id) => `perCall.${run}.${id}`)),
  ...["latency", "loopback1", "loopback64"].flatMap((run) => E2E.map((id) => `e2e.${run}.${id}`)),
];

/** The rows with a ceiling, and the kinds of goal each is checked against. */
const GOALS = {
  "size.wasmGzip": ["target", "aim"],
  "size.wasm": ["target"],
  "cold.node.package": ["target", "aim"],
  "cold.node.import": ["target", "aim"],
  "signing.signRequest": ["target"],
  "signing.client": ["target"],
  "perCall.exportBackup": ["target", "aim"],
  "e2e.latency.exportBackup": ["target"],
  "e2e.latency.client": ["target"],
};

test("bench --quick prints every row and writes results.json with every section", { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await bench(["--quick"], 120_000);
  assert.equal(code, 0, stderr);

  assert.match(stdout, /^\| Section \| Measurement \| Result \| Ratio \| Target \| Met \|$/m);
  assert.match(stdout, new RegExp(`Node ${process.version.replace(/\./g, "\\.")}`));
  const lines = stdout.split("\n").filter((line) => line.startsWith("| ")).slice(2); // past the header and its rule

  const results = JSON.parse(readFileSync(`${root}bench/out/results.json`, "utf8"));
  assert.equal(results.meta.quick, true);
  for (const section of ["size", "signing", "e2e", "cold"]) assertNumericLeaves(results[section], section);

  // One printed line per row, in the same order, each with its goals' verdicts.
  assert.deepEqual(results.table.map((r) => r.id), ROWS);
  assert.equal(lines.length, ROWS.length, stdout);
  results.table.forEach((r, i) => {
    assert.ok(lines[i].startsWith(`| ${r.section} | ${r.measurement} | ${r.result} | ${r.ratio} |`), `${r.id}: ${lines[i]}`);
    assert.deepEqual(r.checks.map((c) => c.kind), GOALS[r.id] ?? [], `${r.id}'s goals`);
    const verdicts = r.checks.map((c) => (c.kind === "aim" ? (c.pass ? "aim met" : "aim missed") : c.pass ? "pass" : "**FAIL**"));
    assert.ok(lines[i].endsWith(`| ${verdicts.join("; ")} |`), `${r.id}'s verdicts: ${lines[i]}`);
  });
  assert.equal(results.targets.length, Object.values(GOALS).flat().length);
  for (const t of results.targets) {
    assert.equal(typeof t.pass, "boolean", t.id);
    assert.ok(Number.isFinite(t.value) && Number.isFinite(t.limit), t.id);
  }

  // Every ratio row against its own baseline: the baseline's is exactly 1.
  assert.equal(results.signing.candidates.nodeCrypto.ratioToNodeCrypto, 1);
  for (const run of [results.e2e.latency, ...results.e2e.loopback]) {
    assert.equal(run.candidates.baseline.ratioToBaseline, 1);
    assert.equal(run.candidates.baseline.cpuUsOverBaseline, 0);
    for (const id of E2E) {
      const c = run.candidates[id];
      assert.ok(c.requestsPerSecond > 0 && c.msPerRequest > 0 && c.cpuUsPerRequest > 0, `e2e ${run.latencyMs} ms ${run.concurrency}: ${id}`);
      const [q1, q3] = c.ratioQuartiles;
      assert.ok(q1 <= c.ratioToBaseline && c.ratioToBaseline <= q3, `e2e ${run.latencyMs} ms ${run.concurrency}: ${id}'s median within its quartiles`);
    }
  }
  assert.deepEqual([results.e2e.latency, ...results.e2e.loopback].map((r) => [r.latencyMs, r.concurrency]), [[20, 64], [0, 1], [0, 64]]);
  assert.deepEqual(results.e2e.noSocket.map((r) => r.delayMs), [0, 1]);
  for (const run of results.e2e.noSocket) {
    assert.equal(run.candidates.baseline.cpuUsOverBaseline, 0);
    for (const id of E2E) assert.ok(run.candidates[id].cpuUsPerCall > 0, `no socket, ${run.delayMs} ms: ${id}`);
  }
  for (const id of ["baseline", "baselineAgain", "package"]) {
    assert.equal(results.cold.workerd[id].ratioToBaseline > 0, true, `cold.workerd.${id}`);
    assert.equal(results.cold.node.spawn[id].ratioToBaseline > 0, true, `cold.node.${id}`);
  }
  assert.ok(results.cold.node.import.ms > 0);
  // The signature every signer had to give before it was timed.
  assert.equal(results.cold.signature, results.signing.signature);

  const { wasm, glue, npmPack } = results.size;
  for (const n of [wasm.bytes, wasm.gzipBytes, wasm.brotliBytes, glue.bytes, glue.gzipBytes, npmPack.size, npmPack.unpackedSize]) {
    assert.ok(Number.isInteger(n) && n > 0);
  }
});

test("bench --only refuses a section it does not have", async () => {
  const { code, stderr } = await bench(["--only", "size,nope"], 30_000);
  assert.equal(code, 2);
  assert.match(stderr, /--only takes a comma-separated list of size, signing, e2e, cold/);
});
