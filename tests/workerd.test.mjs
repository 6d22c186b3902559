// The package in the real workerd (miniflare), bundled as Wrangler bundles it:
// the same conformance cases as in Node.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../sim/server.mjs";
import { reportCases } from "./helpers/cases.mjs";
import { startWorker } from "./helpers/workerd.mjs";

let results;
before(async () => {
  const sim = await startSimulator({ port: 0 });
  const mf = await startWorker(fileURLToPath(new URL("./conformance/worker.mjs", import.meta.url)), {
    bindings: { SIM_URL: sim.url },
  });
  try {
    const res = await mf.dispatchFetch("http://worker/");
    results = await res.json();
  } finally {
    await mf.dispose();
    await sim.close();
  }
});

reportCases("workerd", () => results);

// With nodejs_compat and a recent compatibility date workerd reports a Node
// version (process.versions.node), yet a timer there belongs to the request
// that set it: the Node entry's shared deadline list must not be used, or a
// request's timeout would die with another request.
test("workerd with nodejs_compat: each of two overlapping requests keeps its own timeout", { timeout: 60_000 }, async () => {
  const listen = (handler) =>
    new Promise((resolve) => {
      const server = createServer(handler).listen(0, "127.0.0.1", () => resolve(server));
    });
  const answering = await listen((req, res) =>
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      const answer = { requestId: "r", returnCode: "0", returnMessage: "success" };
      res.end(JSON.stringify({ exportBackupToObjectStorageResponse: answer }));
    }, 300),
  );
  const hanging = await listen(() => {}); // never answers
  const mf = await startWorker(fileURLToPath(new URL("./helpers/timeout-worker.mjs", import.meta.url)), {
    compatibilityDate: "2026-01-01",
    compatibilityFlags: ["nodejs_compat"],
  });
  try {
    const ask = (server) =>
      mf.dispatchFetch(`http://worker/?t=1000&ep=http://127.0.0.1:${server.address().port}`).then((r) => r.json());
    const first = ask(answering);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = ask(hanging);
    const late = new Promise((resolve) => setTimeout(() => resolve({ outcome: "still pending after 8 s" }), 8_000));
    second.catch(() => {}); // settled below, or cut off by dispose() if the first check fails
    assert.deepEqual(await first, { outcome: "resolved", returnCode: "0" });
    assert.deepEqual(await Promise.race([second, late]), { outcome: "timeout" });
  } finally {
    await mf.dispose();
    answering.close();
    hanging.closeAllConnections?.();
    hanging.close();
  }
});
