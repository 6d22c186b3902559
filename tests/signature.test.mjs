// The package's signatures checked against an independent signer (node:crypto)
// and against a vector computed with NCP's documented openssl recipe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { signRequest, exportBackup, Client } from "ncloud-pg-backup";

function reference(method, url, timestamp, accessKey, secretKey) {
  const u = new URL(url);
  const message = `${method} ${u.pathname}${u.search}\n${timestamp}\n${accessKey}`;
  return createHmac("sha256", secretKey).update(message, "utf8").digest("base64");
}

test("matches the vector made with NCP's openssl recipe (tests/vectors)", () => {
  const expected = readFileSync(new URL("./vectors/openssl-instance-list.txt", import.meta.url), "utf8").trim();
  const { headers } = signRequest({
    method: "GET",
    url: "https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList?responseFormatType=json",
    accessKey: "demo-access-key",
    secretKey: "demo-secret-key",
    timestamp: 1700000000000,
  });
  assert.equal(headers["x-ncp-apigw-signature-v2"], expected);
});

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const pieces = ["a", "Z", "0", " ", "+", "&", "=", "/", "#", "%", "?", "é", "백업", "😀", "~", "'", "(", "*", "%20", "%2B"];
const randomText = (n) => Array.from({ length: n }, () => pick(pieces)).join("");

test("signRequest equals node:crypto for 500 random requests (methods, paths, queries, keys)", () => {
  for (let i = 0; i < 500; i++) {
    const method = pick(["GET", "POST", "PUT", "DELETE", "PATCH"]);
    const url = `https://${pick(["ncloud.apigw.ntruss.com", "fin-ncloud.apigw.fin-ntruss.com", "127.0.0.1:8787"])}/` +
      `${encodeURIComponent(randomText(5))}/v2/${randomText(3)}?${randomText(8)}=${randomText(12)}&x=${encodeURIComponent(randomText(6))}`;
    const accessKey = randomBytes(10).toString("hex");
    const secretKey = "k" + randomText(i % 90); // across the 64-byte HMAC block boundary
    const timestamp = 1_600_000_000_000 + Math.floor(Math.random() * 1e11);
    if (url.split("#")[0].endsWith("?")) {
      // An empty query: runtimes disagree on sending "/x?" or "/x", so it is refused.
      assert.throws(() => signRequest({ method, url, accessKey, secretKey, timestamp }), (e) => e.option === "url", url);
      continue;
    }
    const { headers } = signRequest({ method, url, accessKey, secretKey, timestamp });
    assert.equal(headers["x-ncp-apigw-signature-v2"], reference(method, url, timestamp, accessKey, secretKey), url);
    assert.equal(headers["x-ncp-apigw-timestamp"], String(timestamp));
    assert.equal(headers["x-ncp-iam-access-key"], accessKey);
    const prepared = new Client({ accessKey, secretKey }).signRequest({ method, url, timestamp });
    assert.deepEqual(prepared.headers, headers, "prepared key signs the same");
  }
});

test("the request exportBackup sends carries a signature node:crypto agrees with", async () => {
  const sent = [];
  const secretKey = "s3cr3t-é";
  for (const method of ["GET", "POST"]) {
    await exportBackup({
      accessKey: "AK",
      secretKey,
      method,
      cloudPostgresqlInstanceNo: "1",
      fileName: "a b+c&d=e/f#g%h 백업",
      bucketName: "b",
      fetch: async (url, init) => {
        sent.push({ url, init });
        return new Response('{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}');
      },
    });
  }
  for (const { url, init } of sent) {
    const h = init.headers;
    const expected = reference(init.method, url, h["x-ncp-apigw-timestamp"], "AK", secretKey);
    assert.equal(h["x-ncp-apigw-signature-v2"], expected, url);
    assert.ok(Math.abs(Number(h["x-ncp-apigw-timestamp"]) - Date.now()) < 60_000, "timestamp is now");
  }
  assert.ok(sent[1].init.body.includes("fileName=a%20b%2Bc%26d%3De%2Ff%23g%25h%20%EB%B0%B1%EC%97%85"), "POST body encoding");
});

test("the fast path and the fully validated path give the same answer", () => {
  const urls = [
    "https://ncloud.apigw.ntruss.com/vpostgresql/v2/exportBackupToObjectStorage?fileName=a%20b&bucketName=x",
    "https://h.example/a b?q=é&r='x'", // re-escaped by the URL parser: not sliced
    "http://127.0.0.1:8787/a/../b?x=1", // dot segment: not sliced
    "https://h.example", // no path: "/"
  ];
  const client = new Client({ accessKey: "AK", secretKey: "SK" });
  for (const url of urls) {
    const input = { method: "GET", url, accessKey: "AK", secretKey: "SK", timestamp: 1700000000000 };
    // An extra key set to undefined is ignored, but takes the validated path.
    assert.deepEqual(signRequest(input), signRequest({ ...input, extra: undefined }), url);
    assert.equal(signRequest(input).headers["x-ncp-apigw-signature-v2"], reference("GET", url, 1700000000000, "AK", "SK"), url);
    const bound = { method: "GET", url, timestamp: 1700000000000 };
    assert.deepEqual(client.signRequest(bound), client.signRequest({ ...bound, extra: undefined }), url);
  }
  for (const bad of [
    { method: "GET", url: "https://h/x", accessKey: "A K", secretKey: "SK" },
    { method: "get", url: "https://h/x", accessKey: "AK", secretKey: "SK" },
    { method: "GET", url: "https://h/x\n", accessKey: "AK", secretKey: "SK" },
    { method: "GET", url: "https://h/x", accessKey: "AK", secretKey: "SK", timestamp: 1.5 },
    { method: "GET", url: "https://h/x", accessKey: "AK", secretKey: "" },
  ]) {
    assert.throws(() => signRequest(bad), (e) => e.name === "NcloudError" && e.kind === "invalid_options", JSON.stringify(bad));
  }
  assert.throws(() => client.signRequest({ method: "GET", url: "https://h/x", secretKey: "x" }), /set once on the Client/);

  // Only own enumerable properties count, on both paths (the wasm side reads Object.keys).
  const hidden = Object.defineProperty({ method: "GET", url: "https://h/x", accessKey: "AK" }, "secretKey", { value: "SK" });
  assert.throws(() => signRequest(hidden), (e) => e.option === "secretKey" && /required/.test(e.message));
  const hiddenTime = Object.defineProperty({ method: "GET", url: "https://h/x" }, "timestamp", { value: 5 });
  assert.notEqual(client.signRequest(hiddenTime).timestamp, 5);
  // -0 is 0 on both paths.
  const zero = { method: "GET", url: "https://h/x", accessKey: "AK", secretKey: "SK", timestamp: -0 };
  assert.ok(Object.is(signRequest(zero).timestamp, 0));
  assert.deepEqual(signRequest(zero), signRequest({ ...zero, extra: undefined }));
});
