#!/usr/bin/env bash
# The Python package at work: copies examples/python-app outside the repo,
# installs aws-cdk-lib (PyPI, pinned in its requirements.txt) and our wheel
# into a virtual environment, synthesizes it with no esbuild installed (so the
# esbuild-wasm shipped in the package bundles its TypeScript handlers), then
# runs each of its functions with `npx ts-lambda invoke` from the packed
# JavaScript tarball and checks what they answer.
#
#   scripts/python-consumer.sh dist/python/cdk_ts_lambda-*.whl dist/js/cdk-ts-lambda@*.jsii.tgz
set -euo pipefail
wheel=$(realpath "$1")
tarball=$(realpath "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
app=$(mktemp -d /tmp/cdk-ts-lambda-python-XXXXXX)
trap 'rm -rf "$app"' EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

cp -r "$repo/examples/python-app/." "$app/"
rm -rf "$app/cdk.out"
cd "$app"
echo "python app in $app with $("$python" --version), $(basename "$wheel") and $(basename "$tarball")"

t=$(ms)
"$python" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt "$wheel"
echo "venv: $(.venv/bin/pip freeze | grep -E '^(aws-cdk-lib|constructs|jsii|cdk.ts.lambda)[=@ ]' | tr '\n' ' ')($(( $(ms) - t )) ms)"

# the ts-lambda CLI, as a Python project gets it: the npm package as a dev
# dependency (its peers aws-cdk-lib and constructs are not needed by the CLI)
t=$(ms)
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error --omit=peer --save-dev "$tarball" >/dev/null
echo "npm install of the tarball ($(( $(ms) - t )) ms)"
if node -e 'require.resolve("esbuild")' 2>/dev/null; then
  echo "esbuild must not be resolvable from the Python app (the shipped esbuild-wasm is what is tested)"; exit 1
fi

t=$(ms)
.venv/bin/python app.py
synth_ms=$(( $(ms) - t ))
echo "python app.py: synthesized in $synth_ms ms"

node -e '
  const t = require("./cdk.out/PythonApp.template.json");
  const of = (type) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
  const fns = of("AWS::Lambda::Function");
  if (fns.length !== 4) throw new Error(`expected 4 functions (Hello, ApiAuth, Api, Orders), got ${fns.length}`);
  for (const [id, fn] of fns) {
    const p = fn.Properties;
    if (p.Architectures[0] !== "arm64" || !/^nodejs\d+\.x$/.test(p.Runtime)) throw new Error(`${id}: ${p.Runtime} ${p.Architectures}`);
  }
  const authorizers = of("AWS::ApiGatewayV2::Authorizer");
  if (authorizers.length !== 1 || authorizers[0][1].Properties.AuthorizerType !== "REQUEST") throw new Error("expected one Lambda (REQUEST) authorizer");
  const routes = Object.fromEntries(of("AWS::ApiGatewayV2::Route").map(([, r]) => [r.Properties.RouteKey, r.Properties.AuthorizationType]));
  if (routes["GET /"] !== "NONE" || routes["GET /orders"] !== "CUSTOM") throw new Error("routes: " + JSON.stringify(routes));
  const esm = of("AWS::Lambda::EventSourceMapping");
  if (esm.length !== 1 || !(esm[0][1].Properties.FunctionResponseTypes || []).includes("ReportBatchItemFailures")) throw new Error("expected one SQS event source with partial batch responses");
  console.log(`template: ${fns.length} arm64 functions, routes ${JSON.stringify(routes)}, 1 SQS event source mapping`);
'

# one invoke: `ts-lambda invoke ARGS...` (stdin from $input), its result in $out, its time in the summary
summary=""
invoke() {
  local label=$1; shift
  local t; t=$(ms)
  out=$(printf '%s' "${input:-}" | npx --no-install ts-lambda invoke "$@" 2>"$app/invoke.log") || { cat "$app/invoke.log"; echo "ts-lambda invoke $* failed"; exit 1; }
  local took=$(( $(ms) - t ))
  grep -E '^ts-lambda: .* (returned|failed) ' "$app/invoke.log" || true
  echo "  $label: $out ($took ms)"
  summary+="  ts-lambda invoke $*: $took ms"$'\n'
}
expect() { node -e "const out = JSON.parse(process.argv[1]); if (!($1)) { console.error('unexpected result: ' + process.argv[1]); process.exit(1); }" "$out"; }

input='{"name":"python"}' invoke "Hello" PythonApp/Hello -
expect 'out.message === "Hello from a Python CDK app, python!"'

invoke "HTTP API, GET / (sample http)" Api/Function --example http
expect 'out.statusCode === 200 && JSON.parse(out.body).path === "/"'
invoke "HTTP API behind a Lambda authorizer (sample http-lambda-authorizer)" Api/Function --example http-lambda-authorizer
expect 'out.statusCode === 200 && JSON.parse(out.body).authorizer.key === "value"'

invoke "authorizer, sample bearer token (not a JWT)" ApiAuth/Function --example http-authorizer-bearer
expect 'out.isAuthorized === false'
# a token it must accept: an ES256 key pair made here, its public JWKS given to
# the function with --env-file (OIDC_JWKS), the sample request with that token
node -e '
  const crypto = require("node:crypto");
  const fs = require("node:fs");
  const t = require("./cdk.out/PythonApp.template.json");
  const [id, fn] = Object.entries(t.Resources).find(([, r]) => r.Type === "AWS::Lambda::Function" && r.Properties.Environment?.Variables?.OIDC_ISSUER);
  const env = fn.Properties.Environment.Variables;
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "python-app", alg: "ES256", use: "sig" };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: env.OIDC_ISSUER, aud: JSON.parse(env.OIDC_AUDIENCES)[0], sub: "python-user", scope: env.OIDC_REQUIRED_SCOPES, iat: now, exp: now + 600 };
  const signingInput = `${b64({ alg: "ES256", kid: "python-app", typ: "JWT" })}.${b64(claims)}`;
  const sig = crypto.sign("sha256", Buffer.from(signingInput), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
  const token = `${signingInput}.${sig}`;
  fs.writeFileSync("env.json", JSON.stringify({ [id]: { OIDC_JWKS: JSON.stringify({ keys: [jwk] }) } }));
  const sample = JSON.parse(require("node:child_process").execFileSync("npx", ["--no-install", "ts-lambda", "events", "http-authorizer-bearer"], { encoding: "utf8" }));
  sample.headers.authorization = `Bearer ${token}`;
  sample.identitySource = [`Bearer ${token}`];
  fs.writeFileSync("authorizer-event.json", JSON.stringify(sample));
'
invoke "authorizer, a signed token with the required scope" ApiAuth/Function --env-file env.json --event authorizer-event.json
expect 'out.isAuthorized === true && out.context.principalId === "python-user"'

invoke "SQS consumer, JSON orders (sample sqs-json)" Orders/Function --example sqs-json
expect 'Array.isArray(out.batchItemFailures) && out.batchItemFailures.length === 0'
invoke "SQS consumer, a body that is not JSON (sample sqs)" Orders/Function --example sqs
expect 'out.batchItemFailures.length === 1 && out.batchItemFailures[0].itemIdentifier === "MessageID_1"'

echo "python consumer: synth $synth_ms ms; invokes:"
printf '%s' "$summary"
