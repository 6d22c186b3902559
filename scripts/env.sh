# Sourced by the scripts in this folder: PATH and the wasm build command that
# setup.sh chose for this machine.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# `cargo_wasm build …` builds for wasm32-unknown-unknown with rustup's target,
# or, where setup.sh had to fall back (see ../shared/TOOLCHAIN.md), with
# Debian's rustc-web rebuilding std from source.
cargo_wasm() {
  if [ -f .tools/debian-web ]; then
    RUSTC_BOOTSTRAP=1 RUSTDOC=/usr/bin/rustdoc \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 \
      cargo +debian-web "$@" --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
  else
    cargo "$@" --target wasm32-unknown-unknown
  fi
}
