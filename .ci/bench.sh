#!/usr/bin/env bash
# The benchmark: builds the release page and the native kernel bench, runs a fixed suite in
# headless Chromium, and writes (and prints) target/bench/latest.json. Exits non-zero when a
# measurement could not be trusted (see tests/e2e/bench.mjs); targets are only reported.
source "$(dirname "$0")/setup.sh"
say "native kernel bench"
# Never let the browser suite compare with figures from an earlier (or debug) build.
rm -f target/bench/native.json
cargo bench --bench native
say "release build (trunk)"
(wasm_env && trunk build --release)
say "browser suite"
node tests/e2e/bench.mjs
