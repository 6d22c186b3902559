#!/usr/bin/env node
// Gives the module's imports and exports one- or two-letter names, and the
// glue the same names, so that the .wasm does not carry wasm-bindgen's long
// hashed import names (`__wbg_get_bb8b6b35041e00c9`) and the module path of
// every import. Measured: 2.3 KB less wasm, 0.9 KB less gzip (README, Size).
//   node scripts/short-names.mjs <before.wasm> <after.wasm> <glue.js>
// <after.wasm> is <before.wasm> through `wasm-opt --minify-imports-and-exports-and-modules`;
// wasm-opt keeps the order of imports and exports, so the two lists pair up
// by position. Every rename must apply exactly once, or the build stops.
import { readFileSync, writeFileSync } from "node:fs";

const [before, after, gluePath] = process.argv.slice(2);
const read = (path) => new WebAssembly.Module(readFileSync(path));
const [a, b] = [read(before), read(after)];
let glue = readFileSync(gluePath, "utf8");

function fail(message) {
  console.error(`short-names: ${message}`);
  process.exit(1);
}

/** Replaces the one match of `pattern` (a RegExp with the g flag) by `to` (a string or a function). */
function once(pattern, to, what) {
  const found = glue.match(pattern)?.length ?? 0;
  if (found !== 1) fail(`${what}: found ${found} times in ${gluePath}, expected once`);
  glue = glue.replace(pattern, to);
}

const [oldImports, newImports] = [WebAssembly.Module.imports(a), WebAssembly.Module.imports(b)];
const [oldExports, newExports] = [WebAssembly.Module.exports(a), WebAssembly.Module.exports(b)];
if (oldImports.length !== newImports.length || oldExports.length !== newExports.length) fail("import or export counts differ");
// Paired by position: the kinds must pair up too, and no two imports may share a new name.
for (const [olds, news] of [[oldImports, newImports], [oldExports, newExports]]) {
  if (olds.some((old, i) => old.kind !== news[i].kind)) fail("imports or exports do not pair up by kind");
}
if (new Set(newImports.map((i) => i.name)).size !== newImports.length) fail("two imports got the same new name");

// The glue's imports object: `"./ncloud_pg_backup_bg.js": import0` (an object
// of shims, renamed in place below) and, for JS snippets whose functions the
// module calls directly, `"./snippets/…": importN` (a module namespace, whose
// names cannot change: its functions join import0 under their new names).
// wasm-opt gives every import the same new module name.
const newModules = new Set(newImports.map((i) => i.module));
if (newModules.size !== 1) fail(`expected one module name after minifying, got ${[...newModules].join(", ")}`);
const [newModule] = newModules;
const namespaces = new Map(); // old module -> its `importN` in the glue
for (const m of glue.matchAll(/^\s+"([^"]+)": (import\d+),$/gm)) namespaces.set(m[1], m[2]);
const joined = [];
for (const [i, old] of oldImports.entries()) {
  const now = newImports[i];
  const namespace = namespaces.get(old.module);
  if (namespace === undefined) fail(`the glue has no imports entry for module ${old.module}`);
  if (namespace === "import0") {
    // In the glue's imports object: `        name: function(`.
    once(new RegExp(`^(\\s+)${old.name}(: function)`, "gm"), `$1"${now.name}"$2`, `import ${old.name}`);
  } else {
    joined.push(`        "${now.name}": ${namespace}.${old.name},`);
  }
}
for (const [module, namespace] of namespaces) {
  const line = new RegExp(`^\\s+"${module.replace(/[.]/g, "\\.")}": ${namespace},\\n`, "gm");
  once(line, namespace === "import0" ? `        "${newModule}": import0,\n` : "", `module ${module}`);
}
if (joined.length) {
  once(/^ {4}const import0 = \{\n {8}__proto__: null,\n/gm, (head) => `${head}${joined.join("\n")}\n`, "the imports object");
}

// Exports are read as `wasm.name`; rename them all in one pass.
const exportNames = new Map(oldExports.map((e, i) => [e.name, newExports[i].name]));
glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (whole, name) => {
  if (!exportNames.has(name)) fail(`the glue reads wasm.${name}, which the module does not export`);
  return `wasm.${exportNames.get(name)}`;
});

writeFileSync(gluePath, glue);
