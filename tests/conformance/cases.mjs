// What the built package must do in every runtime. The same cases run in
// Node (tests/node.test.mjs), headless Chromium (tests/browser.test.mjs) and
// workerd (tests/workerd.test.mjs), against the local NCP simulator, which
// checks every signature with its own node:crypto signer.
//
// Plain ES module, no Node APIs: `lib` is the package as the runtime imports
// it, and the simulator is driven through its /_sim/ endpoints with fetch.

const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
const PROD = "1234567"; // 3 backup files
const STAGING = "2345678"; // 1 backup file
const DEV = "3456789"; // no backup files
const REPORTS = "5678901"; // 2 backup files, the newer listed last
const ODD_FILE = "manual 2026/11/18 #1 a+b&c=d 100% 백업 (!*')";

function fail(message) {
  throw new Error(message);
}
function ok(cond, message) {
  if (!cond) fail(message);
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

/** Whether `error` is a stack overflow raised inside the module (its top frames are wasm's). */
const insideModule = (error) => error instanceof RangeError && /wasm-function/.test(error.stack || "");

/**
 * Calls `op` at ever deeper stacks until the stack runs out, up to `dives`
 * times or until three overflows were raised inside the module; returns how
 * many were. `op` throws, or returns a promise whose rejection is looked at
 * after the dive. An overflow inside the module unwinds its frames without
 * their clean-up, and one was enough to break it for good before it was
 * restarted (pkg/guard.js). tests/restart.test.mjs uses it too.
 */
export async function overflowsInside(op, dives = 60) {
  let inside = 0;
  for (let d = 0; d < dives && inside < 3; d++) {
    const pending = [];
    let caught;
    // Nothing but a store in the catch: anything more (reading error.stack)
    // would need stack there is none of. The error is looked at once unwound.
    const dive = () => {
      try {
        const p = op();
        if (typeof p?.then === "function") pending.push(p);
      } catch (e) {
        caught = e;
        return;
      }
      dive();
    };
    try {
      dive();
    } catch (e) {
      caught = e; // the dive's own frame ran out first
    }
    ok(caught instanceof RangeError, "the dive ends in a stack overflow, got " + caught);
    if (insideModule(caught)) inside++;
    for (const result of await Promise.allSettled(pending)) {
      if (result.status === "rejected" && insideModule(result.reason)) inside++;
    }
  }
  return inside;
}

/** Runs `fn`, expecting it to reject with an NcloudError; returns the error. */
async function rejects(lib, fn, kind) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  ok(err, `expected a rejection of kind ${kind}, but it resolved`);
  ok(err instanceof lib.NcloudError, `expected an NcloudError, got ${err && err.constructor && err.constructor.name}: ${err}`);
  ok(err instanceof Error, "NcloudError is an Error");
  eq(err.name, "NcloudError", "error name");
  eq(err.kind, kind, `error kind (message: ${err.message})`);
  ok(typeof err.message === "string" && err.message.length > 10, "message says what to fix");
  ok(!err.message.includes(KEYS.secretKey) && !JSON.stringify(err).includes(KEYS.secretKey), "secret never in errors");
  return err;
}

function sim(url) {
  const call = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
  return {
    url,
    reset: () => call("POST", "/_sim/reset"),
    inject: (fault) => call("POST", "/_sim/faults", fault),
    clearFaults: () => call("DELETE", "/_sim/faults"),
    // A browser adds CORS preflights (OPTIONS) of its own; only what the package sent counts.
    requests: async () => (await call("GET", "/_sim/requests")).requests.filter((r) => r.method !== "OPTIONS"),
    exports: async () => (await call("GET", "/_sim/exports")).exports,
  };
}

export const cases = {
  async "export: GET + JSON resolves to { requestId, returnCode, returnMessage, httpStatus } and reaches the bucket"({ lib, s, base }) {
    const r = await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(Object.keys(r).sort(), ["httpStatus", "requestId", "returnCode", "returnMessage"], "result keys");
    eq([r.returnCode, r.returnMessage, r.httpStatus], ["0", "success", 200], "result");
    const ev = await s.exports();
    eq(ev.length, 1, "export events");
    eq([ev[0].bucketName, ev[0].fileName, ev[0].cloudPostgresqlInstanceNo, ev[0].requestId], ["pg-backups", "20261120_030005", PROD, r.requestId], "event");
    const [req] = await s.requests();
    eq(req.method, "GET", "method");
    ok(req.target.startsWith("/vpostgresql/v2/exportBackupToObjectStorage?"), "target " + req.target);
    ok(req.target.endsWith("&responseFormatType=json"), "json asked for");
    eq(req.headers["x-ncp-iam-access-key"], KEYS.accessKey, "access key header");
    ok(/^\d{13}$/.test(req.headers["x-ncp-apigw-timestamp"]), "ms timestamp");
  },

  async "export: POST + XML gives the same result shape, form body, path-only signature"({ lib, s, base }) {
    const r = await lib.exportBackup({ ...base, method: "POST", responseFormatType: "xml", cloudPostgresqlInstanceNo: STAGING, fileName: "20261120_020003", bucketName: "archive-kr", regionCode: "KR" });
    eq([r.returnCode, r.returnMessage, r.httpStatus, typeof r.requestId], ["0", "success", 200, "string"], "result");
    const [req] = await s.requests();
    eq([req.method, req.target], ["POST", "/vpostgresql/v2/exportBackupToObjectStorage"], "request line");
    ok(req.headers["content-type"].startsWith("application/x-www-form-urlencoded"), "form content type");
    ok(req.body.startsWith("regionCode=KR&cloudPostgresqlInstanceNo=2345678&fileName=20261120_020003&bucketName=archive-kr"), "body " + req.body);
    ok(req.body.endsWith("responseFormatType=xml"), "xml asked for");
  },

  async "export: GET + XML and POST + JSON work too"({ lib, base }) {
    for (const [method, responseFormatType] of [["GET", "xml"], ["POST", "json"]]) {
      const r = await lib.exportBackup({ ...base, method, responseFormatType, cloudPostgresqlInstanceNo: PROD, fileName: "20261119_030004", bucketName: "pg-backups" });
      eq(r.returnCode, "0", `${method} ${responseFormatType}`);
    }
  },

  async "encoding: a file name with space + & = / # % non-ASCII and !*'() survives and verifies"({ lib, s, base }) {
    for (const method of ["GET", "POST"]) {
      await lib.exportBackup({ ...base, method, cloudPostgresqlInstanceNo: PROD, fileName: ODD_FILE, bucketName: "pg-backups" });
    }
    const ev = await s.exports();
    eq(ev.map((e) => e.fileName), [ODD_FILE, ODD_FILE], "file names as received");
    const [get] = await s.requests();
    ok(get.target.includes("fileName=manual%202026%2F11%2F18%20%231%20a%2Bb%26c%3Dd%20100%25%20%EB%B0%B1%EC%97%85%20%28%21%2A%27%29&"), "RFC 3986 encoding: " + get.target);
  },

  async "invalid_options: refused before anything is sent, naming the option"({ lib, s, base }) {
    const good = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "pg-backups" };
    const bad = [
      [{ ...good, fileName: undefined }, "fileName", /fileName is required/],
      [{ ...good, bucketName: "" }, "bucketName", /bucketName is empty/],
      [{ ...good, bucketNme: "x" }, "bucketNme", /did you mean bucketName\?/],
      [{ ...good, fileName: 42 }, "fileName", /must be a string, got a number/],
      [{ ...good, fileName: "a\r\nx-injected: 1" }, "fileName", /control character/],
      [{ ...good, secretKey: "x\ny" }, "secretKey", /control character/],
      [{ ...good, endpoint: "ftp://example.com" }, "endpoint", /http\(s\) URL/],
      [{ ...good, endpoint: "http://127.0.0.1:8787/x?y=1" }, "endpoint", /no query/],
      // Hosts of allowed characters that no URL parser takes, each after a good
      // call to another origin (the module remembers the last one that parsed).
      [{ ...good, endpoint: "http://256.0.0.1" }, "endpoint", /not a valid host name or IP address/],
      [{ ...good, endpoint: "http://[1:2]:8787" }, "endpoint", /not a valid host name or IP address/],
      [{ ...good, endpoint: "http://9999999999" }, "endpoint", /not a valid host name or IP address/],
      [{ ...good, endpoint: undefined, site: "moon" }, "site", /"public", "gov" or "fin"/],
      [{ ...good, method: "PUT" }, "method", /"GET" or "POST"/],
      [{ ...good, responseFormatType: "yaml" }, "responseFormatType", /"json" or "xml"/],
      [{ ...good, timeoutMs: -1 }, "timeoutMs", /whole number from 1/],
      [{ ...good, maxRetries: 1.5 }, "maxRetries", /whole number/],
      [{ ...good, signal: {} }, "signal", /AbortSignal/],
      [{ ...good, fetch: "no" }, "fetch", /function/],
      [{ ...good, accessKey: undefined }, "accessKey", /accessKey is required/],
    ];
    const answer = '{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}';
    const fetch = async () => new Response(answer);
    for (const [opts, option, pattern] of bad) {
      await lib.exportBackup({ ...good, endpoint: "http://127.0.0.2:9", fetch }); // a good origin checked last
      const e = await rejects(lib, () => lib.exportBackup(opts), "invalid_options");
      eq(e.option, option, "option at fault for " + pattern);
      ok(pattern.test(e.message), `message ${JSON.stringify(e.message)} should match ${pattern}`);
      eq(e.attempts, 0, "attempts");
    }
    // The same bad host twice, and in a Client's config.
    await rejects(lib, () => lib.exportBackup({ ...good, endpoint: "http://256.0.0.1" }), "invalid_options");
    let thrown;
    try {
      new lib.Client({ ...KEYS, endpoint: "http://256.0.0.1:8787" });
    } catch (x) {
      thrown = x;
    }
    ok(thrown instanceof lib.NcloudError && thrown.option === "endpoint", "new Client refuses the host, got " + thrown);
    // Odd hosts are taken when, and only when, the runtime's URL parser (fetch's) takes them.
    const odd = ["http://[::1]:9", "http://1.2.3:9", "http://0x7f.1:9", "http://xn--bcher-kva.example", "http://xn--a.example", "http://a.b.:9"];
    for (const endpoint of odd) {
      let parses = true;
      try {
        new URL(endpoint);
      } catch {
        parses = false;
      }
      const outcome = await lib.exportBackup({ ...good, endpoint, fetch }).then((r) => r.requestId, (e) => e.option);
      eq(outcome, parses ? "r" : "endpoint", endpoint);
    }
    for (const notAnObject of [undefined, null, "opts", 42, [good]]) {
      const e = await rejects(lib, () => lib.exportBackup(notAnObject), "invalid_options");
      ok(/takes one options object/.test(e.message), e.message);
    }
    eq((await s.requests()).length, 0, "nothing was sent");
  },

  async "invalid_options: an object with thousands of keys is refused by its first unknown name, reading no more"({ lib, s, base }) {
    // Each value a 4096-character string behind a getter: the count says how
    // many the module copied. It used to copy every one before checking a
    // name, and an object like this one could fill the module's memory.
    let reads = 0;
    const many = (known) => {
      const o = { ...known };
      for (let i = 0; i < 20000; i++) {
        Object.defineProperty(o, "k" + i, { enumerable: true, get: () => (reads++, "x".repeat(4096)) });
      }
      return o;
    };
    const e = await rejects(lib, () => lib.exportBackup(many({ ...base, cloudPostgresqlInstanceNo: PROD })), "invalid_options");
    eq(e.option, "k0", "the first unknown name");
    let thrown;
    try {
      new lib.Client(many(KEYS));
    } catch (x) {
      thrown = x;
    }
    ok(thrown instanceof lib.NcloudError && thrown.option === "k0", "new Client refuses k0, got " + thrown);
    try {
      lib.signRequest(many({ method: "GET", url: base.endpoint + "/x", ...KEYS }));
    } catch (x) {
      thrown = x;
    }
    ok(thrown instanceof lib.NcloudError && thrown.option === "k0", "signRequest refuses k0, got " + thrown);
    ok(reads <= 3 * 64, `${reads} of 60000 values read`);
    eq((await s.requests()).length, 0, "nothing was sent");
  },

  async "auth: a wrong secret is a 401 auth error with NCP's code, not retried"({ lib, base }) {
    const e = await rejects(lib, () => lib.exportBackup({ ...base, secretKey: "wrong-secret", cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }), "auth");
    eq([e.status, e.code, e.attempts, e.retryable], [401, "200", 1, false], "auth error fields");
    ok(/matching pair/.test(e.message), e.message);
    ok(!e.message.includes("wrong-secret"), "the given secret is not echoed");
  },

  async "auth: a clock 10 minutes off fails; clockOffsetMs corrects it; timestamp is used as given"({ lib, s, base }) {
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" };
    await rejects(lib, () => lib.exportBackup({ ...opts, clockOffsetMs: -600000 }), "auth");
    const fixed = Date.now() - 60000;
    await lib.exportBackup({ ...opts, timestamp: fixed });
    const reqs = await s.requests();
    eq(reqs[1].headers["x-ncp-apigw-timestamp"], String(fixed), "fixed timestamp sent");
  },

  async "permission, not_found, throttled, gateway: each gateway error maps to its kind"({ lib, s, base }) {
    const opts = { ...base, maxRetries: 0, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    await s.inject({ type: "permission" });
    let e = await rejects(lib, () => lib.exportBackup(opts), "permission");
    eq([e.status, e.code], [401, "210"], "permission");
    e = await rejects(lib, () => lib.call("getNoSuchThing", {}, { ...base, maxRetries: 0 }), "not_found");
    eq([e.status, e.code], [404, "300"], "not_found");
    for (const [type, code] of [["throttle", "410"], ["quota", "400"], ["rate", "420"]]) {
      await s.inject({ type });
      e = await rejects(lib, () => lib.exportBackup(opts), "throttled");
      eq([e.status, e.code, e.retryable], [429, code, true], type);
    }
    await s.inject({ type: "unavailable" });
    e = await rejects(lib, () => lib.exportBackup(opts), "gateway");
    eq([e.status, e.code, e.retryable], [503, "500", true], "unavailable");
    // A 429 in no shape of NCP's (a proxy's page) is throttled too, and retried.
    await s.inject({ type: "status", status: 429, body: "<html><body>Too Many Requests</body></html>", contentType: "text/html", times: 2 });
    e = await rejects(lib, () => lib.exportBackup({ ...opts, maxRetries: 1 }), "throttled");
    eq([e.status, e.code, e.retryable, e.attempts], [429, undefined, true, 2], "a proxy's 429");
  },

  async "retries: 429 then 503 then success, each attempt signed afresh"({ lib, s, base }) {
    await s.inject([{ type: "throttle" }, { type: "unavailable" }]);
    const r = await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(r.returnCode, "0", "success after retries");
    const reqs = await s.requests();
    eq(reqs.length, 3, "three attempts");
    const sigs = new Set(reqs.map((q) => q.headers["x-ncp-apigw-timestamp"] + q.headers["x-ncp-apigw-signature-v2"]));
    eq(sigs.size, 3, "distinct timestamp+signature per attempt");
  },

  async "retries: the server's Retry-After is honoured"({ lib, s, base }) {
    await s.inject({ type: "throttle", headers: { "retry-after": "1" } });
    const r = await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(r.returnCode, "0", "success after the wait");
    const [first, second] = await s.requests();
    const waited = Date.parse(second.receivedAt) - Date.parse(first.receivedAt);
    ok(waited >= 900, `waited ${waited} ms, the server asked for 1000`);
    // The other form RFC 9110 allows: an HTTP date (whole seconds, so 2.5 s from now is 1.5–2.5 s away).
    await s.reset();
    await s.inject({ type: "throttle", headers: { "retry-after": new Date(Date.now() + 2500).toUTCString() } });
    const r2 = await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(r2.returnCode, "0", "success after the wait");
    const [a, b] = await s.requests();
    const dated = Date.parse(b.receivedAt) - Date.parse(a.receivedAt);
    ok(dated >= 1000, `waited ${dated} ms, the server asked until a date at least 1.5 s away`);
  },

  async "retries: gives up after maxRetries with attempts counted"({ lib, s, base }) {
    await s.inject({ type: "throttle", times: 5 });
    const e = await rejects(lib, () => lib.exportBackup({ ...base, maxRetries: 1, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }), "throttled");
    eq([e.attempts, e.retryable], [2, true], "attempts");
    eq((await s.requests()).length, 2, "requests sent");
  },

  async "no retry of what may have reached the service: 504, 500, reset, timeout"({ lib, s, base }) {
    const opts = { ...base, timeoutMs: 300, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" };
    await s.inject({ type: "gateway-timeout" });
    let e = await rejects(lib, () => lib.exportBackup(opts), "gateway");
    eq([e.status, e.code, e.attempts, e.retryable], [504, "510", 1, false], "504");
    await s.inject({ type: "service-error", status: 500 });
    e = await rejects(lib, () => lib.exportBackup(opts), "service");
    eq([e.status, e.code, e.attempts], [500, "5001999", 1], "500");
    eq((await s.requests()).length, 2, "504 and 500 sent once each");
    // Chromium itself re-sends a request whose reused keep-alive connection was
    // reset, once; two resets in a row make the failure reach the package.
    await s.inject({ type: "reset", times: 2 });
    e = await rejects(lib, () => lib.exportBackup(opts), "network");
    eq(e.attempts, 1, "reset not retried by the package");
    await s.reset();
    await s.inject({ type: "delay", delayMs: 1500 });
    e = await rejects(lib, () => lib.exportBackup(opts), "timeout");
    eq([e.attempts, e.status], [1, undefined], "timeout");
    ok(/timeoutMs/.test(e.message), e.message);
    eq((await s.requests()).length, 1, "timeout sent once");
  },

  async "retryUnsafe: opts in to retrying a reset connection"({ lib, s, base }) {
    await s.inject({ type: "reset", times: 2 }); // two: see the browser note above
    const r = await lib.exportBackup({ ...base, retryUnsafe: true, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(r.returnCode, "0", "a later attempt succeeded");
    ok((await s.requests()).length >= 3, "retried after the resets");
  },

  async "service: unknown instance is 5001017 in JSON and XML; missing file and bucket too"({ lib, base }) {
    for (const responseFormatType of ["json", "xml"]) {
      const e = await rejects(lib, () => lib.exportBackup({ ...base, responseFormatType, cloudPostgresqlInstanceNo: "999", fileName: "f", bucketName: "pg-backups" }), "service");
      eq([e.status, e.code, e.attempts], [400, "5001017", 1], responseFormatType);
      ok(/listInstances\(\)/.test(e.message), e.message);
    }
    let e = await rejects(lib, () => lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "nope", bucketName: "pg-backups" }), "service");
    eq(e.code, "5001101", "unknown file");
    e = await rejects(lib, () => lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "nope" }), "service");
    eq(e.code, "5001102", "unknown bucket");
  },

  async "bad_response: HTML, truncated, empty and huge bodies give bad_response with the status"({ lib, s, base }) {
    const opts = { ...base, maxRetries: 0, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" };
    for (const [fault, status] of [[{ type: "html" }, 502], [{ type: "truncated" }, 200], [{ type: "empty" }, 200], [{ type: "huge", size: 17 * 1024 * 1024 }, 200], [{ type: "status", status: 200, body: "<r><unclosed></r>" }, 200]]) {
      await s.inject(fault);
      const e = await rejects(lib, () => lib.exportBackup(opts), "bad_response");
      eq(e.status, status, fault.type);
      if (fault.type === "huge") ok(e.message.includes("over 16 MiB"), `refused by its size: ${e.message}`);
    }
  },

  async "bad_response: another action's answer or one without a returnCode is no success; __proto__ fields are left out"({ lib, base }) {
    const answer = (body, status = 200, retryAfter = null) => async () => ({
      status,
      headers: { get: (name) => (name === "retry-after" ? retryAfter : null) },
      text: async () => body,
    });
    const exportOpts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    const buckets = '{"getCloudPostgresqlBucketListResponse":{"requestId":"list","returnCode":"0","returnMessage":"success"}}';
    for (const body of [buckets, '{"exportBackupToObjectStorageResponse":{}}', '{"exportBackupToObjectStorageResponse":{"returnCode":true}}']) {
      const e = await rejects(lib, () => lib.exportBackup({ ...exportOpts, fetch: answer(body) }), "bad_response");
      eq(e.status, 200, "status kept");
    }
    eq((await lib.call("anything", {}, { ...base, fetch: answer(buckets) })).requestId, "list", "call() takes any *Response");

    // A relay's "__proto__" field must not become the result's prototype, in JSON or XML.
    const planted = '{"getCloudPostgresqlBucketListResponse":{"returnCode":"0","__proto__":{"injected":"yes"},' +
      '"cloudPostgresqlBucketList":[{"bucketName":"b","__proto__":{"owner":"attacker"}}]}}';
    const r = await lib.call("getCloudPostgresqlBucketList", {}, { ...base, fetch: answer(planted) });
    ok(Object.getPrototypeOf(r) === Object.prototype && !("injected" in r), "no planted prototype on call()'s result");
    const xml = "<getCloudPostgresqlBucketListResponse><returnCode>0</returnCode><totalRows>1</totalRows><cloudPostgresqlBucketList>" +
      "<bucket><bucketName>b</bucketName><__proto__><owner>attacker</owner></__proto__></bucket></cloudPostgresqlBucketList></getCloudPostgresqlBucketListResponse>";
    for (const [body, format] of [[planted, "json"], [xml, "xml"]]) {
      const { buckets: [item] } = await lib.listBuckets({ ...base, responseFormatType: format, fetch: answer(body) });
      ok(Object.getPrototypeOf(item) === Object.prototype && !("owner" in item) && item.bucketName === "b", `no planted prototype (${format})`);
    }

    // A large answer that parses is read, whatever its characters (3 MiB of "é"
    // once counted as over the reading budget and was called unparseable).
    const big = `{"getCloudPostgresqlBucketListResponse":{"returnCode":"0","note":"${"é".repeat(3 * 1024 * 1024)}"}}`;
    eq((await lib.call("getCloudPostgresqlBucketList", {}, { ...base, fetch: answer(big) })).note.length, 3 * 1024 * 1024, "big answer read");

    // A Retry-After too large for any integer still ends the retries.
    const throttled = '{"error":{"errorCode":"410","message":"Throttle Limited"}}';
    for (const after of ["4294967296", "99999999999999999999", new Date(Date.now() + 3_600_000).toUTCString()]) {
      const e = await rejects(lib, () => lib.exportBackup({ ...exportOpts, fetch: answer(throttled, 429, after) }), "throttled");
      eq(e.attempts, 1, `no retry after Retry-After: ${after}`);
    }
  },

  async "bad_response: JSON is read with or without a byte order mark and white space before it; what does not parse says so"({ lib, base }) {
    // A body that starts with "{" is parsed where its text is (js/values.js);
    // any other is read from its text, which trims a byte order mark and
    // ASCII white space first (form feed too, which JSON.parse alone refuses).
    const answer = (body) => async () => ({ status: 200, headers: { get: () => null }, text: async () => body });
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    const json = '{"exportBackupToObjectStorageResponse":{"requestId":"q","returnCode":"0","returnMessage":"success"}}';
    for (const body of [json, `${json} \n`, `\ufeff${json}`, `\ufeff\ufeff \r\n\t${json}`, `\f${json}`]) {
      eq(await lib.exportBackup({ ...opts, fetch: answer(body) }), { requestId: "q", returnCode: "0", returnMessage: "success", httpStatus: 200 }, JSON.stringify(body.slice(0, 8)));
    }
    for (const [body, what] of [
      ['{"exportBackupToObjectStorageResponse":{"returnCode":"0"', "JSON that does not parse"],
      [` ${json}x`, "JSON that does not parse"],
      [`${json}\u00a0`, "JSON that does not parse"], // JSON's white space is ASCII
      ["[1, 2]", "a JSON value that is not an object"],
      ["5", "a body that is neither JSON nor XML"],
      ["null", "a body that is neither JSON nor XML"],
      [`\n\ufeff${json}`, "a body that is neither JSON nor XML"], // a byte order mark comes first or not at all
    ]) {
      const e = await rejects(lib, () => lib.exportBackup({ ...opts, fetch: answer(body) }), "bad_response");
      ok(e.message.includes(what), `${JSON.stringify(body.slice(0, 12))}: ${e.message}`);
    }
    // Lone surrogates read as U+FFFD, in keys too: these two keys are one, and the last value wins.
    const twins = '{"x\ud800Response":{"returnCode":"0","a":1},"x\udc00Response":{"returnCode":"0","a":2}}';
    eq(await lib.call("getX", {}, { ...base, fetch: answer(twins) }), { returnCode: "0", a: 2 }, "keys with lone surrogates");
  },

  async "aborted: an aborted signal stops the call; pre-aborted sends nothing"({ lib, s, base }) {
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" };
    await s.inject({ type: "delay", delayMs: 1500 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    let e = await rejects(lib, () => lib.exportBackup({ ...opts, signal: ac.signal }), "aborted");
    eq(e.attempts, 1, "one attempt");
    e = await rejects(lib, () => lib.exportBackup({ ...opts, signal: ac.signal }), "aborted");
    eq(e.attempts, 0, "pre-aborted: nothing sent");
    // Abort during the backoff wait between retries.
    await s.inject({ type: "throttle", times: 3 });
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 50);
    e = await rejects(lib, () => lib.exportBackup({ ...opts, signal: ac2.signal, maxRetries: 10 }), "aborted");
    ok(e.attempts >= 1 && e.attempts <= 3, "stopped during backoff");
  },

  async "an answer, a redirect or a fetch error that repeats the secret: the error hides it, and drops the runtime's error"({ lib, base }) {
    const secret = KEYS.secretKey;
    const answer = (body, status, headers = {}) => async () => new Response(body, { status, headers: { "content-type": "application/json", ...headers } });
    const export_ = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    const find = { ...KEYS, storageEndpoint: base.endpoint, bucketName: "b", fileName: "f" };
    const tried = [
      ["the gateway's details", export_, answer(JSON.stringify({ error: { errorCode: "200", message: "Authentication Failed", details: `bad ${secret}` } }), 401)],
      ["the service's returnMessage", export_, answer(JSON.stringify({ responseError: { returnCode: secret, returnMessage: `no ${secret} here` } }), 400)],
      ["a redirect's Location", export_, answer("", 302, { location: `https://elsewhere.example/?k=${secret}` })],
      ["the error a fetch throws", export_, async () => { throw new Error(`proxy refused ${secret}`); }],
      ["a long returnMessage, cut where the secret is", export_, answer(JSON.stringify({ responseError: { returnCode: "1", returnMessage: `${"x".repeat(290)}${secret} and more` } }), 400)],
      ["a string a fetch throws", export_, async () => { throw `refused ${secret}`; }],
      ["a fetch error's long message", export_, async () => { throw new Error(`${"y".repeat(600)}${secret}`); }],
      ["Object Storage's Message", find, answer(`<Error><Code>AccessDenied</Code><Message>bad ${secret}</Message></Error>`, 403, { "content-type": "application/xml" })],
    ];
    for (const [what, opts, fetch] of tried) {
      const f = opts === find ? lib.findExportedObject : lib.exportBackup;
      const e = await f({ ...opts, maxRetries: 0, fetch }).then(() => fail(`${what}: resolved`), (e) => e);
      ok(e instanceof lib.NcloudError, `${what}: an NcloudError (${e})`);
      const shown = [e.message, JSON.stringify(e), String(e.code), String(e.cause)].join(" ");
      ok(!shown.includes(secret), `${what}: the secret is shown: ${shown}`);
      ok(!shown.includes(secret.slice(0, 8)), `${what}: part of the secret is shown: ${shown}`);
      ok(e.message.includes("[secret]") || e.code === "[secret]" || /failed: network error$/.test(e.message), `${what}: the message marks what was hidden, or quotes nothing: ${e.message}`);
      eq(e.cause, undefined, `${what}: the runtime's error`);
    }
    // A message built from an option's value: the secret given as fileName by mistake.
    for (const wait of [lib.waitForExport, (o) => new lib.Client(KEYS).waitForExport(o)]) {
      const e = await wait({ ...(wait === lib.waitForExport ? KEYS : {}), storageEndpoint: base.endpoint, bucketName: "pg-backups", fileName: secret, timeoutMs: 300, intervalMs: 100 }).then(
        () => fail("the wait resolved"),
        (e) => e,
      );
      ok(e instanceof lib.NcloudError && e.kind === "timeout", `a timeout: ${e}`);
      ok(!JSON.stringify(e).includes(secret) && e.message.includes("no object naming [secret] appeared"), e.message);
    }
  },

  async "network: an unreachable endpoint is a network error"({ lib, base }) {
    const e = await rejects(lib, () => lib.exportBackup({ ...base, endpoint: "http://127.0.0.1:9", cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }), "network");
    eq([e.attempts, e.status], [1, undefined], "network error fields");
  },

  async "fetch option: the given fetch sends the request"({ lib, base }) {
    const seen = [];
    const r = await lib.exportBackup({
      ...base,
      cloudPostgresqlInstanceNo: PROD,
      fileName: "20261120_030005",
      bucketName: "pg-backups",
      fetch: (url, init) => {
        seen.push([init.method, url, Object.keys(init.headers).sort().join(",")]);
        return fetch(url, init);
      },
    });
    eq(r.returnCode, "0", "result");
    eq(seen.length, 1, "custom fetch used once");
    eq(seen[0][2], "x-ncp-apigw-signature-v2,x-ncp-apigw-timestamp,x-ncp-iam-access-key", "headers");
  },

  async "lists: instances, backups, files and buckets in JSON and XML give the same objects"({ lib, base }) {
    for (const [fn, opts, field, count] of [
      ["listInstances", {}, "instances", 4],
      ["listBackups", {}, "backups", 3],
      ["listBackupFiles", { cloudPostgresqlInstanceNo: PROD }, "files", 3],
      ["listBuckets", {}, "buckets", 3],
    ]) {
      const j = await lib[fn]({ ...base, ...opts });
      const x = await lib[fn]({ ...base, ...opts, responseFormatType: "xml", method: "POST" });
      eq(Object.keys(j).sort(), ["requestId", field, "totalRows"].sort(), fn + " keys");
      eq([j.totalRows, j[field].length], [count, count], fn + " counts");
      eq(x[field], j[field], fn + " XML equals JSON");
    }
    const files = (await lib.listBackupFiles({ ...base, responseFormatType: "xml", cloudPostgresqlInstanceNo: PROD })).files;
    for (const f of files) {
      for (const k of ["backupSize", "dataStorageSize", "archivedWalFileSize"]) ok(typeof f[k] === "number", `${k} is a number`);
    }
    const inst = (await lib.listInstances({ ...base, responseFormatType: "xml" })).instances[0];
    ok(typeof inst.isHa === "boolean" && Array.isArray(inst.cloudPostgresqlServerInstanceList), "flags and nested lists");
    ok(typeof inst.cloudPostgresqlServerInstanceList[0].cpuCount === "number", "nested counts are numbers");
  },

  async "lists: listInstances' filters reach NCP, and its list filters go through call()"({ lib, base }) {
    const nos = async (opts) => (await lib.listInstances({ ...base, ...opts })).instances.map((i) => i.cloudPostgresqlInstanceNo);
    eq(await nos({ zoneCode: "KR-1" }), [STAGING, DEV], "zoneCode");
    eq(await nos({ vpcNo: "21001", subnetNo: "41002" }), [PROD], "vpcNo and subnetNo");
    eq(await nos({ cloudPostgresqlServiceName: "pg-dev", responseFormatType: "xml" }), [DEV], "cloudPostgresqlServiceName, XML");
    eq(await nos({ cloudPostgresqlServerName: "pg-staging-001-8f01", method: "POST" }), [STAGING], "cloudPostgresqlServerName, POST");
    const r = await lib.call("getCloudPostgresqlInstanceList", { cloudPostgresqlServerInstanceNoList: ["1234569", "3456790"] }, base);
    eq(r.cloudPostgresqlInstanceList.map((i) => i.cloudPostgresqlInstanceNo), [PROD, DEV], "call() with a list filter");
    const e = await rejects(lib, () => lib.listInstances({ ...base, cloudPostgresqlServerInstanceNoList: ["1234569"] }), "invalid_options");
    eq(e.option, "cloudPostgresqlServerInstanceNoList", "a list filter given to listInstances is named");
  },

  async "lists: empty and one-item XML lists are arrays"({ lib, base }) {
    for (const responseFormatType of ["xml", "json"]) {
      const none = await lib.listBackupFiles({ ...base, responseFormatType, cloudPostgresqlInstanceNo: DEV });
      eq([none.totalRows, none.files], [0, []], "empty " + responseFormatType);
      const one = await lib.listBackupFiles({ ...base, responseFormatType, cloudPostgresqlInstanceNo: STAGING });
      ok(Array.isArray(one.files) && one.files.length === 1, "one item is a one-item array in " + responseFormatType);
      eq(one.files[0].fileName, "20261120_020003", "the item");
    }
  },

  async "lists: pageNo/pageSize pass through; allPages collects every page"({ lib, s, base }) {
    const page2 = await lib.listBackupFiles({ ...base, cloudPostgresqlInstanceNo: PROD, pageNo: 2, pageSize: 1 });
    eq([page2.totalRows, page2.files.length, page2.files[0].fileName], [3, 1, "20261119_030004"], "page 2");
    ok((await s.requests())[0].target.includes("&pageNo=2&pageSize=1&"), "paging sent");
    const all = await lib.listBackupFiles({ ...base, cloudPostgresqlInstanceNo: PROD, pageSize: 1, allPages: true, responseFormatType: "xml" });
    eq([all.totalRows, all.files.map((f) => f.fileName)], [3, ["20261120_030005", "20261119_030004", ODD_FILE]], "all pages");
    eq((await s.requests()).length, 4, "one request per page");
    // pageNo 0 is NCP's first page, as 1 is: each page once.
    const fromZero = await lib.listBackupFiles({ ...base, cloudPostgresqlInstanceNo: PROD, pageNo: 0, pageSize: 2, allPages: true });
    eq(fromZero.files.map((f) => f.fileName), ["20261120_030005", "20261119_030004", ODD_FILE], "all pages from pageNo 0");
  },

  async "call: any action, list parameters encoded as NCP does, unwrapped response"({ lib, s, base }) {
    const r = await lib.call("getCloudPostgresqlInstanceList", { cloudPostgresqlInstanceNoList: [STAGING], pageNo: 1, pageSize: 10 }, base);
    eq([r.returnCode, r.totalRows, r.cloudPostgresqlInstanceList.length], ["0", 1, 1], "unwrapped");
    eq(r.cloudPostgresqlInstanceList[0].cloudPostgresqlInstanceNo, STAGING, "filtered");
    ok((await s.requests())[0].target.includes("cloudPostgresqlInstanceNoList.1=2345678"), "name.1 encoding");
    const e = await rejects(lib, () => lib.call("../etc", {}, base), "invalid_options");
    eq(e.option, "action", "bad action name");
  },

  async "signRequest: headers the simulator accepts, for a URL the caller sends itself"({ lib, s }) {
    const url = s.url + "/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json&x=a%20b";
    const { headers, timestamp } = lib.signRequest({ method: "GET", url, ...KEYS });
    eq(Object.keys(headers).sort(), ["x-ncp-apigw-signature-v2", "x-ncp-apigw-timestamp", "x-ncp-iam-access-key"], "header names");
    eq(headers["x-ncp-apigw-timestamp"], String(timestamp), "timestamp");
    const res = await fetch(url, { headers });
    eq(res.status, 200, "accepted");
    let thrown;
    try {
      lib.signRequest({ method: "GET", url: "not a url", ...KEYS });
    } catch (e) {
      thrown = e;
    }
    ok(thrown instanceof lib.NcloudError && thrown.kind === "invalid_options" && thrown.option === "url", "bad url throws synchronously");
    // An empty query is refused (runtimes disagree on sending "/x?"), also
    // behind the spaces a URL parser strips from the end.
    for (const end of ["?", "? ", "?   ", "?#f"]) {
      thrown = undefined;
      try {
        lib.signRequest({ method: "GET", url: s.url + "/x" + end, ...KEYS });
      } catch (e) {
        thrown = e;
      }
      ok(thrown?.option === "url" && /empty query/.test(thrown.message), `url ending in ${JSON.stringify(end)}: ${thrown}`);
    }
  },

  async "Client: credentials once, same methods, secret never shown"({ lib, s }) {
    const client = new lib.Client({ ...KEYS, endpoint: s.url, maxRetries: 0 });
    const list = await client.listInstances();
    eq(list.instances.length, 4, "listInstances");
    const files = await client.listBackupFiles({ cloudPostgresqlInstanceNo: PROD, responseFormatType: "xml" });
    const r = await client.exportBackup({ cloudPostgresqlInstanceNo: PROD, fileName: files.files[0].fileName, bucketName: "pg-backups" });
    eq(r.returnCode, "0", "export via client");
    eq((await client.call("getCloudPostgresqlBucketList")).cloudPostgresqlBucketList.length, 3, "call via client");
    const url = s.url + "/vpostgresql/v2/getCloudPostgresqlBucketList?responseFormatType=json";
    const signed = client.signRequest({ method: "GET", url, timestamp: 1700000000000 });
    eq(signed.headers, lib.signRequest({ method: "GET", url, timestamp: 1700000000000, ...KEYS }).headers, "Client#signRequest = signRequest");
    eq((await fetch(url, { headers: client.signRequest({ method: "GET", url }).headers })).status, 200, "accepted");
    for (const shown of [JSON.stringify(client), String(client), `${client}`]) {
      ok(!shown.includes(KEYS.secretKey), "secret not shown: " + shown);
      ok(shown.includes(KEYS.accessKey), "access key shown: " + shown);
    }
    eq(JSON.parse(JSON.stringify(client)), { accessKey: KEYS.accessKey, endpoint: s.url, secretKey: "<hidden>" }, "toJSON");
    const e = await rejects(lib, () => client.exportBackup({ secretKey: "x", cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }), "invalid_options");
    ok(/set once on the Client/.test(e.message), e.message);
    let thrown;
    try {
      new lib.Client({ accessKey: "only-access" });
    } catch (err) {
      thrown = err;
    }
    ok(thrown instanceof lib.NcloudError && thrown.option === "secretKey", "constructor validates");
    // The Client's clockOffsetMs applies to its signRequest as to its calls,
    // on the fast path (ASCII URL) and the validated one (not ASCII); a call's own wins.
    const hour = 3_600_000;
    const late = new lib.Client({ ...KEYS, endpoint: s.url, clockOffsetMs: hour });
    for (const u of [url, s.url + "/é"]) {
      const before = Date.now();
      const t = late.signRequest({ method: "GET", url: u }).timestamp;
      ok(t >= before + hour && t <= Date.now() + hour, `the Client's offset for ${u}: ${t - before}`);
      const own = late.signRequest({ method: "GET", url: u, clockOffsetMs: 0 }).timestamp;
      ok(Math.abs(own - Date.now()) < hour / 2, `the call's offset wins for ${u}`);
      eq(late.signRequest({ method: "GET", url: u, timestamp: 5 }).timestamp, 5, "a timestamp as given");
    }
    late.free();
  },

  async "options are read when the call is made: changing the object afterwards changes nothing"({ lib, s, base }) {
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" };
    const calls = [];
    for (const fileName of ["20261120_030005", "20261119_030004", ODD_FILE]) {
      opts.fileName = fileName;
      calls.push(lib.exportBackup(opts));
    }
    const client = new lib.Client(KEYS);
    const bound = { endpoint: s.url, cloudPostgresqlInstanceNo: STAGING, fileName: "20261120_020003", bucketName: "archive-kr" };
    calls.push(client.exportBackup(bound));
    bound.fileName = "changed later";
    await Promise.all(calls);
    eq((await s.exports()).map((e) => e.fileName).sort(), ["20261119_030004", "20261120_020003", "20261120_030005", ODD_FILE].sort(), "each call exported its own file");
  },

  async "a fetch that ignores its signal still times out, and still aborts"({ lib, base }) {
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b", timeoutMs: 150 };
    const never = () => new Promise(() => {});
    let e = await rejects(lib, () => lib.exportBackup({ ...opts, fetch: never }), "timeout");
    eq(e.attempts, 1, "timeout attempts");
    const hangingBody = async () => ({ status: 200, text: never });
    await rejects(lib, () => lib.exportBackup({ ...opts, fetch: hangingBody }), "timeout");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    e = await rejects(lib, () => lib.exportBackup({ ...opts, timeoutMs: 60000, signal: ac.signal, fetch: never }), "aborted");
  },

  // Options cross into the module as one text (readOptions in js/values.js,
  // read back by src/js/convert.rs): each name and value must arrive whole,
  // whatever its characters, and each getter run once.
  async "options reach the module as given: any characters, exact numbers, each getter once, at most 64 options"({ lib, s, base }) {
    let reads = 0;
    const sent = [];
    const answer = '{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}';
    const fetch = async (url) => (sent.push(new URL(url).searchParams.get("fileName")), new Response(answer));
    const fileName = "백업 😀 é\u{10FFFF} " + ODD_FILE;
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD, bucketName: "pg-backups", timeoutMs: 12345, maxRetries: 0, fetch };
    Object.defineProperty(opts, "fileName", { enumerable: true, get: () => (reads++, fileName) });
    await lib.exportBackup({ ...opts, regionCode: null, zoneCode: undefined }); // null and undefined: not given
    eq(sent, [fileName], "the file name sent, 2-, 3- and 4-byte characters and all");
    eq(reads, 1, "the getter ran once");
    sent.length = 0;
    // A name that ends in half a surrogate pair, its value the other half: two
    // lone surrogates, each U+FFFD, never joined into one character.
    let e = await rejects(lib, () => lib.exportBackup({ ...opts, ["x\uD83D"]: "\uDE00" }), "invalid_options");
    eq(e.option, "x\uFFFD", "the name, as far as it goes");
    e = await rejects(lib, () => lib.exportBackup({ ...opts, ["백업😀"]: 1 }), "invalid_options");
    eq(e.option, "백업😀", "a name of many-byte characters");
    e = await rejects(lib, () => lib.exportBackup({ ...opts, ["n".repeat(201)]: 1 }), "invalid_options");
    ok(e.option === "(a name too long to show)", e.message);
    // A secret key put where a name goes is not echoed (NCP's are 40 characters).
    const secretAsName = "Z9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF9eD8cB7aA";
    e = await rejects(lib, () => lib.exportBackup({ ...opts, [secretAsName]: 1 }), "invalid_options");
    ok(e.option === "(a name too long to show)" && !JSON.stringify([e.message, e.stack]).includes(secretAsName.slice(0, 8)), e.message);
    // A shorter one is not echoed either when it is the object's own secretKey, before the name or after it.
    const shortSecret = "Zx9-my-real-secret";
    for (const o of [{ ...opts, secretKey: shortSecret, [shortSecret]: 1 }, { [shortSecret]: 1, ...opts, secretKey: shortSecret }]) {
      e = await rejects(lib, () => lib.exportBackup(o), "invalid_options");
      ok(e.option === "(the secret key)" && !JSON.stringify([e.message, e.stack]).includes(shortSecret), e.message);
    }
    let signThrown;
    try {
      lib.signRequest({ method: "GET", url: "https://h/x", accessKey: "ak", secretKey: shortSecret, [shortSecret]: true });
    } catch (x) {
      signThrown = x;
    }
    ok(signThrown?.option === "(the secret key)" && !signThrown.message.includes(shortSecret), "signRequest: " + signThrown?.message);
    e = await rejects(lib, () => lib.exportBackup({ ...opts, fileName: "f".repeat(4097) }), "invalid_options");
    ok(e.option === "fileName" && e.message.includes("over 4096 characters"), e.message);
    // Options whose UTF-8 is over 16 KiB in under 16,384 characters (they do not fit js/values.js's shared buffer).
    e = await rejects(lib, () => lib.exportBackup({ ...opts, note: "가".repeat(4096), note2: "가".repeat(2000) }), "invalid_options");
    eq(e.option, "note", "the first unknown option of a long text");
    e = await rejects(lib, () => lib.exportBackup({ ...opts, timeoutMs: -0.5 }), "invalid_options");
    eq(e.option, "timeoutMs", "a fraction is a fraction");
    // Numbers arrive to the bit: a timestamp on the validated path (the URL is not ASCII).
    for (const timestamp of [1700000000123, 2 ** 52 + 1, -0]) {
      const r = lib.signRequest({ method: "GET", url: "https://h/é", ...KEYS, timestamp });
      ok(Object.is(r.timestamp, timestamp === 0 ? 0 : timestamp), `timestamp ${timestamp}: ${r.timestamp}`);
      eq(r.headers["x-ncp-apigw-timestamp"], String(timestamp), "timestamp header");
    }
    // A Client's fetch is the default for its calls; a call's own fetch wins.
    const client = new lib.Client({ ...base, fetch });
    const bound = { cloudPostgresqlInstanceNo: PROD, fileName: "from the client's fetch", bucketName: "pg-backups" };
    await client.exportBackup(bound);
    let own = 0;
    await client.exportBackup({ ...bound, fileName: "from the call's", fetch: async () => (own++, new Response(answer)) });
    eq([sent, own], [["from the client's fetch"], 1], "the Client's fetch, then the call's");
    // Only the first 64 keys are read: the 65th getter never runs.
    const many = {};
    for (let i = 0; i < 64; i++) many["k" + i] = i;
    Object.defineProperty(many, "k64", { enumerable: true, get: () => reads++ });
    reads = 0;
    e = await rejects(lib, () => lib.exportBackup(many), "invalid_options");
    eq([e.option, reads], ["k0", 0], "the first unknown key refused, the 65th never read");
    // Keys that hold undefined or null are not options, and do not count
    // towards the 64: every option after a hundred of them is still read.
    const blanks = Object.fromEntries(Array.from({ length: 100 }, (_, i) => ["blank" + i, i % 2 ? null : undefined]));
    e = await rejects(lib, () => lib.exportBackup({ ...blanks, ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b", bucketNme: 1 }), "invalid_options");
    eq(e.option, "bucketNme", "an unknown name after 100 blank keys");
    sent.length = 0;
    await lib.exportBackup({ ...base, ...blanks, cloudPostgresqlInstanceNo: PROD, fileName: "after the blanks", bucketName: "pg-backups", fetch });
    eq(sent, ["after the blanks"], "the options after 100 blank keys, the fetch among them");
    eq(lib.signRequest({ method: "GET", url: "https://h/x", ...KEYS, ...blanks, timestamp: 1000 }).timestamp, 1000, "signRequest's timestamp after them");
  },

  async "hostile inputs get an NcloudError: revoked proxies, freed clients, hidden sizes, odd values"({ lib, s, base }) {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const good = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    const pending = lib.exportBackup(proxy); // must reject, not throw
    ok(pending instanceof Promise, "a promise, not a synchronous throw");
    await rejects(lib, () => pending, "invalid_options");
    await rejects(lib, () => lib.exportBackup({ ...good, signal: proxy }), "invalid_options");
    await rejects(lib, () => lib.exportBackup({ ...good, [Symbol("x")]: 1, unknownOption: proxy }), "invalid_options");
    const client = new lib.Client(KEYS);
    client.free();
    client.free(); // a second free does nothing
    if (Symbol.dispose) client[Symbol.dispose]();
    await rejects(lib, () => client.listBuckets(), "invalid_options");
    const hidden = Object.assign(Array.from({ length: 200 }, () => "x".repeat(4000)), { toJSON: () => [] });
    let e = await rejects(lib, () => lib.call("getCloudPostgresqlBucketList", { hidden }, base), "invalid_options");
    eq(e.option, "params", "size counted as copied");
    await rejects(lib, () => lib.call("getCloudPostgresqlBucketList", { when: new Date() }, base), "invalid_options");
    const syncThrows = (fn, option) => {
      let err;
      try {
        fn();
      } catch (x) {
        err = x;
      }
      ok(err instanceof lib.NcloudError && err.kind === "invalid_options", `NcloudError for ${option}, got ${err}`);
      eq(err.option, option, "option at fault");
    };
    syncThrows(() => lib.signRequest({ method: "GET", url: "https://h/" + "x".repeat(65536), ...KEYS }), "url");
    syncThrows(() => lib.signRequest({ method: "GET", url: "https://h/x?", ...KEYS }), "url");
    syncThrows(() => lib.signRequest({ method: "GET", url: "https://h/x", ...KEYS, clockOffsetMs: 0.5 }), "clockOffsetMs");
    syncThrows(() => lib.signRequest({ method: "GET", get url() { throw new Error("getter"); }, ...KEYS }), "url");
    syncThrows(() => client.signRequest({ method: "GET", url: "https://h/x" }), "client");
    e = await rejects(lib, () => lib.exportBackup({ ...good, endpoint: s.url + "/a/%2e%2e" }), "invalid_options");
    eq(e.option, "endpoint", "dot segment in endpoint");
    // A method taken off its Client is the caller's mistake alone: an
    // NcloudError, and no restart of the module (which would end every Client).
    const live = new lib.Client(KEYS);
    const { signRequest, exportBackup, free } = live;
    for (const self of [undefined, {}, Object.create(lib.Client.prototype)]) {
      syncThrows(() => signRequest.call(self, { method: "GET", url: "https://h/x" }), "client");
      syncThrows(() => free.call(self), "client");
      const pending = exportBackup.call(self, { cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" });
      ok(pending instanceof Promise, "a promise, not a synchronous throw");
      e = await rejects(lib, () => pending, "invalid_options");
      eq(e.option, "client", "option at fault");
      eq(lib.Client.prototype.toJSON.call(self), { freed: true }, "toJSON of what is not a Client");
    }
    eq(live.signRequest({ method: "GET", url: "https://h/x", timestamp: 1 }).timestamp, 1, "the Client still works");
    live.free();
    // A getter that frees the Client its call was made on: the call goes
    // ahead with the options as read, and the Client is freed right after,
    // however often (a call into the module with a freed Client's null
    // pointer would throw through its frames).
    const accepted = '{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}';
    const stub = async () => new Response(accepted);
    const freedAfter = async (c, what) => {
      e = await rejects(lib, () => c.listBuckets(), "invalid_options");
      eq(e.option, "client", `${what}: and the Client is freed`);
    };
    for (let i = 0; i < 3000; i++) {
      const c = new lib.Client({ ...KEYS, fetch: stub });
      const opts = { cloudPostgresqlInstanceNo: PROD, get fileName() { c.free(); return "f"; }, bucketName: "b" };
      eq((await c.exportBackup(opts)).requestId, "r", "the call went ahead");
      await freedAfter(c, "exportBackup");
      if (i % 100) continue;
      const signer = new lib.Client(KEYS);
      eq(signer.signRequest({ method: "GET", timestamp: 1, get url() { signer.free(); return "https://h/x"; } }).timestamp, 1, "signed");
      await freedAfter(signer, "signRequest");
      // A getter of call()'s parameters, which are read before the options.
      const busy = new lib.Client({ ...KEYS, endpoint: s.url });
      const listed = await busy.call("getCloudPostgresqlBucketList", { get regionCode() { busy.free(); return "KR"; } });
      ok(Array.isArray(listed.cloudPostgresqlBucketList), "the call went ahead: " + JSON.stringify(listed));
      await freedAfter(busy, "call");
    }
    eq(lib.signRequest({ method: "GET", url: "https://h/x", ...KEYS, timestamp: 1 }).timestamp, 1, "the module still works");
  },

  async "never traps: after every kind of failure the same module still works"({ lib, s, base }) {
    const weird = [
      () => lib.exportBackup({ get accessKey() { throw new Error("getter"); } }),
      () => lib.exportBackup(new Proxy({}, { ownKeys() { throw new Error("trap"); } })),
      () => lib.exportBackup({ ...base, fileName: "x".repeat(100000), cloudPostgresqlInstanceNo: PROD, bucketName: "b" }),
      () => lib.call("getCloudPostgresqlBucketList", { deep: JSON.parse("[".repeat(500) + "]".repeat(500)) }, base),
      () => lib.call("getCloudPostgresqlBucketList", { big: "y".repeat(300000) }, base),
      () => lib.call(Symbol("x"), {}, base),
      () => lib.exportBackup({ ...base, timeoutMs: Infinity, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }),
      () => lib.exportBackup({ ...base, fetch: () => { throw new Error("sync throw"); }, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }),
      () => lib.exportBackup({ ...base, fetch: async () => ({ not: "a response" }), cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" }),
    ];
    for (const w of weird) {
      let err;
      try {
        await w();
      } catch (e) {
        err = e;
      }
      ok(err instanceof lib.NcloudError, "NcloudError for every odd input, got " + err);
    }
    // JS exceptions that must not unwind through wasm frames, however often:
    // an array Proxy whose length getter throws (it did unwind, leaving the
    // wasm stack pointer behind, and some hundreds trapped the module), and a
    // headers.get that is a Proxy whose getPrototypeOf trap throws (an
    // `instanceof` check would run it).
    const lengthThrows = new Proxy([1], {
      get: (t, k) => {
        if (k === "length") throw new Error("length");
        return Reflect.get(t, k);
      },
    });
    const getThrows = new Proxy(() => null, {
      getPrototypeOf() {
        throw new Error("trap");
      },
    });
    const throttled = async () => ({
      status: 429,
      headers: { get: getThrows },
      text: async () => '{"error":{"errorCode":"410","message":"Throttle Limited"}}',
    });
    const exportOpts = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    for (let i = 0; i < 1000; i++) {
      const e1 = await lib.call("getCloudPostgresqlBucketList", { a: lengthThrows }, base).catch((e) => e);
      ok(e1 instanceof lib.NcloudError && e1.option === "params", "NcloudError for an array whose length throws, got " + e1);
      if (i % 5) continue;
      const e2 = await lib.exportBackup({ ...exportOpts, maxRetries: 0, fetch: throttled }).catch((e) => e);
      ok(e2 instanceof lib.NcloudError && e2.kind === "throttled", "NcloudError for a trapping headers.get, got " + e2);
    }
    await s.inject([{ type: "html" }, { type: "truncated" }, { type: "reset", times: 2 }]);
    for (let i = 0; i < 3; i++) {
      await lib.exportBackup({ ...base, maxRetries: 0, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" }).catch(() => {});
    }
    await s.clearFaults();
    const r = await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(r.returnCode, "0", "still works");
  },

  async "a lone surrogate in an option or a call() parameter is refused, not sent as U+FFFD"({ lib, s, base }) {
    // Copied as UTF-8, an unpaired half of a UTF-16 pair becomes U+FFFD: another
    // value would be sent (and signed), so it is refused before anything is.
    const exportOpts = { ...base, cloudPostgresqlInstanceNo: PROD, bucketName: "pg-backups" };
    for (const fileName of ["a\uD800b", "\uDC00", "x\uD83D"]) {
      const e = await rejects(lib, () => lib.exportBackup({ ...exportOpts, fileName }), "invalid_options");
      eq(e.option, "fileName", "option at fault");
      ok(/lone surrogate/.test(e.message), "the message says why: " + e.message);
    }
    for (const [input, option] of [
      [{ method: "GET", url: "https://h/x", ...KEYS, secretKey: "s\uDC00" }, "secretKey"],
      [{ method: "GET", url: "https://h/\uD800", ...KEYS }, "url"],
    ]) {
      let e;
      try {
        lib.signRequest(input);
      } catch (x) {
        e = x;
      }
      ok(e instanceof lib.NcloudError && e.kind === "invalid_options" && e.option === option, `signRequest refuses a lone surrogate in ${option}, got ${e}`);
    }
    for (const params of [{ k: "a\uD800" }, { ["k\uDC00"]: "v" }, { list: [{ name: "\uD800" }] }]) {
      const e = await rejects(lib, () => lib.call("getCloudPostgresqlBucketList", params, base), "invalid_options");
      eq(e.option, "params", "option at fault");
    }
    eq((await s.requests()).length, 0, "nothing was sent");
    // A whole pair is a character like any other.
    const e = await rejects(lib, () => lib.exportBackup({ ...exportOpts, fileName: "backup 😀" }), "service");
    eq(e.code, "5001101", "a file name with an emoji reaches the service: " + e.message);
  },

  async "a redirect is never followed: the export reaches the server once, and the error says so"({ lib, s, base }) {
    for (const status of [302, 307, 308]) {
      await s.reset();
      const location = `${s.url}/vpostgresql/v2/exportBackupToObjectStorage`;
      await s.inject({ type: "status", status, body: "", headers: { location }, times: 5 });
      // A file name of its own: a browser may cache a 308 for its URL.
      const e = await rejects(lib, () => lib.exportBackup({ ...base, retryUnsafe: true, cloudPostgresqlInstanceNo: PROD, fileName: `redirected-${status}`, bucketName: "pg-backups" }), "bad_response");
      eq([e.attempts, e.retryable], [1, false], `HTTP ${status}`);
      ok(/redirect/.test(e.message) && /never followed/.test(e.message), e.message);
      // Where the runtime shows the redirect (not a browser's opaque one), the error names where it pointed.
      if (e.status !== 0) ok(e.message.includes(location) && e.status === status, e.message);
      eq((await s.requests()).length, 1, `HTTP ${status}: requests that reached the server`);
    }
  },

  async "did you mean: shortened, lengthened, prefixed and plural names get the option meant"({ lib, base }) {
    const good = { ...base, cloudPostgresqlInstanceNo: PROD, fileName: "f", bucketName: "b" };
    for (const [typed, meant] of [
      ["maxRetry", "maxRetries"],
      ["retries", "maxRetries"],
      ["region", "regionCode"],
      ["bucket", "bucketName"],
      ["cloudPostgresqlInstanceNumber", "cloudPostgresqlInstanceNo"],
      ["timeout", "timeoutMs"],
    ]) {
      const e = await rejects(lib, () => lib.exportBackup({ ...good, [typed]: 1 }), "invalid_options");
      eq(e.option, typed, "the option at fault");
      ok(e.message.includes(`did you mean ${meant}?`), `${typed}: ${e.message}`);
    }
    // Object Storage's functions take no API endpoint: the one they take is named.
    const e = await rejects(lib, () => lib.findExportedObject({ ...KEYS, endpoint: base.endpoint, bucketName: "b", fileName: "f" }), "invalid_options");
    ok(/did you mean storageEndpoint\?/.test(e.message), e.message);
  },

  async "call(): a parameter name that a key and a list both give is refused, not sent twice"({ lib, s, base }) {
    const e = await rejects(lib, () => lib.call("getCloudPostgresqlInstanceList", { "cloudPostgresqlInstanceNoList.1": PROD, cloudPostgresqlInstanceNoList: [STAGING] }, base), "invalid_options");
    eq(e.option, "params", "option at fault");
    ok(e.message.includes("cloudPostgresqlInstanceNoList.1 twice"), e.message);
    eq((await s.requests()).length, 0, "nothing was sent");
  },

  async "signRequest signs every URL the package sends: an export with a 4000-character file name"({ lib, base }) {
    const sent = [];
    const fetch = async (url, init) => (sent.push({ url, headers: init.headers }), new Response('{"exportBackupToObjectStorageResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}'));
    const fileName = "백".repeat(4000);
    await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName, bucketName: "b", timestamp: 1700000000000, fetch });
    ok(sent[0].url.length > 36000, `a long URL: ${sent[0].url.length} characters`);
    const { headers } = lib.signRequest({ method: "GET", url: sent[0].url, ...KEYS, timestamp: 1700000000000 });
    eq(headers, sent[0].headers, "signRequest gives the headers the export sent");
    // Past the longest URL the package sends, a URL is refused the same way by both.
    const e = await rejects(lib, () => lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: "백".repeat(4000), fileName, bucketName: "백".repeat(4000), fetch }), "invalid_options");
    ok(/over the 65536 a URL may have/.test(e.message), e.message);
  },

  async "sizes and counts are numbers, or null when NCP's value is empty or not a number, in JSON and XML alike"({ lib, base }) {
    const answer = (body) => async () => new Response(body);
    const xml = "<getCloudPostgresqlBackupDetailListResponse><returnCode>0</returnCode><totalRows>3</totalRows><cloudPostgresqlBackupDetailList>" +
      "<cloudPostgresqlBackupDetail><fileName>a</fileName><backupSize></backupSize><dataStorageSize>N/A</dataStorageSize><archivedWalFileSize>12345678901234567890</archivedWalFileSize></cloudPostgresqlBackupDetail>" +
      "</cloudPostgresqlBackupDetailList></getCloudPostgresqlBackupDetailListResponse>";
    const json = '{"getCloudPostgresqlBackupDetailListResponse":{"returnCode":"0","totalRows":"3","cloudPostgresqlBackupDetailList":[' +
      '{"fileName":"a","backupSize":"","dataStorageSize":"N/A","archivedWalFileSize":12345678901234567890}]}}';
    const opts = { ...base, cloudPostgresqlInstanceNo: PROD };
    const x = await lib.listBackupFiles({ ...opts, fetch: answer(xml) });
    const j = await lib.listBackupFiles({ ...opts, fetch: answer(json) });
    eq(x, j, "XML equals JSON");
    eq([x.totalRows, x.files[0].backupSize, x.files[0].dataStorageSize, x.files[0].archivedWalFileSize], [3, null, null, 12345678901234567890], "the values");
  },

  async "a list NCP sends as an object wrapping its one item is an array of that item"({ lib, s, base }) {
    await s.inject({ type: "json-list-as-object", times: 2 });
    const { files } = await lib.listBackupFiles({ ...base, cloudPostgresqlInstanceNo: STAGING });
    eq(files.map((f) => f.fileName), ["20261120_020003"], "one file");
    const { instances } = await lib.listInstances({ ...base, cloudPostgresqlServiceName: "pg-dev" });
    eq([instances.length, Array.isArray(instances[0].cloudPostgresqlServerInstanceList)], [1, true], "nested one-item lists too");
    // Lists of strings: pg-staging has one access control group, pg-dev one setting.
    for (const [name, list] of [["pg-staging", "accessControlGroupNoList"], ["pg-dev", "cloudPostgresqlConfigList"]]) {
      const plain = (await lib.listInstances({ ...base, cloudPostgresqlServiceName: name })).instances[0][list];
      ok(plain.length === 1 && typeof plain[0] === "string", `${name}'s ${list} holds one string: ${JSON.stringify(plain)}`);
      await s.inject({ type: "json-list-as-object", times: 1 });
      eq((await lib.listInstances({ ...base, cloudPostgresqlServiceName: name })).instances[0][list], plain, `${name}'s ${list} wrapped`);
    }
  },

  async "exportLatestBackup: the newest file by endTime whatever the list's order; skipExisting exports it once"({ lib, s, base }) {
    const opts = { ...base, storageEndpoint: s.url, cloudPostgresqlInstanceNo: REPORTS, bucketName: "pg-backups", skipExisting: true };
    const first = await lib.exportLatestBackup(opts);
    eq([first.fileName, first.skipped, first.returnCode], ["20261118", false, "0"], "exported");
    ok(typeof first.requestId === "string" && typeof first.endTime === "string", "requestId and endTime");
    const second = await lib.exportLatestBackup(opts);
    eq([second.fileName, second.skipped], ["20261118", true], "skipped");
    ok(second.existing.key.includes("20261118") && second.existing.size > 0, JSON.stringify(second.existing));
    eq((await s.exports()).map((e) => e.fileName), ["20261118"], "exported once");
    const e = await rejects(lib, () => lib.exportLatestBackup({ ...opts, cloudPostgresqlInstanceNo: DEV }), "not_found");
    ok(/no backup files/.test(e.message), e.message);
  },

  async "findExportedObject and waitForExport: the object named by the file, once it is there"({ lib, s, base }) {
    const storage = { ...KEYS, storageEndpoint: s.url, bucketName: "pg-backups" };
    eq(await lib.findExportedObject({ ...storage, fileName: "20261120_030005" }), null, "not exported yet");
    await s.inject({ type: "object-delay", delayMs: 600 });
    await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
    eq(await lib.findExportedObject({ ...storage, fileName: "20261120_030005" }), null, "not there yet");
    const progress = [];
    const object = await lib.waitForExport({ ...storage, fileName: "20261120_030005", intervalMs: 200, timeoutMs: 10000, onProgress: (p) => progress.push(p) });
    ok(object.key.includes("20261120_030005") && typeof object.size === "number" && !Number.isNaN(Date.parse(object.lastModified)), JSON.stringify(object));
    ok(progress.length >= 1 && progress[0].checks === 1 && progress[0].nextCheckInMs === 200, JSON.stringify(progress));
    // A file name that is a prefix of another's names no object of its own.
    eq(await lib.findExportedObject({ ...storage, fileName: "20261120" }), null, "a prefix is not a match");
    await s.inject({ type: "object-never" });
    await lib.exportBackup({ ...base, cloudPostgresqlInstanceNo: PROD, fileName: "20261119_030004", bucketName: "pg-backups" });
    const e = await rejects(lib, () => lib.waitForExport({ ...storage, fileName: "20261119_030004", intervalMs: 100, timeoutMs: 400 }), "timeout");
    ok(/no object naming 20261119_030004 appeared in bucket pg-backups/.test(e.message), e.message);
  },

  async "the bucket listing refused: a wrong key, an unknown bucket, a key without permission"({ lib, s }) {
    const storage = { storageEndpoint: s.url, fileName: "f" };
    let e = await rejects(lib, () => lib.findExportedObject({ ...KEYS, secretKey: "wrong-secret", bucketName: "pg-backups", ...storage }), "auth");
    eq([e.status, e.code], [403, "SignatureDoesNotMatch"], "a wrong secret");
    e = await rejects(lib, () => lib.findExportedObject({ ...KEYS, bucketName: "no-such-bucket", ...storage }), "not_found");
    eq([e.status, e.code], [404, "NoSuchBucket"], "an unknown bucket");
    await s.inject({ type: "status", status: 403, body: "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", contentType: "application/xml" });
    e = await rejects(lib, () => lib.findExportedObject({ ...KEYS, bucketName: "pg-backups", ...storage }), "permission");
    ok(/may lack Object Storage permission/.test(e.message), e.message);
  },

  async "a JS stack overflow inside a call leaves the module working (the instance is replaced)"({ lib, base }) {
    const url = "https://ncloud.apigw.ntruss.com/vpostgresql/v2/getCloudPostgresqlInstanceList?regionCode=KR";
    const ops = [
      () => lib.signRequest({ method: "GET", url, ...KEYS, timestamp: 1 }),
      () => lib.signRequest(Object.assign(Object.create(null), { method: "GET", url, ...KEYS, timestamp: 1 })),
      () => new lib.Client(KEYS).free(),
    ];
    const inside = [];
    for (const op of ops) {
      const older = new lib.Client(KEYS);
      inside.push(await overflowsInside(op));
      if (inside.at(-1) > 0) {
        // The instance was replaced: a Client of the old one is refused, not used.
        let refused;
        try {
          older.signRequest({ method: "GET", url });
        } catch (e) {
          refused = e;
        }
        ok(refused instanceof lib.NcloudError && refused.option === "client", "a Client of the old instance is refused, got " + refused);
      }
      older.free();
      // The dives blocked the event loop for longer than the simulator keeps
      // an idle connection open: let fetch see those closed first.
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The simulator checks the signature with node:crypto.
      const client = new lib.Client(base);
      const r = await client.exportBackup({ cloudPostgresqlInstanceNo: PROD, fileName: "20261120_030005", bucketName: "pg-backups" });
      eq(r.returnCode, "0", "the module still signs and sends");
      client.free();
    }
    // Without overflows inside the module this case would prove nothing. The
    // fast path spends little of its stack in wasm: in Chromium, where the
    // stack runs out in its JS nearly every time, that one may have none
    // (tests/restart.test.mjs requires one for each way in, in Node).
    ok(inside.filter((n) => n > 0).length >= 2, `stack overflows raised inside the module, by way in: ${inside.join(", ")}`);
  },
};

/**
 * Runs the cases in order (the simulator is shared state), resetting it
 * before each. Returns `[{ name, ok, error? }]`; never throws.
 */
export async function runCases({ lib, simUrl, only }) {
  const s = sim(simUrl);
  const base = { ...KEYS, endpoint: simUrl };
  const results = [];
  for (const [name, fn] of Object.entries(cases)) {
    if (only && !only.includes(name)) continue;
    try {
      await s.reset();
      await fn({ lib, s, base });
      results.push({ name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: String((e && e.stack) || e) });
    }
  }
  return results;
}
