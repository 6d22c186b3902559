#!/usr/bin/env bash
# Installs whatever the project needs and is missing; quick when all is there.
#   scripts/setup.sh          what `make pkg` / `make demo` need
#   scripts/setup.sh test     plus Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p .tools

say() { echo "setup: $*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_ready=
apt_install() {
  if [ -z "$apt_ready" ]; then sudo_if_needed apt-get update -qq; apt_ready=1; fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. The wasm target and std's source (the build rebuilds std for size):
#    rustup's first; Debian's rustc-web if rustup cannot fetch them.
have() { rustup "$1" list --installed 2>/dev/null | grep -qx "$2"; }
if [ -f .tools/debian-web ] || { have target wasm32-unknown-unknown && have component rust-src; }; then
  :
elif say "adding the wasm32-unknown-unknown target and rust-src" &&
  rustup target add wasm32-unknown-unknown && rustup component add rust-src; then
  :
else
  say "rustup could not add the target; using Debian's rustc-web (std rebuilt from source)"
  apt_install rustc-web cargo-web rust-web-src lld-22
  # Linked once per machine: another clone may have done it already.
  rustup toolchain list | grep '^debian-web' >/dev/null || rustup toolchain link debian-web /usr
  touch .tools/debian-web
fi

# 2. The wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
  say "installing wasm-bindgen-cli $want (3 to 7 minutes, once)"
  # No --locked: the registry here may lack the newest patch releases its lock file names.
  cargo install -q wasm-bindgen-cli --version "$want" --force
fi

# 3. npm packages (build tools, test runtimes, bundlers), exactly as locked.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. Chromium for the browser tests (Debian's: a browser download is not possible here).
if [ "${1:-}" = test ] && ! command -v chromium >/dev/null; then
  say "installing chromium"
  apt_install chromium
fi
