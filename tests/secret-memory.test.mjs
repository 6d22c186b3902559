// The secret key does not linger in the module's memory: the copies the
// module makes are wiped, the stack the HMAC key setup used is zeroed, and
// the prepared keys are wiped when they are dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as glue from "../pkg/gen/ncloud_pg_backup.js";
import { Client, call, exportBackup, exportLatestBackup, findExportedObject, signRequest } from "../pkg/node.js";

// The instance pkg/node.js made (initSync gives it again), and its memory as bytes.
const memory = () => glue.initSync({ module: readFileSync(new URL("../pkg/gen/ncloud_pg_backup_bg.wasm", import.meta.url)) }).memory;
const inMemory = (s) => Buffer.from(memory().buffer).toString("latin1").includes(s);
const accepted = async () =>
  new Response('{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}');

test("no copy of the secret key is left in wasm memory after signing, a Client, or a call, whether it succeeds or fails", async () => {
  const export_ = { cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", fetch: accepted };
  const calls = {
    Client: (secretKey) => new Client({ accessKey: "AK", secretKey }).free(),
    "Client refused": (secretKey) => assert.throws(() => new Client({ accessKey: "A K", secretKey })),
    signRequest: (secretKey) => signRequest({ method: "GET", url: "https://h/é", accessKey: "AK", secretKey }),
    "signRequest refused": (secretKey) => assert.throws(() => signRequest({ method: "get", url: "https://h/x", accessKey: "AK", secretKey })),
    exportBackup: (secretKey) => exportBackup({ accessKey: "AK", secretKey, ...export_ }),
    "exportBackup refused": (secretKey) => exportBackup({ accessKey: "AK", secretKey, ...export_, bucket: 1 }).catch(() => {}),
    "a storage listing": (secretKey) => findExportedObject({ accessKey: "AK", secretKey, bucketName: "b", fileName: "f", fetch: async () => new Response("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>") }),
    exportLatestBackup: (secretKey) => exportLatestBackup({ accessKey: "AK", secretKey, cloudPostgresqlInstanceNo: "1", bucketName: "b", fetch: accepted }).catch(() => {}),
    "call with bad params": (secretKey) => call("getCloudPostgresqlInstanceList", { when: new Date() }, { accessKey: "AK", secretKey }).catch(() => {}),
  };
  for (const [name, run] of Object.entries(calls)) {
    const secret = `${name.replace(/\W/g, "")}-s3cr3t-${Math.random().toString(36).slice(2)}`;
    await run(secret);
    assert.equal(inMemory(secret), false, `${name} left the secret in memory`);
  }
});

test("a freed Client leaves neither its secret nor a piece of it in memory, among many Clients", () => {
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const pool = [];
  const found = [];
  for (let i = 0; i < 300; i++) {
    for (let k = rnd(4); k > 0; k--) pool.push(new Client({ accessKey: "AK", secretKey: "pool", regionCode: "r".repeat(1 + rnd(300)) }));
    for (let k = rnd(4); k > 0 && pool.length; k--) pool.splice(rnd(pool.length), 1)[0].free();
    const secret = "S" + Array.from({ length: 20 + rnd(60) }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[rnd(36)]).join("");
    const client = new Client({ accessKey: "AK", secretKey: secret });
    client.signRequest({ method: "GET", url: "https://h/x" });
    client.free();
    for (let at = 0; at + 12 <= secret.length; at++) {
      if (inMemory(secret.slice(at, at + 12))) {
        found.push(i);
        break;
      }
    }
  }
  for (const client of pool) client.free();
  assert.deepEqual(found, [], "rounds that left a piece of their secret in memory");
});
