#!/usr/bin/env bash
# `ts-lambda new`, end to end, for every template the packed package ships:
# generate each app in a temp folder with the tarball's own CLI, install
# (once for all apps: one node_modules with the union of their pinned
# dependencies and the tarball, linked into each app; npm's cache, which
# .ci/run warms, serves most of it), then in each app: cdk synth,
# ts-lambda invoke with the app's own event (its answer checked), the app's
# type-check, and its tests (the first run writes the stack's snapshot, a
# second `jest --ci` run must match it). Prints the time from `new` to the
# first local invoke of each template (install excluded: it is shared).
#   bash scripts/smoke-new.sh dist/js/cdk-ts-lambda@*.tgz [template ...]
# KEEP=1 keeps the work folder.
set -euo pipefail
tarball=$(realpath "$1")
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-ts-lambda-new-XXXXXX")
if [ "${KEEP:-}" = 1 ]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p "$work/pkg" "$work/apps" "$work/shared"
tar xzf "$tarball" -C "$work/pkg"
cli="$work/pkg/package/assets/cli/ts-lambda.cjs"
if [ $# -gt 0 ]; then templates=("$@"); else
  # every template the package lists in `ts-lambda new --help`
  mapfile -t templates < <(node "$cli" new --help | awk '/^Templates/ { f = 1; next } f && NF { print $1 }')
fi
[ ${#templates[@]} -gt 0 ] || { echo "smoke-new: no templates listed by ts-lambda new --help"; exit 1; }
echo "smoke-new: templates ${templates[*]} from $(basename "$tarball") in $work"

# What invoking each template's app with its event must answer (a template
# without an expectation here fails: add one with the template).
expect_of() {
  case "$1" in
    http) echo '"statusCode":200.*Hello, Ada!' ;;
    sqs) echo '"batchItemFailures":\[\{"itemIdentifier":"MessageID_2"\}\]' ;;
    kafka) echo '"batchItemFailures":\[\{"itemIdentifier":\{"partition":"mytopic-0","offset":17\}\}\]' ;;
    authorizer) echo '"statusCode":200.*user-1234' ;;
    bun) echo 'Hello, Ada!.*bun [0-9]' ;;
    # the prelude (status and headers as JSON, then 8 zero bytes, dropped by
    # the tr below), then the streamed lines
    streaming) echo '"statusCode":200.*\}step 1/3 done\\nstep 2/3 done\\nstep 3/3 done\\n$' ;;
    *) echo "smoke-new: no expected answer for template $1 in $0" >&2; return 1 ;;
  esac
}

declare -A new_time
for t in "${templates[@]}"; do
  expect_of "$t" >/dev/null
  t0=$(now)
  (cd "$work/apps" && node "$cli" new "$t-app" --template "$t" 2>/dev/null)
  new_time[$t]=$(secs "$t0" "$(now)")
done

# One install for every app: the union of their dependencies (each version
# pinned alike in every app), with cdk-ts-lambda from the tarball.
node -e '
  const fs = require("fs"), path = require("path");
  const [apps, tarball, out] = process.argv.slice(1);
  const deps = {};
  for (const app of fs.readdirSync(apps)) {
    const m = JSON.parse(fs.readFileSync(path.join(apps, app, "package.json"), "utf8"));
    for (const [name, version] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
      if (deps[name] && deps[name] !== version) throw new Error(`${app} pins ${name}@${version}, another app ${deps[name]}`);
      deps[name] = version;
    }
  }
  deps["cdk-ts-lambda"] = "file:" + tarball;
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify({ name: "shared", private: true, dependencies: deps }, null, 2));
' "$work/apps" "$tarball" "$work/shared"
t0=$(now)
(cd "$work/shared" && npm install --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)
install_time=$(secs "$t0" "$(now)")
echo "smoke-new: shared install of $(ls "$work/shared/node_modules" | wc -l) top-level packages in ${install_time} s"

summary=()
for t in "${templates[@]}"; do
  app="$work/apps/$t-app"
  ln -s "$work/shared/node_modules" "$app/node_modules"
  manifest="$app/package.json"
  fn=$(node -p "require('$manifest').scripts.invoke.split(' ')[2]")
  event=$(node -p "require('$manifest').scripts.invoke.split(' ')[4]")
  echo "== $t: cdk synth, ts-lambda invoke $fn --event $event"
  t0=$(now)
  (cd "$app" && npx cdk synth --quiet >/dev/null 2>"$work/$t-synth.log") || { cat "$work/$t-synth.log"; exit 1; }
  t1=$(now)
  (cd "$app" && npx ts-lambda invoke "$fn" --event "$event" >"$work/$t-out.json" 2>"$work/$t-invoke.log") || { cat "$work/$t-invoke.log" "$work/$t-out.json"; exit 1; }
  t2=$(now)
  answer=$(sed -z 's/\n/\\n/g' <"$work/$t-out.json" | tr -d '\0')
  if ! grep -Eq "$(expect_of "$t")" <<<"$answer"; then
    echo "smoke-new: $t answered $answer, expected /$(expect_of "$t")/"; cat "$work/$t-invoke.log"; exit 1
  fi
  echo "$t answered: ${answer:0:160}"
  (cd "$app" && npm run --silent typecheck) || { echo "smoke-new: $t does not type-check"; exit 1; }
  # first run writes the stack snapshot (as on a developer's first `npm test`), the second must match it
  (cd "$app" && npx jest --ci=false --silent 2>&1 | tail -5)
  [ -f "$app/test/__snapshots__/stack.test.ts.snap" ] || { echo "smoke-new: $t wrote no stack snapshot"; exit 1; }
  (cd "$app" && npx jest --ci --silent test/stack.test.ts 2>&1 | tail -5)
  t3=$(now)
  summary+=("$(printf '%-11s new %s s + synth %s s + invoke %s s = %s s to the first invoke; typecheck+tests %s s' \
    "$t" "${new_time[$t]}" "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" \
    "$(awk -v n="${new_time[$t]}" -v s="$(secs "$t0" "$t2")" 'BEGIN { printf "%.1f", n + s }')" "$(secs "$t2" "$t3")")")
done
echo
echo "smoke-new: every template passed (shared install ${install_time} s)"
printf '  %s\n' "${summary[@]}"
