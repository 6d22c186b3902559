// The command line (pkg/cli.js) against the simulator, in this process: each
// case spawns the CLI (async, so the simulator keeps serving) with HOME set to
// a temporary directory and no NCLOUD_* variables unless the case sets them.
// Run: node --test tests/cli.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../sim/server.mjs";

const CLI = fileURLToPath(new URL("../pkg/cli.js", import.meta.url));
const VERSION = JSON.parse(readFileSync(new URL("../pkg/package.json", import.meta.url), "utf8")).version;
const DEMO = { NCLOUD_ACCESS_KEY: "demo-access-key", NCLOUD_SECRET_KEY: "demo-secret-key" };
const WRONG_SECRET = "Zq8-cli-test-WRONG-secret-3f1e9b7c";
const SECRETS = ["demo-secret-key", "test-secret-key", WRONG_SECRET];

let sim;
let home;
/** Every stdout and stderr of every run, for the last test's check that no secret was ever printed. */
const outputs = [];

before(async () => {
  sim = await startSimulator({ port: 0, quiet: true });
});
const homes = [];
after(async () => {
  await sim?.close();
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sim.reset();
  home = mkdtempSync(join(tmpdir(), "ncloud-pg-backup-cli-"));
  homes.push(home);
});

/** The API and Object Storage flags pointing at the simulator. */
const at = () => ["--endpoint", sim.url, "--storage-endpoint", sim.url];

/**
 * Runs the CLI with `args`; `env` adds variables (HOME is the case's temp dir,
 * no NCLOUD_* unless given). `onStderr(text, child)` sees stderr as it comes.
 */
function cli(args, { env = {}, timeout = 20_000, onStderr } = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NCLOUD_") && k !== "NODE_OPTIONS"));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...base, HOME: home, USERPROFILE: home, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ncloud-pg-backup ${args.join(" ")} ran past ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeout);
    child.stdout.setEncoding("utf8").on("data", (c) => { stdout += c; });
    child.stderr.setEncoding("utf8").on("data", (c) => {
      stderr += c;
      onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      outputs.push({ args, stdout, stderr });
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The configure file of the NCP CLI, in the case's HOME. */
function configure(text) {
  mkdirSync(join(home, ".ncloud"), { recursive: true });
  writeFileSync(join(home, ".ncloud", "configure"), text);
}

/** A port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const show = (r) => `exit ${r.code} (${r.signal ?? "no signal"})\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/** Asserts a usage error: exit 2, nothing on stdout, one `ncloud-pg-backup:` line and the usage on stderr. */
function assertUsage(r, pattern) {
  assert.equal(r.code, 2, show(r));
  assert.equal(r.stdout, "", show(r));
  assert.match(r.stderr.split("\n")[0], /^ncloud-pg-backup: /, show(r));
  assert.match(r.stderr.split("\n")[0], pattern, show(r));
  assert.match(r.stderr, /Usage: ncloud-pg-backup <command>/, show(r));
}

/** The column where `header`'s column starts in a table, checked to be the same on every line. */
function columnStart(table, header) {
  const [head, ...rows] = table.trimEnd().split("\n");
  const at = head.indexOf(header);
  assert.ok(at >= 0, `no column ${header} in\n${table}`);
  for (const row of rows) assert.match(row.slice(at - 2, at), /^ {2}$|^$/, `column ${header} not aligned in\n${table}`);
  return at;
}

// ---------------------------------------------------------------- help, version, usage errors

test("--help prints the usage on stdout and exits 0; --version prints pkg/package.json's version", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0, show(help));
  for (const want of ["instances", "files --instance", "buckets [--instance", "export --instance", "--wait-timeout", "--skip-existing", "--profile", "NCLOUD_ACCESS_KEY", "~/.ncloud/configure", "--progress", "--storage-region"]) {
    assert.ok(help.stdout.includes(want), `usage lacks ${want}:\n${help.stdout}`);
  }
  assert.equal(help.stderr, "");
  const sub = await cli(["export", "--help"]);
  assert.equal(sub.code, 0, show(sub));
  assert.equal(sub.stdout, help.stdout);
  const version = await cli(["--version"]);
  assert.equal(version.code, 0, show(version));
  assert.equal(version.stdout.trim(), VERSION);
});

test("usage errors exit 2 with the usage: no command, unknown command or flag, a missing value, conflicting flags", async () => {
  assertUsage(await cli([], { env: DEMO }), /no command/);
  assertUsage(await cli(["backup"], { env: DEMO }), /unknown command "backup"/);
  assertUsage(await cli(["instances", "--bogus", ...at()], { env: DEMO }), /unknown flag --bogus/);
  assertUsage(await cli(["files", ...at(), "--instance"], { env: DEMO }), /--instance needs a value/);
  assertUsage(await cli(["files", "--instance", "--json", ...at()], { env: DEMO }), /--instance needs a value/);
  assertUsage(await cli(["files", ...at()], { env: DEMO }), /files needs --instance/);
  const both = ["export", "--instance", "pg-prod", "--file", "20261120_030005", "--latest", "--bucket", "pg-backups", ...at()];
  assertUsage(await cli(both, { env: DEMO }), /either --file or --latest, not both/);
  assertUsage(await cli(["export", "--instance", "pg-prod", "--bucket", "pg-backups", ...at()], { env: DEMO }), /--file <name> or --latest/);
  assertUsage(await cli(["export", "--instance", "pg-prod", "--latest", ...at()], { env: DEMO }), /needs --bucket/);
  assertUsage(await cli(["instances", "--timeout", "soon", ...at()], { env: DEMO }), /--timeout must be a whole number/);
  assertUsage(await cli(["instances", "--site", "moon", ...at()], { env: DEMO }), /--site must be/);
  assertUsage(await cli(["instances", "--bucket", "pg-backups", ...at()], { env: DEMO }), /--bucket is not a flag of instances/);
  assertUsage(await cli(["export", "--instance", "pg-prod", "--latest", "--bucket", "b", "--wait-timeout", "5", ...at()], { env: DEMO }), /--wait-timeout is for --wait/);
  assert.equal(sim.requests.length, 0, "a usage error sends nothing");
});

test("no credentials: exit 2 naming both places (also as one JSON document with --json)", async () => {
  const r = await cli(["instances", ...at()]);
  assert.equal(r.code, 2, show(r));
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^ncloud-pg-backup: no credentials found/);
  assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
  for (const want of ["NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY", join(home, ".ncloud", "configure"), "ncloud_access_key_id", "ncloud_secret_access_key"]) {
    assert.ok(r.stderr.includes(want), `lacks ${want}: ${r.stderr}`);
  }
  const half = await cli(["instances", ...at()], { env: { NCLOUD_ACCESS_KEY: "demo-access-key" } });
  assert.equal(half.code, 2, show(half));
  assert.match(half.stderr, /NCLOUD_SECRET_KEY is not set/);
  const json = await cli(["instances", "--json", ...at()]);
  assert.equal(json.code, 2, show(json));
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.exitCode, 2);
  assert.equal(doc.error.kind, "invalid_options");
  assert.match(doc.error.message, /NCLOUD_ACCESS_KEY/);
  assert.equal(sim.requests.length, 0);
});

// ---------------------------------------------------------------- the list commands

test("instances: an aligned table, and --json's one document; no progress when stderr is not a terminal", async () => {
  const r = await cli(["instances", ...at()], { env: DEMO });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stderr, "", "no progress without a terminal or --progress");
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^INSTANCE NO\s+SERVICE NAME\s+STATUS\s+ENGINE/);
  assert.equal(lines.length, 5, r.stdout);
  const name = columnStart(r.stdout, "SERVICE NAME");
  assert.deepEqual(lines.slice(1).map((l) => l.slice(name).split(/\s+/)[0]), ["pg-prod", "pg-staging", "pg-dev", "pg-reports"]);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ["1234567", "2345678", "3456789", "5678901"]);
  columnStart(r.stdout, "STATUS");
  columnStart(r.stdout, "ENGINE");

  const j = await cli(["instances", "--json", ...at()], { env: DEMO });
  assert.equal(j.code, 0, show(j));
  assert.equal(j.stdout.split("\n").length, 2, "one line (and its newline) when stdout is not a terminal");
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.totalRows, 4);
  assert.deepEqual(doc.instances.map((i) => i.cloudPostgresqlServiceName), ["pg-prod", "pg-staging", "pg-dev", "pg-reports"]);
});

test("files: by service name and by number, table (newest last) and --json", async () => {
  const r = await cli(["files", "--instance", "pg-reports", ...at()], { env: DEMO });
  assert.equal(r.code, 0, show(r));
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^FILE NAME\s+START TIME\s+END TIME\s+SIZE$/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ["20261117", "20261118"]);
  assert.match(lines[2], /2026-11-18T04:01:39\+0900\s+400\.0 MiB$/);
  columnStart(r.stdout, "END TIME");
  const detail = sim.requests.filter((q) => q.target.includes("getCloudPostgresqlBackupDetailList"));
  assert.ok(detail.length >= 1 && detail.every((q) => q.target.includes("cloudPostgresqlInstanceNo=5678901")), "the name was resolved to 5678901");

  const j = await cli(["files", "--instance", "1234567", "--json", ...at()], { env: DEMO });
  assert.equal(j.code, 0, show(j));
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.instance.cloudPostgresqlInstanceNo, "1234567");
  assert.equal(doc.files.length, 3);
  assert.ok(doc.files.some((f) => f.fileName === "20261120_030005" && typeof f.backupSize === "number"));

  const none = await cli(["files", "--instance", "pg-dev", ...at()], { env: DEMO });
  assert.equal(none.code, 0, show(none));
  assert.match(none.stdout, /pg-dev \(3456789\) has no backup files/);
});

test("buckets: all of them, and with --instance those its first server can reach (--json too)", async () => {
  const all = await cli(["buckets", ...at()], { env: DEMO });
  assert.equal(all.code, 0, show(all));
  assert.deepEqual(all.stdout.trimEnd().split("\n"), ["BUCKET NAME", "pg-backups", "archive-kr", "empty-bucket"]);

  const dev = await cli(["buckets", "--instance", "pg-dev", ...at()], { env: DEMO });
  assert.equal(dev.code, 0, show(dev));
  assert.deepEqual(dev.stdout.trimEnd().split("\n"), ["BUCKET NAME", "pg-backups", "empty-bucket"]);
  const bucketList = sim.requests.filter((q) => q.target.includes("getCloudPostgresqlBucketList"));
  assert.ok(bucketList.at(-1).target.includes("cloudPostgresqlServerInstanceNo=3456790"), bucketList.at(-1).target);

  const j = await cli(["buckets", "--instance", "1234567", "--json", ...at()], { env: DEMO });
  assert.equal(j.code, 0, show(j));
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.cloudPostgresqlServerInstanceNo, "1234568");
  assert.equal(doc.instance.cloudPostgresqlServiceName, "pg-prod");
  assert.deepEqual(doc.buckets.map((b) => b.bucketName), ["pg-backups", "archive-kr", "empty-bucket"]);
});

// ---------------------------------------------------------------- export

test("export --file: one line per instance, the region passed on, and --json's array", async () => {
  const r = await cli(["export", "--instance", "1234567", "--file", "20261120_030005", "--bucket", "pg-backups", "--region", "KR", ...at()], { env: DEMO });
  assert.equal(r.code, 0, show(r));
  assert.equal(sim.exports.length, 1);
  assert.deepEqual(
    { no: sim.exports[0].cloudPostgresqlInstanceNo, file: sim.exports[0].fileName, bucket: sim.exports[0].bucketName, region: sim.exports[0].regionCode },
    { no: "1234567", file: "20261120_030005", bucket: "pg-backups", region: "KR" },
  );
  assert.equal(r.stdout, `instance 1234567: export of 20261120_030005 to bucket pg-backups accepted (requestId ${sim.exports[0].requestId})\n`);

  const j = await cli(["export", "--instance", "pg-staging", "--file", "20261120_020003", "--bucket", "archive-kr", "--json", ...at()], { env: DEMO });
  assert.equal(j.code, 0, show(j));
  const doc = JSON.parse(j.stdout);
  assert.ok(Array.isArray(doc) && doc.length === 1, j.stdout);
  assert.equal(doc[0].instance.cloudPostgresqlInstanceNo, "2345678");
  assert.equal(doc[0].instance.cloudPostgresqlServiceName, "pg-staging");
  assert.equal(doc[0].status, "exported");
  assert.equal(doc[0].exitCode, 0);
  assert.equal(doc[0].result.requestId, sim.exports[1].requestId);
  assert.equal(doc[0].result.returnCode, "0");
});

test("--site with --endpoint is a usage error; --storage-region reaches Object Storage's signature", async () => {
  const both = await cli(["instances", "--site", "gov", ...at()], { env: DEMO });
  assertUsage(both, /either --site or --endpoint/);
  const e = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--skip-existing", "--storage-region", "kr-standard", ...at()], { env: DEMO });
  assert.equal(e.code, 0, show(e));
  assert.equal(sim.exports.length, 1);
  const listing = sim.requests.find((q) => q.target.startsWith("/pg-backups?"));
  assert.match(listing.headers.authorization, /\/kr-standard\/s3\/aws4_request/);
  const gov = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--skip-existing", "--storage-region", "gov-standard", ...at()], { env: DEMO });
  assert.equal(gov.code, 3, show(gov)); // the simulator serves kr-standard only: AuthorizationHeaderMalformed
  assert.match(gov.stderr, /storageRegion/);
  assert.equal(sim.exports.length, 1, "no export when the check could not be made");
  const refused = sim.requests.filter((q) => q.target.startsWith("/pg-backups?")).at(-1);
  assert.match(refused.headers.authorization, /\/gov-standard\/s3\/aws4_request/);
});

test("export --latest picks pg-reports' newest file by end time (20261118, listed last)", async () => {
  const r = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", ...at()], { env: DEMO });
  assert.equal(r.code, 0, show(r));
  assert.equal(sim.exports.length, 1);
  assert.equal(sim.exports[0].fileName, "20261118");
  assert.equal(sim.exports[0].cloudPostgresqlInstanceNo, "5678901");
  assert.match(r.stdout, /^pg-reports \(5678901\): export of 20261118 to bucket pg-backups accepted \(requestId /);
});

test("several --instance: each in turn, each reported; the exit code is the first failure's", async () => {
  const ok = await cli(["export", "--instance", "pg-prod", "--instance", "2345678", "--latest", "--bucket", "pg-backups", ...at()], { env: DEMO });
  assert.equal(ok.code, 0, show(ok));
  assert.deepEqual(sim.exports.map((e) => [e.cloudPostgresqlInstanceNo, e.fileName]), [["1234567", "20261120_030005"], ["2345678", "20261120_020003"]]);
  assert.equal(ok.stdout.trimEnd().split("\n").length, 2, ok.stdout);

  sim.reset();
  // pg-prod's export throttled past its retries (5), pg-reports exported (0), an unknown name (4), pg-dev without a backup file (4).
  sim.inject({ type: "throttle", action: "exportBackupToObjectStorage", times: 3 });
  const args = ["export", "--instance", "pg-prod", "--instance", "pg-reports", "--instance", "pg-nope", "--instance", "pg-dev", "--latest", "--bucket", "pg-backups", "--json", ...at()];
  const mixed = await cli(args, { env: DEMO });
  assert.equal(mixed.code, 5, show(mixed));
  const doc = JSON.parse(mixed.stdout);
  assert.deepEqual(doc.map((e) => [e.instance.argument, e.status, e.exitCode]), [
    ["pg-prod", "failed", 5],
    ["pg-reports", "exported", 0],
    ["pg-nope", "failed", 4],
    ["pg-dev", "failed", 4],
  ]);
  assert.deepEqual([doc[0].error.kind, doc[0].error.code, doc[0].error.status], ["throttled", "410", 429]);
  assert.equal(doc[2].error.kind, "not_found");
  assert.equal(doc[3].error.kind, "not_found");
  assert.deepEqual(Object.keys(doc[3].error).slice(0, 4), ["kind", "message", "code", "status"]);
  assert.equal(doc[1].result.fileName, "20261118");
  assert.equal(sim.exports.length, 1);
  assert.equal(mixed.stderr, "", "with --json, the errors are in the document");

  sim.reset();
  sim.inject({ type: "throttle", action: "exportBackupToObjectStorage", times: 20 });
  const text = await cli(["export", "--instance", "pg-prod", "--instance", "pg-staging", "--latest", "--bucket", "pg-backups", ...at()], { env: DEMO });
  assert.equal(text.code, 5, show(text));
  const errors = text.stderr.trimEnd().split("\n");
  assert.equal(errors.length, 2, text.stderr);
  assert.match(errors[0], /^ncloud-pg-backup: pg-prod \(1234567\): Throttle Limited/);
  assert.match(errors[1], /^ncloud-pg-backup: pg-staging \(2345678\): Throttle Limited/);
});

test("--wait sees the object appear after an object-delay, prints its key and size, with progress on stderr", async () => {
  sim.inject({ type: "object-delay", delayMs: 1500 });
  const r = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--wait", "--wait-timeout", "20000", "--progress", ...at()], { env: DEMO });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, "pg-reports (5678901): 20261118 is in bucket pg-backups: cloud-postgresql/5678901/20261118.tar, 419430400 bytes (400.0 MiB)\n");
  assert.ok(r.ms >= 1400, `it waited (${r.ms} ms)`);
  assert.ok(r.ms < 8000, `a 20 s wait looks every second or so, not every 10 s (${r.ms} ms)`);
  assert.match(r.stderr, /pg-reports \(5678901\): export of 20261118 accepted \(requestId [^)]+\); waiting up to 20 s/);
  assert.match(r.stderr, /not in bucket pg-backups yet \(waiting [\d.]+ s\); next check in [\d.]+ s/);
  assert.doesNotMatch(r.stderr, /ncloud-pg-backup:/, "no error line");
  const listings = sim.requests.filter((q) => q.target.startsWith("/pg-backups?"));
  assert.ok(listings.length >= 2, `looked more than once (${listings.length})`);
});

test("the nightly command twice: the second run exports nothing and says so", async () => {
  const nightly = ["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--skip-existing", "--wait", ...at()];
  const first = await cli(nightly, { env: DEMO });
  assert.equal(first.code, 0, show(first));
  assert.equal(sim.exports.length, 1);
  assert.match(first.stdout, /20261118 is in bucket pg-backups: cloud-postgresql\/5678901\/20261118\.tar, 419430400 bytes/);
  const second = await cli(nightly, { env: DEMO });
  assert.equal(second.code, 0, show(second));
  assert.equal(sim.exports.length, 1, "the second run exported nothing");
  assert.equal(
    second.stdout,
    "pg-reports (5678901): 20261118 is already in bucket pg-backups as cloud-postgresql/5678901/20261118.tar (419430400 bytes, 400.0 MiB); nothing exported\n",
  );
  const json = await cli([...nightly, "--json"], { env: DEMO });
  assert.equal(json.code, 0, show(json));
  const [entry] = JSON.parse(json.stdout);
  assert.equal(entry.status, "skipped");
  assert.equal(entry.result.skipped, true);
  assert.equal(entry.result.existing.key, "cloud-postgresql/5678901/20261118.tar");
  assert.equal(sim.exports.length, 1);
});

test("--file --skip-existing: an object already there means no export, exit 0; otherwise it exports", async () => {
  sim.addObjects({ bucket: "archive-kr", key: "cloud-postgresql/1234567/20261119_030004.tar", size: 1234 });
  const args = ["export", "--instance", "pg-prod", "--file", "20261119_030004", "--bucket", "archive-kr", "--skip-existing", ...at()];
  const r = await cli(args, { env: DEMO });
  assert.equal(r.code, 0, show(r));
  assert.equal(sim.exports.length, 0);
  assert.match(r.stdout, /^pg-prod \(1234567\): 20261119_030004 is already in bucket archive-kr as cloud-postgresql\/1234567\/20261119_030004\.tar \(1234 bytes, 1\.2 KiB\); nothing exported$/m);
  const other = await cli(["export", "--instance", "pg-prod", "--file", "20261120_030005", "--bucket", "archive-kr", "--skip-existing", ...at()], { env: DEMO });
  assert.equal(other.code, 0, show(other));
  assert.equal(sim.exports.length, 1);
  assert.match(other.stdout, /export of 20261120_030005 to bucket archive-kr accepted/);
});

// ---------------------------------------------------------------- exit codes

test("exit 3: a wrong secret key (never shown), and a permission fault", async () => {
  const r = await cli(["instances", ...at()], { env: { NCLOUD_ACCESS_KEY: "demo-access-key", NCLOUD_SECRET_KEY: WRONG_SECRET } });
  assert.equal(r.code, 3, show(r));
  assert.match(r.stderr, /^ncloud-pg-backup: Authentication Failed/);
  assert.ok(!r.stdout.includes(WRONG_SECRET) && !r.stderr.includes(WRONG_SECRET), "the secret is not shown");
  const j = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--json", ...at()], { env: { NCLOUD_ACCESS_KEY: "demo-access-key", NCLOUD_SECRET_KEY: WRONG_SECRET } });
  assert.equal(j.code, 3, show(j));
  const [entry] = JSON.parse(j.stdout);
  assert.equal(entry.error.kind, "auth");
  assert.equal(entry.exitCode, 3);
  assert.ok(!j.stdout.includes(WRONG_SECRET) && !j.stderr.includes(WRONG_SECRET));

  sim.inject({ type: "permission", action: "getCloudPostgresqlInstanceList" });
  const p = await cli(["instances", ...at()], { env: DEMO });
  assert.equal(p.code, 3, show(p));
  assert.match(p.stderr, /Permission Denied/);
});

/** A permission fault on the package's bucket listing, whichever S3 listing it sends (ListObjects or ListObjectsV2). */
const refuseListing = () => {
  sim.clearFaults();
  sim.inject([{ type: "permission", action: "s3:ListObjects" }, { type: "permission", action: "s3:ListObjectsV2" }]);
};

test("the bucket listing refused (a permission fault on the S3 request, or a wrong key): exit 3, said in Object Storage's terms", async () => {
  refuseListing();
  const args = ["export", "--instance", "1234567", "--file", "20261120_030005", "--bucket", "pg-backups", "--skip-existing", ...at()];
  const r = await cli(args, { env: DEMO });
  assert.equal(r.code, 3, show(r));
  assert.match(r.stderr, /^ncloud-pg-backup: instance 1234567: Object Storage refused to list bucket pg-backups: Access Denied \(AccessDenied, HTTP 403\)\. The key pair may lack Object Storage permission/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.equal(sim.exports.length, 0, "nothing exported when the check could not be made");

  refuseListing();
  const latest = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--skip-existing", "--json", ...at()], { env: DEMO });
  assert.equal(latest.code, 3, show(latest));
  const [entry] = JSON.parse(latest.stdout);
  assert.equal(entry.error.kind, "permission");
  assert.match(entry.error.message, /Object Storage permission/);
  assert.equal(sim.exports.length, 0);

  sim.clearFaults();
  const wrong = await cli(args, { env: { NCLOUD_ACCESS_KEY: "demo-access-key", NCLOUD_SECRET_KEY: WRONG_SECRET } });
  assert.equal(wrong.code, 3, show(wrong));
  assert.match(wrong.stderr, /Object Storage refused to list bucket pg-backups: .*SignatureDoesNotMatch/);
  assert.match(wrong.stderr, /needs Object Storage permission/);
  assert.ok(!wrong.stderr.includes(WRONG_SECRET) && !wrong.stdout.includes(WRONG_SECRET));
  assert.ok(sim.requests.some((q) => q.target.startsWith("/pg-backups?")), "the S3 listing was what refused");
});

test("exit 4: an unknown instance name lists the names this key can see; a service error", async () => {
  const r = await cli(["files", "--instance", "pg-prd", ...at()], { env: DEMO });
  assert.equal(r.code, 4, show(r));
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    "ncloud-pg-backup: no instance named pg-prd; the instances this key can see: pg-prod (1234567), pg-staging (2345678), pg-dev (3456789), pg-reports (5678901)\n",
  );
  const j = await cli(["buckets", "--instance", "pg-prd", "--json", ...at()], { env: DEMO });
  assert.equal(j.code, 4, show(j));
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.exitCode, 4);
  assert.equal(doc.error.kind, "not_found");
  assert.deepEqual(doc.error.instances.map((i) => i.cloudPostgresqlServiceName), ["pg-prod", "pg-staging", "pg-dev", "pg-reports"]);

  const s = await cli(["files", "--instance", "9999999", ...at()], { env: DEMO });
  assert.equal(s.code, 4, show(s));
  assert.match(s.stderr, /^ncloud-pg-backup: .*returnCode 5001017/);
  const e = await cli(["export", "--instance", "2345678", "--file", "no-such-file", "--bucket", "pg-backups", "--json", ...at()], { env: DEMO });
  assert.equal(e.code, 4, show(e));
  const [entry] = JSON.parse(e.stdout);
  assert.deepEqual([entry.error.kind, entry.error.code, entry.error.status, entry.exitCode], ["service", "5001101", 400, 4]);
});

test("exit 5: throttled past the retries, a request past --timeout, and an endpoint nothing answers on", async () => {
  sim.inject({ type: "throttle", times: 10 });
  const r = await cli(["instances", ...at()], { env: DEMO });
  assert.equal(r.code, 5, show(r));
  assert.match(r.stderr, /^ncloud-pg-backup: Throttle Limited/);
  assert.equal(sim.requests.length, 3, "the first try and 2 retries");

  sim.clearFaults(); // the 7 throttles left
  sim.inject({ type: "delay", delayMs: 3000, action: "getCloudPostgresqlInstanceList" });
  const slow = await cli(["instances", "--timeout", "300", ...at()], { env: DEMO });
  assert.equal(slow.code, 5, show(slow));
  assert.match(slow.stderr, /no answer within timeoutMs \(300 ms\)/);
  assert.ok(slow.ms < 2500, `${slow.ms} ms`);

  const port = await closedPort();
  const u = await cli(["instances", "--endpoint", `http://127.0.0.1:${port}`, "--json"], { env: DEMO });
  assert.equal(u.code, 5, show(u));
  const doc = JSON.parse(u.stdout);
  assert.equal(doc.error.kind, "network");
  assert.equal(doc.exitCode, 5);
});

test("exit 6: --wait runs out (object-never, short --wait-timeout) with the export accepted", async () => {
  sim.inject({ type: "object-never" });
  const args = ["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--wait", "--wait-timeout", "1500", ...at()];
  const r = await cli(args, { env: DEMO });
  assert.equal(r.code, 6, show(r));
  assert.equal(sim.exports.length, 1);
  const requestId = sim.exports[0].requestId;
  assert.equal(
    r.stderr,
    `ncloud-pg-backup: pg-reports (5678901): the export was accepted (requestId ${requestId}) and 20261118 has not appeared in bucket pg-backups yet ` +
      "(waited 1.5 s); rerun with --skip-existing later, or wait longer with --wait-timeout\n",
  );
  assert.ok(r.ms < 10_000, `${r.ms} ms`);

  sim.inject({ type: "object-never" });
  const j = await cli([...args, "--json"], { env: DEMO });
  assert.equal(j.code, 6, show(j));
  const [entry] = JSON.parse(j.stdout);
  assert.equal(entry.exitCode, 6);
  assert.equal(entry.error.kind, "timeout");
  assert.equal(entry.result.requestId, sim.exports[1].requestId);
});

test("exit 1: an answer that cannot be read (bad_response)", async () => {
  sim.inject({ type: "truncated", action: "getCloudPostgresqlInstanceList" });
  const r = await cli(["instances", ...at()], { env: DEMO });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /^ncloud-pg-backup: NCP's answer could not be read/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
});

test("exit 130: Ctrl+C during --wait aborts at once", async () => {
  sim.inject({ type: "object-never" });
  let sentAt = 0;
  const r = await cli(["export", "--instance", "pg-reports", "--latest", "--bucket", "pg-backups", "--wait", "--progress", ...at()], {
    env: DEMO,
    onStderr: (text, child) => {
      if (!sentAt && /next check in/.test(text)) {
        sentAt = Date.now();
        child.kill("SIGINT");
      }
    },
  });
  const stopped = Date.now() - sentAt;
  assert.ok(sentAt > 0, `no progress line came:\n${show(r)}`);
  assert.equal(r.code, 130, show(r));
  assert.ok(stopped < 1000, `stopped ${stopped} ms after SIGINT`);
  assert.match(r.stderr, /interrupted while waiting for 20261118 in bucket pg-backups; the export was accepted/);
  assert.equal(r.stdout, "");
});

// ---------------------------------------------------------------- credentials

test("credentials from ~/.ncloud/configure: [DEFAULT], --profile, and a missing profile", async () => {
  configure(
    [
      "# written by the NCP CLI",
      "[DEFAULT]",
      "ncloud_access_key_id = demo-access-key",
      "ncloud_secret_access_key=demo-secret-key",
      "ncloud_api_url = https://ncloud.apigw.ntruss.com",
      "",
      "; another account",
      "[reports]",
      "  ncloud_access_key_id   =   test-access-key  ",
      "ncloud_secret_access_key = test-secret-key",
      "",
    ].join("\r\n"),
  );
  const d = await cli(["instances", ...at()]);
  assert.equal(d.code, 0, show(d));
  assert.equal(sim.requests.at(-1).headers["x-ncp-iam-access-key"], "demo-access-key");
  const p = await cli(["instances", "--profile", "reports", ...at()]);
  assert.equal(p.code, 0, show(p));
  assert.equal(sim.requests.at(-1).headers["x-ncp-iam-access-key"], "test-access-key");
  assert.match(p.stdout, /pg-reports/);

  const missing = await cli(["instances", "--profile", "nightly", ...at()]);
  assert.equal(missing.code, 2, show(missing));
  assert.match(missing.stderr, /^ncloud-pg-backup: --profile nightly: .*configure has no \[nightly\] section; its sections: DEFAULT, reports/);
  const n = sim.requests.length;
  const json = await cli(["instances", "--profile", "nightly", "--json", ...at()]);
  assert.equal(json.code, 2, show(json));
  assert.equal(JSON.parse(json.stdout).exitCode, 2);
  assert.equal(sim.requests.length, n, "nothing sent");
});

test("the environment wins over the configure file", async () => {
  configure("[DEFAULT]\nncloud_access_key_id = test-access-key\nncloud_secret_access_key = " + WRONG_SECRET + "\n");
  const envWins = await cli(["instances", ...at()], { env: DEMO });
  assert.equal(envWins.code, 0, show(envWins));
  assert.equal(sim.requests.at(-1).headers["x-ncp-iam-access-key"], "demo-access-key");
  const fileOnly = await cli(["instances", ...at()]);
  assert.equal(fileOnly.code, 3, show(fileOnly));
  assert.equal(sim.requests.at(-1).headers["x-ncp-iam-access-key"], "test-access-key");

  configure("[DEFAULT]\nncloud_access_key_id = demo-access-key\nncloud_secret_access_key = demo-secret-key\n");
  const wrongEnv = await cli(["instances", ...at()], { env: { NCLOUD_ACCESS_KEY: "demo-access-key", NCLOUD_SECRET_KEY: WRONG_SECRET } });
  assert.equal(wrongEnv.code, 3, show(wrongEnv), "the environment's (wrong) pair was used, not the file's");
});

test("a secret typed where it does not belong is not echoed back", async () => {
  const r = await cli(["instances", "demo-secret-key", ...at()], { env: DEMO });
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /unexpected argument "<hidden>"/);
  configure("[DEFAULT]\nncloud_access_key_id = demo-access-key\nncloud_secret_access_key = demo-secret-key\n");
  const f = await cli(["files", "--instance=demo-secret-key", ...at()]);
  assert.equal(f.code, 4, show(f));
  assert.match(f.stderr, /^ncloud-pg-backup: no instance named <hidden>; the instances this key can see: pg-prod/);
});

test("no output of any case above held a secret key", () => {
  assert.ok(outputs.length >= 40, `${outputs.length} runs`);
  for (const { args, stdout, stderr } of outputs) {
    for (const secret of SECRETS) {
      assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `${secret} printed by ncloud-pg-backup ${args.join(" ")}`);
    }
  }
});

