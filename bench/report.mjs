// The product's targets, checked against the results, and the one markdown
// table `make bench` prints (ready to paste into the README).

const KB = 1000; // as npm counts
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const int = (n) => Math.round(n).toLocaleString("en-US");
const us = (n) => `${n.toFixed(1)} µs`;
const signed = (n, unit) => `${n < 0 ? "−" : "+"}${Math.abs(n).toFixed(1)} ${unit}`;
/** A range of differences, with the same minus sign as `signed`. */
const range = (q1, q3) => `${q1 < 0 ? "−" : ""}${Math.abs(q1).toFixed(1)} to ${q3 < 0 ? "−" : ""}${Math.abs(q3).toFixed(1)}`;

/** A ratio with the middle half of its per-round ratios; `digits` to show what the target needs. */
const x = (ratio, [q1, q3] = [], digits = 2) =>
  q1 === undefined ? `${ratio.toFixed(digits)}×` : `${ratio.toFixed(digits)}× (${q1.toFixed(digits)}–${q3.toFixed(digits)})`;

/** A checked goal: `kind` "target" is the ceiling that must hold, "aim" is where we want to be. */
const atMost = (kind, value, limit, text) => ({ kind, value, limit, text, pass: value <= limit });

/**
 * The table's rows `{ id, section, measurement, result, ratio, checks }` for
 * the sections that ran; `id` is stable (the tests look rows up by it).
 */
export function rows(results) {
  const out = [];
  const row = (id, section, measurement, result, ratio = "", checks = []) => out.push({ id, section, measurement, result, ratio, checks });

  if (results.size) {
    const { wasm, glue, npmPack } = results.size;
    const section = "Size";
    row("size.wasmGzip", section, "wasm, gzip (Node zlib, level 9)", `${kb(wasm.gzipBytes)} (${int(wasm.gzipBytes)} B)`, "", [
      atMost("target", wasm.gzipBytes, 48 * KB, "≤ 48 KB"),
      atMost("aim", wasm.gzipBytes, 40 * KB, "≤ 40 KB"),
    ]);
    row("size.wasm", section, "wasm, raw", `${kb(wasm.bytes)} (${int(wasm.bytes)} B)`, "", [atMost("target", wasm.bytes, 112 * KB, "≤ 112 KB")]);
    row("size.wasmBrotli", section, "wasm, brotli (quality 11)", kb(wasm.brotliBytes));
    row("size.glue", section, "JS glue (gen/ncloud_pg_backup.js)", `${kb(glue.bytes)}, ${kb(glue.gzipBytes)} gzip`);
    row("size.npmPack", section, "npm package (npm pack)", `${kb(npmPack.size)} packed, ${kb(npmPack.unpackedSize)} unpacked, ${npmPack.entryCount} files`);
  }

  if (results.cold) {
    const { node, workerd } = results.cold;
    const section = "Cold start, Node";
    const spawn = (id, checks) => row(`cold.node.${id}`, section, `spawn to exit, one signature: ${node.spawn[id].label}`, `${node.spawn[id].ms.toFixed(1)} ms`, x(node.spawn[id].ratioToBaseline, id === "baseline" ? undefined : node.spawn[id].ratioQuartiles), checks);
    spawn("baseline");
    spawn("baselineAgain");
    spawn("package", [
      atMost("target", node.spawn.package.ratioToBaseline, 1.15, "≤ 1.15× baseline"),
      atMost("aim", node.spawn.package.ratioToBaseline, 1.05, "≤ 1.05× baseline"),
    ]);
    const [q1, q3] = node.import.msQuartiles;
    row("cold.node.import", section, "`await import(\"ncloud-pg-backup\")` in a fresh process", `${node.import.ms.toFixed(2)} ms (${q1.toFixed(2)}–${q3.toFixed(2)})`, "", [
      atMost("target", node.import.ms, 6, "≤ 6 ms"),
      atMost("aim", node.import.ms, 3, "≤ 3 ms"),
    ]);
    for (const id of ["baseline", "baselineAgain", "package"]) {
      const c = workerd[id];
      row(`cold.workerd.${id}`, "Cold start, workerd", `new isolate (new Miniflare) to first response: ${c.label}`, `${c.ms.toFixed(1)} ms`, x(c.ratioToBaseline, id === "baseline" ? undefined : c.ratioQuartiles));
    }
  }

  if (results.signing) {
    const c = results.signing.candidates;
    const sign = (id, checks) => row(`signing.${id}`, "Signing", c[id].label, `${int(c[id].nsPerSignature)} ns`, x(c[id].ratioToNodeCrypto, id === "nodeCrypto" ? undefined : c[id].ratioQuartiles), checks);
    sign("nodeCrypto");
    sign("nodeCryptoAgain");
    sign("signRequest", [atMost("target", c.signRequest.ratioToNodeCrypto, 1.5, "≤ 1.5× node:crypto")]);
    sign("client", [atMost("target", c.client.ratioToNodeCrypto, 1.1, "≤ 1.1× node:crypto")]);
    sign("webCrypto");
    sign("noble");
  }

  if (results.e2e) {
    const { latency, loopback } = results.e2e;

    // The client's own CPU per request, from the run with latency (what a backup job sees).
    const section = `Per call: client CPU, ${latency.latencyMs} ms latency, concurrency ${latency.concurrency}`;
    const base = latency.candidates.baseline;
    row("perCall.baseline", section, base.label, `${us(base.cpuUsPerRequest)} per request`, x(1));
    for (const id of ["baselineAgain", "baselineTimeout", "exportBackup", "client"]) {
      const c = latency.candidates[id];
      const [q1, q3] = c.cpuUsOverBaselineQuartiles;
      const checks = id === "exportBackup" ? [atMost("target", c.cpuUsOverBaseline, 30, "≤ +30 µs"), atMost("aim", c.cpuUsOverBaseline, 15, "≤ +15 µs")] : [];
      row(
        `perCall.${id}`,
        section,
        c.label,
        `${signed(c.cpuUsOverBaseline, "µs")} (${range(q1, q3)}); ${us(c.cpuUsPerRequest)} per request`,
        x(c.cpuRatioToBaseline),
        checks,
      );
    }

    for (const run of results.e2e.noSocket) {
      const section = `Per call: client CPU, no socket (fetch answering ${run.delayMs ? `after a ${run.delayMs} ms timer` : "at once"}), one at a time`;
      const base = run.candidates.baseline;
      const key = `perCall.noSocket${run.delayMs ? "Timer" : "Now"}`;
      row(`${key}.baseline`, section, base.label, `${us(base.cpuUsPerCall)} per call`, x(1));
      for (const id of ["baselineAgain", "baselineTimeout", "exportBackup", "client"]) {
        const c = run.candidates[id];
        const [q1, q3] = c.cpuUsOverBaselineQuartiles;
        row(`${key}.${id}`, section, c.label, `${signed(c.cpuUsOverBaseline, "µs")} (${range(q1, q3)}); ${us(c.cpuUsPerCall)} per call`, x(c.cpuRatioToBaseline));
      }
    }

    for (const run of [latency, ...loopback]) {
      const timed = run.latencyMs > 0;
      const section = timed ? `End to end, ${run.latencyMs} ms latency, concurrency ${run.concurrency}` : `End to end, loopback, concurrency ${run.concurrency}`;
      for (const [id, c] of Object.entries(run.candidates)) {
        const msPerRequest = timed ? `${c.msPerRequest.toFixed(2)} ms/req` : `${(c.msPerRequest * 1000).toFixed(0)} µs/req`;
        const checks = timed && (id === "exportBackup" || id === "client") ? [atMost("target", c.ratioToBaseline, 1.02, "≤ 1.02× baseline")] : [];
        const cpu = `client ${c.cpuUsPerRequest.toFixed(0)} µs${c.simCpuUsPerRequest === null ? "" : `, simulator ${c.simCpuUsPerRequest.toFixed(0)} µs`}`;
        const result = `${int(c.requestsPerSecond)} req/s, ${msPerRequest}; CPU per request: ${cpu}`;
        row(`e2e.${timed ? "latency" : `loopback${run.concurrency}`}.${id}`, section, c.label, result, x(c.ratioToBaseline, id === "baseline" ? undefined : c.ratioQuartiles, 3), checks);
      }
    }
  }
  return out;
}

/** Every checked goal, flat, for the JSON. */
export function targets(table) {
  return table.flatMap((r) => r.checks.map((c) => ({ id: r.id, measurement: `${r.section}: ${r.measurement}`, ...c })));
}

export function renderTable(results, table) {
  const { meta } = results;
  const met = (c) => (c.kind === "aim" ? (c.pass ? "aim met" : "aim missed") : c.pass ? "pass" : "**FAIL**");
  const lines = [
    `Measured ${meta.date} · Node ${meta.node} · ${meta.cpu} (${meta.cores} cores) · ${meta.quick ? "`--quick` (tiny counts, not for publishing)" : "`make bench`"}, ${(meta.durationMs / 1000).toFixed(0)} s.`,
    "Ratio: against the section's baseline (lower is better), the median of per-round ratios with, in brackets, the middle half of them; per call, the CPU ratio. KB = 1000 bytes.",
    "End to end: ms/req (µs/req) is a request's mean time, start to answer; the simulator runs in its own process on the same machine. With latency, a run stays bound by it only while the client's CPU for the requests in flight (64 × its CPU per request, on one thread) fits within it.",
    "",
    "| Section | Measurement | Result | Ratio | Target | Met |",
    "| --- | --- | ---: | ---: | --- | --- |",
  ];
  for (const r of table) {
    const target = r.checks.map((c) => (c.kind === "aim" ? `aim ${c.text}` : c.text)).join("; ");
    lines.push(`| ${r.section} | ${r.measurement} | ${r.result} | ${r.ratio} | ${target} | ${r.checks.map(met).join("; ")} |`);
  }
  return lines.join("\n");
}
