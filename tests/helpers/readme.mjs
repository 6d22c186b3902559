// What the README tests (tests/readme-examples.test.mjs, tests/esbuild.test.mjs,
// tests/require.test.mjs) share: the code blocks of a Markdown file, a temp project whose
// node_modules resolves "ncloud-pg-backup" to pkg/, a child process run without blocking the
// in-process simulator, and the fetch rewrite that sends NCP's default endpoints to the
// simulator (only the endpoint swapped: the code under test stays as written).
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { MIME, serveStatic } from "./static.mjs";

export const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
export const PKG = join(REPO, "pkg");
export const CLI = join(PKG, "cli.js");
export const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");
/** NCP's default endpoints (public site), as the package uses them when no endpoint is given. */
export const NCP_GATEWAY = "https://ncloud.apigw.ntruss.com";
export const NCP_STORAGE = "https://kr.object.ncloudstorage.com";
/** SIMULATOR-ONLY keys (sim/README.md). */
export const DEMO = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };

/**
 * The fenced code blocks of a Markdown file: `{ where, info, lang, code, startLine, endLine }`
 * (`where` is "README.md:19", the opening fence's line; `lang` is the info string's first word
 * before any comma: "rust" for "rust,no_run").
 */
export function codeBlocks(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const name = file.startsWith(REPO + sep) ? file.slice(REPO.length + 1) : file;
  const blocks = [];
  let open = null;
  lines.forEach((line, i) => {
    if (!open) {
      const m = /^(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
      if (m) open = { fence: m[1], info: m[2].trim(), startLine: i + 1, body: [] };
    } else if (/^(`{3,}|~{3,})$/.test(line.trim()) && line.trim()[0] === open.fence[0] && line.trim().length >= open.fence.length) {
      const lang = open.info.split(/[,\s]/)[0];
      blocks.push({ where: `${name}:${open.startLine}`, info: open.info, lang, code: open.body.join("\n") + "\n", startLine: open.startLine, endLine: i + 1 });
      open = null;
    } else {
      open.body.push(line);
    }
  });
  if (open) throw new Error(`${name}:${open.startLine}: a code fence is never closed`);
  return blocks;
}

/**
 * What a block is, for the README tests: "node", "worker", "esbuild" (js); "html"; "cli" (sh that
 * runs `npx ncloud-pg-backup`); "rust"; "setup" (sh of `npm install` / `make` lines only, which
 * do not call the package); or null: a block the tests do not know how to run (a test fails).
 */
export function kindOf(block) {
  const { lang, code } = block;
  if (lang === "js") {
    if (/export\s+default\s*\{\s*(\/\*\*.*\*\/\s*)?async\s+scheduled\b/.test(code)) return "worker";
    if (/from\s+"ncloud-pg-backup\/init"/.test(code)) return "esbuild";
    if (/from\s+"ncloud-pg-backup"/.test(code)) return "node";
    return null;
  }
  if (lang === "html") return code.includes("ncloud-pg-backup") ? "html" : null;
  if (lang === "sh") {
    if (/\bnpx ncloud-pg-backup\b/.test(code)) return "cli";
    const commands = code.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
    return commands.length && commands.every((c) => /^(npm install\b|make [a-z]+\s*$)/.test(c)) ? "setup" : null;
  }
  if (lang === "rust") return "rust";
  return null;
}

/**
 * The command lines of a `cli` block, each as the arguments after `npx ncloud-pg-backup`: a
 * crontab line's five schedule fields and a trailing `>>`/`>` redirection are left out (the test
 * runs the command itself). Throws on a line it could not split faithfully (quotes, pipes, …).
 */
export function cliCommands(block) {
  const commands = [];
  for (const raw of block.code.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const at = line.indexOf("npx ncloud-pg-backup");
    if (at < 0) throw new Error(`${block.where}: a line that is not the command line: ${line}`);
    const rest = line.slice(at + "npx ncloud-pg-backup".length).replace(/\s+>>?\s*\S+\s*$/, "");
    if (/["'`|&;<>$\\]/.test(rest)) throw new Error(`${block.where}: cannot split this command line as a shell would: ${rest}`);
    commands.push(rest.trim().split(/\s+/).filter(Boolean));
  }
  return commands;
}

/** A temp directory whose node_modules/ncloud-pg-backup links to pkg/ (what `npm install` of `file:../pkg` gives). */
export function tempProject(prefix = "ncloud-readme-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(PKG, join(dir, "node_modules", "ncloud-pg-backup"), "dir");
  // For tsc: Node's types from the workspace (the README's Node code reads process.env).
  symlinkSync(join(REPO, "node_modules", "@types", "node"), join(dir, "node_modules", "@types", "node"), "dir");
  return dir;
}

export const removeDir = (dir) => dir && rmSync(dir, { recursive: true, force: true });

/**
 * The fetch rewrite, as a module's source (the same code in Node's preload and in a Worker):
 * `installRewrite(simulatorUrl)` wraps globalThis.fetch so that a request to NCP's gateway goes
 * to the simulator's origin (signature v2 covers the method, the path and query, the timestamp
 * and the access key, not the host, so it stays valid), and a request to Object Storage goes
 * there too with the host it was signed for in `x-forwarded-host` (SigV4 covers `host`; the
 * simulator checks the signature against `x-forwarded-host` when that header is present).
 * A request to any other origin but the simulator's is refused, so nothing reaches NCP.
 */
export const REWRITE_SOURCE = `// Written by tests/helpers/readme.mjs: NCP's default endpoints -> the local simulator.
const GATEWAY = ${JSON.stringify(NCP_GATEWAY)};
const STORAGE = ${JSON.stringify(NCP_STORAGE)};

export function installRewrite(simulator) {
  if (!simulator) throw new Error("installRewrite: no simulator URL");
  const original = globalThis.fetch;
  const under = (url, base) => url === base || url.startsWith(base + "/") || url.startsWith(base + "?");
  globalThis.fetch = function fetch(input, init) {
    const url = input instanceof Request ? input.url : String(input);
    let to;
    let forwardedHost = null;
    if (under(url, GATEWAY)) to = simulator + url.slice(GATEWAY.length);
    else if (under(url, STORAGE)) {
      to = simulator + url.slice(STORAGE.length);
      forwardedHost = new URL(STORAGE).host;
    } else if (under(url, simulator)) to = url;
    else return Promise.reject(new TypeError("the README test's fetch sends nothing outside the simulator: " + new URL(url).origin));
    if (input instanceof Request) {
      const request = new Request(to, input);
      if (forwardedHost) request.headers.set("x-forwarded-host", forwardedHost);
      return original(request, init);
    }
    const headers = new Headers(init?.headers);
    if (forwardedHost) headers.set("x-forwarded-host", forwardedHost);
    return original(to, { ...init, headers });
  };
}
`;

/** Writes rewrite.mjs and a preload for `node --import` (the simulator's URL from README_TEST_SIMULATOR); returns the preload's path. */
export function writePreload(dir) {
  writeFileSync(join(dir, "rewrite.mjs"), REWRITE_SOURCE);
  const preload = join(dir, "preload.mjs");
  writeFileSync(preload, 'import { installRewrite } from "./rewrite.mjs";\ninstallRewrite(process.env.README_TEST_SIMULATOR);\n');
  return preload;
}

/**
 * Runs a command without blocking this process (the simulator runs in it). Resolves
 * `{ code, signal, stdout, stderr }`; kills the child after `timeout` ms (then code is null).
 */
export function run(command, args, { cwd, env, timeout = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** A child's environment: no inherited keys or NODE_OPTIONS, HOME in `home` (so no ~/.ncloud/configure is read). */
export function childEnv(home, extra = {}) {
  return { PATH: process.env.PATH, HOME: home, ...extra };
}

/** Signature v2 of NCP's API Gateway, computed here with node:crypto (independent of the package). */
export function signatureV2({ method, target, timestamp, accessKey, secretKey }) {
  return createHmac("sha256", secretKey).update(`${method} ${target}\n${timestamp}\n${accessKey}`).digest("base64");
}

/**
 * Serves the repository root, with /node_modules/ncloud-pg-backup/ mapped to pkg/ (what a page
 * in a project that installed the package sees); `pages` maps exact paths to HTML strings.
 */
export function serveRepo({ pages = {} } = {}) {
  const routes = Object.fromEntries(Object.entries(pages).map(([path, html]) => [path, [MIME[".html"], html]]));
  return serveStatic(REPO, { routes, mounts: { "/node_modules/ncloud-pg-backup/": PKG } });
}

/** The seed's live instances' service names, in seed order (what listInstances gives). */
export function seedServiceNames() {
  const seed = JSON.parse(readFileSync(join(REPO, "sim", "seed.json"), "utf8"));
  return seed.instances.filter((i) => i.cloudPostgresqlInstanceStatus?.code !== "DEL").map((i) => i.cloudPostgresqlServiceName);
}

/** tsc's exact options of the README check, plus `extra`; resolves `{ code, output }`. */
export async function typeCheck(cwd, files, extra = []) {
  const args = [TSC, "--strict", "--noEmit", "--allowJs", "--checkJs", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--pretty", "false", ...extra, ...files];
  const r = await run(process.execPath, args, { cwd, env: childEnv(cwd), timeout: 120_000 });
  return { code: r.code, output: (r.stdout + r.stderr).trim() };
}
