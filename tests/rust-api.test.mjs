// The crate's Rust API, as a Rust app compiled to wasm uses it (without the
// npm package's exports): examples/rust, built here and run in Node against
// the simulator, which checks every signature with node:crypto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSimulator } from "../sim/server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const KEYS = ["demo-access-key", "demo-secret-key"];
let sim, app, out;

before(async () => {
  // The same build command as the package's (scripts/env.sh), without the js feature.
  const build = "source scripts/env.sh && cargo_wasm build --release -p ncloud-pg-backup-example && echo $PATH";
  const path = execFileSync("bash", ["-c", build], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").at(-1);
  out = mkdtempSync(join(tmpdir(), "rust-example-"));
  const wasm = join(root, "target/wasm32-unknown-unknown/release/ncloud_pg_backup_example.wasm");
  execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "example", wasm], { env: { ...process.env, PATH: path } });
  app = await import(pathToFileURL(join(out, "example.js")).href);
  app.initSync({ module: readFileSync(join(out, "example_bg.wasm")) });
  sim = await startSimulator({ port: 0 });
});
after(async () => {
  await sim?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

test("the nightly job: the newest file exported and waited for, then skipped the next night", async () => {
  const first = await app.nightly(sim.url, ...KEYS, "5678901", "pg-backups");
  assert.match(first, /^exported 20261118 to pg-backups as \S*20261118\S* \(\d+ bytes\)$/);
  const second = await app.nightly(sim.url, ...KEYS, "5678901", "pg-backups");
  assert.match(second, /^skipped 20261118: already in pg-backups as /);
  assert.deepEqual(sim.exports.map((e) => [e.cloudPostgresqlInstanceNo, e.fileName]), [["5678901", "20261118"]]);
  await assert.rejects(app.nightly(sim.url, ...KEYS, "3456789", "pg-backups"), /^Error: not_found: instance 3456789 has no backup files yet/);
  await assert.rejects(app.nightly(sim.url, KEYS[0], "wrong-secret", "5678901", "pg-backups"), (e) => /^auth: /.test(e.message) && !e.message.includes("wrong-secret"));
});

test("lists, every page read, and errors told apart by their kind", async () => {
  const lines = (await app.inventory(sim.url, ...KEYS)).split("\n");
  assert.deepEqual(lines, [
    "1234567 pg-prod: 20261120_030005, 20261119_030004, manual 2026/11/18 #1 a+b&c=d 100% 백업 (!*')",
    "2345678 pg-staging: 20261120_020003",
    "3456789 pg-dev: ",
    "5678901 pg-reports: 20261117, 20261118",
  ]);
  assert.match(await app.exportFile(sim.url, ...KEYS, "1234567", "20261120_030005", "pg-backups"), /^accepted \S+ \(200\)$/);
  assert.equal(await app.exportFile(sim.url, ...KEYS, "1234567", "no such file", "pg-backups"), "refused by the service: 5001101");
  await assert.rejects(app.exportFile("ftp://x", ...KEYS, "1", "f", "b"), /endpoint must be an http\(s\) URL/);
});

test("signing a request the app sends itself: node:crypto agrees", () => {
  const url = "https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList?regionCode=KR";
  const [timestamp, signature] = app.signedHeaders(...KEYS, url, 1700000000000).split(" ");
  const expected = createHmac("sha256", KEYS[1]).update(`GET /vpostgresql/v2/getCloudPostgresqlInstanceList?regionCode=KR\n1700000000000\n${KEYS[0]}`).digest("base64");
  assert.deepEqual([timestamp, signature], ["1700000000000", expected]);
});
