// examples/node and examples/browser, run as written against the local NCP simulator:
// - examples/node/nightly.mjs in a copy of examples/node whose node_modules links the package to
//   pkg/ (what `npm install` of its `file:../../pkg` gives), pointed at the simulator by its own
//   optional NCLOUD_ENDPOINT / NCLOUD_STORAGE_ENDPOINT, and once with NCP's default endpoints
//   rewritten to the simulator by the README tests' fetch preload;
// - examples/browser built by the workspace's Vite (root: examples/browser), served, and driven
//   in headless Chromium: list the instances, export one's newest backup.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import { startSimulator } from "../sim/server.mjs";
import { launchChromium } from "./helpers/chromium.mjs";
import { serveStatic } from "./helpers/static.mjs";
import { DEMO, REPO, childEnv, removeDir, run, seedServiceNames, tempProject, typeCheck, writePreload } from "./helpers/readme.mjs";

const NODE_EXAMPLE = join(REPO, "examples", "node");
const BROWSER_EXAMPLE = join(REPO, "examples", "browser");
const WRONG_SECRET = "wrong-secret-8d2KpQ-never-printed";

test("examples/node and examples/browser depend on the package as file:../../pkg", () => {
  for (const dir of [NODE_EXAMPLE, BROWSER_EXAMPLE]) {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    assert.equal(manifest.dependencies?.["ncloud-pg-backup"], "file:../../pkg", dir);
    assert.equal(manifest.private, true);
  }
  assert.ok(JSON.parse(readFileSync(join(BROWSER_EXAMPLE, "package.json"), "utf8")).devDependencies?.vite, "the browser example has vite");
});

test("both examples type-check with tsc --strict --checkJs against the shipped types", { timeout: 120_000 }, async () => {
  const dir = tempProject("ncloud-examples-tsc-");
  try {
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    copyFileSync(join(NODE_EXAMPLE, "nightly.mjs"), join(dir, "nightly.mjs"));
    copyFileSync(join(BROWSER_EXAMPLE, "main.js"), join(dir, "main.js"));
    const r = await typeCheck(dir, ["nightly.mjs", "main.js"]);
    assert.equal(r.code, 0, r.output);
  } finally {
    removeDir(dir);
  }
});

describe("examples/node/nightly.mjs against the simulator", () => {
  let dir, sim;
  before(async () => {
    dir = tempProject("ncloud-example-node-");
    for (const f of readdirSync(NODE_EXAMPLE)) copyFileSync(join(NODE_EXAMPLE, f), join(dir, f));
    sim = await startSimulator({ port: 0, quiet: true });
  });
  after(async () => {
    await sim?.close();
    removeDir(dir);
  });

  /** Runs nightly.mjs with `args`; its endpoints are the simulator's unless `endpoints: false`. */
  const nightly = (args, { secretKey = DEMO.secretKey, endpoints = true, node = [] } = {}) =>
    run(process.execPath, [...node, join(dir, "nightly.mjs"), ...args], {
      cwd: dir,
      env: childEnv(dir, {
        NCLOUD_ACCESS_KEY: DEMO.accessKey,
        NCLOUD_SECRET_KEY: secretKey,
        ...(endpoints ? { NCLOUD_ENDPOINT: sim.url, NCLOUD_STORAGE_ENDPOINT: sim.url } : { README_TEST_SIMULATOR: sim.url }),
      }),
    });

  const exported = (no, file) => {
    const ev = sim.exports.find((e) => e.cloudPostgresqlInstanceNo === no && e.fileName === file);
    assert.ok(ev, `${no}/${file} was exported`);
    const object = sim.objects[ev.bucketName].find((o) => o.key === ev.objectKey);
    return [
      `${no}: export of ${file} accepted (requestId ${ev.requestId}); waiting for it`,
      `${no}: ${ev.objectKey} is in pg-backups, ${object.size} bytes`,
    ];
  };

  test("exports the newest backup of each instance and waits; the next run skips them (exit 0 both times)", async () => {
    sim.reset();
    const r = await nightly(["--bucket", "pg-backups", "1234567", "5678901"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(sim.exports.length, 2);
    assert.deepEqual(r.stdout.trimEnd().split("\n"), [...exported("1234567", "20261120_030005"), ...exported("5678901", "20261118")]);

    const again = await nightly(["--bucket", "pg-backups", "1234567", "5678901"]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(sim.exports.length, 2, "nothing exported the second time");
    assert.deepEqual(again.stdout.trimEnd().split("\n"), [
      `1234567: 20261120_030005 is already in pg-backups as ${sim.exports[0].objectKey}`,
      `5678901: 20261118 is already in pg-backups as ${sim.exports[1].objectKey}`,
    ]);
  });

  test("with NCP's default endpoints (no NCLOUD_ENDPOINT), rewritten to the simulator by the fetch preload", async () => {
    sim.reset();
    const r = await nightly(["--bucket", "pg-backups", "5678901"], { endpoints: false, node: ["--import", writePreload(dir)] });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split("\n"), exported("5678901", "20261118"));
    assert.ok(sim.requests.some((q) => q.headers["x-forwarded-host"] === "kr.object.ncloudstorage.com"), "Object Storage went through the rewrite");
  });

  test("one instance failing: the others are still exported, it is named on stderr, exit 1", async () => {
    sim.reset();
    const r = await nightly(["--bucket", "pg-backups", "9999999", "1234567", "3456789"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(sim.exports.map((e) => e.cloudPostgresqlInstanceNo), ["1234567"]);
    const errors = r.stderr.trimEnd().split("\n");
    assert.equal(errors.length, 2, r.stderr);
    assert.match(errors[0], /^9999999: failed: service: /);
    assert.match(errors[1], /^3456789: failed: not_found: /, "an instance without backup files");
  });

  test("a wrong secret: exit 1, nothing exported, neither secret printed", async () => {
    sim.reset();
    const r = await nightly(["--bucket", "pg-backups", "1234567"], { secretKey: WRONG_SECRET });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 1, out);
    assert.equal(sim.exports.length, 0);
    assert.match(r.stderr, /^1234567: failed: auth: /);
    assert.ok(!out.includes(WRONG_SECRET) && !out.includes(DEMO.secretKey), out);
  });

  test("the export accepted but the file never appears: the wait runs out, exit 1", async () => {
    sim.reset();
    sim.inject({ type: "object-never" });
    const r = await nightly(["--bucket", "pg-backups", "--wait-timeout", "1500", "5678901"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(sim.exports.length, 1);
    assert.match(r.stderr, /^5678901: failed: timeout: /);
  });

  test("a wrong command line: usage on stderr, exit 2, nothing sent", async () => {
    sim.reset();
    for (const args of [[], ["1234567"], ["--bucket", "pg-backups"], ["--bucket", "pg-backups", "--wait-timeout", "soon", "1234567"], ["--nope"]]) {
      const r = await nightly(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /usage: node nightly\.mjs/);
    }
    assert.equal(sim.requests.length, 0);
  });
});

describe("examples/browser: built by Vite, run in Chromium against the simulator", { timeout: 180_000 }, () => {
  let outDir, site, sim, browser;
  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), "ncloud-example-browser-"));
    await build({ root: BROWSER_EXAMPLE, logLevel: "error", build: { outDir, emptyOutDir: true } });
    site = await serveStatic(outDir);
    sim = await startSimulator({ port: 0, quiet: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
    await site?.close();
    removeDir(outDir);
  });

  test("Vite emitted the page, its script and the .wasm", () => {
    const files = readdirSync(outDir, { recursive: true }).map(String);
    assert.ok(files.includes("index.html"));
    assert.ok(files.some((f) => f.endsWith(".wasm")), files.join(", "));
    assert.ok(files.some((f) => f.endsWith(".js")), files.join(", "));
  });

  async function open() {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(`${site.url}/index.html?endpoint=${encodeURIComponent(sim.url)}`);
    // The button is enabled once main.js has run (after the package's module has loaded).
    await tab.waitForSelector("#list:enabled", { timeout: 30_000 }).catch((e) => {
      throw new Error(`the page never got ready (${e.message}); page errors: ${errors.join("; ")}`);
    });
    return { tab, errors };
  }
  const statusOf = (tab) => tab.locator("#status").textContent();

  test("lists the instances, then exports one's newest backup", async () => {
    sim.reset();
    const { tab, errors } = await open();
    try {
      assert.equal(await tab.inputValue("#endpoint"), sim.url, "?endpoint= filled in the endpoint");
      await tab.click("#list");
      await tab.waitForSelector("#instances:not([hidden]) tbody tr", { timeout: 30_000 }).catch(async (e) => {
        throw new Error(`no instances listed (${e.message}); status ${await statusOf(tab)}; page errors: ${errors.join("; ")}`);
      });
      const names = await tab.$$eval("#instances tbody tr", (rows) => rows.map((r) => r.cells[0].textContent));
      assert.deepEqual(names, seedServiceNames());
      assert.equal(await statusOf(tab), `${names.length} instance(s)`);

      await tab.click('#instances tr[data-instance="1234567"] button');
      await tab.waitForFunction(() => /accepted|: \w+: /.test(document.getElementById("status")?.textContent ?? ""), null, { timeout: 30_000 });
      assert.equal(sim.exports.length, 1);
      const ev = sim.exports[0];
      assert.deepEqual([ev.cloudPostgresqlInstanceNo, ev.fileName, ev.bucketName], ["1234567", "20261120_030005", "pg-backups"]);
      assert.equal(
        await statusOf(tab),
        `pg-prod: export of 20261120_030005 to pg-backups accepted (requestId ${ev.requestId}); the file appears in the bucket minutes later`,
      );
      assert.deepEqual(errors, []);
    } finally {
      await tab.close();
    }
  });

  test("a wrong secret shows the auth error, and exports nothing", async () => {
    sim.reset();
    const { tab, errors } = await open();
    try {
      await tab.fill("#secret-key", WRONG_SECRET);
      await tab.click("#list");
      await tab.waitForSelector("#status.error", { timeout: 30_000 });
      const status = await statusOf(tab);
      assert.match(status, /^auth: /);
      assert.ok(!status.includes(WRONG_SECRET), status);
      assert.equal(await tab.locator("#instances").isHidden(), true);
      assert.equal(sim.exports.length, 0);
      assert.deepEqual(errors, []);
    } finally {
      await tab.close();
    }
  });
});
