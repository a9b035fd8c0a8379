#!/usr/bin/env bash
# Installs the packed cdk-ts-lambda tarball into a throwaway CDK app outside
# the repo, with no esbuild of its own (so the shipped esbuild-wasm is used,
# as in a Python or Java app), synthesizes it and checks the template.
set -euo pipefail
tarball=$(realpath "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
cdk_version=$(node -p "require('$repo/package.json').devDependencies['aws-cdk-lib']")
constructs_version=$(node -p "require('$repo/package.json').devDependencies['constructs']")
app=$(mktemp -d /tmp/cdk-ts-lambda-smoke-XXXXXX)
trap 'rm -rf "$app"' EXIT
cd "$app"
echo "smoke app in $app with aws-cdk-lib@$cdk_version and $(basename "$tarball")"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tarball" "aws-cdk-lib@$cdk_version" "constructs@$constructs_version" >/dev/null
if [ -d node_modules/esbuild ]; then echo "esbuild should not be installed in the smoke app"; exit 1; fi
mkdir -p handlers
cat > handlers/hello.ts <<'TS'
export const handler = async (event: { name?: string }) => ({ message: `Hello, ${event.name ?? 'world'}!` });
TS
cat > app.js <<'JS'
const { App, Stack } = require('aws-cdk-lib');
const { TypeScriptFunction } = require('cdk-ts-lambda');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Smoke');
new TypeScriptFunction(stack, 'Hello', { entry: 'handlers/hello.ts' });
app.synth();
JS
node app.js
node -e '
  const t = require("./cdk.out/Smoke.template.json");
  const fns = Object.values(t.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
  if (fns.length !== 1) throw new Error("expected one function, got " + fns.length);
  const p = fns[0].Properties;
  if (p.Architectures[0] !== "arm64" || !/^nodejs\d+\.x$/.test(p.Runtime) || p.Handler !== "index.handler") throw new Error("unexpected function " + JSON.stringify(p));
  const fs = require("fs");
  const asset = fs.readdirSync("cdk.out").find((d) => d.startsWith("asset."));
  const code = fs.readFileSync("cdk.out/" + asset + "/index.mjs", "utf8");
  if (!code.includes("Hello, ")) throw new Error("bundle does not hold the handler");
  console.log("smoke test: synthesized " + p.Runtime + " " + p.Architectures[0] + " with esbuild-wasm; bundle " + code.length + " bytes");
'
node --input-type=module -e "
  import { readdirSync } from 'node:fs';
  const asset = readdirSync('cdk.out').find((d) => d.startsWith('asset.'));
  const mod = await import('./cdk.out/' + asset + '/index.mjs');
  const out = await mod.handler({ name: 'smoke' });
  if (out.message !== 'Hello, smoke!') throw new Error('unexpected ' + JSON.stringify(out));
  console.log('smoke test: the bundled handler answered ' + JSON.stringify(out));
"
