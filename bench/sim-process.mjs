// The NCP simulator in its own Node process (sim/cli.mjs), so its request
// handling does not share the benchmark's event loop.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../sim/cli.mjs", import.meta.url));

/** Starts the simulator on a free port; resolves to `{ url, reset(), stop() }`. */
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
        async reset() {
          const res = await fetch(`${url}/_sim/reset`, { method: "POST" });
          if (!res.ok) throw new Error(`simulator reset: HTTP ${res.status}`);
          await res.arrayBuffer();
        },
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
