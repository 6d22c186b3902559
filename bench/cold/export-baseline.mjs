// Cold start baseline: one exportBackup with node:crypto + fetch to the simulator at argv[2], print the returnCode.
import { exportBackupBaseline } from "../baseline.mjs";

console.log((await exportBackupBaseline(process.argv[2])).returnCode);
