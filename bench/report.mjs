// The product's targets, checked against the results, and the one markdown
// table `make bench` prints (ready to paste into the README).

const KB = 1000; // as npm counts
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const int = (n) => Math.round(n).toLocaleString("en-US");
const x = (ratio) => `${ratio.toFixed(2)}×`;

/** A checked goal: `kind` "target" must hold; "aim" is where we want to be. */
const atMost = (kind, value, limit, text) => ({ kind, value, limit, text, pass: value <= limit });
const moreThan = (kind, value, limit, text) => ({ kind, value, limit, text, pass: value > limit });

/** Table rows `{ section, measurement, result, ratio, checks }` for the sections that ran. */
function rows(results) {
  const out = [];
  const row = (section, measurement, result, ratio = "", checks = []) => out.push({ section, measurement, result, ratio, checks });

  if (results.signing) {
    const { candidates: c, clientSpeedupOverWebCrypto: speedup } = results.signing;
    const sign = (id, checks) => row("Signing", c[id].label, `${int(c[id].nsPerSignature)} ns`, x(c[id].ratioToNodeCrypto), checks);
    sign("nodeCrypto");
    sign("signRequest", [atMost("target", c.signRequest.ratioToNodeCrypto, 1.5, "≤ 1.5× node:crypto")]);
    sign("client", [atMost("aim", c.client.ratioToNodeCrypto, 1.0, "≤ 1.0× node:crypto")]);
    sign("webCrypto");
    sign("noble");
    row("Signing", "Client#signRequest speed-up over WebCrypto", `${speedup.toFixed(1)}× faster`, "", [
      moreThan("target", speedup, 20, "> 20× faster"),
    ]);
  }

  if (results.e2e) {
    for (const run of results.e2e.runs) {
      const section = `End to end, concurrency ${run.concurrency}`;
      for (const [id, c] of Object.entries(run.candidates)) {
        const baseline = id.startsWith("baseline");
        const againstTimeout = baseline ? "" : `; ${x(c.ratioToTimeoutBaseline)} the baseline with a timeout`;
        const result = `${int(c.requestsPerSecond)} req/s (${(c.msPerRequest * 1000).toFixed(0)} µs/req; client CPU ${c.cpuUsPerRequest.toFixed(0)} µs/req, ${x(c.cpuRatioToBaseline)}${againstTimeout})`;
        const checks = baseline ? [] : [atMost("target", c.ratioToBaseline, 1.1, "≤ 1.10× baseline")];
        const [q1, q3] = c.ratioQuartiles;
        row(section, c.label, result, id === "baseline" ? x(1) : `${x(c.ratioToBaseline)} (${q1.toFixed(2)}–${q3.toFixed(2)})`, checks);
      }
    }
    for (const step of Object.values(results.e2e.perCall)) {
      row("End to end, CPU per call (no network)", step.label, `${step.usPerCall.toFixed(1)} µs`);
    }
  }

  if (results.size) {
    const { wasm, glue, npmPack } = results.size;
    row("Size", "wasm", `${kb(wasm.bytes)} (${int(wasm.bytes)} B)`, "", [
      atMost("target", wasm.bytes, 80 * KB, "≤ 80 KB"),
      atMost("aim", wasm.bytes, 48 * KB, "≤ 48 KB"),
    ]);
    row("Size", "wasm, gzip -9", kb(wasm.gzipBytes), "", [
      atMost("target", wasm.gzipBytes, 36 * KB, "≤ 36 KB"),
      atMost("aim", wasm.gzipBytes, 20 * KB, "≤ 20 KB"),
    ]);
    row("Size", "wasm, brotli (quality 11)", kb(wasm.brotliBytes));
    row("Size", "JS glue (gen/ncloud_pg_backup.js)", `${kb(glue.bytes)}, ${kb(glue.gzipBytes)} gzip`);
    row("Size", "npm package (npm pack)", `${kb(npmPack.size)} packed, ${kb(npmPack.unpackedSize)} unpacked, ${npmPack.entryCount} files`);
  }

  if (results.cold) {
    const cold = (section, what, r) => {
      row(section, `${what}: ${r.baseline.label} (baseline)`, `${r.baseline.ms.toFixed(1)} ms`, x(1));
      row(section, `${what}: ${r.wasm.label}`, `${r.wasm.ms.toFixed(1)} ms`, x(r.ratioToBaseline));
    };
    cold("Cold start, Node", "spawn to exit, one signature", results.cold.nodeSign);
    cold("Cold start, Node", "spawn to exit, one exportBackup", results.cold.nodeExport);
    cold("Cold start, workerd", "new Miniflare to first response, one signature", results.cold.workerd);
  }
  return out;
}

/** Every checked goal, flat, for the JSON. */
export function targets(results) {
  return rows(results).flatMap((r) => r.checks.map((c) => ({ measurement: `${r.section}: ${r.measurement}`, ...c })));
}

export function renderTable(results) {
  const { meta } = results;
  const met = (c) => (c.kind === "aim" ? (c.pass ? "aim met" : "aim missed") : c.pass ? "pass" : "**FAIL**");
  const lines = [
    `Measured ${meta.date} · Node ${meta.node} · ${meta.cpu} (${meta.cores} cores) · ${meta.quick ? "`--quick` (tiny counts, not for publishing)" : "`make bench`"}, ${(meta.durationMs / 1000).toFixed(0)} s.`,
    "Ratio: time against the section's baseline, median of per-round ratios (lower is better); end to end, in brackets, the middle half of the per-round ratios. KB = 1000 bytes.",
    "",
    "| Section | Measurement | Result | Ratio | Target | Met |",
    "| --- | --- | ---: | ---: | --- | --- |",
  ];
  for (const r of rows(results)) {
    const target = r.checks.map((c) => (c.kind === "aim" ? `aim ${c.text}` : c.text)).join("; ");
    lines.push(`| ${r.section} | ${r.measurement} | ${r.result} | ${r.ratio} | ${target} | ${r.checks.map(met).join("; ")} |`);
  }
  return lines.join("\n");
}
