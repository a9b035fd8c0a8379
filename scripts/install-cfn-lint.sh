#!/usr/bin/env bash
# Installs the pinned cfn-lint (scripts/cfn-lint-requirements.txt) into a
# virtual environment of its own, where test/cfn-lint/ looks for it:
#   ${XDG_CACHE_HOME:-~/.cache}/cdk-ts-lambda/cfn-lint-<version>/bin/cfn-lint
# (outside the work tree, so every checkout of the repo shares it, and a new
# pin gets a new environment). Needs python3 with its venv module
# (Debian: apt-get install python3-venv). Runs once; later runs only check.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=scripts/cfn-lint-requirements.txt
version=$(sed -n 's/^cfn-lint==//p' "$requirements")
venv="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-ts-lambda/cfn-lint-$version"

if [ "$("$venv/bin/cfn-lint" --version 2>/dev/null)" = "cfn-lint $version" ]; then
  echo "cfn-lint $version already in $venv"
  exit 0
fi
# installed in place (a venv's scripts name its own path, so it cannot be moved);
# an interrupted install fails the version check above and is redone
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv -r "$requirements"
"$venv/bin/cfn-lint" --version
