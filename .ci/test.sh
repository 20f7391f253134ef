#!/usr/bin/env bash
# Every check and test: formatting, clippy (host and wasm), native tests (the model, and the
# async scheduler, also under Miri), browser glue tests (wasm-bindgen-test in headless
# Chromium, then Firefox), docs, the release build (its split modules validated) and its start
# modules' size budget, end-to-end Playwright tests against it served with its real headers,
# and a smoke test of it in Firefox and WebKitGTK (through WebDriver).
source "$(dirname "$0")/setup.sh"

say "cargo fmt --check"
cargo fmt --all -- --check

say "clippy (native)"
cargo clippy --all-targets -- -D warnings

say "the Python twin's tests (python3 -m unittest)"
python3 -m unittest discover -s tests/twin

say "native tests (the pure model, the async scheduler)"
cargo test --all-targets

say "the async scheduler's tests under Miri (its waker table is the crate's only unsafe)"
cargo miri test --lib runtime::event_loop

say "fuzzing links, messages and files (a short run; the bench runs 1,000,000)"
cargo run --example fuzz -- 30000

say "clippy (wasm)"
(wasm_env && CLIPPY_CONF_DIR="$ROOT/.ci/clippy-wasm" cargo clippy --target wasm32-unknown-unknown --lib --bins --test web -- -D warnings)

say "clippy (wasm, the single-threaded build)"
(RUSTFLAGS="" CARGO_TARGET_DIR="$ROOT/target/nothreads" CLIPPY_CONF_DIR="$ROOT/.ci/clippy-wasm" \
  cargo clippy --target wasm32-unknown-unknown --features no-threads --lib --bins -- -D warnings)

say "browser glue tests (wasm-bindgen-test, headless Chromium)"
(
  wasm_env
  export CHROMEDRIVER=/usr/bin/chromedriver
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json"
  export WASM_BINDGEN_TEST_TIMEOUT=120
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  cargo test --target wasm32-unknown-unknown --test web
)

say "browser glue tests (wasm-bindgen-test, headless Firefox)"
(
  wasm_env
  export GECKODRIVER="$TOOLS/bin/geckodriver"
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver-firefox.json"
  export WASM_BINDGEN_TEST_TIMEOUT=120
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  cargo test --target wasm32-unknown-unknown --test web
)

say "docs (native, and the wasm-only runtime and UI)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib
(wasm_env && RUSTDOCFLAGS="-D warnings -C target-feature=+atomics,+bulk-memory,+mutable-globals" \
  cargo doc --target wasm32-unknown-unknown --no-deps --lib)

build_dist

say "the start modules' size budget (gzipped at level 9, as the bench measures them)"
node tests/e2e/budget.mjs

# Every test file ends with a report: a test that hangs fails at its own timeout, a file that
# hangs is stopped at this one (the longest took 3 minutes beside two CPU hogs), and a file
# whose tests have all ended exits even if something it opened is still open.
E2E=(node --test --test-force-exit --test-timeout=600000)
# Specs that time nothing run four at a time (much of their time is waiting: four wait a
# minute each for Chromium to measure the workers' memory, and their sum, about 700 s, took
# 4 min 2 s three at a time), beside the engine smoke test, which times nothing either; then the specs that compare timings (speed-ups that need a free core,
# main-thread stalls), one at a time on a machine otherwise left to them. A spec not listed
# here runs with the second group.
UNTIMED=(claims-embed claims-measured claims-report embed keep memory page parameters privacy soak twin)
untimed=() timed=()
for spec in tests/e2e/*.spec.mjs; do
  if [[ " ${UNTIMED[*]} " == *" $(basename "$spec" .spec.mjs) "* ]]; then untimed+=("$spec"); else timed+=("$spec"); fi
done
failed=()
say "end-to-end tests that time nothing (Playwright, headless Chromium), beside the engine smoke tests (Firefox and WebKitGTK through WebDriver)"
mkdir -p target
node --test-force-exit tests/engines/smoke.mjs > target/engines-smoke.log 2>&1 &
smoke=$!
"${E2E[@]}" --test-concurrency=4 "${untimed[@]}" || failed+=("end-to-end tests that time nothing")
wait "$smoke" || failed+=("engine smoke tests")
cat target/engines-smoke.log
say "end-to-end tests that compare timings, one at a time"
"${E2E[@]}" --test-concurrency=1 "${timed[@]}" || failed+=("end-to-end tests that compare timings")
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
say "every check and test passed"
