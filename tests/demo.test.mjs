// The demo (scripts/demo.mjs + www/) end to end: the page in headless Chromium imports the
// package from /pkg/browser.js and talks to the in-process NCP simulator.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemo } from "../scripts/demo.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "demo-secret-key";
const SPECIAL_FILE = "manual 2026/11/18 #1 a+b&c=d 100% 백업 (!*')";

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", // as tests/helpers/chromium.mjs
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
};

describe("demo page", { timeout: 60_000 }, () => {
  let demo, browser, page;
  const pageErrors = [];

  before(async () => {
    demo = await startDemo({ port: 0, simPort: 0 });
    browser = await chromium.launch(CHROMIUM);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (err) => pageErrors.push(err));
    await page.goto(demo.url);
    await page.getByTestId("status").getByText("Ready").waitFor();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** Selects instance, file and bucket, presses Export and waits for the step to finish. */
  async function exportBackup({ instance, file, bucket }) {
    await page.selectOption("#cloudPostgresqlInstanceNo", instance);
    // Choosing an instance reloads the files and buckets; selectOption waits for the options.
    await page.selectOption("#fileName", file);
    await page.selectOption("#bucketName", bucket);
    await page.getByTestId("export").click();
    await page.locator("#output[aria-busy=false]").waitFor();
  }

  /** Waits for the step under way (if any) to finish. */
  const idle = () => page.locator("#output[aria-busy=false]").waitFor();

  test("prefills the simulator endpoint and labels the keys as simulator-only", async () => {
    assert.equal(await page.inputValue("#endpoint"), demo.sim.url);
    assert.equal(await page.inputValue("#storageEndpoint"), demo.sim.url, "Object Storage is on the simulator's origin");
    assert.equal(await page.inputValue("#accessKey"), "demo-access-key");
    assert.equal(await page.getAttribute("#secretKey", "type"), "password");
    assert.match(await page.locator("#keys-badge").innerText(), /Simulator-only keys/);
    assert.match(await page.locator("#keys-note").innerText(), /Do not put real NCP keys in a browser page/);
  });

  test("loads instances, exports 1234567's backup to pg-backups and shows it in the bucket", async () => {
    // By keyboard: Enter in a connection field loads the instances, and focus moves to their list.
    await page.focus("#accessKey");
    await page.keyboard.press("Enter");
    await page.locator("#cloudPostgresqlInstanceNo option[value='1234567']").waitFor({ state: "attached" });
    await page.locator("#output[aria-busy=false]").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), "cloudPostgresqlInstanceNo");
    const instanceOptions = await page.locator("#cloudPostgresqlInstanceNo option").allInnerTexts();
    assert.equal(instanceOptions.length, 5, "placeholder + 4 live instances");
    assert.ok(instanceOptions.some((o) => /^5678901 · pg-reports/.test(o)), instanceOptions.join("\n"));

    await exportBackup({ instance: "1234567", file: "20261120_030005", bucket: "pg-backups" });
    const fileOptions = await page.locator("#fileName option").allInnerTexts();
    assert.ok(fileOptions.some((o) => /20261120_030005 · 2026-11-20 03:00:05 \+09:00 · 1\.2 GiB/.test(o)), fileOptions.join("\n"));

    await page.getByTestId("result").waitFor();
    const event = demo.sim.exports.at(-1);
    assert.equal(event.cloudPostgresqlInstanceNo, "1234567");
    assert.equal(event.fileName, "20261120_030005");
    assert.equal(event.bucketName, "pg-backups");
    assert.equal(await page.getByTestId("result-requestId").innerText(), event.requestId);
    assert.equal(await page.getByTestId("result-returnCode").innerText(), "0");
    assert.match(await page.getByTestId("result-time").innerText(), /^\d+ ms$/);

    const object = page.locator(`[data-testid=bucket-object][data-request-id="${event.requestId}"]`);
    await object.waitFor();
    assert.match(await object.innerText(), /20261120_030005/);
    assert.match(await page.getByTestId("bucket-panel").innerText(), /pg-backups/);
  });

  test("shows each signed request (target, timestamp, access key, signature) and never the secret", async () => {
    const sent = demo.sim.requests.at(-1);
    const shown = page.getByTestId("signed-request").first();
    const text = await shown.innerText();
    assert.equal(await shown.getByTestId("request-target").innerText(), sent.target);
    assert.equal(await shown.getByTestId("request-signature").innerText(), sent.headers["x-ncp-apigw-signature-v2"]);
    assert.ok(text.includes(sent.headers["x-ncp-apigw-timestamp"]), text);
    assert.ok(text.includes("demo-access-key"), text);
    assert.ok(text.includes("x-ncp-apigw-signature-v2"), text);

    assert.equal(await page.inputValue("#secretKey"), SECRET, "the secret is still in its input");
    await assertSecretNowhere(SECRET);
  });

  /** The secret is in no HTML, page text, page URL, nor in anything the simulator received. */
  async function assertSecretNowhere(secret) {
    assert.ok(!(await page.content()).includes(secret), "secret in the HTML");
    assert.ok(!(await page.locator("body").innerText()).includes(secret), "secret in the page text");
    assert.ok(!page.url().includes(secret), "secret in the page URL");
    assert.ok(!page.url().includes("?"), `a form was submitted to the URL: ${page.url()}`);
    for (const r of demo.sim.requests) {
      assert.ok(!JSON.stringify(r).includes(secret) && !JSON.stringify(r).includes(encodeURIComponent(secret)), `secret sent: ${r.target}`);
    }
  }

  test("a wrong secret key shows an auth error with HTTP 401, without the secret", async () => {
    await page.fill("#secretKey", "not-the-secret-123");
    await page.getByTestId("export").click();
    await page.getByTestId("error").waitFor();
    assert.equal(await page.getByTestId("error-kind").innerText(), "auth");
    assert.equal(await page.getByTestId("error-status").innerText(), "401");
    assert.equal(await page.getByTestId("error-code").innerText(), "200");
    assert.match(await page.getByTestId("error-message").innerText(), /Authentication Failed/);
    await assertSecretNowhere("not-the-secret-123");
    assert.equal(await page.getByTestId("result").isHidden(), true);
    await page.fill("#secretKey", SECRET);
  });

  test("invalid options are shown next to the field at fault", async () => {
    await page.selectOption("#bucketName", "");
    await page.getByTestId("export").click();
    await page.locator("#bucketName-error").waitFor();
    assert.equal(await page.getAttribute("#bucketName", "aria-invalid"), "true");
    assert.match(await page.locator("#bucketName-error").innerText(), /bucketName/);
    assert.equal(await page.getByTestId("error-kind").innerText(), "invalid_options");
    assert.equal(await page.evaluate(() => document.activeElement.id), "bucketName", "focus moves to the field");

    // A control character typed into a text field: the module refuses it before sending.
    const sentBefore = demo.sim.requests.length;
    await page.selectOption("#bucketName", "pg-backups");
    await page.fill("#regionCode", "KR\u0001");
    await page.getByTestId("export").click();
    await page.locator("#regionCode-error").waitFor();
    assert.equal(await page.getAttribute("#regionCode", "aria-invalid"), "true");
    assert.match(await page.locator("#regionCode-error").innerText(), /control character/);
    assert.equal(await page.locator("#bucketName-error").isHidden(), true, "the previous field error is cleared");
    assert.equal(demo.sim.requests.length, sentBefore, "nothing was sent");
    await page.fill("#regionCode", "");
  });

  test("XML responses and POST requests work too (a file name with & % + and Hangul)", async () => {
    await page.selectOption("#responseFormatType", "xml");
    await page.selectOption("#method", "POST");
    await page.fill("#regionCode", "KR");
    await exportBackup({ instance: "1234567", file: SPECIAL_FILE, bucket: "archive-kr" });
    await page.getByTestId("result").waitFor();

    const event = demo.sim.exports.at(-1);
    assert.equal(event.fileName, SPECIAL_FILE);
    assert.equal(event.bucketName, "archive-kr");
    assert.equal(event.regionCode, "KR");
    assert.equal(await page.getByTestId("result-requestId").innerText(), event.requestId);

    const sent = demo.sim.requests.at(-1);
    assert.equal(sent.method, "POST");
    assert.equal(sent.target, "/vpostgresql/v2/exportBackupToObjectStorage");
    assert.match(sent.body, /responseFormatType=xml/);
    const shown = page.getByTestId("signed-request").first();
    assert.match(await shown.innerText(), /^POST/);
    assert.equal(await shown.getByTestId("request-signature").innerText(), sent.headers["x-ncp-apigw-signature-v2"]);
    await page.locator(`[data-testid=bucket-object][data-request-id="${event.requestId}"]`).waitFor();

    // Back to the defaults for the steps that follow.
    await page.selectOption("#responseFormatType", "json");
    await page.selectOption("#method", "GET");
    await page.fill("#regionCode", "");
  });

  test("the nightly job: exports the newest backup by endTime, then says it is already in the bucket", async () => {
    await page.selectOption("#cloudPostgresqlInstanceNo", "5678901");
    await page.selectOption("#bucketName", "pg-backups");
    await idle();
    // pg-reports lists its files oldest first: the newest is the last one, and marked.
    const fileOptions = (await page.locator("#fileName option").allInnerTexts()).slice(1);
    assert.equal(fileOptions.length, 2, fileOptions.join("\n"));
    assert.match(fileOptions[0], /^20261117 · /);
    assert.doesNotMatch(fileOptions[0], /newest/);
    assert.match(fileOptions[1], /^20261118 · .* · newest$/);
    assert.equal(await page.inputValue("#fileName"), "", "no file chosen: the newest is found, not picked");

    // Its object appears a little after the export, so that the wait has something to wait for.
    demo.sim.inject({ type: "object-delay", delayMs: 2_500 });
    const exportsBefore = demo.sim.exports.length;
    const sentBefore = demo.sim.requests.length;
    await page.getByTestId("export-latest").click();
    await idle();
    assert.equal(await page.getByTestId("error").isHidden(), true, await page.getByTestId("error").innerText());
    assert.equal(demo.sim.exports.length, exportsBefore + 1);
    const event = demo.sim.exports.at(-1);
    assert.equal(event.cloudPostgresqlInstanceNo, "5678901");
    assert.equal(event.fileName, "20261118");
    assert.equal(event.bucketName, "pg-backups");
    assert.equal(await page.getByTestId("latest-fileName").innerText(), "20261118");
    assert.equal(await page.getByTestId("latest-endTime").innerText(), "2026-11-18 04:01:39 +09:00");
    assert.match(await page.getByTestId("latest-outcome").innerText(), /^exported to pg-backups/);
    assert.equal(await page.getByTestId("result-requestId").innerText(), event.requestId);

    // skipExisting looked in the bucket first: an S3 listing signed with AWS signature v4, by the same keys.
    // (The browser sends a CORS preflight, OPTIONS, before each: the Authorization header is not a simple one.)
    const sent = demo.sim.requests.slice(sentBefore).filter((r) => r.method === "GET");
    const listing = sent.find((r) => r.target.startsWith("/pg-backups?"));
    assert.ok(listing, sent.map((r) => r.target).join("\n"));
    assert.match(listing.headers.authorization, /^AWS4-HMAC-SHA256 Credential=demo-access-key\/\d{8}\/kr-standard\/s3\/aws4_request, /);
    const shownListing = page.locator("[data-testid=signed-request][data-kind=s3]").first();
    assert.equal(await shownListing.getByTestId("request-target").innerText(), listing.target);
    assert.equal(await shownListing.getByTestId("request-signature").innerText(), /Signature=([0-9a-f]{64})/.exec(listing.headers.authorization)[1]);

    // Step 3: wait until the object is there (it appears 2.5 s after the export).
    assert.match(await page.getByTestId("wait-target").innerText(), /20261118 in pg-backups/);
    const lookedBefore = demo.sim.requests.length;
    await page.getByTestId("wait").click();
    await page.getByTestId("wait-progress").getByText(/^Check 1: not in pg-backups yet/).waitFor();
    assert.equal(await page.getByTestId("cancel-wait").isEnabled(), true, "Cancel is usable while waiting");
    await page.getByTestId("object").waitFor();
    await idle();
    const stored = demo.sim.objects["pg-backups"].find((o) => o.key.includes("20261118"));
    assert.ok(stored && !stored.pending, JSON.stringify(demo.sim.objects["pg-backups"]));
    assert.equal(await page.getByTestId("object-key").innerText(), stored.key);
    assert.equal(await page.getByTestId("object-size").innerText(), "400.0 MiB (419,430,400 bytes)");
    assert.equal(await page.getByTestId("object-lastModified").innerText(), stored.lastModified);
    assert.match(await page.getByTestId("object").innerText(), /Arrived in the bucket/);
    assert.match(await page.getByTestId("wait-progress").innerText(), /^Found after [2-9] checks\.$/);
    assert.equal(await page.getByTestId("cancel-wait").isDisabled(), true);
    const looks = demo.sim.requests.slice(lookedBefore).filter((r) => r.method === "GET");
    assert.ok(looks.length >= 2 && looks.every((r) => r.target.startsWith("/pg-backups?") && /^AWS4-HMAC-SHA256 /.test(r.headers.authorization)),
      looks.map((r) => r.target).join("\n"));

    // The next night: the newest file is in the bucket, so nothing is exported.
    await page.getByTestId("export-latest").click();
    await idle();
    assert.equal(demo.sim.exports.length, exportsBefore + 1, "not exported again");
    assert.equal(await page.getByTestId("latest-fileName").innerText(), "20261118");
    assert.match(await page.getByTestId("latest-outcome").innerText(), /^already in pg-backups: not exported again$/);
    assert.match(await page.getByTestId("status").innerText(), /already in pg-backups: nothing exported/);
    assert.equal(await page.getByTestId("object-key").innerText(), stored.key);
    assert.match(await page.getByTestId("object").innerText(), /Already in the bucket/);
    assert.equal(await page.getByTestId("result").isHidden(), true, "no export, so no export result");
    assert.equal(await page.getByTestId("wait").isDisabled(), true, "nothing to wait for");

    // It needs a bucket, and says so next to the field.
    await page.selectOption("#bucketName", "");
    await page.getByTestId("export-latest").click();
    await page.locator("#bucketName-error").waitFor();
    assert.equal(await page.getAttribute("#bucketName", "aria-invalid"), "true");
    assert.equal(await page.getByTestId("error-kind").innerText(), "invalid_options");
    await page.selectOption("#bucketName", "pg-backups");
  });

  test("waiting: Cancel stops it; Object Storage's errors are shown like the API's", async () => {
    // An export whose object never comes: only Cancel ends the wait.
    demo.sim.inject({ type: "object-never" });
    await exportBackup({ instance: "2345678", file: "20261120_020003", bucket: "empty-bucket" });
    await page.getByTestId("result").waitFor();
    await page.getByTestId("wait").click();
    await page.getByTestId("wait-progress").getByText(/^Check 2: not in empty-bucket yet/).waitFor();
    assert.equal(await page.getAttribute("#output", "aria-busy"), "true");
    assert.equal(await page.getByTestId("wait").isDisabled(), true, "one wait at a time");
    mkdirSync(`${ROOT}/test-output`, { recursive: true });
    await page.screenshot({ path: `${ROOT}/test-output/demo-waiting.png`, fullPage: true });
    await page.getByTestId("cancel-wait").click();
    await idle();
    assert.match(await page.getByTestId("wait-progress").innerText(), /^Cancelled after [2-9] checks: stopped waiting/);
    assert.match(await page.getByTestId("status").innerText(), /Cancelled/);
    assert.equal(await page.getByTestId("error").isHidden(), true, "a cancel is not an error");
    assert.equal(await page.getByTestId("object").isHidden(), true);
    assert.equal(await page.getByTestId("wait").isEnabled(), true, "it can be waited for again");
    assert.equal(await page.evaluate(() => document.activeElement.id), "wait", "focus back where the step began");

    // A wrong key: Object Storage refuses the listing's signature.
    await page.fill("#secretKey", "wrong-storage-secret-456");
    await page.getByTestId("wait").click();
    await page.getByTestId("error").waitFor();
    await idle();
    assert.equal(await page.getByTestId("error-kind").innerText(), "auth");
    assert.equal(await page.getByTestId("error-status").innerText(), "403");
    assert.equal(await page.getByTestId("error-code").innerText(), "SignatureDoesNotMatch");
    assert.equal(await page.getByTestId("wait-progress").isHidden(), true);
    await assertSecretNowhere("wrong-storage-secret-456");
    await page.fill("#secretKey", SECRET);

    // Bad options are refused before anything is sent, next to their field.
    const sentBefore = demo.sim.requests.length;
    await page.fill("#intervalMs", "0");
    await page.getByTestId("wait").click();
    await page.locator("#intervalMs-error").waitFor();
    assert.equal(await page.getAttribute("#intervalMs", "aria-invalid"), "true");
    assert.match(await page.locator("#intervalMs-error").innerText(), /intervalMs/);
    await page.fill("#intervalMs", "1000");
    await page.fill("#storageEndpoint", "not a url");
    await page.getByTestId("wait").click();
    await page.locator("#storageEndpoint-error").waitFor();
    assert.equal(await page.getAttribute("#storageEndpoint", "aria-invalid"), "true");
    assert.equal(await page.locator("#intervalMs-error").isHidden(), true, "the previous field error is cleared");
    assert.equal(await page.evaluate(() => document.activeElement.id), "storageEndpoint", "focus moves to the field");
    assert.equal(demo.sim.requests.length, sentBefore, "nothing was sent");
    await page.fill("#storageEndpoint", demo.sim.url);
  });

  test("looks tidy at desktop and phone widths (screenshots in test-output/)", async () => {
    // A fresh page and simulator state: the picture shows one plain run through the steps.
    demo.sim.reset();
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    fresh.on("pageerror", (err) => pageErrors.push(err));
    await fresh.goto(demo.url);
    await fresh.getByTestId("status").getByText("Ready").waitFor();
    await fresh.getByTestId("load-instances").click();
    // The nightly job's shape: the newest backup of pg-reports, then wait until it is in the bucket.
    await fresh.selectOption("#cloudPostgresqlInstanceNo", "5678901");
    await fresh.selectOption("#bucketName", "pg-backups");
    await fresh.getByTestId("export-latest").click();
    await fresh.locator("[data-testid=bucket-object]").waitFor();
    await fresh.locator("#output[aria-busy=false]").waitFor();
    await fresh.getByTestId("wait").click();
    await fresh.getByTestId("object").waitFor();
    await fresh.locator("#output[aria-busy=false]").waitFor();
    assert.match(await fresh.getByTestId("object-key").innerText(), /20261118/);

    mkdirSync(`${ROOT}/test-output`, { recursive: true });
    await fresh.screenshot({ path: `${ROOT}/test-output/demo.png`, fullPage: true });
    // The README's picture: written once (or on UPDATE_DOCS=1), so that running the suite
    // does not leave a changed binary in the working tree every time.
    if (process.env.UPDATE_DOCS === "1" || !existsSync(`${ROOT}/docs/demo.png`)) {
      mkdirSync(`${ROOT}/docs`, { recursive: true });
      copyFileSync(`${ROOT}/test-output/demo.png`, `${ROOT}/docs/demo.png`);
    }

    await fresh.setViewportSize({ width: 390, height: 844 });
    const overflow = await fresh.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
    await fresh.screenshot({ path: `${ROOT}/test-output/demo-phone.png`, fullPage: true });
    await fresh.close();
    assert.deepEqual(pageErrors, []);
  });
});

describe("demo server", { timeout: 30_000 }, () => {
  let demo;
  before(async () => { demo = await startDemo({ port: 0, simPort: 0 }); });
  after(() => demo?.close());

  test("serves www/, pkg/ and /demo-config.json with the right types", async () => {
    const expect = {
      "": "text/html",
      "index.html": "text/html",
      "app.js": "text/javascript",
      "style.css": "text/css",
      "pkg/browser.js": "text/javascript",
      "pkg/gen/ncloud_pg_backup_bg.wasm": "application/wasm",
      "demo-config.json": "application/json",
    };
    for (const [path, type] of Object.entries(expect)) {
      const res = await fetch(demo.url + path);
      assert.equal(res.status, 200, path);
      assert.ok(res.headers.get("content-type").startsWith(type), `${path}: ${res.headers.get("content-type")}`);
      await res.arrayBuffer();
    }
    const config = await (await fetch(`${demo.url}demo-config.json`)).json();
    assert.deepEqual(config, {
      endpoint: demo.sim.url, storageEndpoint: demo.sim.url, accessKey: "demo-access-key", secretKey: SECRET, simulator: true,
    });
  });

  test("answers 404 outside www/ and pkg/, and for unknown files", async () => {
    // Raw request targets: fetch() would resolve the dot segments before sending them.
    for (const target of ["/../Makefile", "/pkg/../package.json", "/%2e%2e/package.json", "/pkg/%2e%2e/Makefile",
      "/..%2fMakefile", "/pkg/%2e%2e%2f%2e%2e%2fetc/passwd", "/pkg/..%5c..%5cMakefile", "/nope.html", "/pkg/",
      "/pkg/gen", "/%zz", "/a%00.html", "/pkg/package.json.bak"]) {
      assert.equal(await statusOf(demo.url, target), 404, target);
    }
    assert.equal(await statusOf(demo.url, "/", "POST"), 405);
  });

  test("the CLI prints the page URL and that the keys are simulator-only, and stops on SIGINT", async () => {
    const child = spawn(process.execPath, ["scripts/demo.mjs", "--port", "0", "--sim-port", "0", "--export-delay", "250"], { cwd: ROOT });
    let out = "";
    child.stdout.on("data", (chunk) => { out += chunk; });
    const exited = new Promise((done) => child.on("exit", (code, signal) => done({ code, signal })));
    const url = await new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed:\n${out}`)), 10_000);
      child.stdout.on("data", () => {
        const m = /Press Ctrl\+C/.test(out) && out.match(/Open (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) { clearTimeout(timer); done(m[1]); }
      });
    });
    assert.match(out, /SIMULATOR-ONLY/);
    assert.match(out, /appears in its bucket 250 ms after the export/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    child.kill("SIGINT");
    assert.deepEqual(await exited, { code: 0, signal: null });
  });
});

/** The status of one request sent with its target exactly as given. */
function statusOf(base, target, method = "GET") {
  return new Promise((done, fail) => {
    const { hostname, port } = new URL(base);
    http.request({ hostname, port, path: target, method }, (res) => {
      res.resume();
      done(res.statusCode);
    }).on("error", fail).end();
  });
}
