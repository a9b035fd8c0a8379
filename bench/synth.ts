/**
 * `npm run bench:synth`: synthesizes one app of 50 small TypeScript handlers
 * (each imports an AWS SDK v3 client and `aws-lambda` types) three ways in the
 * same run, each in a fresh Node.js process as `cdk synth` would start it:
 *
 * - ours:  TypeScriptFunction (cold: empty bundle cache; warm: nothing changed),
 * - peer:  aws-cdk-lib's NodejsFunction (local esbuild, no Docker),
 * - floor: plain lambda.Function whose code was bundled beforehand.
 *
 * Two ways of starting a synth, both in this run:
 * - `cdk synth`: the cdk CLI running the app with ts-node, as `cdk init`
 *   sets a new user up (the way the issue's reference figures were taken),
 * - `node`: a bare `node --import tsx app.ts`, the tightest floor there is.
 *
 * The library is loaded from lib/ (the compiled JavaScript that ships), so
 * run `npx projen compile` first (the bench:synth task does).
 *
 * Prints the median of each and the ratios. BENCH_ROUNDS (default 3),
 * BENCH_FUNCTIONS (default 50) and BENCH_MODES (default `cdk,node`) change it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(__dirname, '..');
const WORK = join(__dirname, '.work', 'synth');
const N = Number(process.env.BENCH_FUNCTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'cdk,node').split(',') as Mode[];
type Mode = 'cdk' | 'node';
type Kind = 'ours' | 'peer' | 'floor';

function handlerSource(i: number): string {
  return `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

const client = new SQSClient({});

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  if (event.body) {
    await client.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body }));
  }
  return { statusCode: 200, body: JSON.stringify({ fn: ${i}, path: event.rawPath }) };
};
`;
}

function appSource(kind: Kind): string {
  // each app imports only what it uses: the library's own import time is part of ours
  const imports: Record<typeof kind, string> = {
    ours: `import { TypeScriptFunction } from '${join(ROOT, 'lib')}';`,
    peer: `import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';`,
    floor: "import * as lambda from 'aws-cdk-lib/aws-lambda';",
  };
  const head = `import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
${imports[kind]}
const app = new App({ outdir: process.env.OUTDIR });
const stack = new Stack(app, 'Bench');
const root = ${JSON.stringify(WORK)};
`;
  const body: Record<typeof kind, string> = {
    ours: `for (let i = 0; i < ${N}; i++) {
  new TypeScriptFunction(stack, 'Fn' + i, { entry: join(root, 'handlers', 'fn' + i + '.ts'), bundling: { projectRoot: root } });
}`,
    peer: `for (let i = 0; i < ${N}; i++) {
  new nodejs.NodejsFunction(stack, 'Fn' + i, {
    entry: join(root, 'handlers', 'fn' + i + '.ts'),
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    projectRoot: root,
    depsLockFilePath: join(root, 'package-lock.json'),
    bundling: { format: nodejs.OutputFormat.ESM, minify: true, logLevel: nodejs.LogLevel.SILENT },
  });
}`,
    floor: `for (let i = 0; i < ${N}; i++) {
  new lambda.Function(stack, 'Fn' + i, {
    code: lambda.Code.fromAsset(join(root, 'prebuilt', 'fn' + i)),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
  });
}`,
  };
  return `${head}${body[kind]}\napp.synth();\n`;
}

function setup(): void {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'handlers'), { recursive: true });
  writeFileSync(join(WORK, 'package.json'), JSON.stringify({ name: 'bench-app', private: true }));
  writeFileSync(join(WORK, 'package-lock.json'), JSON.stringify({ name: 'bench-app', lockfileVersion: 3, packages: { '': { name: 'bench-app' } } }));
  for (let i = 0; i < N; i++) {
    writeFileSync(join(WORK, 'handlers', `fn${i}.ts`), handlerSource(i));
    // the floor's code, bundled beforehand (not timed)
    buildSync({
      entryPoints: [join(WORK, 'handlers', `fn${i}.ts`)],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      external: ['@aws-sdk/*'],
      outfile: join(WORK, 'prebuilt', `fn${i}`, 'index.mjs'),
      logLevel: 'error',
    });
  }
  for (const kind of ['ours', 'peer', 'floor'] as const) writeFileSync(join(WORK, `app-${kind}.ts`), appSource(kind));
}

/** One synth in a fresh process; returns wall-clock seconds. */
function synth(mode: Mode, kind: Kind, opts: { clearCache: boolean }): number {
  const outdir = join(WORK, `cdk.out-${kind}`);
  rmSync(outdir, { recursive: true, force: true });
  const cache = join(WORK, '.cache');
  if (opts.clearCache) rmSync(cache, { recursive: true, force: true });
  const env = { ...process.env, OUTDIR: outdir, CDK_TS_LAMBDA_CACHE_DIR: cache, CDK_TS_LAMBDA_QUIET: '1', CDK_DISABLE_VERSION_CHECK: '1' };
  const started = process.hrtime.bigint();
  if (mode === 'node') {
    execFileSync(process.execPath, ['--import', 'tsx', join(WORK, `app-${kind}.ts`)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'cdk'), [
      'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir,
      '--app', `npx ts-node --prefer-ts-exts ${join(WORK, `app-${kind}.ts`)}`,
    ], { cwd: WORK, env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runMode(mode: Mode): void {
  synth(mode, 'floor', { clearCache: false }); // warm the OS file cache once, untimed
  const times: Record<string, number[]> = { 'floor': [], 'ours (cold)': [], 'ours (warm)': [], 'NodejsFunction': [] };
  for (let round = 0; round < ROUNDS; round++) {
    times.floor.push(synth(mode, 'floor', { clearCache: false }));
    times['ours (cold)'].push(synth(mode, 'ours', { clearCache: true }));
    times['ours (warm)'].push(synth(mode, 'ours', { clearCache: false }));
    times.NodejsFunction.push(synth(mode, 'peer', { clearCache: false }));
    console.log(`  [${mode}] round ${round + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${v[round].toFixed(2)} s`).join(', ')}`);
  }
  const floor = median(times.floor);
  console.log(`\n${mode === 'cdk' ? '`cdk synth` (CLI + ts-node, as a new user)' : '`node --import tsx app.ts` (bare process)'}, ${N} functions, median of ${ROUNDS}:\n`);
  console.log('| synth | median (s) | ratio to floor |');
  console.log('|---|---:|---:|');
  for (const [name, values] of Object.entries(times)) {
    console.log(`| ${name} | ${median(values).toFixed(2)} | ${(median(values) / floor).toFixed(2)}x |`);
  }
  const peer = median(times.NodejsFunction);
  console.log(`\nNodejsFunction / ours (cold): ${(peer / median(times['ours (cold)'])).toFixed(1)}x; NodejsFunction / floor: ${(peer / floor).toFixed(1)}x\n`);
}

function main(): void {
  if (!existsSync(join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npx projen compile` first.');
  console.log(`bench:synth: ${N} functions, ${ROUNDS} rounds, modes ${MODES.join(', ')}, node ${process.version}, ${cpus().length} cores`);
  setup();
  for (const mode of MODES) runMode(mode);
  console.log('targets: ours cold <= 1.3x floor, ours warm <= 1.1x floor');
}

main();
