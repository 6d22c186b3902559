// Compiled with `tsc --strict --noEmit` by tests/types.test.mjs. The
// expect-error directives below fail the compile if the types ever loosen to `any`.
import {
  exportBackup,
  listBackupFiles,
  listBackups,
  listInstances,
  call,
  signRequest,
  exportLatestBackup,
  findExportedObject,
  waitForExport,
  Client,
  NcloudError,
  type ExportBackupResult,
  type NcloudErrorKind,
} from "ncloud-pg-backup";

const keys = { accessKey: "AK", secretKey: "SK" };

export async function typical(): Promise<string> {
  const { instances } = await listInstances({ ...keys, pageSize: 10 });
  const no: string = instances[0].cloudPostgresqlInstanceNo;
  const { files, totalRows } = await listBackupFiles({ ...keys, cloudPostgresqlInstanceNo: no, allPages: true });
  const size: number = (files[0].backupSize ?? 0) + totalRows;
  const r: ExportBackupResult = await exportBackup({ ...keys, cloudPostgresqlInstanceNo: no, fileName: files[0].fileName, bucketName: "b", method: "POST", responseFormatType: "xml", signal: new AbortController().signal });
  const status: number = r.httpStatus;
  const any = await call("getCloudPostgresqlInstanceList", { cloudPostgresqlInstanceNoList: [no] }, keys);
  // call() takes the shape the caller expects.
  const typed = await call<{ cloudPostgresqlInstanceList: { cloudPostgresqlServiceName: string }[] }>("getCloudPostgresqlInstanceList", {}, keys);
  const service: string = typed.cloudPostgresqlInstanceList[0].cloudPostgresqlServiceName;
  // NCP's CloudPostgresqlBackup fields, counts as numbers.
  const { backups } = await listBackups(keys);
  const kept: number | null | undefined = backups[0].backupRetention ?? backups[0].backupFileStorageCount ?? backups[0].backupSize;
  const last: string | undefined = backups[0].lastBackupDate ?? backups[0].backupType;
  const { headers, timestamp } = signRequest({ method: "GET", url: "https://x/y", ...keys });
  const sig: string = headers["x-ncp-apigw-signature-v2"];
  const client = new Client({ ...keys, site: "gov", maxRetries: 0 });
  const viaClient = await client.exportBackup({ cloudPostgresqlInstanceNo: no, fileName: "f", bucketName: "b" });
  const shown = client.toJSON();
  const who: string = "freed" in shown ? "freed" : shown.accessKey;
  // The nightly job: the newest file, skipped when it is already in the bucket, then waited for.
  const latest = await exportLatestBackup({ ...keys, cloudPostgresqlInstanceNo: no, bucketName: "b", skipExisting: true });
  const what: string = latest.skipped ? latest.existing.key : latest.requestId;
  const found = await findExportedObject({ ...keys, bucketName: "b", fileName: latest.fileName, storageEndpoint: "http://127.0.0.1:8787" });
  const object = await waitForExport({ ...keys, bucketName: "b", fileName: latest.fileName, timeoutMs: 60_000, onProgress: (p) => void p.nextCheckInMs });
  const bytes: number = object.size + (found?.size ?? 0);
  return `${what}${bytes}${size}${status}${String(any)}${service}${kept}${last}${timestamp}${sig}${viaClient.requestId}${who}`;
}

export function handle(e: unknown): NcloudErrorKind | undefined {
  if (e instanceof NcloudError) {
    const k: NcloudErrorKind = e.kind;
    const n: number = e.attempts + (e.status ?? 0);
    return n >= 0 ? k : undefined;
  }
  return undefined;
}

/** A test double of the package's error, as users write them. */
export const double = new NcloudError("throttled", "too many requests", { status: 429, attempts: 3, retryable: true });

export async function misuse(): Promise<void> {
  // @ts-expect-error a kind is one of NcloudErrorKind
  new NcloudError("oops", "message");
  // @ts-expect-error the message comes second: kind first
  new NcloudError("a message only");
  // @ts-expect-error fileName and bucketName are required
  await exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1" });
  // @ts-expect-error method is "GET" or "POST"
  await exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", method: "PUT" });
  // @ts-expect-error site is public, gov or fin
  new Client({ ...keys, site: "moon" });
  const r = await exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" });
  // @ts-expect-error httpStatus is a number
  const s: string = r.httpStatus;
  // @ts-expect-error the bucket list has no paging
  await new Client(keys).listBuckets({ pageNo: 1 });
  // @ts-expect-error Object Storage functions take no API endpoint
  await findExportedObject({ ...keys, bucketName: "b", fileName: "f", endpoint: "http://x" });
  const skipped = await exportLatestBackup({ ...keys, cloudPostgresqlInstanceNo: "1", bucketName: "b" });
  // @ts-expect-error a skipped export has no requestId
  if (skipped.skipped) void skipped.requestId;
  // @ts-expect-error Client methods take no credentials
  await new Client(keys).exportBackup({ secretKey: "x", cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" });
  void s;
}
