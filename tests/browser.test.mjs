// The package's browser entry, imported from a URL by a page with no bundler,
// in headless Chromium: the same conformance cases as in Node.
import { before } from "node:test";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../sim/server.mjs";
import { reportCases } from "./helpers/cases.mjs";
import { serveStatic } from "./helpers/static.mjs";
import { launchChromium } from "./helpers/chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const page = `<!doctype html><meta charset="utf-8"><title>conformance</title>
<script type="module">
  import * as lib from "/pkg/browser.js";
  import { runCases } from "/tests/conformance/cases.mjs";
  console.log("start");
  window.results = await runCases({ lib, simUrl: new URLSearchParams(location.search).get("sim") });
</script>`;

let results;
before(async () => {
  const sim = await startSimulator({ port: 0 });
  const site = await serveStatic(root, { routes: { "/": ["text/html; charset=utf-8", page] } });
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    tab.on("console", (m) => process.env.DEBUG_PAGE && console.error("page:", m.text()));
    await tab.goto(`${site.url}/?sim=${encodeURIComponent(sim.url)}`);
    await tab.waitForFunction(() => window.results, null, { timeout: 120_000, polling: 250 }).catch((e) => {
      throw new Error(`the page did not finish (${e.message}); page errors: ${errors.join("; ")}`);
    });
    results = await tab.evaluate(() => window.results);
  } finally {
    await browser.close();
    await site.close();
    await sim.close();
  }
});

reportCases("chromium", () => results);
