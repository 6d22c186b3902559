// Cold start: import the package, send one exportBackup to the simulator at argv[2], print the returnCode.
import { exportBackup } from "ncloud-pg-backup";
import { EXPORT, KEYS } from "../inputs.mjs";

console.log((await exportBackup({ ...KEYS, endpoint: process.argv[2], ...EXPORT })).returnCode);
