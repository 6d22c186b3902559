#!/usr/bin/env node
// ncloud-pg-backup's command line (the package's `bin`): the nightly job of
// SPEC.md, "The nightly job" > "Command line". Built on the package itself and
// node:util's parseArgs, nothing else.
//
// stdout: results (a table or a line each; with --json exactly one JSON
// document). stderr: errors, one line `ncloud-pg-backup: <message>` each, and
// progress (only on a terminal, or with --progress). The secret key is never
// printed: no flag takes it, the package's messages never hold it, no stack is
// ever shown, and every line written is also scrubbed of the secrets this
// process knows of (the environment's and the configure file's).

import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const NAME = "ncloud-pg-backup";
const DEFAULT_WAIT_MS = 30 * 60 * 1000;
const MAX_MS = 2_147_483_647;
const SITES = ["public", "gov", "fin"];
const USAGE = `Usage: ${NAME} <command> [flags]

Send NAVER Cloud Platform Cloud DB for PostgreSQL backups to Object Storage.

Commands:
  instances                       list the Cloud DB for PostgreSQL instances
  files --instance <no|name>      list an instance's backup files
  buckets [--instance <no|name>]  list the Object Storage buckets the service can write to
                                  (with --instance: those the instance's first server can reach)
  export --instance <no|name> (--file <name> | --latest) --bucket <name> [--wait] [--skip-existing]
                                  export a backup file to a bucket; repeat --instance to
                                  export several databases in turn

Export flags:
  --instance <no|name>     instance number (all digits) or service name; repeatable
  --file <name>            the backup file to export (see: files)
  --latest                 the instance's newest backup file (by end time)
  --bucket <name>          the Object Storage bucket (see: buckets)
  --wait                   wait until the file is in the bucket, then print its key and size
  --wait-timeout <ms>      how long --wait waits (default 1800000: 30 minutes)
  --skip-existing          if the file is already in the bucket, export nothing (exit 0)

Flags for all commands:
  --endpoint <url>         NCP API base URL (default: the site's)
  --site <public|gov|fin>  NCP site (default public)
  --region <code>          region code, such as KR (default: NCP's default region)
  --storage-endpoint <url> Object Storage endpoint (default: the site's)
  --storage-region <name>  Object Storage region (default: the site's, such as kr-standard)
  --profile <name>         section of ~/.ncloud/configure to use (default DEFAULT)
  --json                   print exactly one JSON document on stdout
  --timeout <ms>           timeout of each request (default 30000)
  --progress               progress on stderr even when stderr is not a terminal
  --help                   show this help
  --version                print the version

Credentials (no flag takes the secret), the first found of:
  NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY in the environment;
  ~/.ncloud/configure: ncloud_access_key_id and ncloud_secret_access_key
  in its [DEFAULT] section, or in the section --profile names.

Exit codes:
  0 done     1 any other failure     2 usage, invalid options or no credentials
  3 authentication or permission     4 not found or service error
  5 retryable: throttled, gateway, network, or a request's timeout
  6 --wait ran out with the export accepted     130 interrupted (Ctrl+C)`;

const OPTIONS = {
  instance: { type: "string", multiple: true },
  file: { type: "string", multiple: true },
  latest: { type: "boolean" },
  bucket: { type: "string", multiple: true },
  wait: { type: "boolean" },
  "wait-timeout": { type: "string", multiple: true },
  "skip-existing": { type: "boolean" },
  endpoint: { type: "string", multiple: true },
  site: { type: "string", multiple: true },
  region: { type: "string", multiple: true },
  "storage-endpoint": { type: "string", multiple: true },
  "storage-region": { type: "string", multiple: true },
  profile: { type: "string", multiple: true },
  json: { type: "boolean" },
  timeout: { type: "string", multiple: true },
  progress: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
};
/** Flags only some commands take; every other flag is for all. */
const ONLY_FOR = {
  instance: ["files", "buckets", "export"],
  file: ["export"],
  latest: ["export"],
  bucket: ["export"],
  wait: ["export"],
  "wait-timeout": ["export"],
  "skip-existing": ["export"],
};
const COMMANDS = ["instances", "files", "buckets", "export"];

const EXIT = {
  invalid_options: 2,
  auth: 3,
  permission: 3,
  not_found: 4,
  service: 4,
  throttled: 5,
  gateway: 5,
  network: 5,
  timeout: 5,
};
const WAIT_RAN_OUT = 6;

// ---------------------------------------------------------------- output

/** Secrets this process knows of: never written, whatever the text. */
const secrets = new Set();
function hide(text) {
  let s = String(text);
  for (const secret of secrets) {
    s = s.split(secret).join("<hidden>");
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) s = s.split(escaped).join("<hidden>");
  }
  return s;
}
function rememberSecret(value) {
  // A very short "secret" would blank out ordinary words; real ones are 40 characters.
  if (typeof value === "string" && value.trim().length >= 6) secrets.add(value.trim());
}

const write = (stream, text) => {
  try {
    stream.write(hide(text));
  } catch {
    // a closed pipe: nothing more can be said there
  }
};
const out = (line) => write(process.stdout, `${line}\n`);
const fail = (line) => write(process.stderr, `${NAME}: ${oneLine(line)}\n`);
/** One JSON document: indented on a terminal, one line otherwise (a log appended to per run). */
const json = (value) => out(process.stdout.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
const oneLine = (text) => String(text).replace(/\s*[\r\n]+\s*/g, " ").trim();

let showProgress = false;
const progress = (line) => {
  if (showProgress) write(process.stderr, `${oneLine(line)}\n`);
};

for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e?.code === "EPIPE") process.exit(process.exitCode ?? 0);
  });
}

/** An error of the command line's own, shaped like the package's. */
class CliError extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind;
    Object.assign(this, extra);
  }
}
/** A problem with the command line itself: said with the usage, exit 2. */
class UsageError extends Error {}

// ---------------------------------------------------------------- arguments

function readCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    if (argv.includes("--help") || argv.includes("-h")) return { help: true };
    throw new UsageError(argsMessage(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  if (positionals.length === 0) throw new UsageError("no command given");
  const [command, ...extra] = positionals;
  if (command === "help") return { help: true };
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command "${shorten(command)}" (commands: ${COMMANDS.join(", ")})`);
  }
  if (extra.length) throw new UsageError(`unexpected argument "${shorten(extra[0])}" after ${command}`);
  for (const [flag, commands] of Object.entries(ONLY_FOR)) {
    if (values[flag] !== undefined && !commands.includes(command)) {
      throw new UsageError(`--${flag} is not a flag of ${command} (it is for ${commands.join(", ")})`);
    }
  }
  const one = (flag) => {
    const v = values[flag];
    if (v === undefined) return undefined;
    if (v.length > 1) throw new UsageError(`--${flag} was given ${v.length} times: give it once`);
    if (v[0].trim() === "") throw new UsageError(`--${flag} needs a value`);
    return v[0];
  };
  const cmd = {
    command,
    json: Boolean(values.json),
    progress: Boolean(values.progress),
    endpoint: one("endpoint"),
    site: one("site"),
    region: one("region"),
    storageEndpoint: one("storage-endpoint"),
    storageRegion: one("storage-region"),
    profile: one("profile"),
    timeout: milliseconds("timeout", one("timeout")),
    file: one("file"),
    latest: Boolean(values.latest),
    bucket: one("bucket"),
    wait: Boolean(values.wait),
    waitTimeout: milliseconds("wait-timeout", one("wait-timeout")),
    skipExisting: Boolean(values["skip-existing"]),
    instances: [...new Set(values.instance ?? [])],
  };
  if (cmd.site !== undefined && !SITES.includes(cmd.site)) {
    throw new UsageError(`--site must be ${SITES.join(", ")}`);
  }
  if (cmd.site !== undefined && cmd.endpoint !== undefined) {
    throw new UsageError("give either --site or --endpoint, not both (with --endpoint, name Object Storage with --storage-endpoint and --storage-region)");
  }
  for (const i of cmd.instances) if (i.trim() === "") throw new UsageError("--instance needs a value");
  if (command === "files" && cmd.instances.length !== 1) {
    throw new UsageError(cmd.instances.length ? "files takes one --instance" : "files needs --instance <no|name>");
  }
  if (command === "buckets" && cmd.instances.length > 1) throw new UsageError("buckets takes at most one --instance");
  if (command === "export") {
    if (!cmd.instances.length) throw new UsageError("export needs --instance <no|name>");
    if (cmd.file !== undefined && cmd.latest) throw new UsageError("give either --file or --latest, not both");
    if (cmd.file === undefined && !cmd.latest) throw new UsageError("export needs --file <name> or --latest");
    if (cmd.bucket === undefined) throw new UsageError("export needs --bucket <name>");
    if (cmd.waitTimeout !== undefined && !cmd.wait) throw new UsageError("--wait-timeout is for --wait");
  }
  return cmd;
}

/** parseArgs's complaint as one line, naming the flag. */
function argsMessage(e) {
  const flag = /'(-[^' ]*)/.exec(e.message ?? "")?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${shorten(flag ?? "")}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing|ambiguous/.test(e.message) ? `${flag} needs a value` : `${flag} takes no value`;
    default:
      return oneLine(e.message ?? "the command line could not be read");
  }
}

const shorten = (s) => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

function milliseconds(flag, value) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_MS) {
    throw new UsageError(`--${flag} must be a whole number of milliseconds from 1 to ${MAX_MS}`);
  }
  return Number(value);
}

// ---------------------------------------------------------------- credentials

const configurePath = () => join(homedir(), ".ncloud", "configure");

/** The configure file's sections (name -> Map of lower-case key -> value), or null if there is none. */
function readConfigure(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (e?.code === "ENOENT" || e?.code === "ENOTDIR") return null;
    throw new CliError("invalid_options", `${path} could not be read (${e?.code ?? "error"})`);
  }
  const sections = new Map();
  let current = null;
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]*)\]$/.exec(line);
    if (header) {
      current = header[1].trim();
      if (!sections.has(current)) sections.set(current, new Map());
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const section = current ?? "DEFAULT";
    if (!sections.has(section)) sections.set(section, new Map());
    sections.get(section).set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

/** Every secret of the environment and the configure file, to scrub from what is written. */
function learnSecrets() {
  rememberSecret(process.env.NCLOUD_SECRET_KEY);
  try {
    for (const section of readConfigure(configurePath())?.values() ?? []) {
      rememberSecret(section.get("ncloud_secret_access_key"));
    }
  } catch {
    // unreadable: then it holds nothing to show either
  }
}

/** The key pair, the first found: the environment, then ~/.ncloud/configure. */
function credentials(profile) {
  const envAccess = process.env.NCLOUD_ACCESS_KEY?.trim();
  const envSecret = process.env.NCLOUD_SECRET_KEY?.trim();
  if (envAccess && envSecret) {
    return { accessKey: envAccess, secretKey: envSecret, source: "the environment (NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY)" };
  }
  const path = configurePath();
  const sections = readConfigure(path);
  const section = profile ?? "DEFAULT";
  const partly = envAccess ? " (NCLOUD_SECRET_KEY is not set)" : envSecret ? " (NCLOUD_ACCESS_KEY is not set)" : "";
  if (profile !== undefined && !sections?.has(profile)) {
    const known = sections && sections.size ? `; its sections: ${[...sections.keys()].join(", ")}` : "";
    const where = sections ? `${path} has no [${profile}] section${known}` : `${path} does not exist`;
    throw new CliError("invalid_options", `--profile ${profile}: ${where}`);
  }
  const keys = sections?.get(section);
  if (keys) {
    const accessKey = keys.get("ncloud_access_key_id");
    const secretKey = keys.get("ncloud_secret_access_key");
    if (accessKey && secretKey) return { accessKey, secretKey, source: `${path} [${section}]` };
    const lacking = [!accessKey && "ncloud_access_key_id", !secretKey && "ncloud_secret_access_key"].filter(Boolean);
    throw new CliError("invalid_options", `the [${section}] section of ${path} has no ${lacking.join(" or ")}`);
  }
  throw new CliError(
    "invalid_options",
    `no credentials found: set NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY in the environment${partly}, ` +
      `or put ncloud_access_key_id and ncloud_secret_access_key in the [DEFAULT] section of ${path}` +
      `${sections ? " (it has none)" : ""} (no flag takes the secret key)`,
  );
}

// ---------------------------------------------------------------- errors and exit codes

/** The exit code of a failure (SPEC.md's table). */
function exitCodeOf(error) {
  if (error?.kind === "aborted") return interrupted ?? 130;
  return EXIT[error?.kind] ?? 1;
}

/** What --json shows of an error: never a stack or a cause object. */
function errorJson(error) {
  const shown = {
    kind: error?.kind ?? "unexpected",
    message: oneLine(error?.message ?? String(error)),
    code: error?.code ?? null,
    status: error?.status ?? null,
  };
  for (const field of ["requestId", "option"]) if (error?.[field] !== undefined) shown[field] = error[field];
  if (error?.instances) shown.instances = error.instances;
  return shown;
}

/**
 * A failure listing the bucket (findExportedObject, waitForExport, or
 * exportLatestBackup's skip check), with why the bucket was listed at all.
 */
function storageError(error, bucket) {
  if (error?.kind !== "auth" && error?.kind !== "permission") return error;
  const why = `--skip-existing and --wait list bucket ${bucket} through Object Storage with the same key pair, which needs Object Storage permission`;
  const e = new CliError(error.kind, `${oneLine(error.message)} (${why})`);
  for (const field of ["status", "code", "requestId"]) if (error[field] !== undefined) e[field] = error[field];
  return e;
}
const fromStorage = (error) => /Object Storage/.test(error?.message ?? "");

// ---------------------------------------------------------------- signals

const controller = new AbortController();
let interrupted = null;
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
  process.on(signal, () => {
    if (interrupted !== null) process.exit(interrupted);
    interrupted = code;
    controller.abort();
    fail(`interrupted (${signal}), stopping`);
    // The calls reject at once on the signal; should anything linger, leave anyway.
    setTimeout(() => process.exit(code), 1500).unref();
  });
}
process.on("uncaughtException", (e) => {
  fail(`unexpected error: ${e?.message ?? e}`);
  process.exit(1);
});
process.on("unhandledRejection", (e) => {
  fail(`unexpected error: ${e?.message ?? e}`);
  process.exit(1);
});

// ---------------------------------------------------------------- formatting

/** Terminal columns a string takes (East Asian wide characters take two). */
function width(s) {
  let n = 0;
  for (const ch of String(s)) {
    const c = ch.codePointAt(0);
    const wide =
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
    n += wide ? 2 : 1;
  }
  return n;
}

/** Columns aligned; `right` lists the columns aligned to the right. */
function table(headers, rows, right = []) {
  const cells = [headers, ...rows].map((r) => r.map((c) => oneLine(c ?? "")));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i]))));
  return cells
    .map((r) =>
      r.map((c, i) => {
        const pad = " ".repeat(widths[i] - width(c));
        return right.includes(i) ? pad + c : i === r.length - 1 ? c : c + pad;
      }).join("  ").trimEnd(),
    )
    .join("\n");
}

function bytes(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

function seconds(ms) {
  const s = ms / 1000;
  if (s >= 120 && s % 60 === 0) return `${s / 60} min`;
  return s < 10 ? `${Number(s.toFixed(1))} s` : `${Math.round(s)} s`;
}

const label = (inst) => (inst.name ? `${inst.name} (${inst.no})` : `instance ${inst.no}`);
const instanceJson = (inst) => ({ cloudPostgresqlInstanceNo: inst.no, cloudPostgresqlServiceName: inst.name ?? null });

// ---------------------------------------------------------------- the commands

async function main(argv) {
  learnSecrets();
  let cmd;
  try {
    cmd = readCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    fail(e.message);
    write(process.stderr, `\n${USAGE}\n`);
    return 2;
  }
  if (cmd.help) {
    out(USAGE);
    return 0;
  }
  if (cmd.version) {
    out(JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version);
    return 0;
  }
  showProgress = Boolean(process.stderr.isTTY) || cmd.progress;

  const report = (error) => {
    const code = exitCodeOf(error);
    if (cmd.json) json({ error: errorJson(error), exitCode: code });
    else fail(error?.message ?? String(error));
    return code;
  };

  let api;
  let keys;
  try {
    keys = credentials(cmd.profile);
    progress(`credentials: ${keys.source}`);
    api = await import("./node.js");
  } catch (e) {
    if (e instanceof CliError) return report(e);
    return report(new CliError("unexpected", `the package's WebAssembly module could not be loaded: ${e?.message ?? e}`));
  }

  const signal = controller.signal;
  // What every call takes; then the API's options (endpoint names the host, else site) and Object Storage's.
  const common = { accessKey: keys.accessKey, secretKey: keys.secretKey, site: cmd.site, signal };
  const apiOpts = { ...common, endpoint: cmd.endpoint, regionCode: cmd.region, timeoutMs: cmd.timeout };
  const storageOpts = { storageEndpoint: cmd.storageEndpoint, storageRegion: cmd.storageRegion };
  const findOpts = { ...common, ...storageOpts };
  const ctx = { cmd, api, apiOpts, storageOpts, findOpts, signal, instanceList: null };

  try {
    switch (cmd.command) {
      case "instances":
        return await instancesCommand(ctx);
      case "files":
        return await filesCommand(ctx);
      case "buckets":
        return await bucketsCommand(ctx);
      default:
        return await exportCommand(ctx);
    }
  } catch (e) {
    return report(e);
  }
}

/** Every instance this key can see (all pages), listed once per run. */
function allInstances(ctx) {
  ctx.instanceList ??= ctx.api.listInstances({ ...ctx.apiOpts, allPages: true }).then(
    (r) => r.instances ?? [],
    (e) => {
      ctx.instanceList = null; // the next --instance asks again
      throw e;
    },
  );
  return ctx.instanceList;
}

/** `--instance`: a number (all digits) as is, else the instance of that service name. */
async function resolveInstance(ctx, argument, { needItem = false } = {}) {
  const numeric = /^\d+$/.test(argument);
  if (numeric && !needItem) return { no: argument, name: null, argument };
  progress(numeric ? `looking up instance ${argument}` : `looking up instance ${argument} by service name`);
  const list = await allInstances(ctx);
  const matches = list.filter((i) => (numeric ? i.cloudPostgresqlInstanceNo === argument : i.cloudPostgresqlServiceName === argument));
  const names = list.map((i) => `${i.cloudPostgresqlServiceName} (${i.cloudPostgresqlInstanceNo})`);
  const seen = names.length ? `the instances this key can see: ${names.join(", ")}` : "this key can see no instances";
  if (matches.length === 0) {
    throw new CliError("not_found", `no instance ${numeric ? "number" : "named"} ${argument}; ${seen}`, {
      instances: list.map((i) => ({ cloudPostgresqlInstanceNo: i.cloudPostgresqlInstanceNo, cloudPostgresqlServiceName: i.cloudPostgresqlServiceName })),
    });
  }
  if (matches.length > 1) {
    const nos = matches.map((i) => i.cloudPostgresqlInstanceNo).join(", ");
    throw new CliError("invalid_options", `${matches.length} instances are named ${argument} (${nos}): pass --instance <number>`);
  }
  const item = matches[0];
  return { no: item.cloudPostgresqlInstanceNo, name: item.cloudPostgresqlServiceName ?? null, argument, item };
}

async function instancesCommand(ctx) {
  const r = await ctx.api.listInstances({ ...ctx.apiOpts, allPages: true });
  const list = r.instances ?? [];
  if (ctx.cmd.json) {
    json(r);
    return 0;
  }
  if (!list.length) {
    out("no instances");
    return 0;
  }
  const backup = (i) =>
    i.isBackup === false
      ? "off"
      : [i.backupTime && `daily ${i.backupTime}`, i.backupFileRetentionPeriod !== undefined && `kept ${i.backupFileRetentionPeriod} d`]
          .filter(Boolean)
          .join(", ") || "on";
  out(
    table(
      ["INSTANCE NO", "SERVICE NAME", "STATUS", "ENGINE", "SERVERS", "BACKUP"],
      list.map((i) => [
        i.cloudPostgresqlInstanceNo,
        i.cloudPostgresqlServiceName,
        i.cloudPostgresqlInstanceStatusName,
        i.engineVersion,
        String(i.cloudPostgresqlServerInstanceList?.length ?? ""),
        backup(i),
      ]),
      [4],
    ),
  );
  return 0;
}

async function filesCommand(ctx) {
  const inst = await resolveInstance(ctx, ctx.cmd.instances[0]);
  progress(`${label(inst)}: listing backup files`);
  const r = await ctx.api.listBackupFiles({ ...ctx.apiOpts, cloudPostgresqlInstanceNo: inst.no, allPages: true });
  const files = r.files ?? [];
  if (ctx.cmd.json) {
    json({ instance: instanceJson(inst), ...r });
    return 0;
  }
  if (!files.length) {
    out(`${label(inst)} has no backup files`);
    return 0;
  }
  // Oldest first by end time, the newest last (NCP promises no order).
  const at = (f) => {
    const t = Date.parse(f.endTime ?? "");
    return Number.isNaN(t) ? -Infinity : t;
  };
  const sorted = [...files].sort((a, b) => at(a) - at(b));
  out(
    table(
      ["FILE NAME", "START TIME", "END TIME", "SIZE"],
      sorted.map((f) => [f.fileName, f.startTime, f.endTime, bytes(f.backupSize)]),
      [3],
    ),
  );
  return 0;
}

async function bucketsCommand(ctx) {
  let inst = null;
  let server;
  if (ctx.cmd.instances.length) {
    inst = await resolveInstance(ctx, ctx.cmd.instances[0], { needItem: true });
    server = inst.item.cloudPostgresqlServerInstanceList?.[0]?.cloudPostgresqlServerInstanceNo;
    if (!server) throw new CliError("not_found", `${label(inst)} lists no server, so no bucket can be looked up for it`);
    progress(`${label(inst)}: listing the buckets its server ${server} can reach`);
  }
  const r = await ctx.api.listBuckets({ ...ctx.apiOpts, cloudPostgresqlServerInstanceNo: server });
  const buckets = r.buckets ?? [];
  if (ctx.cmd.json) {
    const head = inst ? { instance: instanceJson(inst), cloudPostgresqlServerInstanceNo: server } : {};
    json({ ...head, ...r });
    return 0;
  }
  if (!buckets.length) {
    out(inst ? `no bucket is reachable from ${label(inst)}` : "no buckets");
    return 0;
  }
  out(table(["BUCKET NAME"], buckets.map((b) => [b.bucketName])));
  return 0;
}

async function exportCommand(ctx) {
  const { cmd } = ctx;
  const entries = [];
  let first = 0;
  for (const argument of cmd.instances) {
    if (ctx.signal.aborted) break;
    const entry = await exportOne(ctx, argument);
    entries.push(entry);
    if (entry.exitCode !== 0 && first === 0) first = entry.exitCode;
    if (entry.exitCode === 130 || entry.exitCode === 143) break; // interrupted: nothing more
  }
  if (cmd.json) json(entries);
  return interrupted ?? first;
}

/** One instance's export, reported as it ends; the entry --json shows. */
async function exportOne(ctx, argument) {
  const { cmd, api } = ctx;
  const entry = {
    instance: { argument, cloudPostgresqlInstanceNo: /^\d+$/.test(argument) ? argument : null, cloudPostgresqlServiceName: null },
    bucketName: cmd.bucket,
    status: "failed",
    exitCode: 1,
  };
  let inst = { no: argument, name: null };
  let step = "";
  let accepted = null;
  try {
    inst = await resolveInstance(ctx, argument);
    entry.instance = { argument, ...instanceJson(inst) };
    const who = label(inst);
    let fileName = cmd.file;
    if (cmd.latest) {
      step = "export";
      progress(`${who}: exporting its newest backup file to bucket ${cmd.bucket}${cmd.skipExisting ? " unless it is there already" : ""}`);
      const r = await api.exportLatestBackup({
        ...ctx.apiOpts,
        ...ctx.storageOpts,
        cloudPostgresqlInstanceNo: inst.no,
        bucketName: cmd.bucket,
        skipExisting: cmd.skipExisting,
      });
      fileName = r.fileName;
      if (r.skipped) return skipped(entry, who, r, cmd.json);
      accepted = r;
    } else {
      if (cmd.skipExisting) {
        step = "find";
        progress(`${who}: looking for ${fileName} in bucket ${cmd.bucket}`);
        const existing = await api.findExportedObject({ ...ctx.findOpts, bucketName: cmd.bucket, fileName, timeoutMs: cmd.timeout });
        if (existing) return skipped(entry, who, { fileName, skipped: true, existing }, cmd.json);
      }
      step = "export";
      progress(`${who}: exporting ${fileName} to bucket ${cmd.bucket}`);
      accepted = await api.exportBackup({ ...ctx.apiOpts, cloudPostgresqlInstanceNo: inst.no, fileName, bucketName: cmd.bucket });
      accepted = { ...accepted, fileName, skipped: false };
    }
    entry.result = accepted;
    const request = accepted.requestId ? ` (requestId ${accepted.requestId})` : "";
    if (!cmd.wait) {
      entry.status = "exported";
      entry.exitCode = 0;
      if (!cmd.json) out(`${who}: export of ${fileName} to bucket ${cmd.bucket} accepted${request}`);
      return entry;
    }
    step = "wait";
    const limit = cmd.waitTimeout ?? DEFAULT_WAIT_MS;
    // The first interval scales with the wait (a short wait looks more often): 10 s for the default 30 minutes.
    const intervalMs = Math.min(10_000, Math.max(500, Math.round(limit / 20)));
    progress(`${who}: export of ${fileName} accepted${request}; waiting up to ${seconds(limit)} for it to appear in bucket ${cmd.bucket}`);
    const object = await api.waitForExport({
      ...ctx.findOpts,
      bucketName: cmd.bucket,
      fileName,
      timeoutMs: limit,
      intervalMs,
      onProgress: ({ elapsedMs, nextCheckInMs }) =>
        progress(`${who}: ${fileName} is not in bucket ${cmd.bucket} yet (waiting ${seconds(elapsedMs)}); next check in ${seconds(nextCheckInMs)}`),
    });
    entry.result = { ...accepted, object };
    entry.status = "exported";
    entry.exitCode = 0;
    if (!cmd.json) {
      out(`${who}: ${fileName} is in bucket ${cmd.bucket}: ${object.key}, ${object.size} bytes (${bytes(object.size)})`);
    }
    return entry;
  } catch (e) {
    return failed(ctx, entry, inst, e, { step, accepted });
  }
}

function skipped(entry, who, r, json) {
  entry.status = "skipped";
  entry.exitCode = 0;
  entry.result = r;
  const o = r.existing ?? {};
  if (!json) out(`${who}: ${r.fileName} is already in bucket ${entry.bucketName} as ${o.key} (${o.size} bytes, ${bytes(o.size)}); nothing exported`);
  return entry;
}

function failed(ctx, entry, inst, e, { step, accepted }) {
  const { cmd } = ctx;
  const who = label(inst);
  let error = e;
  if (step === "find" || step === "wait" || (step === "export" && cmd.latest && fromStorage(e))) error = storageError(e, cmd.bucket);
  let code = exitCodeOf(error);
  let message = oneLine(error?.message ?? String(error));
  const request = accepted?.requestId ? ` (requestId ${accepted.requestId})` : "";
  const file = accepted?.fileName ?? cmd.file;
  if (error?.kind === "aborted") {
    message =
      step === "wait"
        ? `interrupted while waiting for ${file} in bucket ${cmd.bucket}; the export was accepted${request}: ` +
          "rerun with --skip-existing --wait to wait for it without exporting again"
        : step === "export"
          ? "interrupted during the export request: it may have reached NCP; rerun with --skip-existing"
          : "interrupted; nothing was exported";
  } else if (step === "wait" && error?.kind === "timeout") {
    code = WAIT_RAN_OUT;
    message =
      `the export was accepted${request} and ${file} has not appeared in bucket ${cmd.bucket} yet ` +
      `(waited ${seconds(cmd.waitTimeout ?? DEFAULT_WAIT_MS)}); rerun with --skip-existing later, or wait longer with --wait-timeout`;
  } else if (step === "wait") {
    message = `the export was accepted${request}, but looking for ${file} in bucket ${cmd.bucket} failed: ${message}`;
  } else if (step === "export" && ["network", "timeout"].includes(error?.kind)) {
    message += "; the export may have reached NCP: rerun with --skip-existing (and --wait) rather than blindly";
  }
  entry.error = { ...errorJson(error), message };
  entry.exitCode = code;
  if (!cmd.json) fail(`${who}: ${message}`);
  return entry;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is written synchronously (or queued); nothing should keep the process, but never hang a cron job.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (e) => {
    fail(`unexpected error: ${e?.message ?? e}`);
    process.exitCode = 1;
  },
);
