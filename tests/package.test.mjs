// What `npm pack` puts in the published package, and that packing a pkg/
// without its build fails instead of publishing a package with no module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PKG = fileURLToPath(new URL("../pkg/", import.meta.url));

test("npm pack: the module, its glue, the entries, the CLI, types, README and both licence texts, nothing else", () => {
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PKG, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  const files = pack.files.map((f) => f.path).sort();
  for (const needed of ["gen/ncloud_pg_backup_bg.wasm", "gen/ncloud_pg_backup.js", "index.d.ts", "init.d.ts", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "package.json", "cli.js"]) {
    assert.ok(files.includes(needed), `${needed} in ${files.join(", ")}`);
  }
  for (const entry of ["node.js", "browser.js", "workerd.js", "init.js", "api.js", "guard.js", "error.js"]) assert.ok(files.includes(entry), entry);
  const unexpected = files.filter((f) => !/^(gen\/ncloud_pg_backup(_bg\.wasm|\.js)|[\w-]+\.(js|d\.ts|json|md)|LICENSE-(MIT|APACHE))$/.test(f));
  assert.deepEqual(unexpected, [], "files that have no business in the package");
});

test("npm pack refuses a pkg/ whose module was not built", () => {
  const dir = mkdtempSync(join(tmpdir(), "ncloud-pack-"));
  try {
    cpSync(PKG, dir, { recursive: true, filter: (src) => !src.includes(`${join("pkg", "gen")}`) && !/LICENSE-/.test(src) });
    const r = spawnSync("npm", ["pack", "--dry-run"], { cwd: dir, encoding: "utf8" });
    assert.notEqual(r.status, 0, "npm pack succeeded without the module");
    assert.match(r.stderr, /gen\/ncloud_pg_backup_bg\.wasm is missing: run make pkg/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
