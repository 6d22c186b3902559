// The nightly job: for each instance given on the command line, export its newest backup file (by
// endTime) to the bucket unless the bucket already has it, then wait until the file is there.
//
//   NCLOUD_ACCESS_KEY=… NCLOUD_SECRET_KEY=… node nightly.mjs --bucket pg-backups 1234567 5678901
//
// Optional: NCLOUD_ENDPOINT (NCP's API through a relay or the local simulator) and
// NCLOUD_STORAGE_ENDPOINT (Object Storage's URL); --wait-timeout <ms> (default 30 minutes).
// Exit code: 0 when every instance is in the bucket, 1 when any failed, 2 for a wrong command line.
import { parseArgs } from "node:util";
import { exportLatestBackup, NcloudError, waitForExport } from "ncloud-pg-backup";

const USAGE = "usage: node nightly.mjs --bucket <bucket> [--wait-timeout <ms>] <cloudPostgresqlInstanceNo>...";

/** @type {{ values: { bucket?: string, "wait-timeout"?: string }, positionals: string[] }} */
let args;
try {
  args = parseArgs({ options: { bucket: { type: "string" }, "wait-timeout": { type: "string" } }, allowPositionals: true });
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals: instances } = args;
const waitTimeoutMs = Number(values["wait-timeout"] ?? 30 * 60_000);
if (!values.bucket || instances.length === 0 || !Number.isSafeInteger(waitTimeoutMs) || waitTimeoutMs <= 0) {
  console.error(USAGE);
  process.exit(2);
}
const bucketName = values.bucket;

const { NCLOUD_ACCESS_KEY = "", NCLOUD_SECRET_KEY = "", NCLOUD_ENDPOINT, NCLOUD_STORAGE_ENDPOINT } = process.env;
const keys = { accessKey: NCLOUD_ACCESS_KEY, secretKey: NCLOUD_SECRET_KEY };
// Object Storage's options go to both calls; NCP's API endpoint only to the export.
const storage = NCLOUD_STORAGE_ENDPOINT ? { storageEndpoint: NCLOUD_STORAGE_ENDPOINT } : {};
const api = NCLOUD_ENDPOINT ? { endpoint: NCLOUD_ENDPOINT } : {};

let failed = 0;
for (const cloudPostgresqlInstanceNo of instances) {
  try {
    const latest = await exportLatestBackup({ ...keys, ...api, ...storage, cloudPostgresqlInstanceNo, bucketName, skipExisting: true });
    if (latest.skipped) {
      console.log(`${cloudPostgresqlInstanceNo}: ${latest.fileName} is already in ${bucketName} as ${latest.existing.key}`);
      continue;
    }
    console.log(`${cloudPostgresqlInstanceNo}: export of ${latest.fileName} accepted (requestId ${latest.requestId}); waiting for it`);
    const object = await waitForExport({ ...keys, ...storage, bucketName, fileName: latest.fileName, timeoutMs: waitTimeoutMs });
    console.log(`${cloudPostgresqlInstanceNo}: ${object.key} is in ${bucketName}, ${object.size} bytes`);
  } catch (e) {
    failed += 1;
    // An NcloudError's message says what to fix, and never holds the secret key.
    console.error(`${cloudPostgresqlInstanceNo}: failed: ${e instanceof NcloudError ? `${e.kind}: ${e.message}` : e}`);
  }
}
process.exitCode = failed ? 1 : 0;
