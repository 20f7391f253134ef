#!/usr/bin/env bash
# The benchmark: builds the release page and the native kernel bench, runs a fixed suite in
# headless Chromium, and writes (and prints) target/bench/latest.json.
source "$(dirname "$0")/setup.sh"
say "native kernel bench"
cargo bench --bench native
say "release build (trunk)"
(wasm_env && trunk build --release)
say "browser suite"
node tests/e2e/bench.mjs
