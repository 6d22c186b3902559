// Calls pkg/guard.js refuses before they reach the module: a call before the
// module is loaded (the `init` entry's, before init()), and calls nested so
// deep (an option's getter calling the package, whose call reads that getter
// again) that the module's own stack would run out. Each is an NcloudError,
// the process goes on, and later calls work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { NcloudError, exportBackup, signRequest } from "ncloud-pg-backup";
import { PKG, run } from "./helpers/readme.mjs";

const SIGN = { method: "GET", url: "https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList", accessKey: "AK", secretKey: "SK", timestamp: 1 };

/**
 * Runs `body` in a fresh Node process that imports the init entry (`init`,
 * `NcloudError`, `signRequest`, `listBuckets`), with `SIGN`, `WASM` (the
 * package's .wasm bytes) and an `out` object it fills; resolves to `out`.
 */
async function withInitEntry(body) {
  const script = `
    import { readFileSync } from "node:fs";
    import init, { NcloudError, signRequest, listBuckets } from ${JSON.stringify(pathToFileURL(join(PKG, "init.js")).href)};
    const SIGN = ${JSON.stringify(SIGN)};
    const WASM = readFileSync(new URL("gen/ncloud_pg_backup_bg.wasm", ${JSON.stringify(pathToFileURL(PKG + "/").href)}));
    const out = {};
    ${body}
    console.log(JSON.stringify(out));
  `;
  const { code, stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

test("before init(), the init entry's calls are refused with an NcloudError, the event loop runs on, and after init() they work", async () => {
  const out = await withInitEntry(`
    const timer = new Promise((resolve) => setTimeout(() => resolve("fired"), 50));
    try { signRequest(SIGN); } catch (e) { out.sync = [e instanceof NcloudError, e.kind, e.message]; }
    out.async = await listBuckets({ accessKey: "AK", secretKey: "SK" }).then(() => "resolved", (e) => [e instanceof NcloudError, e.kind]);
    out.timer = await timer;
    await init(WASM);
    out.after = signRequest(SIGN).headers["x-ncp-apigw-signature-v2"];
  `);
  assert.deepEqual(out.sync, [true, "invalid_options", 'the module is not loaded yet: with "ncloud-pg-backup/init", call init() and wait for it before the first call']);
  assert.deepEqual(out.async, [true, "invalid_options"]);
  assert.equal(out.timer, "fired");
  assert.equal(out.after, signRequest(SIGN).headers["x-ncp-apigw-signature-v2"]);
});

test("init() given another WebAssembly module is refused with an NcloudError before it is used, and init() with the package's then works", async () => {
  const out = await withInitEntry(`
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // a valid module with nothing in it
    out.wrong = await init(empty).then(() => "resolved", (e) => [e instanceof NcloudError, e.kind, e.message]);
    try { signRequest(SIGN); } catch (e) { out.before = [e instanceof NcloudError, e.kind]; }
    await init(WASM);
    out.after = signRequest(SIGN).headers["x-ncp-apigw-signature-v2"];
  `);
  assert.deepEqual(out.wrong.slice(0, 2), [true, "invalid_options"]);
  assert.match(out.wrong[2], /^init\(\) was given a WebAssembly module that is not ncloud-pg-backup's/);
  assert.deepEqual(out.before, [true, "invalid_options"]);
  assert.equal(out.after, signRequest(SIGN).headers["x-ncp-apigw-signature-v2"]);
});

test("calls nested 16 deep through an option's getter: the innermost is refused with an NcloudError, the others end as they would, and the module works after", async () => {
  const inner = [];
  let deepest = 0;
  const nested = (n) =>
    exportBackup({
      get accessKey() {
        deepest = Math.max(deepest, n);
        inner.push(nested(n + 1).catch((e) => e));
        return "AK";
      },
      secretKey: "SK",
      cloudPostgresqlInstanceNo: "1",
      fileName: "f",
      bucketName: "b",
      fetch: async () => new Response(JSON.stringify({ exportBackupToObjectStorageResponse: { requestId: "r", returnCode: "0", returnMessage: "success" } })),
    });
  const outer = await nested(0);
  assert.equal(outer.requestId, "r");
  const ended = await Promise.all(inner);
  assert.equal(deepest, 15, "the 16th call is refused before it reads its options");
  const refused = ended.filter((e) => e instanceof NcloudError);
  assert.equal(refused.length, 1);
  assert.equal(refused[0].kind, "invalid_options");
  assert.match(refused[0].message, /^calls nested 16 deep: an option's getter or onProgress calls the package/);
  assert.ok(ended.filter((r) => !(r instanceof Error)).every((r) => r.requestId === "r"), "the calls above it were answered");
  assert.equal(signRequest(SIGN).headers["x-ncp-apigw-timestamp"], "1");
});
