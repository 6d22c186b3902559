#!/usr/bin/env node
// The demo: the local NCP simulator plus a tiny static server for the page in www/ and the
// npm package in pkg/, so the page imports the package exactly as a site without a bundler
// would (`/pkg/browser.js`). Node built-ins only.
//
//   node scripts/demo.mjs [--port 8080] [--sim-port 8787]      (make demo PORT=8080)
//
// Tests use `startDemo({ port: 0, simPort: 0 })` instead of the CLI.

import http from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../sim/server.mjs";
import { portArg, readArgs, stopOnSignals } from "./cli.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WWW = resolve(ROOT, "www");
const PKG = resolve(ROOT, "pkg");

// SIMULATOR-ONLY keys (sim/seed.json): they open nothing outside the local simulator.
const DEMO_KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

// The page renders data from the API (file names with &, %, quotes...) and must never run
// injected script: everything is same-origin except the API calls, which go to whatever
// endpoint the user types (the simulator, or their own relay), hence `connect-src *`.
// 'wasm-unsafe-eval' lets the page compile the package's .wasm and nothing else.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src *",
  "img-src 'self' data:",
  "style-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Maps a URL path under a mount to a file inside `root`, or null when it would leave it. */
function fileFor(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed escape
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const file = resolve(root, "." + (decoded.endsWith("/") ? decoded + "index.html" : decoded));
  return file === root || file.startsWith(root + sep) ? file : null;
}

function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function sendFile(req, res, file) {
  const type = file && MIME[extname(file).toLowerCase()];
  const info = type ? await stat(file).catch(() => null) : null;
  if (!info?.isFile()) return sendText(res, 404, "Not found\n");
  res.writeHead(200, {
    "content-type": type,
    "content-length": info.size,
    // A demo under development: always serve the files as they are now.
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(type.startsWith("text/html") ? { "content-security-policy": CSP } : {}),
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file).on("error", () => res.destroy()).pipe(res);
}

/**
 * Starts the simulator and the page server. Resolves `{ url, sim, close() }`. `exportDelayMs`
 * is the simulator's: how long after an accepted export its object appears in the bucket.
 */
export async function startDemo({ port = 0, simPort = 0, host = "127.0.0.1", exportDelayMs = 0 } = {}) {
  const sim = await startSimulatorOnFreePort(simPort, host, exportDelayMs);
  // The simulator serves Object Storage's S3 API on its own origin: the same URL for both.
  const config = JSON.stringify({ endpoint: sim.url, storageEndpoint: sim.url, ...DEMO_KEYS, simulator: true });

  const server = http.createServer((req, res) => {
    res.on("error", () => {}); // the browser went away mid-answer; nothing to do
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendText(res, 405, "Method not allowed\n", { allow: "GET, HEAD" });
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/demo-config.json") {
      res.writeHead(200, { "content-type": MIME[".json"], "cache-control": "no-store" });
      return res.end(req.method === "HEAD" ? undefined : config);
    }
    const file = path.startsWith("/pkg/") ? fileFor(PKG, path.slice("/pkg".length)) : fileFor(WWW, path);
    sendFile(req, res, file).catch(() => sendText(res, 500, "Internal error\n"));
  });

  try {
    await listen(server, port, host);
  } catch (err) {
    await sim.close();
    throw err;
  }
  return {
    url: `http://${host}:${server.address().port}/`,
    sim,
    async close() {
      server.closeAllConnections();
      await Promise.all([new Promise((done) => server.close(() => done())), sim.close()]);
    },
  };
}

// A simulator left running by `make sim` should not stop the demo: take any free port then.
async function startSimulatorOnFreePort(port, host, exportDelayMs) {
  try {
    return await startSimulator({ port, host, exportDelayMs });
  } catch (err) {
    if (err.code !== "EADDRINUSE" || port === 0) throw err;
    return startSimulator({ port: 0, host, exportDelayMs });
  }
}

function listen(server, port, host) {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      done();
    });
  });
}

// ------------------------------------------------------------------ CLI

const USAGE = "usage: node scripts/demo.mjs [--port 8080] [--sim-port 8787] [--export-delay 0 (ms)]";

async function main() {
  const args = readArgs({
    port: { type: "string", short: "p", default: "8080" },
    "sim-port": { type: "string", default: "8787" },
    "export-delay": { type: "string", default: "0" },
  }, USAGE);
  const exportDelayMs = Number(args["export-delay"]);
  if (args["export-delay"] === "" || !Number.isFinite(exportDelayMs) || exportDelayMs < 0) {
    console.error(`invalid --export-delay: ${args["export-delay"]}\n${USAGE}`);
    process.exit(2);
  }
  const opts = { port: portArg(args.port, "--port", USAGE), simPort: portArg(args["sim-port"], "--sim-port", USAGE), exportDelayMs };

  let demo;
  try {
    demo = await startDemo(opts);
  } catch (err) {
    const hint = err.code === "EADDRINUSE" ? ` (port ${opts.port} is taken: try make demo PORT=8081)` : "";
    console.error(`could not start the demo: ${err.message}${hint}`);
    process.exit(1);
  }

  console.log(`ncloud-pg-backup demo

  Open ${demo.url}

  The page calls the local NCP simulator at ${demo.sim.url}
  (its API, and Object Storage's S3 listing on the same URL)
  with SIMULATOR-ONLY keys (demo-access-key / demo-secret-key): they work nowhere else.
  An export's object appears in its bucket ${opts.exportDelayMs ? `${opts.exportDelayMs} ms after the export` : "at once (node scripts/demo.mjs --export-delay 5000: it takes 5 s)"}.
  Do not type real NCP keys into a browser page; see examples/worker/ for server-side signing.

Press Ctrl+C to stop.`);

  stopOnSignals(() => demo.close(), "the demo");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
