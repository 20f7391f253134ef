# Installs what building and testing the playground needs, idempotently, and puts it on PATH.
# Sourced by the other scripts (serve.sh, test.sh, bench.sh). Downloads only from crates.io,
# npm and Debian: Trunk runs offline and uses the wasm-bindgen and wasm-opt installed here.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen` pin in Cargo.toml
GECKODRIVER_VERSION=0.37.1
TOOLS=${AVT_TOOLS:-$HOME/.cache/async-vs-threads/tools}
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# A step's heading, with the time since the script began (bash's SECONDS): where the time of
# a run goes, in its log.
say() { printf '\033[1m==> %s\033[0m (at %d:%02d)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

# Whether the command after the pattern prints a line matching it. Its output is read whole
# first: in `cmd | grep -q`, grep may exit before cmd has written everything, and the SIGPIPE
# fails the pipeline under pipefail (then a tool that is there is installed again).
prints() {
  local pattern=$1 out
  shift
  out=$("$@" 2>/dev/null) || true
  grep -q -- "$pattern" <<<"$out"
}

# The pinned nightly from rust-toolchain.toml (automatic toolchain install may be off).
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  || ! prints '^rust-src' rustup component list --installed \
  || ! prints '^wasm32-unknown-unknown' rustup target list --installed; then
  say "installing the pinned Rust toolchain"
  rustup toolchain install
fi
# Miri, which runs the scheduler's tests (its `unsafe`) in test.sh, and its sysroot (the std it
# interprets, built once into ~/.cache/miri; `cargo miri test` rebuilds it if it goes). Measured
# on 2 shared cores: the component 1 s, the sysroot 35 s; 0.05 s to see they are there.
if ! prints '^miri-' rustup component list --toolchain "$TOOLCHAIN" --installed; then
  say "installing Miri (the pinned nightly's miri component) and building its sysroot"
  rustup component add --toolchain "$TOOLCHAIN" miri
  cargo miri setup
fi

# Trunk and wasm-bindgen-cli, built from crates.io into a tools folder (about 10 minutes once).
if ! prints " $TRUNK_VERSION" trunk --version; then
  say "installing trunk $TRUNK_VERSION into $TOOLS"
  cargo install --locked --root "$TOOLS" "trunk@$TRUNK_VERSION"
fi
if ! prints " $WASM_BINDGEN_VERSION" wasm-bindgen --version; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $TOOLS"
  # Not --locked: one of its locked dependencies is no longer on crates.io.
  cargo install --root "$TOOLS" "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
fi

# wasm-split-cli (wasm_split_cli_support): splits the release wasm at its `#[wasm_split]`
# points into the module the page starts with and a chunk loaded once it is ready (see
# build_dist). From crates.io, checked against its checksum, patched (.ci/wasm-split/*.patch, in
# order: 1 splits a threaded module, 2 its read-only data; each says what and why), its tests
# run (those of the patches included), then installed: 2 to 3 minutes. Reinstalled when the
# version or a patch changes (the stamp holds the patches' sha256).
WASM_SPLIT_VERSION=0.2.4
WASM_SPLIT_SHA256=f6c1f994b196e31969f4cdbe37d051362659567efc0f5c90cb931a8a5cdc530f
WASM_SPLIT_STAMP="$TOOLS/wasm-split-cli.installed"
WASM_SPLIT_ID="$WASM_SPLIT_VERSION $(sha256sum .ci/wasm-split/*.patch | sha256sum | cut -d' ' -f1)"
if [ ! -x "$TOOLS/bin/wasm-split-cli" ] || [ "$(cat "$WASM_SPLIT_STAMP" 2>/dev/null)" != "$WASM_SPLIT_ID" ]; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (patched) into $TOOLS"
  src=$(mktemp -d)
  crate="$src/wasm_split_cli_support-$WASM_SPLIT_VERSION"
  curl -sSfL "https://static.crates.io/crates/wasm_split_cli_support/wasm_split_cli_support-$WASM_SPLIT_VERSION.crate" -o "$src/crate.tar.gz"
  echo "$WASM_SPLIT_SHA256  $src/crate.tar.gz" | sha256sum -c --quiet -
  tar xzf "$src/crate.tar.gz" -C "$src"
  for patch in .ci/wasm-split/*.patch; do
    (cd "$crate" && git apply "$ROOT/$patch")
  done
  if ! cargo test --locked --manifest-path "$crate/Cargo.toml" --target-dir "$src/target" >"$src/test.log" 2>&1; then
    cat "$src/test.log" >&2
    echo "setup: the tests of wasm-split-cli, patched with .ci/wasm-split/*.patch, failed (above)" >&2
    exit 1
  fi
  cargo install --locked --root "$TOOLS" --features build-binary --path "$crate" --target-dir "$src/target"
  rm -rf "$src"
  echo "$WASM_SPLIT_ID" > "$WASM_SPLIT_STAMP"
fi

# Browsers and their WebDriver servers from Debian, in one apt-get: Chromium and ChromeDriver
# (the wasm tests, Playwright); the other engines, driven through WebDriver
# (tests/engines/smoke.mjs; the wasm tests run in Firefox too): Firefox ESR, WebKitGTK's
# WebKitWebDriver (its browser is MiniBrowser, from libwebkit2gtk-4.1-0) and Xvfb for it.
# Measured on a fresh 2-core machine, the package lists already fetched (2 s): firefox-esr
# 20 s, webkit2gtk-driver 27 s, xvfb 4 s.
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
packages=()
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || packages+=(chromium chromium-driver)
[ -x /usr/bin/firefox-esr ] || packages+=(firefox-esr)
{ [ -x /usr/bin/WebKitWebDriver ] && [ -x "$MINIBROWSER" ]; } || packages+=(webkit2gtk-driver)
{ [ -x /usr/bin/xvfb-run ] && [ -x /usr/bin/xauth ]; } || packages+=(xvfb xauth) # xvfb-run needs xauth
command -v python3 >/dev/null || packages+=(python3) # the Python twin's tests
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    echo "The tests need Debian packages: sudo apt-get install ${packages[*]}" >&2
    exit 1
  fi
fi
# geckodriver (Firefox's WebDriver) is not in Debian: built from crates.io like Trunk (1.8
# minutes on 2 cores with the pinned nightly; 3.5 beside another build).
if ! prints "^geckodriver $GECKODRIVER_VERSION\b" geckodriver --version; then
  say "installing geckodriver $GECKODRIVER_VERSION into $TOOLS"
  cargo install --locked --root "$TOOLS" "geckodriver@$GECKODRIVER_VERSION"
fi

# wasm-opt (binaryen) for Trunk, Playwright for the end-to-end tests.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
  || ! cmp -s package-lock.json node_modules/.installed-from-lock 2>/dev/null; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-from-lock
fi

# Wasm builds rebuild std with atomics; native builds (cargo test) must not.
wasm_env() {
  export CARGO_UNSTABLE_BUILD_STD=panic_abort,std
}

# Splits a release build that Trunk wrote into $2 (its index.html names the build's files in
# the JSON element with id $3), from the linked wasm $1 (linked with --emit-relocs): the module
# the page starts with (everything reachable without the `#[wasm_split]` functions of
# src/ui/lazy.rs) replaces Trunk's, and each chunk goes beside it as <stem>_<chunk>.wasm, with
# the loader wasm-split writes as <stem>_split.js. Same wasm-bindgen and wasm-opt -Oz as Trunk.
# Returns 1, saying why, when wasm-split-cli fails (as it does when the threaded build's
# read-only data cannot be split: .ci/wasm-split/2-rodata-in-place.patch) or a module it wrote
# does not validate (.ci/validate-wasm.mjs).
split_build() {
  local wasm=$1 out=$2 id=$3 features=$4 stem work chunk name written
  stem=$(grep -o "id=\"$id\">{\"js\":\"\./[^\"]*\.js\"" "$out/index.html" | sed 's|.*"\./\(.*\)\.js"$|\1|')
  if [ -z "$stem" ]; then
    echo "split_build: $out/index.html does not name the files of $id" >&2
    return 1
  fi
  work=$(mktemp -d)
  # Its log, shown whole if it fails; else without the expected warnings about the linker's
  # functions that have no relocations.
  if ! wasm-split-cli "$wasm" "$work" --out-name "$stem" >"$work.log" 2>&1; then
    cat "$work.log" >&2
    echo "split_build: wasm-split-cli could not split $wasm (above)" >&2
    rm -rf "$work" "$work.log"
    return 1
  fi
  grep -v 'missing reloc info' "$work.log" || true
  rm "$work.log"
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$work/bindgen" --out-name "$stem" "$work/$stem.wasm"
  wasm-opt -Oz "$work/bindgen/${stem}_bg.wasm" -o "$out/${stem}_bg.wasm"
  written=("$out/${stem}_bg.wasm")
  for chunk in "$work"/split_*.wasm; do
    name=$(basename "$chunk" .wasm)
    name=${name#split_}
    # A chunk has no target_features section: its features are the main module's.
    wasm-opt -Oz $features "$chunk" -o "$out/${stem}_$name.wasm"
    written+=("$out/${stem}_$name.wasm")
    sed -i "s|\"\./split_$name\.wasm\"|\"./${stem}_$name.wasm\"|" "$work/__wasm_split.js"
  done
  if ! node "$ROOT/.ci/validate-wasm.mjs" "${written[@]}"; then
    echo "split_build: the split of $wasm wrote modules that do not validate (above)" >&2
    rm -rf "$work"
    return 1
  fi
  # The glue imports the loader from "./__wasm_split.js" (the wasm's import module, which stays).
  sed "s|from \"\./__wasm_split\.js\"|from \"./${stem}_split.js\"|" "$work/bindgen/$stem.js" > "$out/$stem.js"
  cp "$work/__wasm_split.js" "$out/${stem}_split.js"
  cp -r "$work/bindgen/snippets/." "$out/snippets/"
  rm -rf "$work"
}

# rustc's default wasm32 features, which the chunks are optimised with (and atomics, threaded).
WASM_FEATURES="--enable-bulk-memory --enable-multivalue --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext"

# dist/: the threaded build (Trunk.toml), then the single-threaded one beside it
# (www/fallback/Trunk.toml); the loader in index.html downloads only the one a browser can run.
# Each is then split (split_build).
build_dist() {
  say "release builds (trunk: threaded and single-threaded)"
  (wasm_env && trunk build --release)
  split_build target/wasm32-unknown-unknown/release/async-vs-threads.wasm dist avt-build-threads \
    "$WASM_FEATURES --enable-threads"
  # Without atomics: RUSTFLAGS replaces .cargo/config.toml's target rustflags (atomics, shared
  # memory), std is not rebuilt, and its own target dir keeps both builds' caches warm.
  (unset CARGO_UNSTABLE_BUILD_STD && RUSTFLAGS="-C link-arg=--emit-relocs" \
    CARGO_TARGET_DIR="$ROOT/target/nothreads" trunk build --release --config www/fallback/Trunk.toml)
  split_build target/nothreads/wasm32-unknown-unknown/release/async-vs-threads.wasm \
    target/fallback-dist avt-build-fallback "$WASM_FEATURES"
  local from=target/fallback-dist manifest
  manifest=$(grep -o '<script type="application/json" id="avt-build-fallback">[^<]*</script>' "$from/index.html")
  if [ -z "$manifest" ] || ! grep -q 'id="avt-build-threads"' dist/index.html; then
    echo "build_dist: a build did not write where its files are (see Trunk.toml's pattern_script)" >&2
    return 1
  fi
  cp "$from"/*.js "$from"/*.wasm dist/
  cp -r "$from/snippets/." dist/snippets/
  sed -i "s|<script type=\"application/json\" id=\"avt-build-threads\">|$manifest&|" dist/index.html
}
