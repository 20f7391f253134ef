#!/usr/bin/env bash
# Builds the playground (both release builds into dist/) and serves dist/ at
# http://127.0.0.1:8080 (or the port given) with the headers in www/_headers, as a static
# host would.
source "$(dirname "$0")/setup.sh"
build_dist
PORT=${1:-8080}
say "serving at http://127.0.0.1:$PORT (Ctrl-C to stop)"
exec node tests/e2e/serve.mjs "$PORT"
