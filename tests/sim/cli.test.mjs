import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../sim/cli.mjs", import.meta.url));

test("cli prints URL and SIMULATOR-ONLY keys, serves, and stops cleanly on SIGINT", async () => {
  const child = spawn(process.execPath, [CLI, "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c) => { out += c; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 5000);
    child.stdout.on("data", () => {
      const m = out.match(/Press Ctrl\+C/) && out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => reject(new Error(`exited early with ${code}:\n${out}`)));
  });
  assert.match(out, /SIMULATOR-ONLY/);
  assert.match(out, /demo-access-key/);
  assert.match(out, /demo-secret-key/);
  assert.match(out, /\/_sim\/buckets/);
  const health = await fetch(`${url}/_sim/health`);
  assert.deepEqual(await health.json(), { ok: true });

  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.kill("SIGINT");
  assert.deepEqual(await exited, { code: 0, signal: null });
});
