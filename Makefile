# The two commands: `make demo` (the main job) and `make test` (the whole suite).
# Both install whatever is missing first (scripts/setup.sh) and are quick when
# everything is there.

SHELL := /bin/bash
PORT ?= 8080
# `make sim` defaults to 8787, `make demo` to 8080; both take PORT=.
SIM_PORT := $(if $(filter command line environment,$(origin PORT)),$(PORT),8787)

.PHONY: all setup pkg test test-native test-js demo sim bench clean

all: pkg

setup:
	@bash scripts/setup.sh

# The npm package in pkg/ (wasm + glue + entry files).
pkg: setup
	@bash scripts/build-pkg.sh

# The whole suite: native Rust tests, then the built package in Node,
# workerd, Chromium and the bundlers, against the local NCP simulator.
test:
	@bash scripts/setup.sh test
	@bash scripts/build-pkg.sh
	cargo fmt --all --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	@# The transport and the JS exports compile only for wasm (skipped on the Debian fallback, which has no rustup target).
	@if [ ! -f .tools/debian-web ]; then cargo clippy --quiet --workspace --lib --target wasm32-unknown-unknown --features ncloud-pg-backup/js -- -D warnings; fi
	cargo test --quiet --workspace
	@# No test may hang CI for its 90 minutes: each has ten at most (some set less).
	node --test --test-reporter=spec --test-timeout=600000 tests/

# The demo page against the local simulator: http://127.0.0.1:$(PORT)/
demo: pkg
	node scripts/demo.mjs --port $(PORT)

# The NCP simulator alone, in the foreground.
sim:
	node sim/cli.mjs --port $(SIM_PORT)

bench: pkg
	node bench/run.mjs

clean:
	cargo clean
	rm -rf pkg/gen pkg/LICENSE-MIT pkg/LICENSE-APACHE test-output bench/out
