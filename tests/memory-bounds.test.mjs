// What a caller's object can make the module copy into its memory, which
// never shrinks: a hostile object is refused after bounded copying, not after
// the module has grown by what it holds (or trapped at 4 GiB). Each check runs
// in a fresh process, so memory another check grew (and freed) hides nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNodeModule } from "./helpers/node-script.mjs";

const MiB = 1024 * 1024;
const pkg = new URL("../pkg/node.js", import.meta.url).href;
const gen = new URL("../pkg/gen/ncloud_pg_backup.js", import.meta.url).href;
const wasm = new URL("../pkg/gen/ncloud_pg_backup_bg.wasm", import.meta.url);

/** Runs `body` (which awaits the call and returns its result or error) in a fresh Node; returns `{ grew, isNcloudError, kind, option, returnCode, works }`. */
function inFreshModule(body) {
  const script = `
    import * as lib from ${JSON.stringify(pkg)};
    import { initSync } from ${JSON.stringify(gen)};
    import { readFileSync } from "node:fs";
    // The instance the entry initialised (initSync gives it again).
    const __memory = () => initSync({ module: readFileSync(new URL(${JSON.stringify(wasm.href)})) }).memory;
    const endpoint = "http://127.0.0.1:9";
    const before = __memory().buffer.byteLength;
    const e = await (async () => { ${body} })().catch((x) => x);
    const grew = __memory().buffer.byteLength - before;
    const works = typeof lib.signRequest({ method: "GET", url: endpoint + "/x", accessKey: "AK", secretKey: "SK" }).headers["x-ncp-apigw-signature-v2"] === "string";
    console.log(JSON.stringify({ grew, isNcloudError: e instanceof lib.NcloudError, kind: e?.kind, option: e?.option, returnCode: e?.returnCode, works }));
  `;
  return JSON.parse(runNodeModule(script));
}

test("an options object with 20,000 keys of 4 KB values is refused without copying them", () => {
  const r = inFreshModule(`
    const opts = { accessKey: "AK", secretKey: "SK", endpoint };
    const value = "x".repeat(4096);
    for (let i = 0; i < 20000; i++) opts["k" + i] = value; // 80 MB if each were copied
    return lib.exportBackup(opts);
  `);
  assert.deepEqual({ ...r, grew: undefined }, { grew: undefined, isNcloudError: true, kind: "invalid_options", option: "k0", works: true });
  assert.ok(r.grew < 2 * MiB, `memory grew ${r.grew} bytes`);
});

test("call() parameters with a 20-million-character key are refused without copying it", () => {
  const r = inFreshModule(`
    return lib.call("getCloudPostgresqlBucketList", { ["k".repeat(20_000_000)]: 1 }, { accessKey: "AK", secretKey: "SK", endpoint });
  `);
  assert.deepEqual({ ...r, grew: undefined }, { grew: undefined, isNcloudError: true, kind: "invalid_options", option: "params", works: true });
  assert.ok(r.grew < 2 * MiB, `memory grew ${r.grew} bytes`);
});
