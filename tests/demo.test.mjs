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

  test("prefills the simulator endpoint and labels the keys as simulator-only", async () => {
    assert.equal(await page.inputValue("#endpoint"), demo.sim.url);
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
    assert.equal(instanceOptions.length, 4, "placeholder + 3 live instances");

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
    assert.ok(!(await page.content()).includes(SECRET), "secret in the HTML");
    assert.ok(!(await page.locator("body").innerText()).includes(SECRET), "secret in the page text");
  });

  test("a wrong secret key shows an auth error with HTTP 401, without the secret", async () => {
    await page.fill("#secretKey", "not-the-secret-123");
    await page.getByTestId("export").click();
    await page.getByTestId("error").waitFor();
    assert.equal(await page.getByTestId("error-kind").innerText(), "auth");
    assert.equal(await page.getByTestId("error-status").innerText(), "401");
    assert.equal(await page.getByTestId("error-code").innerText(), "200");
    assert.match(await page.getByTestId("error-message").innerText(), /Authentication Failed/);
    assert.ok(!(await page.content()).includes("not-the-secret-123"));
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
  });

  test("looks tidy at desktop and phone widths (screenshots in test-output/)", async () => {
    // A fresh page and simulator state: the picture shows one plain run through the steps.
    demo.sim.reset();
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    fresh.on("pageerror", (err) => pageErrors.push(err));
    await fresh.goto(demo.url);
    await fresh.getByTestId("status").getByText("Ready").waitFor();
    await fresh.getByTestId("load-instances").click();
    await fresh.selectOption("#cloudPostgresqlInstanceNo", "1234567");
    await fresh.selectOption("#fileName", "20261120_030005");
    await fresh.selectOption("#bucketName", "pg-backups");
    await fresh.getByTestId("export").click();
    await fresh.locator("[data-testid=bucket-object]").waitFor();

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
    assert.deepEqual(config, { endpoint: demo.sim.url, accessKey: "demo-access-key", secretKey: SECRET, simulator: true });
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
    const child = spawn(process.execPath, ["scripts/demo.mjs", "--port", "0", "--sim-port", "0"], { cwd: ROOT });
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
