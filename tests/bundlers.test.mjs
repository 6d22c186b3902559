// Production bundles of a tiny app that imports the package by name, built by
// Vite and by webpack 5, then run in headless Chromium against the simulator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build as viteBuild } from "vite";
import webpack from "webpack";
import { startSimulator } from "../sim/server.mjs";
import { serveStatic } from "./helpers/static.mjs";
import { launchChromium } from "./helpers/chromium.mjs";

const app = fileURLToPath(new URL("./bundlers/app/", import.meta.url));

async function buildWithVite() {
  const outDir = mkdtempSync(join(tmpdir(), "vite-app-"));
  await viteBuild({ root: app, configFile: false, logLevel: "error", build: { outDir, emptyOutDir: true } });
  return outDir;
}

async function buildWithWebpack() {
  const outDir = mkdtempSync(join(tmpdir(), "webpack-app-"));
  const stats = await new Promise((resolve, reject) =>
    webpack(
      { mode: "production", target: "web", entry: join(app, "main.js"), output: { path: outDir, filename: "main.js" } },
      (err, s) => (err ? reject(err) : resolve(s)),
    ),
  );
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  writeFileSync(join(outDir, "index.html"), '<!doctype html><meta charset="utf-8"><script src="main.js"></script>');
  return outDir;
}

let sim, browser;
before(async () => {
  sim = await startSimulator({ port: 0 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await sim?.close();
});

for (const [name, bundle] of [["vite", buildWithVite], ["webpack 5", buildWithWebpack]]) {
  test(`${name}: a production bundle imports the package without init and works in Chromium`, async () => {
    const outDir = await bundle();
    let site, tab;
    try {
      assert.ok(
        readdirSync(outDir, { recursive: true }).some((f) => String(f).endsWith(".wasm")),
        "the bundler emitted the .wasm",
      );
      site = await serveStatic(outDir);
      tab = await browser.newPage();
      const errors = [];
      tab.on("pageerror", (e) => errors.push(String(e)));
      await tab.goto(`${site.url}/index.html?sim=${encodeURIComponent(sim.url)}`);
      await tab.waitForFunction(() => window.results, null, { timeout: 60_000, polling: 250 }).catch((e) => {
        throw new Error(`the bundled app did not finish (${e.message}); page errors: ${errors.join("; ")}`);
      });
      const results = await tab.evaluate(() => window.results);
      assert.equal(results.length, 6, "cases ran");
      for (const r of results) assert.ok(r.ok, `${r.name}: ${r.error}`);
    } finally {
      await tab?.close();
      await site?.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  });
}
