#!/usr/bin/env node
// Runs the NCP Cloud DB for PostgreSQL (VPC) simulator, with Object Storage's S3 API on the
// same origin, in the foreground on 127.0.0.1.
//   node sim/cli.mjs [--port 8787] [--export-delay 0] [--quiet]   (PORT / EXPORT_DELAY_MS env vars also work)

import { startSimulator } from "./server.mjs";
import { portArg, readArgs, stopOnSignals } from "../scripts/cli.mjs";

const USAGE = "usage: node sim/cli.mjs [--port 8787] [--export-delay <ms>] [--quiet]   (PORT and EXPORT_DELAY_MS env vars also work)";
const args = readArgs({
  port: { type: "string", short: "p" },
  "export-delay": { type: "string" },
  quiet: { type: "boolean", short: "q" },
}, USAGE);
const port = portArg(args.port ?? process.env.PORT ?? "8787", "--port", USAGE);
const delayText = args["export-delay"] ?? process.env.EXPORT_DELAY_MS ?? "0";
const exportDelayMs = Number(delayText);
if (delayText === "" || !Number.isFinite(exportDelayMs) || exportDelayMs < 0) {
  console.error(`invalid --export-delay: ${delayText}\n${USAGE}`);
  process.exit(2);
}

const sim = await startSimulator({ port, host: "127.0.0.1", quiet: Boolean(args.quiet), exportDelayMs });
const u = sim.url;
console.log(`NCP Cloud DB for PostgreSQL (VPC) simulator listening on ${u}
  API:       ${u}/vpostgresql/v2/{action}   (use it as the client's endpoint)
  S3:        ${u}/{bucket}                  (Object Storage ListObjects, path style, signature v4, region kr-standard;
             use ${u} as the storage endpoint, e.g. --storage-endpoint ${u})
             an exported backup appears as an object ${exportDelayMs ? `${exportDelayMs} ms after the export` : "at once"}

  SIMULATOR-ONLY credentials (they work nowhere else, for the API and S3 alike):
    access key: demo-access-key
    secret key: demo-secret-key
    (also test-access-key / test-secret-key)

  Debug endpoints (no auth):
    GET    ${u}/_sim/health
    GET    ${u}/_sim/buckets      exports per bucket
    GET    ${u}/_sim/exports
    GET    ${u}/_sim/objects      S3 objects per bucket (pending ones marked); POST {"bucket","key","size"} adds
    GET    ${u}/_sim/requests     DELETE to clear
    POST   ${u}/_sim/faults       JSON fault or array, e.g. {"type":"throttle","times":2}
    DELETE ${u}/_sim/faults
    POST   ${u}/_sim/reset

Press Ctrl+C to stop.`);

stopOnSignals(() => sim.close(), "simulator");
