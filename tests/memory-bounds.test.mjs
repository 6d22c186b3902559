// What a caller's object can make the module copy into its memory, which
// never shrinks: a hostile object is refused after bounded copying, not after
// the module has grown by what it holds (or trapped at 4 GiB). Each check runs
// in a fresh process, so memory another check grew (and freed) hides nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNodeModule } from "./helpers/node-script.mjs";

const MiB = 1024 * 1024;
const pkg = new URL("../pkg/node.js", import.meta.url).href;
const gen = new URL("../pkg/gen/ncloud_pg_backup.js", import.meta.url).href; // the instance the entry initialised

/** Runs `body` (which awaits the call and returns its result or error) in a fresh Node; returns `{ grew, isNcloudError, kind, option, returnCode, works }`. */
function inFreshModule(body) {
  const script = `
    import * as lib from ${JSON.stringify(pkg)};
    import { __memory } from ${JSON.stringify(gen)};
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

/** `inFreshModule` of one exportBackup whose fetch answers HTTP 200 with the body `bodyExpr` (JS source) evaluates to. */
function exportAnswering(bodyExpr) {
  return inFreshModule(`
    const body = ${bodyExpr};
    const fetch = async () => ({ status: 200, headers: { get: () => null }, text: async () => body });
    return lib.exportBackup({ accessKey: "AK", secretKey: "SK", endpoint, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", fetch });
  `);
}

test("a 15 MiB JSON answer is read without copying its text into the module", () => {
  // A small answer padded with white space: what it holds is tiny, its text
  // is not. The runtime parses JSON where the text is (js/values.js); copied
  // into wasm memory, as XML is, the text alone would grow it by 15 MiB.
  const r = exportAnswering(`'{"exportBackupToObjectStorageResponse":{"requestId":"q","returnCode":"0","returnMessage":"success"}}' + " ".repeat(15 * 1024 * 1024)`);
  assert.deepEqual({ ...r, grew: undefined }, { grew: undefined, isNcloudError: false, returnCode: "0", works: true });
  assert.ok(r.grew < 2 * MiB, `memory grew ${r.grew} bytes`);
});

test("a 15 MiB JSON answer that does not parse is refused without copying its text into the module", () => {
  // Cut short after 15 MiB of white space: refused as JSON that does not
  // parse, without a second try from a copy in wasm memory.
  const r = exportAnswering(`'{"exportBackupToObjectStorageResponse":' + " ".repeat(15 * 1024 * 1024)`);
  assert.deepEqual({ ...r, grew: undefined }, { grew: undefined, isNcloudError: true, kind: "bad_response", works: true });
  assert.ok(r.grew < 2 * MiB, `memory grew ${r.grew} bytes`);
});
