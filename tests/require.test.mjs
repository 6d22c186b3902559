// require("ncloud-pg-backup") in Node: a CommonJS script in a temp project (node_modules linking to
// pkg/) loads the package through require(esm) (Node 20.19+, 22.12+), finds NcloudError and
// exportBackup, and exports a backup against the simulator. And package.json's `engines` and
// `exports` say what `require` and `import` resolve: the node entry, both.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startSimulator } from "../sim/server.mjs";
import { DEMO, PKG, childEnv, removeDir, run, tempProject } from "./helpers/readme.mjs";

const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));

const CJS = `"use strict";
const assert = require("node:assert/strict");
const pkg = require("ncloud-pg-backup");
assert.equal(typeof pkg.NcloudError, "function", "NcloudError");
assert.equal(typeof pkg.exportBackup, "function", "exportBackup");
const keys = { accessKey: ${JSON.stringify(DEMO.accessKey)}, secretKey: process.env.NCLOUD_SECRET_KEY, endpoint: process.env.SIMULATOR };
pkg.exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" }).then(
  (r) => console.log(JSON.stringify({ resolved: require.resolve("ncloud-pg-backup"), requestId: r.requestId })),
  (e) => {
    console.error(e instanceof pkg.NcloudError ? "NcloudError " + e.kind : "not an NcloudError: " + e);
    process.exitCode = 1;
  },
);
`;

const ESM = `console.log(JSON.stringify({ resolved: import.meta.resolve("ncloud-pg-backup") }));\n`;

let sim, dir;
before(async () => {
  sim = await startSimulator({ port: 0, quiet: true });
  dir = tempProject("ncloud-require-");
  writeFileSync(join(dir, "export.cjs"), CJS);
  writeFileSync(join(dir, "resolve.mjs"), ESM);
});
after(async () => {
  await sim?.close();
  removeDir(dir);
});

const node = (file, secretKey = DEMO.secretKey) =>
  run(process.execPath, [join(dir, file)], { cwd: dir, env: childEnv(dir, { SIMULATOR: sim.url, NCLOUD_SECRET_KEY: secretKey }) });

test("a .cjs script require()s the package, finds NcloudError and exportBackup, and exports a backup", async () => {
  const r = await node("export.cjs");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, "", "no warning either");
  const out = JSON.parse(r.stdout);
  assert.equal(out.resolved, join(PKG, "node.js"), "require resolved the node entry");
  const ev = sim.exports.find((e) => e.requestId === out.requestId);
  assert.ok(ev, "the simulator recorded the export");
  assert.deepEqual([ev.cloudPostgresqlInstanceNo, ev.fileName, ev.bucketName], ["1234567", "20261120_030005", "pg-backups"]);
});

test("a failure through require() is the package's NcloudError and exits non-zero", async () => {
  const r = await node("export.cjs", "wrong-secret");
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), "NcloudError auth");
});

test("import resolves the same node entry", async () => {
  const r = await node("resolve.mjs");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).resolved, pathToFileURL(join(PKG, "node.js")).href);
});

/** Node's resolution of an `exports` target (conditions in object order; the first key in `conditions` or "default" wins). */
function resolveExports(target, conditions) {
  if (typeof target === "string") return target;
  for (const [key, value] of Object.entries(target)) {
    if (key === "default" || conditions.includes(key)) {
      const r = resolveExports(value, conditions);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

test("package.json: `exports` gives the node entry to require and to import; `engines` names the Nodes with require(esm) and admits this one", () => {
  const root = manifest.exports["."];
  assert.equal(resolveExports(root, ["node", "require"]), "./node.js", "require's conditions: node, require");
  assert.equal(resolveExports(root, ["node", "import"]), "./node.js", "import's conditions: node, import");
  assert.equal(resolveExports(root, ["types", "node", "require"]), "./index.d.ts", "TypeScript's (node16/nodenext, require)");
  assert.equal(resolveExports(root, ["types", "node", "import"]), "./index.d.ts", "TypeScript's (node16/nodenext, import)");
  assert.equal(manifest.main, "./node.js", "`main` (resolvers without `exports`) is the node entry too");
  assert.equal(manifest.type, "module");

  // Node 20.19+ and 22.12+: require(esm) without a flag, and process.getBuiltinModule (the node entry's).
  assert.equal(manifest.engines?.node, "^20.19.0 || >=22.12.0");
  const [major, minor] = process.versions.node.split(".").map(Number);
  assert.ok((major === 20 && minor >= 19) || major > 22 || (major === 22 && minor >= 12), `engines.node admits Node ${process.versions.node}`);
  assert.equal(process.features.require_module, true, "this Node has require(esm)");
});

test("on a Node without process.getBuiltinModule (older than engines names), importing the package says which Nodes it needs", async () => {
  const older = "delete process.getBuiltinModule;";
  const { code, stderr } = await run(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(older)}`, join(PKG, "node.js")]);
  assert.notEqual(code, 0);
  assert.match(stderr, /ncloud-pg-backup: this runtime has no process\.getBuiltinModule, which the package's Node entry needs \(Node 20\.19\+ or 22\.12\+, as package\.json "engines" says\)/);
});
