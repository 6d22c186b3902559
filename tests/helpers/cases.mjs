// One node:test test per conformance case, from the results a runtime
// (Chromium, workerd) reported after running tests/conformance/cases.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cases } from "../conformance/cases.mjs";

/** `results()` is read when each test runs, after the suite's `before` hook filled it. */
export function reportCases(runtime, results) {
  for (const name of Object.keys(cases)) {
    test(`${runtime}: ${name}`, () => {
      const r = results().find((x) => x.name === name);
      assert.ok(r, "case ran");
      assert.ok(r.ok, r.error);
    });
  }
}
