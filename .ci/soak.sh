#!/usr/bin/env bash
# The soak: builds dist/, then runs consecutive runs of every strategy in one page (default
# 1,000) and prints what the page held after them against after warm-up (tests/e2e/soak.mjs).
source "$(dirname "$0")/setup.sh"
build_dist
say "soak: ${1:-1000} runs in one page"
node tests/e2e/soak.mjs "${1:-1000}"
