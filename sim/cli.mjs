#!/usr/bin/env node
// Runs the NCP Cloud DB for PostgreSQL (VPC) simulator in the foreground on 127.0.0.1.
//   node sim/cli.mjs [--port 8787] [--quiet]      (PORT env var also works)

import { startSimulator } from "./server.mjs";

function parseArgs(argv) {
  const opts = { port: undefined, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") opts.help = true;
    else if (arg === "--quiet" || arg === "-q") opts.quiet = true;
    else if (arg === "--port" || arg === "-p") opts.port = argv[++i];
    else if (arg.startsWith("--port=")) opts.port = arg.slice("--port=".length);
    else throw new Error(`unknown argument: ${arg}`);
  }
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${err.message}\nusage: node sim/cli.mjs [--port 8787] [--quiet]`);
  process.exit(2);
}
if (opts.help) {
  console.log("usage: node sim/cli.mjs [--port 8787] [--quiet]   (PORT env var also works)");
  process.exit(0);
}

const port = Number(opts.port ?? process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid port: ${opts.port ?? process.env.PORT}`);
  process.exit(2);
}

const sim = await startSimulator({ port, host: "127.0.0.1", quiet: opts.quiet });
const u = sim.url;
console.log(`NCP Cloud DB for PostgreSQL (VPC) simulator listening on ${u}
  API:       ${u}/vpostgresql/v2/{action}   (use it as the client's endpoint)

  SIMULATOR-ONLY credentials (they work nowhere else):
    access key: demo-access-key
    secret key: demo-secret-key
    (also test-access-key / test-secret-key)

  Debug endpoints (no auth):
    GET    ${u}/_sim/health
    GET    ${u}/_sim/buckets      exports per bucket
    GET    ${u}/_sim/exports
    GET    ${u}/_sim/requests     DELETE to clear
    POST   ${u}/_sim/faults       JSON fault or array, e.g. {"type":"throttle","times":2}
    DELETE ${u}/_sim/faults
    POST   ${u}/_sim/reset

Press Ctrl+C to stop.`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping simulator`);
    await sim.close();
    process.exit(0);
  });
}
