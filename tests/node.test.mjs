// The built package in Node, imported by its package name as users do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as lib from "ncloud-pg-backup";
import { startSimulator } from "../sim/server.mjs";
import { cases, runCases } from "./conformance/cases.mjs";

let sim;
before(async () => {
  sim = await startSimulator({ port: 0 });
});
after(() => sim.close());

for (const name of Object.keys(cases)) {
  test(name, async () => {
    const [r] = await runCases({ lib, simUrl: sim.url, only: [name] });
    assert.ok(r.ok, r.error);
  });
}
