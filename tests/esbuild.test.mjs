// The README's esbuild step, beyond its code block: an app that imports "ncloud-pg-backup/init" and
// "ncloud-pg-backup/wasm" and calls init once, bundled by esbuild
// - for the browser (--loader:.wasm=file), served and run in Chromium against the simulator;
// - for Node (--platform=node, --format=esm and --format=cjs, --loader:.wasm=binary), run from a
//   directory without node_modules against the simulator;
// and the plain entry, which esbuild cannot carry without that step (it does not understand
// `new URL("./x.wasm", import.meta.url)`, so the .wasm is left behind).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, parse } from "node:path";
import { build } from "esbuild";
import { startSimulator } from "../sim/server.mjs";
import { launchChromium } from "./helpers/chromium.mjs";
import { serveStatic } from "./helpers/static.mjs";
import { DEMO, childEnv, removeDir, run, seedServiceNames, tempProject } from "./helpers/readme.mjs";

const EXPORT = { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" };

// Both apps: list the instances, export a backup, and check that a refused call is an NcloudError
// of the bundle's own module (instanceof across the bundle).
const BROWSER_APP = `import init, { exportBackup, listInstances, NcloudError } from "ncloud-pg-backup/init";
import wasm from "ncloud-pg-backup/wasm";

const endpoint = new URL(location.href).searchParams.get("sim");
const keys = { accessKey: ${JSON.stringify(DEMO.accessKey)}, secretKey: ${JSON.stringify(DEMO.secretKey)}, endpoint };
try {
  await init(wasm);
  const { instances } = await listInstances(keys);
  const r = await exportBackup({ ...keys, ...${JSON.stringify(EXPORT)} });
  const refused = await listInstances({ ...keys, secretKey: "wrong" }).catch((e) => e);
  window.result = { ok: true, wasm, names: instances.map((i) => i.cloudPostgresqlServiceName), requestId: r.requestId, refused: refused instanceof NcloudError ? refused.kind : String(refused) };
} catch (e) {
  window.result = { ok: false, error: e instanceof NcloudError ? e.kind + ": " + e.message : String(e) };
}
`;

// No top-level await, so the same source bundles as CommonJS too.
const NODE_APP = `import init, { exportBackup, listInstances, NcloudError } from "ncloud-pg-backup/init";
import wasm from "ncloud-pg-backup/wasm";

async function main() {
  await init(wasm);
  const keys = { accessKey: ${JSON.stringify(DEMO.accessKey)}, secretKey: process.env.NCLOUD_SECRET_KEY ?? "", endpoint: process.env.SIMULATOR };
  const { instances } = await listInstances(keys);
  const r = await exportBackup({ ...keys, ...${JSON.stringify(EXPORT)} });
  const refused = await listInstances({ ...keys, secretKey: "wrong" }).catch((e) => e);
  console.log(JSON.stringify({ bytes: wasm instanceof Uint8Array, names: instances.map((i) => i.cloudPostgresqlServiceName), requestId: r.requestId, refused: refused instanceof NcloudError ? refused.kind : String(refused) }));
}
main().catch((e) => {
  console.error(e instanceof NcloudError ? e.kind + ": " + e.message : e);
  process.exitCode = 1;
});
`;

let sim, project;
before(async () => {
  sim = await startSimulator({ port: 0, quiet: true });
  project = tempProject("ncloud-esbuild-app-");
  writeFileSync(join(project, "browser-app.mjs"), BROWSER_APP);
  writeFileSync(join(project, "node-app.mjs"), NODE_APP);
  writeFileSync(join(project, "plain-app.mjs"), 'import { signRequest } from "ncloud-pg-backup";\nconsole.log(signRequest({ method: "GET", url: "https://ncloud.apigw.ntruss.com/x", accessKey: "AK", secretKey: "SK" }).timestamp);\n');
});
after(async () => {
  await sim?.close();
  removeDir(project);
});

/** Bundles `entry` of the project into a fresh temp directory; returns it. */
async function bundle(entry, options) {
  const outdir = mkdtempSync(join(tmpdir(), "ncloud-esbuild-out-"));
  try {
    await build({ entryPoints: [join(project, entry)], bundle: true, outdir, logLevel: "error", ...options });
    return outdir;
  } catch (e) {
    removeDir(outdir);
    throw e;
  }
}

/** No directory from `dir` up holds node_modules/ncloud-pg-backup: a bundle run there cannot load the package. */
function assertNoPackageAbove(dir) {
  for (let d = dir; ; d = dirname(d)) {
    assert.ok(!readdirSync(d).includes("node_modules") || !readdirSync(join(d, "node_modules")).includes("ncloud-pg-backup"), `${d}/node_modules has the package`);
    if (d === parse(d).root) break;
  }
}

test("browser: --loader:.wasm=file; the bundle lists instances and exports a backup in Chromium", { timeout: 120_000 }, async () => {
  const outdir = await bundle("browser-app.mjs", { platform: "browser", format: "esm", loader: { ".wasm": "file" } });
  let browser, site;
  try {
    const wasmFiles = readdirSync(outdir).filter((f) => f.endsWith(".wasm"));
    assert.equal(wasmFiles.length, 1, "esbuild emitted the .wasm beside the bundle");
    writeFileSync(join(outdir, "index.html"), '<!doctype html><meta charset="utf-8"><script type="module" src="./browser-app.js"></script>');
    site = await serveStatic(outdir);
    browser = await launchChromium();
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(`${site.url}/index.html?sim=${encodeURIComponent(sim.url)}`);
    await tab.waitForFunction(() => window.result, null, { timeout: 60_000, polling: 100 }).catch((e) => {
      throw new Error(`the app did not finish (${e.message}); page errors: ${errors.join("; ")}`);
    });
    const result = await tab.evaluate(() => window.result);
    assert.ok(result.ok, result.error);
    assert.equal(result.wasm, `./${wasmFiles[0]}`, "init got the file loader's URL");
    assert.deepEqual(result.names, seedServiceNames());
    const ev = sim.exports.find((e) => e.requestId === result.requestId);
    assert.ok(ev, "the simulator recorded the export");
    assert.deepEqual([ev.cloudPostgresqlInstanceNo, ev.fileName, ev.bucketName], [EXPORT.cloudPostgresqlInstanceNo, EXPORT.fileName, EXPORT.bucketName]);
    assert.equal(result.refused, "auth");
  } finally {
    await browser?.close();
    await site?.close();
    removeDir(outdir);
  }
});

describe("Node: --platform=node --loader:.wasm=binary, run from a directory without node_modules", () => {
  for (const format of ["esm", "cjs"]) {
    test(`--format=${format}: lists instances and exports a backup`, async () => {
      const ext = format === "esm" ? ".mjs" : ".cjs";
      // --target=node20: esbuild's default (esnext) inlines the bytes with Uint8Array.fromBase64, which Node 20 lacks.
      const outdir = await bundle("node-app.mjs", { platform: "node", format, target: "node20", loader: { ".wasm": "binary" }, outExtension: { ".js": ext } });
      try {
        assert.deepEqual(readdirSync(outdir), [`node-app${ext}`], "one file: the .wasm is inside it");
        const code = readFileSync(join(outdir, `node-app${ext}`), "utf8");
        assert.doesNotMatch(code, /(require\(|from\s*)["']ncloud-pg-backup/, "the package is bundled, not imported");
        assertNoPackageAbove(outdir);
        const before = sim.exports.length;
        const r = await run(process.execPath, [join(outdir, `node-app${ext}`)], {
          cwd: outdir,
          env: childEnv(outdir, { SIMULATOR: sim.url, NCLOUD_SECRET_KEY: DEMO.secretKey }),
        });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out.bytes, true, "the binary loader gave the bytes");
        assert.deepEqual(out.names, seedServiceNames());
        assert.equal(out.refused, "auth");
        assert.equal(sim.exports.length, before + 1);
        assert.equal(sim.exports.at(-1).requestId, out.requestId);
        assert.equal(sim.exports.at(-1).fileName, EXPORT.fileName);

        // A failure exits non-zero.
        const failed = await run(process.execPath, [join(outdir, `node-app${ext}`)], {
          cwd: outdir,
          env: childEnv(outdir, { SIMULATOR: sim.url, NCLOUD_SECRET_KEY: "wrong" }),
        });
        assert.equal(failed.code, 1);
        assert.match(failed.stderr, /^auth: /);
      } finally {
        removeDir(outdir);
      }
    });
  }
});

describe("without the step: the plain entry in an esbuild bundle", () => {
  test("for Node: the bundle looks for the .wasm beside itself, which esbuild did not copy, and fails", async () => {
    const outdir = await bundle("plain-app.mjs", { platform: "node", format: "esm", target: "node20", loader: { ".wasm": "binary" }, outExtension: { ".js": ".mjs" } });
    try {
      assert.deepEqual(readdirSync(outdir), ["plain-app.mjs"]);
      const r = await run(process.execPath, [join(outdir, "plain-app.mjs")], { cwd: outdir, env: childEnv(outdir) });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /ENOENT[^\n]*ncloud_pg_backup_bg\.wasm/);
    } finally {
      removeDir(outdir);
    }
  });

  test("for the browser: the .wasm is not emitted, only a URL to a file that is not there", async () => {
    const outdir = await bundle("plain-app.mjs", { platform: "browser", format: "esm", loader: { ".wasm": "file" } });
    try {
      assert.deepEqual(readdirSync(outdir), ["plain-app.js"]);
      assert.match(readFileSync(join(outdir, "plain-app.js"), "utf8"), /new URL\(["']\.\/gen\/ncloud_pg_backup_bg\.wasm["'], import\.meta\.url\)/);
    } finally {
      removeDir(outdir);
    }
  });
});
