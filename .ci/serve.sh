#!/usr/bin/env bash
# Builds the playground (release) and serves it at http://127.0.0.1:8080 with the
# cross-origin isolation headers from Trunk.toml.
source "$(dirname "$0")/setup.sh"
wasm_env
say "serving at http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --release "$@"
