#!/usr/bin/env bash
# Builds the npm package in pkg/: the wasm module, wasm-bindgen's glue, wasm-opt,
# and a stable re-export of the NcloudError class. Run through `make pkg`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

out=pkg/gen
wasm=target/wasm32-unknown-unknown/release/ncloud_pg_backup.wasm

cargo_wasm build --release --lib
rm -rf "$out"
wasm-bindgen --target web --no-typescript --experimental-reset-state-function --out-dir "$out" --out-name ncloud_pg_backup "$wasm"
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers "${features[@]}" \
  "$out/ncloud_pg_backup_bg.wasm" -o "$out/full-names.wasm"
# Short import and export names, in the module and in the glue alike; and no
# target-features section (wasm-bindgen, which reads it, has run).
node_modules/.bin/wasm-opt "${features[@]}" --minify-imports-and-exports-and-modules --strip-target-features \
  "$out/full-names.wasm" -o "$out/ncloud_pg_backup_bg.wasm" >/dev/null
node scripts/short-names.mjs "$out/full-names.wasm" "$out/ncloud_pg_backup_bg.wasm" "$out/ncloud_pg_backup.js"
rm "$out/full-names.wasm"

# wasm-bindgen puts the error class and the options reader under a hashed
# snippets/ path; give the entry files stable modules to import them from
# (the same modules, so instanceof holds).
snippets=$(cd "$out" && ls -d snippets/*/js)
printf 'export { NcloudError } from "./%s/ncloud_error.js";\n' "$snippets" > "$out/error.js"
printf 'export { MAX_VALUE_LEN, readOptions } from "./%s/values.js";\n' "$snippets" > "$out/values.js"
# The licence texts ship at the package's root, where npm and licence tools look.
cp LICENSE-MIT LICENSE-APACHE pkg/
echo "pkg: $(wc -c < "$out/ncloud_pg_backup_bg.wasm") bytes of wasm"
