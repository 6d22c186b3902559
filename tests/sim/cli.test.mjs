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
  assert.match(out, /\/_sim\/objects/);
  // The banner names the S3 listing URL on the same origin (the storage endpoint).
  assert.ok(out.includes(`${url}/{bucket} `), out);
  assert.match(out, /signature v4, region kr-standard/);
  const health = await fetch(`${url}/_sim/health`);
  assert.deepEqual(await health.json(), { ok: true });

  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.kill("SIGINT");
  assert.deepEqual(await exited, { code: 0, signal: null });
});

test("cli --export-delay: the banner says when an export's object appears; a bad value exits 2", async () => {
  const run = (args) => new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stopping = false;
    child.stdout.on("data", async (c) => {
      out += c;
      const m = out.match(/Press Ctrl\+C/) && out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m && !stopping) {
        stopping = true;
        await fetch(`${m[1]}/_sim/health`); // serving (and its signal handlers set) before the SIGINT
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (c) => { out += c; });
    child.on("exit", (code) => resolve({ code, out }));
  });
  const ok = await run(["--export-delay", "1500"]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /appears as an object 1500 ms after the export/);
  const bad = await run(["--export-delay", "soon"]);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /invalid --export-delay/);
});
