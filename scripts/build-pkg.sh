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
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ncloud_pg_backup "$wasm"
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/ncloud_pg_backup_bg.wasm" -o "$out/ncloud_pg_backup_bg.wasm"

# wasm-bindgen puts the error class under a hashed snippets/ path; give the
# entry files a stable module to import it from (the same module, so instanceof holds).
snippet=$(cd "$out" && ls snippets/*/js/ncloud_error.js)
printf 'export { NcloudError } from "./%s";\n' "$snippet" > "$out/error.js"
echo "pkg: $(wc -c < "$out/ncloud_pg_backup_bg.wasm") bytes of wasm"
