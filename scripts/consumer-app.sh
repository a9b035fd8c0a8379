#!/usr/bin/env bash
# A jsii package of another language at work: copies examples/python-app,
# examples/java-app or examples/go-app outside the repo, installs the built
# package there with aws-cdk-lib at its pinned version (PyPI into a virtual
# environment, Maven Central, the Go module proxy), synthesizes the app with no esbuild installed (so the
# esbuild-wasm shipped in the package bundles its TypeScript handlers), then
# runs each of its functions with `npx ts-lambda invoke` from the packed
# JavaScript tarball and checks what they answer.
#
#   scripts/consumer-app.sh python dist/python/cdk_ts_lambda-*.whl dist/js/cdk-ts-lambda@*.jsii.tgz
#   scripts/consumer-app.sh java   dist/java   dist/js/cdk-ts-lambda@*.jsii.tgz
#   scripts/consumer-app.sh go     dist/go/cdktslambda dist/js/cdk-ts-lambda@*.jsii.tgz  (not in CI)
set -euo pipefail
lang=$1
package=$(realpath "$2")
tarball=$(realpath "$3")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "/tmp/cdk-ts-lambda-$lang-XXXXXX")
trap 'rm -rf "$work"' EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# the Java and Go apps share the Python app's handlers (../python-app/handlers)
cp -r "$repo/examples/python-app" "$work/"
[ "$lang" = python ] || cp -r "$repo/examples/$lang-app" "$work/"
rm -rf "$work"/*/cdk.out "$work"/*/.venv "$work"/*/target
app="$work/$lang-app"
cd "$app"

case "$lang" in
  python)
    python=${PYTHON:-python3}
    echo "python app in $app with $("$python" --version), $(basename "$package") and $(basename "$tarball")"
    t=$(ms)
    "$python" -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt "$package"
    echo "venv: $(.venv/bin/pip freeze | grep -E '^(aws-cdk-lib|constructs|jsii)==' | tr '\n' ' ')and $(basename "$package") ($(( $(ms) - t )) ms)"
    synth=(.venv/bin/python app.py)
    ;;
  java)
    # The package is a Maven repository (dist/java). Our artifact's version
    # stays 0.0.0 from build to build, so it is dropped from the local
    # repository first: Maven never re-reads a release version it holds.
    m2=${CDK_TS_LAMBDA_M2:-$HOME/.cache/cdk-ts-lambda/m2}
    rm -rf "$m2/dev/cdk-ts-lambda"
    mvn=(mvn -B -q "-Dmaven.repo.local=$m2" "-Dcdk-ts-lambda.repo=file://$package")
    echo "java app in $app with $(java -version 2>&1 | head -1), $("${mvn[0]}" -v | head -1 | sed 's/\x1b\[[0-9;]*m//g') and $(basename "$tarball")"
    t=$(ms)
    "${mvn[@]}" compile
    echo "mvn compile ($(( $(ms) - t )) ms)"
    synth=("${mvn[@]}" exec:java)
    ;;
  go)
    # Not run by CI: building the aws-cdk-go packages takes minutes, and
    # go.mod swaps versions the Go module proxy does not serve (see
    # examples/go-app/README.md).
    echo "go app in $app with $(go version), $package and $(basename "$tarball")"
    go mod edit -replace "github.com/cdk-ts-lambda/cdk-ts-lambda-go/cdktslambda=$package"
    t=$(ms)
    go vet .
    go build -o go-app .
    echo "go vet and go build ($(( $(ms) - t )) ms)"
    synth=(./go-app)
    ;;
  *) echo "usage: $0 python|java|go PACKAGE TARBALL"; exit 2 ;;
esac

# the ts-lambda CLI, as a project in another language gets it: the npm
# package as a dev dependency (its peers aws-cdk-lib and constructs are not
# needed by the CLI)
t=$(ms)
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error --omit=peer --save-dev "$tarball" >/dev/null
echo "npm install of the tarball ($(( $(ms) - t )) ms)"
for dir in "$app" "$work/python-app/handlers"; do
  if (cd "$dir" && node -e 'require.resolve("esbuild")' 2>/dev/null); then
    echo "esbuild must not be resolvable from $dir (the shipped esbuild-wasm is what is tested)"; exit 1
  fi
done

t=$(ms)
"${synth[@]}"
synth_ms=$(( $(ms) - t ))
echo "${synth[*]}: synthesized in $synth_ms ms"
template=$(ls cdk.out/*.template.json)

node -e '
  const t = require(require("node:path").resolve(process.argv[1]));
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
' "$template"

# the template passes the pinned cfn-lint (scripts/install-cfn-lint.sh), as
# every template of the project does (test/cfn-lint); required under CI=true
cfn_version=$(sed -n 's/^cfn-lint==//p' "$repo/scripts/cfn-lint-requirements.txt")
cfn_lint=${CFN_LINT:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk-ts-lambda/cfn-lint-$cfn_version/bin/cfn-lint}
if [ -x "$cfn_lint" ]; then
  "$cfn_lint" --config-file "$repo/.cfnlintrc" -- "$template"
  echo "cfn-lint $cfn_version: $(basename "$template") has no findings"
elif [ "${CI:-}" = true ]; then
  echo "cfn-lint $cfn_version is not installed at $cfn_lint (run scripts/install-cfn-lint.sh)"; exit 1
else
  echo "cfn-lint $cfn_version is not installed (scripts/install-cfn-lint.sh): the template is not linted"
fi

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

input="{\"name\":\"$lang\"}" invoke "Hello" Hello -
expect "out.message === 'Hello, $lang!'"

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
  const t = require(require("node:path").resolve(process.argv[1]));
  const [id, fn] = Object.entries(t.Resources).find(([, r]) => r.Type === "AWS::Lambda::Function" && r.Properties.Environment?.Variables?.OIDC_ISSUER);
  const env = fn.Properties.Environment.Variables;
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "consumer-app", alg: "ES256", use: "sig" };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: env.OIDC_ISSUER, aud: JSON.parse(env.OIDC_AUDIENCES)[0], sub: "consumer-user", scope: env.OIDC_REQUIRED_SCOPES, iat: now, exp: now + 600 };
  const signingInput = `${b64({ alg: "ES256", kid: "consumer-app", typ: "JWT" })}.${b64(claims)}`;
  const sig = crypto.sign("sha256", Buffer.from(signingInput), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
  const token = `${signingInput}.${sig}`;
  fs.writeFileSync("env.json", JSON.stringify({ [id]: { OIDC_JWKS: JSON.stringify({ keys: [jwk] }) } }));
  const sample = JSON.parse(require("node:child_process").execFileSync("npx", ["--no-install", "ts-lambda", "events", "http-authorizer-bearer"], { encoding: "utf8" }));
  sample.headers.authorization = `Bearer ${token}`;
  sample.identitySource = [`Bearer ${token}`];
  fs.writeFileSync("authorizer-event.json", JSON.stringify(sample));
' "$template"
invoke "authorizer, a signed token with the required scope" ApiAuth/Function --env-file env.json --event authorizer-event.json
expect 'out.isAuthorized === true && out.context.principalId === "consumer-user"'

invoke "SQS consumer, JSON orders (sample sqs-json)" Orders/Function --example sqs-json
expect 'Array.isArray(out.batchItemFailures) && out.batchItemFailures.length === 0'
invoke "SQS consumer, a body that is not JSON (sample sqs)" Orders/Function --example sqs
expect 'out.batchItemFailures.length === 1 && out.batchItemFailures[0].itemIdentifier === "MessageID_1"'

echo "$lang app: synth $synth_ms ms; invokes:"
printf '%s' "$summary"
