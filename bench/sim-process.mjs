// The NCP simulator in its own Node process (sim/cli.mjs), so its request
// handling does not share the benchmark's event loop. Simulated network
// latency is the simulator's own `delay` fault, queued for every request.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../sim/cli.mjs", import.meta.url));

/** Far more requests than any run sends: the delay fault stays until the next reset. */
const FOREVER = 1e9;

/**
 * A process's CPU time (user + system) in microseconds, from Linux's
 * /proc/<pid>/stat (fields 14 and 15, in USER_HZ ticks: 100 a second, so
 * 10 ms resolution); null where there is no /proc.
 */
function cpuUs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** POSTs `body` as JSON (or nothing) to `url`; any answer but 2xx throws. */
async function post(url, body) {
  const res = await fetch(url, { method: "POST", ...(body && { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/**
 * Starts the simulator on a free port; resolves to `{ url, reset(latencyMs), cpuUs(), stop() }`.
 * `reset` clears what the simulator keeps (it holds every request in memory)
 * and, with `latencyMs`, delays each answer after it by that long. `cpuUs`
 * is the simulator's CPU time so far (null where it cannot be read).
 */
export function startSimProcess() {
  const child = spawn(process.execPath, [CLI, "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.stdout.off("data", onData);
      child.stdout.resume(); // keep draining: the simulator prints on SIGTERM
      const url = m[1];
      resolve({
        url,
        async reset(latencyMs = 0) {
          await post(`${url}/_sim/reset`);
          // A reset clears the faults too, so the delay is queued again after each.
          if (latencyMs > 0) await post(`${url}/_sim/faults`, { type: "delay", delayMs: latencyMs, times: FOREVER });
        },
        cpuUs: () => cpuUs(child.pid),
        async stop() {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    exited.then((code) => reject(new Error(`simulator exited (${code}) before listening: ${out}`)));
  });
}
