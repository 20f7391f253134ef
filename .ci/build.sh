#!/usr/bin/env bash
# Builds dist/ for a static host: the threaded and the single-threaded release builds, the
# loader that picks one (index.html), the service worker for hosts without headers
# (coi-sw.js) and _headers for hosts that read it. Installs what it needs first (setup.sh).
source "$(dirname "$0")/setup.sh"
build_dist
say "dist/ is ready: serve it as it is (bash .ci/serve.sh serves it with its headers)"
