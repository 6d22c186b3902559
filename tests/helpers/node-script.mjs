// A script run as an ES module in a fresh Node process, for what must not
// share the test process: its timers, its module instance, its memory.
import { execFileSync } from "node:child_process";

/** Runs `script`; returns what it printed. Throws (with its stderr) if it fails or runs past `timeout` ms. */
export function runNodeModule(script, { timeout = 20_000 } = {}) {
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout });
}
