# Sourced by the scripts in this folder: PATH and the wasm build command that
# setup.sh chose for this machine.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH" # where cargo install puts the CLI

# `cargo_wasm build …` builds for wasm32-unknown-unknown with std rebuilt
# from source for size: panics abort on the spot (no panic messages or
# formatting in the module; the code never panics by design) and std's
# optimize_for_size variants. Measured: 144 KB -> 116 KB after wasm-opt (README).
# These are unstable flags, hence RUSTC_BOOTSTRAP; they need the rust-src
# component (rustup) or rust-web-src (Debian fallback, ../shared/TOOLCHAIN.md).
# sha2's compact SHA-256 (a loop, not 64 unrolled rounds): 7 KB less wasm for
# about 12 % more time per signature, which the signing ceiling still allows.
# No reference types: wasm-bindgen then keeps JS values in a JS-side heap
# instead of an externref table with a shim per export: 0.7 KB less gzip of
# wasm for 0.1 KB more of glue, at the same speed (README, Size).
cargo_wasm() {
  local toolchain=() linker=()
  if [ -f .tools/debian-web ]; then
    toolchain=(+debian-web)
    linker=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 RUSTDOC=/usr/bin/rustdoc)
  fi
  env RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none --cfg sha2_backend_soft=\"compact\" -Ctarget-feature=-reference-types" "${linker[@]}" \
    cargo "${toolchain[@]}" "$@" --target wasm32-unknown-unknown \
      -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}
