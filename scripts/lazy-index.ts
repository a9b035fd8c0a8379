/**
 * Makes lib/index.js load each area of the library on first use.
 *
 * jsii compiles src/index.ts's `export * from './area'` into
 * `__exportStar(require("./area"), exports)`, which loads every area (and
 * the aws-cdk-lib modules it uses) as soon as anything is imported: an app
 * that only uses TypeScriptFunction would still load the HTTP API, Kafka,
 * SQS and authorizer code on every synth. This rewrites those lines (all
 * but `./function`, which every area builds on) into one getter per
 * exported name that requires the area when the name is first read. The
 * set of exported names is checked to be the same before and after.
 *
 * Run by the `compile` task right after jsii.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LIB = join(__dirname, '..', 'lib');
const INDEX = join(LIB, 'index.js');
/** areas loaded at once: everything else builds on them */
const EAGER = new Set(['./function']);
const EXPORT_STAR = /^__exportStar\(require\("(\.\/[\w-]+)"\), exports\);$/gm;

/** The names lib/index.js exports, read in a fresh process. */
function exportedNames(): string[] {
  const out = execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(LIB)})).sort()))`], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

function main(): void {
  const source = readFileSync(INDEX, 'utf8');
  const before = exportedNames();
  let rewritten = 0;
  const next = source.replace(EXPORT_STAR, (line, area: string) => {
    if (EAGER.has(area)) return line;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const names = Object.keys(require(join(LIB, area))).filter((n) => n !== 'default' && n !== '__esModule');
    rewritten++;
    return names
      .map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, configurable: true, get: function () { return require(${JSON.stringify(area)}).${n}; } });`)
      .join('\n');
  });
  if (rewritten === 0) {
    console.log('lazy-index: nothing to rewrite (already lazy)');
    return;
  }
  writeFileSync(INDEX, next);
  const after = exportedNames();
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    writeFileSync(INDEX, source);
    throw new Error(`lazy-index: the exported names changed (before: ${before.length}, after: ${after.length}); lib/index.js left as jsii wrote it`);
  }
  console.log(`lazy-index: ${rewritten} areas of lib/index.js load on first use (${after.length} names)`);
}

main();
