// Command-line plumbing shared by the project's scripts (simulator, demo,
// benchmark): node:util's parseArgs with a usage line, port checks, and a
// clean stop on Ctrl+C.
import { parseArgs } from "node:util";

/**
 * Parses the process arguments against `options` (node:util parseArgs form).
 * A usage error prints it with `usage` and exits 2; --help prints `usage`.
 */
export function readArgs(options, usage, argv = process.argv.slice(2)) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } } }));
  } catch (err) {
    console.error(`${err.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

/** A TCP port number from text, or exit 2 naming the flag. */
export function portArg(value, flag, usage) {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`invalid ${flag}: ${value}\n${usage}`);
    process.exit(2);
  }
  return n;
}

/** On SIGINT or SIGTERM: say so, run `close` once, exit 0. */
export function stopOnSignals(close, what) {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal} received, stopping ${what}`);
      await close();
      process.exit(0);
    });
  }
}
