// The secret key does not linger in the module's memory: the copies the
// module makes are wiped, and so is the stack the HMAC key setup used.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as glue from "../pkg/gen/ncloud_pg_backup.js";
import { readOptions } from "../pkg/gen/error.js";
import { run } from "../pkg/transport.js";
import { signRequest } from "../pkg/node.js";

glue.initSync({ module: readFileSync(new URL("../pkg/gen/ncloud_pg_backup_bg.wasm", import.meta.url)) });
const memory = glue.__memory(); // the module's own export names are shortened (scripts/short-names.mjs)
const inMemory = (s) => Buffer.from(memory.buffer).toString("latin1").includes(s);
/** Options as the package hands them to the module (pkg/api.js). */
const text = (opts) => readOptions(opts)[0];

test("no copy of the secret key is left in wasm memory after signing, a Client, or a call", async () => {
  const calls = {
    Client: (secretKey) => new glue.Client(text({ accessKey: "AK", secretKey })),
    signRequest: (secretKey) => glue.__signChecked(text({ method: "GET", url: "https://h/x", accessKey: "AK", secretKey })),
    "signRequest fast path": (secretKey) => signRequest({ method: "GET", url: "https://h/x", accessKey: "AK", secretKey, timestamp: 1 }),
    exportBackup: (secretKey) =>
      run(
        glue.__job("exportBackup", text({ accessKey: "AK", secretKey, cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" })),
        async () => new Response("{}"),
      ).catch(() => {}),
  };
  for (const [name, run] of Object.entries(calls)) {
    const secret = `${name.replace(/\W/g, "")}-s3cr3t-${Math.random().toString(36).slice(2)}`;
    await run(secret);
    assert.equal(inMemory(secret), false, `${name} left the secret in memory`);
  }
});

test("a secret that turns out not to be ASCII leaves no prefix behind in the fast path's buffer", () => {
  const ascii = `prefix-s3cr3t-${Math.random().toString(36).slice(2)}`;
  signRequest({ method: "GET", url: "https://h/x", accessKey: "AK", secretKey: `${ascii}é`, timestamp: 1 });
  assert.equal(inMemory(ascii), false);
});
