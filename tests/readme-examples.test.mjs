// Every code block of README.md and pkg/README.md that calls the package, run as written against
// the local NCP simulator, with only the endpoint swapped:
// - Node blocks: a temp .mjs in a temp project (node_modules/ncloud-pg-backup -> pkg/), run with
//   `node --import <preload>`, where the preload wraps globalThis.fetch and sends NCP's default
//   gateway and Object Storage to the simulator (Object Storage's signed host in x-forwarded-host,
//   which the simulator checks SigV4 against: tested here too); also once with a wrong secret.
// - the ```html block: served as a page, in headless Chromium;
// - the Worker block: bundled as Wrangler bundles, in workerd, its scheduled event fired;
// - the esbuild block: bundled for Node (binary loader) and for the browser (file loader);
// - ```sh blocks calling `npx ncloud-pg-backup`: `node pkg/cli.js` with --endpoint/--storage-endpoint;
// - ```rust blocks: only their fence (cargo test compiles them as doctests);
// - every JS block type-checked with tsc --strict against the shipped types.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { startSimulator } from "../sim/server.mjs";
import { launchChromium } from "./helpers/chromium.mjs";
import { serveStatic } from "./helpers/static.mjs";
import { startLoggedWorker } from "./helpers/worker-logs.mjs";
import {
  CLI, DEMO, NCP_GATEWAY, NCP_STORAGE, PKG, REPO, REWRITE_SOURCE,
  childEnv, cliCommands, codeBlocks, kindOf, removeDir, run, seedServiceNames, serveRepo, signatureV2,
  tempProject, typeCheck, writePreload,
} from "./helpers/readme.mjs";

const README = join(REPO, "README.md");
const PKG_README = join(PKG, "README.md");
const blocks = [...codeBlocks(README), ...codeBlocks(PKG_README)];
const ofKind = (kind) => blocks.filter((b) => kindOf(b) === kind);
/** A wrong secret that must never be printed (nor the right one). */
const WRONG_SECRET = "wrong-secret-Zq81xK-never-printed";
const STORAGE_HOST = new URL(NCP_STORAGE).host;
/** The newest backup file (by endTime) of the seed's instances (sim/README.md). */
const NEWEST = { "1234567": "20261120_030005", "5678901": "20261118" };

// ------------------------------------------------------------------ the README's shape

test("README.md: at most 250 lines; the install line, a quick start and its first example on the first screen (60 lines); the error table", () => {
  const text = readFileSync(README, "utf8");
  const lines = text.replace(/\n$/, "").split("\n");
  assert.ok(lines.length <= 250, `README.md has ${lines.length} lines (at most 250)`);
  const screen = lines.slice(0, 60);
  assert.ok(screen.some((l) => l.trim() === "npm install ncloud-pg-backup"), "`npm install ncloud-pg-backup` is in the first 60 lines");
  assert.ok(screen.some((l) => /^##\s+Quick start/i.test(l)), "a `## Quick start` heading is in the first 60 lines");
  const first = codeBlocks(README).find((b) => kindOf(b) === "node");
  assert.ok(first, "README.md has a Node example");
  assert.ok(first.endLine <= 60, `the first example (${first.where}) ends on line ${first.endLine}, past the first screen`);
  const errors = lines.findIndex((l) => /^##\s+Errors\s*$/.test(l));
  assert.ok(errors >= 0, "README.md has a `## Errors` section");
  const table = lines.slice(errors).findIndex((l) => /^\|\s*kind\s*\|/.test(l));
  assert.ok(table > 0, "the `## Errors` section has a table of kinds");
  for (const kind of ["invalid_options", "auth", "permission", "not_found", "throttled", "service", "gateway", "network", "timeout", "aborted", "bad_response"]) {
    assert.ok(lines.slice(errors + table).some((l) => l.startsWith(`| \`${kind}\``)), `the error table has a row for ${kind}`);
  }
});

test("every code block of README.md and pkg/README.md is one these tests run (or an install/make line)", () => {
  for (const b of blocks) assert.notEqual(kindOf(b), null, `${b.where} (\`\`\`${b.info}): no test knows how to run this block`);
  // The extraction found what the READMEs have (so a broken parser cannot pass with nothing to run).
  assert.ok(ofKind("node").length >= 3, "the Node blocks: README's quick start and nightly job, pkg/README's example");
  for (const kind of ["html", "worker", "esbuild", "rust"]) assert.equal(ofKind(kind).length, 1, `one ${kind} block`);
  assert.ok(ofKind("cli").length >= 2, "the cron line of README.md and the command of pkg/README.md");
});

// ------------------------------------------------------------------ Node blocks

/**
 * What each Node block promises to print, first run and second run (same simulator), from what the
 * simulator recorded. Found by what the block calls; a Node block with none fails its test.
 */
function promiseOf(block) {
  const { code } = block;
  if (code.includes("waitForExport(")) {
    return {
      first: (sim) => {
        const [ev] = sim.exports;
        const object = sim.objects[ev.bucketName].find((o) => o.key === ev.objectKey);
        return `${ev.objectKey}: ${object.size} bytes\n`;
      },
      second: (sim) => `${sim.exports[0].fileName} is already in the bucket as ${sim.exports[0].objectKey}\n`,
    };
  }
  if (code.includes("exportLatestBackup(") && code.includes("is already in the bucket")) {
    return {
      first: (sim) => `export of ${sim.exports[0].fileName} accepted: ${sim.exports[0].requestId}\n`,
      second: (sim) => `${sim.exports[0].fileName} is already in the bucket\n`,
    };
  }
  if (code.includes("exportBackup(") && code.includes("export accepted:")) {
    return { first: (sim) => `export accepted: ${sim.exports[0].requestId}\n`, second: (sim) => `export accepted: ${sim.exports[1].requestId}\n` };
  }
  return null;
}

/** The export the block asks for, read from its own text: instance, bucket, and fileName if it names one. */
function exportAskedBy(block) {
  const pick = (name) => new RegExp(`${name}:\\s*"([^"]+)"`).exec(block.code)?.[1];
  const instance = pick("cloudPostgresqlInstanceNo");
  return { cloudPostgresqlInstanceNo: instance, bucketName: pick("bucketName"), fileName: pick("fileName") ?? NEWEST[instance] };
}

/** Every request the block made reached the simulator through the rewrite: the API as is, Object Storage with x-forwarded-host. */
function assertRewritten(sim, where) {
  assert.ok(sim.requests.some((r) => r.target.startsWith("/vpostgresql/v2/")), `${where}: no API request reached the simulator`);
  for (const r of sim.requests) {
    if (r.target.startsWith("/vpostgresql/")) continue;
    assert.equal(r.headers["x-forwarded-host"], STORAGE_HOST, `${where}: an Object Storage request without x-forwarded-host: ${r.target}`);
  }
}

describe("README Node blocks, run as written with NCP's endpoints rewritten to the simulator", () => {
  let dir, preload;
  before(() => {
    dir = tempProject("ncloud-readme-node-");
    preload = writePreload(dir);
  });
  after(() => removeDir(dir));

  const runBlock = (file, sim, secretKey) =>
    run(process.execPath, ["--import", preload, file], {
      cwd: dir,
      env: childEnv(dir, { NCLOUD_ACCESS_KEY: DEMO.accessKey, NCLOUD_SECRET_KEY: secretKey, README_TEST_SIMULATOR: sim.url }),
    });

  for (const block of ofKind("node")) {
    const file = () => {
      const path = join(dir, `${block.where.replace(/[/:.]/g, "-")}.mjs`);
      writeFileSync(path, block.code);
      return path;
    };

    test(`${block.where}: exits 0 and prints what it promises; run again, it says what it skipped`, async () => {
      const promised = promiseOf(block);
      assert.ok(promised, `${block.where}: this test does not know what the block promises to print: add it to promiseOf()`);
      const sim = await startSimulator({ port: 0, quiet: true });
      try {
        const path = file();
        const r1 = await runBlock(path, sim, DEMO.secretKey);
        assert.equal(r1.code, 0, `${block.where} exited ${r1.code}:\n${r1.stdout}${r1.stderr}`);
        assert.equal(sim.exports.length, 1, "one export was sent");
        const asked = exportAskedBy(block);
        const ev = sim.exports[0];
        assert.deepEqual(
          { cloudPostgresqlInstanceNo: ev.cloudPostgresqlInstanceNo, bucketName: ev.bucketName, fileName: ev.fileName },
          asked,
          "the simulator got the export the block asks for",
        );
        assert.equal(r1.stdout, promised.first(sim));
        assert.equal(r1.stderr, "");
        assertRewritten(sim, block.where);

        const r2 = await runBlock(path, sim, DEMO.secretKey);
        assert.equal(r2.code, 0, `${block.where} (second run) exited ${r2.code}:\n${r2.stdout}${r2.stderr}`);
        assert.equal(r2.stdout, promised.second(sim));
      } finally {
        await sim.close();
      }
    });

    test(`${block.where}: with a wrong secret key it exits non-zero, exports nothing and prints neither secret`, async () => {
      const sim = await startSimulator({ port: 0, quiet: true });
      try {
        const r = await runBlock(file(), sim, WRONG_SECRET);
        const out = r.stdout + r.stderr;
        assert.notEqual(r.code, 0, `a failed export exited 0:\n${out}`);
        assert.equal(r.signal, null, "it ended by itself");
        assert.equal(sim.exports.length, 0);
        assert.match(out, /auth/, "the output says it is an authentication failure");
        assert.ok(!out.includes(WRONG_SECRET) && !out.includes(DEMO.secretKey), `a secret was printed:\n${out}`);
      } finally {
        await sim.close();
      }
    });
  }
});

// ------------------------------------------------------------------ the Worker block

describe("README Worker block in workerd (bundled as Wrangler bundles), its Cron Trigger fired", { timeout: 120_000 }, () => {
  const [block] = ofKind("worker");
  let dir, sim;
  before(async () => {
    dir = tempProject("ncloud-readme-worker-");
    sim = await startSimulator({ port: 0, quiet: true });
    writeFileSync(join(dir, "block.mjs"), block.code); // the block, unchanged
    writeFileSync(join(dir, "rewrite.mjs"), REWRITE_SOURCE);
    // Imported first (ES modules run in import order), so the wrapped fetch is in place before the block's first call.
    writeFileSync(join(dir, "install.mjs"), `import { installRewrite } from "./rewrite.mjs";\ninstallRewrite(${JSON.stringify(sim.url)});\n`);
    writeFileSync(join(dir, "worker.mjs"), 'import "./install.mjs";\nexport { default } from "./block.mjs";\n');
  });
  after(async () => {
    await sim?.close();
    removeDir(dir);
  });

  /** The env the block reads (env.X), as bindings. */
  const bindings = (secretKey) => {
    const names = [...block.code.matchAll(/\benv\.([A-Z_]+)/g)].map((m) => m[1]);
    const values = { NCP_ACCESS_KEY: DEMO.accessKey, NCP_SECRET_KEY: secretKey, INSTANCE_NO: "1234567", BACKUP_BUCKET: "pg-backups" };
    for (const n of names) assert.ok(n in values, `the Worker block reads env.${n}: give it a binding here`);
    return Object.fromEntries(names.map((n) => [n, values[n]]));
  };

  test(`${block.where}: the scheduled event exports the newest backup, then skips it the next night`, async () => {
    sim.reset();
    const worker = await startLoggedWorker(join(dir, "worker.mjs"), { bindings: bindings(DEMO.secretKey) });
    try {
      const fire = async () => (await worker.mf.getWorker()).scheduled({ cron: "0 21 * * *" });
      const first = await fire();
      assert.equal(first.outcome, "ok", JSON.stringify(worker.logs));
      assert.equal(sim.exports.length, 1);
      const ev = sim.exports[0];
      assert.deepEqual([ev.cloudPostgresqlInstanceNo, ev.fileName, ev.bucketName], ["1234567", NEWEST["1234567"], "pg-backups"]);
      const lines = await worker.waitForLines(0, 1);
      assert.deepEqual(lines, [{ level: "log", message: `exported ${ev.fileName} (${ev.requestId})` }]);
      assertRewritten(sim, block.where);

      const second = await fire();
      assert.equal(second.outcome, "ok");
      assert.equal(sim.exports.length, 1, "nothing exported the second time");
      assert.deepEqual(await worker.waitForLines(1, 1), [{ level: "log", message: `skipped ${ev.fileName}` }]);
    } finally {
      await worker.dispose();
    }
  });

  test(`${block.where}: with a wrong secret the invocation fails, exports nothing and logs no secret`, async () => {
    sim.reset();
    const worker = await startLoggedWorker(join(dir, "worker.mjs"), { bindings: bindings(WRONG_SECRET) });
    try {
      const r = await (await worker.mf.getWorker()).scheduled({ cron: "0 21 * * *" });
      assert.equal(r.outcome, "exception");
      assert.equal(sim.exports.length, 0);
      await worker.waitForLines(0, 1, { timeoutMs: 1_000 });
      const logged = JSON.stringify(worker.logs);
      assert.ok(!logged.includes(WRONG_SECRET) && !logged.includes(DEMO.secretKey), logged);
    } finally {
      await worker.dispose();
    }
  });
});

// ------------------------------------------------------------------ the command line blocks

describe("README command lines (`npx ncloud-pg-backup` as `node pkg/cli.js`, with --endpoint/--storage-endpoint)", () => {
  let home;
  before(() => (home = mkdtempSync(join(tmpdir(), "ncloud-readme-cli-"))));
  after(() => removeDir(home));

  const runCli = (args, sim, secretKey) =>
    run(process.execPath, [CLI, ...args, "--endpoint", sim.url, "--storage-endpoint", sim.url], {
      cwd: home,
      env: childEnv(home, { NCLOUD_ACCESS_KEY: DEMO.accessKey, NCLOUD_SECRET_KEY: secretKey }),
    });
  const seed = JSON.parse(readFileSync(join(REPO, "sim", "seed.json"), "utf8"));
  const numberOf = (arg) => (/^\d+$/.test(arg) ? arg : seed.instances.find((i) => i.cloudPostgresqlServiceName === arg)?.cloudPostgresqlInstanceNo);

  for (const block of ofKind("cli")) {
    test(`${block.where}: each command exits 0 and exports what it names (then skips it)`, async () => {
      assert.ok(existsSync(CLI), "pkg/cli.js does not exist (yet): the README's `npx ncloud-pg-backup` lines cannot run");
      for (const args of cliCommands(block)) {
        const sim = await startSimulator({ port: 0, quiet: true });
        try {
          const r = await runCli(args, sim, DEMO.secretKey);
          assert.equal(r.code, 0, `ncloud-pg-backup ${args.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`);
          const named = args.flatMap((a, i) => (args[i - 1] === "--instance" ? [numberOf(a)] : []));
          if (args[0] === "export") {
            assert.deepEqual(sim.exports.map((e) => e.cloudPostgresqlInstanceNo).sort(), [...named].sort(), "one export per --instance");
            for (const e of sim.exports) assert.equal(e.fileName, NEWEST[e.cloudPostgresqlInstanceNo], "--latest took the newest file");
          }
          if (args.includes("--json")) {
            const doc = JSON.parse(r.stdout);
            assert.ok(Array.isArray(doc) && doc.every((x) => x.exitCode === 0 && x.status === "exported"), r.stdout);
            if (args.includes("--wait")) assert.ok(doc.every((x) => x.result?.object?.key), "--wait gave each object");
          } else {
            assert.ok(r.stdout.trim(), "it printed its result");
          }
          if (args.includes("--skip-existing")) {
            const again = await runCli(args, sim, DEMO.secretKey);
            assert.equal(again.code, 0, again.stdout + again.stderr);
            assert.equal(sim.exports.length, named.length, "the second run exported nothing");
          }
        } finally {
          await sim.close();
        }
      }
    });

    test(`${block.where}: with a wrong secret it exits 3 and prints neither secret`, async () => {
      assert.ok(existsSync(CLI), "pkg/cli.js does not exist (yet): the README's `npx ncloud-pg-backup` lines cannot run");
      for (const args of cliCommands(block)) {
        const sim = await startSimulator({ port: 0, quiet: true });
        try {
          const r = await runCli(args, sim, WRONG_SECRET);
          const out = r.stdout + r.stderr;
          assert.equal(r.code, 3, out);
          assert.equal(sim.exports.length, 0);
          assert.ok(!out.includes(WRONG_SECRET) && !out.includes(DEMO.secretKey), out);
        } finally {
          await sim.close();
        }
      }
    });
  }
});

// ------------------------------------------------------------------ the Rust blocks

test("README ```rust blocks are fenced rust,no_run, and src/lib.rs compiles README.md's as doctests", () => {
  const rust = codeBlocks(README).filter((b) => b.lang === "rust");
  assert.ok(rust.length >= 1);
  for (const b of rust) assert.equal(b.info, "rust,no_run", `${b.where}: fenced \`\`\`${b.info}`);
  assert.equal(codeBlocks(PKG_README).filter((b) => b.lang === "rust").length, 0, "pkg/README.md is not compiled: it has no Rust");
  assert.match(readFileSync(join(REPO, "src", "lib.rs"), "utf8"), /#\[doc = include_str!\("\.\.\/README\.md"\)\]/);
});

// ------------------------------------------------------------------ the browser and esbuild blocks

describe("README blocks in Chromium, and the esbuild block in Node", { timeout: 180_000 }, () => {
  let browser, sim;
  before(async () => {
    browser = await launchChromium();
    sim = await startSimulator({ port: 0, quiet: true });
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
  });

  test(`${ofKind("html")[0].where}: the plain page lists the instances' service names`, async () => {
    const [block] = ofKind("html");
    // The endpoint swap: the block's simulator URL, a string replaced by this simulator's.
    assert.ok(block.code.includes("http://127.0.0.1:8787"), "the block calls the simulator at its default URL");
    const page = block.code.replaceAll("http://127.0.0.1:8787", sim.url);
    const site = await serveRepo({ pages: { "/readme-block.html": `<!doctype html><meta charset="utf-8"><title>README block</title>\n${page}` } });
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    try {
      await tab.goto(`${site.url}/readme-block.html`);
      const expected = seedServiceNames().join(", ");
      await tab.waitForFunction((text) => document.body?.textContent === text, expected, { timeout: 30_000 }).catch(async () => {
        throw new Error(`the page shows ${JSON.stringify(await tab.evaluate(() => document.body?.textContent))}, not ${JSON.stringify(expected)}; page errors: ${errors.join("; ")}`);
      });
      assert.deepEqual(errors, []);
    } finally {
      await tab.close();
      await site.close();
    }
  });

  const [esbuildBlock] = ofKind("esbuild");

  /** The block bundled by esbuild from a temp project; returns the output directory (and removes the project). */
  async function bundleBlock(options) {
    const dir = tempProject("ncloud-readme-esbuild-");
    const outdir = mkdtempSync(join(tmpdir(), "ncloud-readme-esbuild-out-"));
    try {
      writeFileSync(join(dir, "block.mjs"), esbuildBlock.code);
      await build({ entryPoints: [join(dir, "block.mjs")], bundle: true, format: "esm", outdir, logLevel: "error", ...options });
      return outdir;
    } catch (e) {
      removeDir(outdir);
      throw e;
    } finally {
      removeDir(dir);
    }
  }

  /** The printed headers carry the signature v2 of the block's request, checked with node:crypto. */
  function assertSigned(headers) {
    assert.equal(headers["x-ncp-iam-access-key"], "AK");
    assert.match(headers["x-ncp-apigw-timestamp"], /^\d{13}$/);
    const url = new URL(/url:\s*"([^"]+)"/.exec(esbuildBlock.code)[1]);
    assert.equal(url.origin, NCP_GATEWAY);
    const expected = signatureV2({ method: "GET", target: url.pathname + url.search, timestamp: headers["x-ncp-apigw-timestamp"], accessKey: "AK", secretKey: "SK" });
    assert.equal(headers["x-ncp-apigw-signature-v2"], expected);
  }

  /** Node's console.log of the headers object, read back. */
  function parseInspected(stdout) {
    const headers = {};
    for (const m of stdout.matchAll(/'([a-z0-9-]+)':\s*'([^']*)'/g)) headers[m[1]] = m[2];
    assert.ok(Object.keys(headers).length >= 3, `not the headers object: ${stdout}`);
    return headers;
  }

  /** The README's esbuild flags for a platform, "(browser: `--a --b`)", as esbuild's options. */
  function readmeFlags(platform) {
    const m = new RegExp(`${platform}: \`([^\`]+)\``).exec(readFileSync(README, "utf8"));
    assert.ok(m, `the README names esbuild's flags for ${platform}`);
    const options = {};
    for (const flag of m[1].split(/\s+/)) {
      const loader = /^--loader:(\.\w+)=(\w+)$/.exec(flag);
      const target = /^--target=(\w+)$/.exec(flag);
      assert.ok(loader || target, `a flag the test knows: ${flag}`);
      if (loader) options.loader = { ...options.loader, [loader[1]]: loader[2] };
      else options.target = target[1];
    }
    return options;
  }

  // esbuild inlines the bytes with Uint8Array.fromBase64 unless the target lacks it (its default
  // target is esnext), and Node 20 has no Uint8Array.fromBase64: the README's flags name node20.
  test(`${esbuildBlock.where}: bundled for Node with the README's flags, it prints a valid signature`, async () => {
    const outdir = await bundleBlock({ platform: "node", ...readmeFlags("Node"), outExtension: { ".js": ".mjs" } });
    try {
      const r = await run(process.execPath, [join(outdir, "block.mjs")], { cwd: outdir, env: childEnv(outdir) });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assertSigned(parseInspected(r.stdout));
    } finally {
      removeDir(outdir);
    }
  });

  test(`${esbuildBlock.where}: bundled for the browser with --loader:.wasm=file, it prints a valid signature in Chromium`, async () => {
    const outdir = await bundleBlock({ platform: "browser", ...readmeFlags("browser") });
    let site, tab;
    try {
      assert.ok(readdirSync(outdir).some((f) => f.endsWith(".wasm")), "esbuild emitted the .wasm file");
      writeFileSync(join(outdir, "index.html"), '<!doctype html><meta charset="utf-8"><script type="module" src="./block.js"></script>');
      site = await serveStatic(outdir);
      tab = await browser.newPage();
      const errors = [];
      tab.on("pageerror", (e) => errors.push(String(e)));
      const logged = tab.waitForEvent("console", { predicate: (m) => m.type() === "log", timeout: 30_000 });
      await tab.goto(`${site.url}/index.html`);
      const message = await logged.catch((e) => {
        throw new Error(`nothing was printed (${e.message}); page errors: ${errors.join("; ")}`);
      });
      assertSigned(await message.args()[0].jsonValue());
    } finally {
      await tab?.close();
      await site?.close();
      removeDir(outdir);
    }
  });
});

// ------------------------------------------------------------------ types

describe("README JS blocks type-check against the shipped types (tsc --strict --checkJs, module nodenext)", { timeout: 180_000 }, () => {
  let dir, files, worker, result;
  before(async () => {
    dir = tempProject("ncloud-readme-tsc-");
    files = [];
    for (const b of blocks) {
      const kind = kindOf(b);
      let code;
      if (["node", "worker", "esbuild"].includes(kind)) code = b.code;
      // The page's script: its import is a URL path, which tsc cannot resolve; checked with the
      // specifier of the same file through the package's exports ("./browser": index.d.ts).
      else if (kind === "html") {
        code = /<script type="module">([\s\S]*)<\/script>/.exec(b.code)[1].replace('"/node_modules/ncloud-pg-backup/browser.js"', '"ncloud-pg-backup/browser"');
      } else continue;
      const file = `${b.where.replace(/[/:.]/g, "-")}.mjs`;
      writeFileSync(join(dir, file), code);
      files.push(file);
      if (kind === "worker") worker = file;
    }
    // Worker globals are not needed: the block uses none but console.
    result = await typeCheck(dir, files);
  });
  after(() => removeDir(dir));

  const diagnostics = () => result.output.split("\n").filter((l) => /error TS\d+/.test(l));
  test("every block type-checks under --strict --checkJs", () => {
    assert.ok(files.length >= 6, files.join(", "));
    assert.deepEqual(diagnostics(), [], result.output);
  });
});
