// Types for ncloud-pg-backup. Hand-written: wasm-bindgen would type every
// option object as `any`. The names, types and limits are those of
// src/options.rs and src/actions.rs.

/** Credentials: an NCP API key pair. The secret never leaves the module except as a signature. */
export interface Credentials {
  /** Access key from the NCP console (My Account > Manage account and security > API keys). */
  accessKey: string;
  /** The secret key paired with `accessKey`. */
  secretKey: string;
}

/** Where and how requests are sent. Every field is optional. */
export interface TransportOptions {
  /** Region code such as "KR"; omitted: NCP's default region. */
  regionCode?: string;
  /** Format NCP answers in; the result is the same object either way. Default "json". */
  responseFormatType?: "json" | "xml";
  /** GET (parameters in the query) or POST (form body). Default "GET". */
  method?: "GET" | "POST";
  /** NCP site; default "public". Give either `site` or `endpoint`. */
  site?: "public" | "gov" | "fin";
  /** Base URL: scheme, host, optional port and path prefix (a relay, or the local simulator). A host the runtime's URL parser refuses is invalid_options. */
  endpoint?: string;
  /** Per-attempt timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** Retries of 429 and 503 answers (exponential backoff, full jitter). 0 to 10, default 2. */
  maxRetries?: number;
  /** Added to the local clock when signing, to correct a skewed clock. Default 0. */
  clockOffsetMs?: number;
  /** `fetch` to send with; default the global `fetch` (without one, calls are refused with invalid_options, option "fetch"). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Also retry network errors, timeouts and 500/502/504, which may have reached the service. Default false. */
  retryUnsafe?: boolean;
}

/** Where Object Storage is, for the functions that look in a bucket. */
export interface StorageOptions {
  /** Object Storage's endpoint; default the site's (public: https://kr.object.ncloudstorage.com). */
  storageEndpoint?: string;
  /** Object Storage's region name; default the site's: "kr-standard", "gov-standard" or "fin-standard". */
  storageRegion?: string;
}

/** Options that belong to one call. */
export interface CallOptions {
  /** Cancels the call, including retries and backoff waits. */
  signal?: AbortSignal;
  /** Timestamp to sign with, epoch ms. Default: now (+ clockOffsetMs). */
  timestamp?: number;
}

/** Options for a list call. */
export interface PageOptions {
  /** Page number as NCP counts it (its minimum is 0). */
  pageNo?: number;
  /** Rows per page, 1 to 1000 (required by NCP with pageNo). */
  pageSize?: number;
  /** Fetch every page from pageNo (default 1) on, and return all items. */
  allPages?: boolean;
}

export interface ExportBackupParams {
  /** From `listInstances()`. */
  cloudPostgresqlInstanceNo: string;
  /** From `listBackupFiles()`. */
  fileName: string;
  /** From `listBuckets()`. */
  bucketName: string;
}

export interface ListInstancesParams extends PageOptions {
  zoneCode?: string;
  vpcNo?: string;
  subnetNo?: string;
  cloudPostgresqlServiceName?: string;
  cloudPostgresqlServerName?: string;
}
export interface ListBackupFilesParams extends PageOptions {
  cloudPostgresqlInstanceNo: string;
}
/** NCP's bucket list has no paging. */
export interface ListBucketsParams {
  /** Only the buckets this server instance can reach. */
  cloudPostgresqlServerInstanceNo?: string;
}

export type ExportBackupOptions = Credentials & TransportOptions & CallOptions & ExportBackupParams;
export type ListInstancesOptions = Credentials & TransportOptions & CallOptions & ListInstancesParams;
export type ListBackupsOptions = Credentials & TransportOptions & CallOptions & PageOptions;
export type ListBackupFilesOptions = Credentials & TransportOptions & CallOptions & ListBackupFilesParams;
export type ListBucketsOptions = Credentials & TransportOptions & CallOptions & ListBucketsParams;
export type RequestOptions = Credentials & TransportOptions & CallOptions;

export interface ExportLatestBackupParams {
  cloudPostgresqlInstanceNo: string;
  bucketName: string;
  /** Export nothing when the bucket already holds the newest file (it is listed through Object Storage). */
  skipExisting?: boolean;
}
export type ExportLatestBackupOptions = Credentials & TransportOptions & StorageOptions & CallOptions & ExportLatestBackupParams;

/** Transport options that apply to Object Storage (which has no endpoint, region or format of NCP's API). */
export type StorageTransportOptions = Pick<TransportOptions, "site" | "timeoutMs" | "maxRetries" | "clockOffsetMs" | "fetch" | "retryUnsafe">;

export interface ExportedObjectParams {
  bucketName: string;
  /** The backup file's name: the object whose key names it is found (NCP does not document the key). */
  fileName: string;
}
export type FindExportedObjectOptions = Credentials & StorageTransportOptions & StorageOptions & CallOptions & ExportedObjectParams;

export interface WaitForExportParams extends ExportedObjectParams {
  /** How long to wait in all, in ms; default 30 minutes. (Each listing request has 30 s.) */
  timeoutMs?: number;
  /** The first wait between two looks, in ms; default 10000, then half again each time, up to 60 s. */
  intervalMs?: number;
  /** Called before each wait. */
  onProgress?: (progress: WaitProgress) => void;
}
export type WaitForExportOptions = Credentials & Omit<StorageTransportOptions, "timeoutMs"> & StorageOptions & CallOptions & WaitForExportParams;

export interface WaitProgress {
  /** How many times the bucket was listed so far. */
  checks: number;
  elapsedMs: number;
  nextCheckInMs: number;
}

/** An object in a bucket. */
export interface ExportedObject {
  key: string;
  size: number;
  /** ISO 8601, as Object Storage gives it. */
  lastModified: string;
}

/** `exportLatestBackup`: which file, then the export, or (with skipExisting) the object already there. */
export type ExportLatestBackupResult =
  | (ExportBackupResult & { fileName: string; endTime: string; skipped: false })
  | { fileName: string; endTime: string; skipped: true; existing: ExportedObject };

export interface ExportBackupResult {
  requestId: string;
  /** "0" on success. */
  returnCode: string;
  returnMessage: string;
  httpStatus: number;
}

/** NCP's common code object, e.g. `{ code: "RUN", codeName: "CLOUD DATABASE(VPC) Server Run State" }`. */
export interface CommonCode {
  code: string;
  codeName: string;
}

/**
 * One instance, with NCP's field names. Sizes and counts are numbers (`null`
 * when NCP's value is empty or not a number; beyond 2^53 the nearest number,
 * as JSON.parse reads it), `is*` flags booleans.
 */
export interface CloudPostgresqlInstance {
  cloudPostgresqlInstanceNo: string;
  cloudPostgresqlServiceName?: string;
  cloudPostgresqlInstanceStatusName?: string;
  cloudPostgresqlInstanceStatus?: CommonCode;
  engineVersion?: string;
  cloudPostgresqlPort?: number | null;
  isHa?: boolean;
  isBackup?: boolean;
  backupFileRetentionPeriod?: number | null;
  backupTime?: string;
  createDate?: string;
  cloudPostgresqlServerInstanceList?: CloudPostgresqlServerInstance[];
  cloudPostgresqlConfigList?: string[];
  [field: string]: unknown;
}

export interface CloudPostgresqlServerInstance {
  cloudPostgresqlServerInstanceNo: string;
  cloudPostgresqlServerName?: string;
  cloudPostgresqlServerRole?: CommonCode;
  dataStorageSize?: number | null;
  usedDataStorageSize?: number | null;
  cpuCount?: number | null;
  memorySize?: number | null;
  publicDomain?: string;
  [field: string]: unknown;
}

/** One instance's backups (NCP's CloudPostgresqlBackup). */
export interface CloudPostgresqlBackup {
  cloudPostgresqlInstanceNo: string;
  cloudPostgresqlServiceName?: string;
  backupType?: string;
  /** Days a backup file is kept. */
  backupRetention?: number | null;
  backupSize?: number | null;
  backupTime?: string;
  lastBackupDate?: string;
  /** How many backup files are kept. */
  backupFileStorageCount?: number | null;
  [field: string]: unknown;
}

/** One backup file: `fileName` is what `exportBackup` takes. */
export interface CloudPostgresqlBackupFile {
  fileName: string;
  startTime: string;
  endTime: string;
  backupSize: number | null;
  dataStorageSize: number | null;
  archivedWalFileSize: number | null;
  [field: string]: unknown;
}

export interface CloudPostgresqlBucket {
  bucketName: string;
  [field: string]: unknown;
}

export interface ListInstancesResult {
  requestId: string;
  totalRows: number;
  instances: CloudPostgresqlInstance[];
}
export interface ListBackupsResult {
  requestId: string;
  totalRows: number;
  backups: CloudPostgresqlBackup[];
}
export interface ListBackupFilesResult {
  requestId: string;
  totalRows: number;
  files: CloudPostgresqlBackupFile[];
}
export interface ListBucketsResult {
  requestId: string;
  totalRows: number;
  buckets: CloudPostgresqlBucket[];
}

/** Sends a backup file of an instance to an Object Storage bucket. */
export function exportBackup(opts: ExportBackupOptions): Promise<ExportBackupResult>;
/** `getCloudPostgresqlInstanceList`. */
export function listInstances(opts: ListInstancesOptions): Promise<ListInstancesResult>;
/** `getCloudPostgresqlBackupList`. */
export function listBackups(opts: ListBackupsOptions): Promise<ListBackupsResult>;
/** `getCloudPostgresqlBackupDetailList`: the files `exportBackup` can send. */
export function listBackupFiles(opts: ListBackupFilesOptions): Promise<ListBackupFilesResult>;
/** `getCloudPostgresqlBucketList`. */
export function listBuckets(opts: ListBucketsOptions): Promise<ListBucketsResult>;
/** Exports the instance's newest backup file by `endTime` (every page read, whatever the list's order). */
export function exportLatestBackup(opts: ExportLatestBackupOptions): Promise<ExportLatestBackupResult>;
/** The bucket's object for a backup file, or null (listed with S3's ListObjects, signed with AWS signature v4). */
export function findExportedObject(opts: FindExportedObjectOptions): Promise<ExportedObject | null>;
/** Waits until the bucket holds the backup file; rejects with kind "timeout" when `timeoutMs` runs out. */
export function waitForExport(opts: WaitForExportOptions): Promise<ExportedObject>;

/** A parameter value for `call()`: arrays become `name.1`, `name.2`; objects in arrays `name.1.field`. */
export type ParamValue = string | number | boolean | null | undefined | ParamValue[] | { [name: string]: ParamValue };

/**
 * Any `vpostgresql/v2` action; resolves to the unwrapped `<action>Response` object.
 * `T` is the shape you expect it to have (not checked at run time).
 */
export function call<T = Record<string, unknown>>(
  action: string,
  params: { [name: string]: ParamValue } | null | undefined,
  opts: RequestOptions,
): Promise<T>;

export interface SignRequestInput extends Credentials {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  /** The full URL, as it will be passed to fetch (up to 65,536 characters). */
  url: string;
  /** Epoch ms; default now (+ clockOffsetMs). */
  timestamp?: number;
  clockOffsetMs?: number;
}

export interface SignedHeaders {
  "x-ncp-apigw-timestamp": string;
  "x-ncp-iam-access-key": string;
  "x-ncp-apigw-signature-v2": string;
}

/** Signs a request to any NCP API Gateway URL, for callers who send it themselves. */
export function signRequest(input: SignRequestInput): { headers: SignedHeaders; timestamp: number };

export type ClientConfig = Credentials & TransportOptions & StorageOptions;
type PerCall<T> = TransportOptions & CallOptions & T;

/**
 * Credentials and settings once. The secret is kept only as prepared HMAC keys.
 * If an exception ever escapes the module (a JS stack overflow inside a call), the module is
 * restarted and a Client made before refuses every call with an `invalid_options` NcloudError
 * (`option: "client"`): create a new one; a call that was running then rejects with a
 * `bad_response` NcloudError ("cut short"). Its methods are called on it (`client.signRequest(…)`):
 * one taken off it and called alone is refused with the same kind of NcloudError.
 */
export class Client {
  constructor(config: ClientConfig);
  exportBackup(opts: PerCall<ExportBackupParams>): Promise<ExportBackupResult>;
  listInstances(opts?: PerCall<ListInstancesParams>): Promise<ListInstancesResult>;
  listBackups(opts?: PerCall<PageOptions>): Promise<ListBackupsResult>;
  listBackupFiles(opts: PerCall<ListBackupFilesParams>): Promise<ListBackupFilesResult>;
  listBuckets(opts?: PerCall<ListBucketsParams>): Promise<ListBucketsResult>;
  exportLatestBackup(opts: PerCall<StorageOptions & ExportLatestBackupParams>): Promise<ExportLatestBackupResult>;
  findExportedObject(opts: StorageTransportOptions & StorageOptions & CallOptions & ExportedObjectParams): Promise<ExportedObject | null>;
  waitForExport(opts: Omit<StorageTransportOptions, "timeoutMs"> & StorageOptions & CallOptions & WaitForExportParams): Promise<ExportedObject>;
  call<T = Record<string, unknown>>(
    action: string,
    params?: { [name: string]: ParamValue } | null,
    opts?: TransportOptions & CallOptions,
  ): Promise<T>;
  /** `signRequest` with the Client's credentials (its prepared HMAC key) and, unless the input gives its own, its `clockOffsetMs`. */
  signRequest(input: Omit<SignRequestInput, "accessKey" | "secretKey">): { headers: SignedHeaders; timestamp: number };
  /** `{ accessKey, endpoint, secretKey: "<hidden>" }`; `{ freed: true }` once freed (or restarted). */
  toJSON(): { accessKey: string; endpoint: string; secretKey: "<hidden>" } | { freed: true };
  toString(): string;
  /** Wipes the prepared keys and releases their memory now instead of at garbage collection; a second call does nothing. Called during a call on this Client (by a getter of its options), it takes effect when the module has read them. */
  free(): void;
}

export type NcloudErrorKind =
  | "invalid_options"
  | "auth"
  | "permission"
  | "not_found"
  | "throttled"
  | "service"
  | "gateway"
  | "network"
  | "timeout"
  | "aborted"
  | "bad_response";

/** Every failure rejects (or, for `signRequest` and `new Client`, throws) with this. */
export class NcloudError extends Error {
  /** The package makes these; a test double of yours can too. */
  constructor(
    kind: NcloudErrorKind,
    message: string,
    details?: { status?: number; code?: string; requestId?: string; attempts?: number; retryable?: boolean; option?: string; cause?: unknown },
  );
  readonly name: "NcloudError";
  readonly kind: NcloudErrorKind;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** NCP's errorCode (gateway) or returnCode (service). */
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  /** Requests sent (0 for invalid_options). */
  readonly attempts: number;
  /** True when the request did not run, so sending it again is safe. */
  readonly retryable: boolean;
  /** For invalid_options: the option at fault. */
  readonly option: string | undefined;
  /** For network: what the runtime's fetch threw; for aborted: the signal's reason. */
  readonly cause?: unknown;
  /** The message and fields (never the secret), for logs. */
  toJSON(): { name: "NcloudError"; kind: NcloudErrorKind; message: string; status?: number; code?: string; requestId?: string; attempts: number; retryable: boolean; option?: string; cause?: string };
}
