#!/usr/bin/env bash
# Builds the npm package in pkg/: the wasm module with the JS exports,
# wasm-bindgen's glue in pkg/gen/, wasm-opt, and the licence texts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

out=pkg/gen
wasm=target/wasm32-unknown-unknown/release/ncloud_pg_backup.wasm

cargo_wasm build --release --lib --features js
rm -rf "$out"
wasm-bindgen --target web --no-typescript --experimental-reset-state-function --out-dir "$out" --out-name ncloud_pg_backup "$wasm"
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
# No target-features section: wasm-bindgen, which reads it, has run.
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --strip-target-features "${features[@]}" \
  "$out/ncloud_pg_backup_bg.wasm" -o "$out/ncloud_pg_backup_bg.wasm"
# The licence texts ship at the package's root, where npm and licence tools look.
cp LICENSE-MIT LICENSE-APACHE pkg/
echo "pkg: $(wc -c < "$out/ncloud_pg_backup_bg.wasm") bytes of wasm"
