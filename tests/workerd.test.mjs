// The package in the real workerd (miniflare), bundled as Wrangler bundles it:
// the same conformance cases as in Node.
import { before } from "node:test";
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
