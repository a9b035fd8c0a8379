#!/usr/bin/env bash
# Installs, once, AWS's own Node.js runtime interface clients that the
# differential and streaming cross-check tests run ours against
# (test/helpers/aws-ric.ts finds them here):
#   - aws-lambda-ric 4.0.2 (as nodejs24.x runs it) and 3.3.0 (nodejs20.x/22.x),
#     each with npm into <cache>/aws-ric/<version>/node_modules/aws-lambda-ric.
# They are not devDependencies because their install scripts build curl and
# aws-lambda-cpp natively (cmake, autoconf, automake, libtool, make, a C++
# compiler: minutes of compiling, and `npm ci` would fail without those tools).
# Debian/Ubuntu: apt-get install cmake autoconf automake libtool g++ make python3
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-ts-lambda/aws-ric"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(4.0.2 3.3.0)

for tool in cmake autoreconf libtoolize make g++ python3; do
  command -v "$tool" >/dev/null || { echo "prefetch-aws-ric: $tool is missing (apt-get install cmake autoconf automake libtool g++ make python3)" >&2; exit 1; }
done

prefetch() { # version
  local version=$1 dir="$cache/$1"
  if [ -d "$dir/node_modules/aws-lambda-ric" ]; then echo "prefetch-aws-ric: aws-lambda-ric@$version already in $dir"; return; fi
  local work="$dir.tmp-$$"
  rm -rf "$work" && mkdir -p "$work"
  echo '{ "name": "aws-ric-cache", "private": true }' > "$work/package.json"
  echo "prefetch-aws-ric: building aws-lambda-ric@$version (native code, a few minutes)"
  if ! (cd "$work" && npm install --no-audit --no-fund --no-package-lock --foreground-scripts "aws-lambda-ric@$version" >"$work/install.log" 2>&1); then
    tail -40 "$work/install.log" >&2
    echo "prefetch-aws-ric: npm install aws-lambda-ric@$version failed (log: $work/install.log)" >&2
    exit 1
  fi
  # the native client each version loads (4.x: rapid-client.node, 3.x: dist/rapid-client.node)
  if [ -z "$(find "$work/node_modules/aws-lambda-ric" -name rapid-client.node -print -quit)" ]; then
    echo "prefetch-aws-ric: aws-lambda-ric@$version installed without its native client rapid-client.node (log: $work/install.log)" >&2
    exit 1
  fi
  rm -rf "$dir" && mv "$work" "$dir"
  echo "prefetch-aws-ric: aws-lambda-ric@$version -> $dir"
}

for version in "${versions[@]}"; do prefetch "$version"; done
