// The public surface, shared by every entry file. Each entry initialises the
// wasm module its runtime's way, then re-exports this.
export {
  exportBackup,
  listInstances,
  listBackups,
  listBackupFiles,
  listBuckets,
  call,
  signRequest,
  Client,
} from "./gen/ncloud_pg_backup.js";
export { NcloudError } from "./gen/error.js";
