// Compiled with `tsc --strict --noEmit` by tests/types.test.mjs. The
// expect-error directives below fail the compile if the types ever loosen to `any`.
import {
  exportBackup,
  listBackupFiles,
  listInstances,
  call,
  signRequest,
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
  const size: number = files[0].backupSize + totalRows;
  const r: ExportBackupResult = await exportBackup({ ...keys, cloudPostgresqlInstanceNo: no, fileName: files[0].fileName, bucketName: "b", method: "POST", responseFormatType: "xml", signal: new AbortController().signal });
  const status: number = r.httpStatus;
  const any = await call("getCloudPostgresqlInstanceList", { cloudPostgresqlInstanceNoList: [no] }, keys);
  const { headers, timestamp } = signRequest({ method: "GET", url: "https://x/y", ...keys });
  const sig: string = headers["x-ncp-apigw-signature-v2"];
  const client = new Client({ ...keys, site: "gov", maxRetries: 0 });
  const viaClient = await client.exportBackup({ cloudPostgresqlInstanceNo: no, fileName: "f", bucketName: "b" });
  const shown = client.toJSON();
  const who: string = "freed" in shown ? "freed" : shown.accessKey;
  return `${size}${status}${String(any)}${timestamp}${sig}${viaClient.requestId}${who}`;
}

export function handle(e: unknown): NcloudErrorKind | undefined {
  if (e instanceof NcloudError) {
    const k: NcloudErrorKind = e.kind;
    const n: number = e.attempts + (e.status ?? 0);
    return n >= 0 ? k : undefined;
  }
  return undefined;
}

export async function misuse(): Promise<void> {
  // @ts-expect-error fileName and bucketName are required
  await exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1" });
  // @ts-expect-error method is "GET" or "POST"
  await exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", method: "PUT" });
  // @ts-expect-error site is public, gov or fin
  new Client({ ...keys, site: "moon" });
  const r = await exportBackup({ ...keys, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" });
  // @ts-expect-error httpStatus is a number
  const s: string = r.httpStatus;
  // @ts-expect-error Client methods take no credentials
  await new Client(keys).exportBackup({ secretKey: "x", cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" });
  void s;
}
