// The secret key does not linger in the module's memory: the copies the
// module makes are wiped, and so is the stack the HMAC key setup used.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as glue from "../pkg/gen/ncloud_pg_backup.js";
import { Client, call, exportBackup, signRequest } from "../pkg/node.js";
import { readOptions } from "../pkg/gen/values.js";

glue.initSync({ module: readFileSync(new URL("../pkg/gen/ncloud_pg_backup_bg.wasm", import.meta.url)) }); // the instance pkg/node.js made
const memory = glue.__memory(); // the module's own export names are shortened (scripts/short-names.mjs)
const inMemory = (s) => Buffer.from(memory.buffer).toString("latin1").includes(s);
const answer = async () => new Response("{}");
// The JS buffer readOptions encodes the options into (js/values.js), reused by every call.
const shared = readOptions({})[0].buffer;
const inSharedBuffer = (s) => Buffer.from(shared).toString("latin1").includes(s);

test("no copy of the secret key is left in wasm memory or in the options' JS buffer after signing, a Client, or a call, whether it succeeds or fails", async () => {
  const export_ = { cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b", fetch: answer };
  const client = new Client({ accessKey: "AK", secretKey: "the client's own", fetch: answer });
  const calls = {
    Client: (secretKey) => new Client({ accessKey: "AK", secretKey }).free(),
    "Client refused": (secretKey) => assert.throws(() => new Client({ accessKey: "A K", secretKey })),
    signRequest: (secretKey) => signRequest({ method: "GET", url: "https://h/é", accessKey: "AK", secretKey }),
    "signRequest fast path": (secretKey) => signRequest({ method: "GET", url: "https://h/x", accessKey: "AK", secretKey, timestamp: 1 }),
    exportBackup: (secretKey) => exportBackup({ accessKey: "AK", secretKey, ...export_ }).catch(() => {}),
    // Refused before the options are read: the action, then the parameters.
    "call with no such action": (secretKey) => call("no such action", {}, { accessKey: "AK", secretKey }).catch(() => {}),
    "call with bad params": (secretKey) => call("getCloudPostgresqlInstanceList", { when: new Date() }, { accessKey: "AK", secretKey }).catch(() => {}),
    "Client call refused": (secretKey) => client.call("no such action", {}, { secretKey }).catch(() => {}),
  };
  for (const [name, run] of Object.entries(calls)) {
    const secret = `${name.replace(/\W/g, "")}-s3cr3t-${Math.random().toString(36).slice(2)}`;
    await run(secret);
    assert.equal(inMemory(secret), false, `${name} left the secret in memory`);
    assert.equal(inSharedBuffer(secret), false, `${name} left the secret in the options' buffer`);
  }
});

// The options reach the module as UTF-8 bytes (js/values.js readOptions).
// Passed as a string instead, one that is not all ASCII is copied in two
// steps, and when the second step moves the buffer, the first copy (the
// ASCII before the first other character, the secret among it) is freed
// unwiped; it takes a fragmented heap, so this makes one, with live Clients of
// assorted sizes, seeded: with the string, 8 of its 600 rounds left a
// 12-character piece of their secret behind.
test("no piece of the secret key is left behind in a fragmented heap, with a non-ASCII character after it", () => {
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const pool = [];
  const found = [];
  for (let i = 0; i < 600; i++) {
    for (let k = rnd(4); k > 0; k--) {
      pool.push(new Client({ accessKey: "AK", secretKey: "pool", endpoint: "https://h/" + "p".repeat(rnd(200)), regionCode: "r".repeat(1 + rnd(300)) }));
    }
    for (let k = rnd(4); k > 0 && pool.length; k--) pool.splice(rnd(pool.length), 1)[0].free();
    const secret = "S" + Array.from({ length: 20 + rnd(60) }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[rnd(36)]).join("");
    // timeoutMs 30000: one of its 8 bytes is over 0x7f, so the text is not all ASCII.
    const client = new Client({ accessKey: "AK", secretKey: secret, timeoutMs: 30000 });
    for (let at = 0; at + 12 <= secret.length; at++) {
      if (inMemory(secret.slice(at, at + 12))) {
        found.push(i);
        break;
      }
    }
    if (rnd(2)) client.free();
    else pool.push(client);
  }
  for (const client of pool) client.free();
  assert.deepEqual(found, [], "rounds that left a piece of their secret in memory");
});

test("a secret that turns out not to be ASCII leaves no prefix behind in the fast path's buffer", () => {
  const ascii = `prefix-s3cr3t-${Math.random().toString(36).slice(2)}`;
  signRequest({ method: "GET", url: "https://h/x", accessKey: "AK", secretKey: `${ascii}é`, timestamp: 1 });
  assert.equal(inMemory(ascii), false);
});
