#!/usr/bin/env node
// Runs the NCP Cloud DB for PostgreSQL (VPC) simulator in the foreground on 127.0.0.1.
//   node sim/cli.mjs [--port 8787] [--quiet]      (PORT env var also works)

import { startSimulator } from "./server.mjs";
import { portArg, readArgs, stopOnSignals } from "../scripts/cli.mjs";

const USAGE = "usage: node sim/cli.mjs [--port 8787] [--quiet]   (PORT env var also works)";
const args = readArgs({ port: { type: "string", short: "p" }, quiet: { type: "boolean", short: "q" } }, USAGE);
const port = portArg(args.port ?? process.env.PORT ?? "8787", "--port", USAGE);

const sim = await startSimulator({ port, host: "127.0.0.1", quiet: Boolean(args.quiet) });
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

stopOnSignals(() => sim.close(), "simulator");
