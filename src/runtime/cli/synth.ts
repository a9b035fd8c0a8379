/** `--app`: synthesizes the app with the CDK CLI (the project's own, else npx). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { CliError } from './errors';
import { taskRootBase } from './task-root';

/**
 * Preloaded (NODE_OPTIONS=--require) into the Node.js processes of a synth:
 * at exit each appends the files it loaded (require.cache: the app's own
 * modules, `.ts` ones too when run by tsx or ts-node) to the file named by
 * CDK_TS_LAMBDA_SYNTH_READS, where the bundler appends every bundle's inputs.
 */
const RECORDER = `'use strict';
const out = process.env.CDK_TS_LAMBDA_SYNTH_READS;
if (out) process.on('exit', () => {
  try { require('node:fs').appendFileSync(out, Object.keys(require.cache).map((f) => f + '\\n').join('')); } catch {}
});
`;

let lastReads: string[] = [];

/**
 * The files the last synthesis read, outside node_modules and not ignored
 * by git (.gitignore): the app's module graph and every bundle's inputs.
 * Empty when nothing was recorded (an app not run by Node.js, or a synth
 * that failed).
 */
export function lastSynthReads(): readonly string[] {
  return lastReads;
}

/** The project's cdk CLI (node_modules/.bin/cdk of cwd or a parent), or npx. */
function cdkCommand(cwd: string): string[] {
  let dir = resolve(cwd);
  for (;;) {
    const bin = join(dir, 'node_modules', '.bin', process.platform === 'win32' ? 'cdk.cmd' : 'cdk');
    if (existsSync(bin)) return [bin];
    const parent = resolve(dir, '..');
    if (parent === dir) return ['npx', '--yes', 'aws-cdk@2'];
    dir = parent;
  }
}

/**
 * `cdk synth --app <app> --output <outdir> --quiet`; the CLI's output goes to
 * stderr. Rejects with a CliError when synthesis fails.
 */
export async function synthesize(app: string, outdir: string, log: (line: string) => void): Promise<void> {
  const [cmd, ...pre] = cdkCommand(process.cwd());
  const args = [...pre, 'synth', '--app', app, '--output', outdir, '--quiet'];
  log(`ts-lambda: synthesizing: cdk synth --app ${JSON.stringify(app)} --output ${outdir}`);
  const started = Date.now();
  const base = taskRootBase();
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const recorder = join(base, 'synth-reads.cjs');
  if (!existsSync(recorder) || readFileSync(recorder, 'utf8') !== RECORDER) writeFileSync(recorder, RECORDER);
  const readsFile = join(base, `synth-reads-${process.pid}-${Date.now()}.txt`);
  writeFileSync(readsFile, '');
  const env = {
    ...process.env,
    CDK_TS_LAMBDA_SYNTH_READS: readsFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${recorder}`.trim(),
  };
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout.on('data', (d) => process.stderr.write(d));
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', fail);
    child.on('close', done);
  }).catch((err: Error) => {
    throw new CliError(`could not run the cdk CLI (${cmd}): ${err.message}`);
  });
  let reads: string[] = [];
  try {
    reads = [...new Set(readFileSync(readsFile, 'utf8').split('\n'))]
      .filter((f) => f.startsWith(sep) && !f.includes(`${sep}node_modules${sep}`) && !f.startsWith(`${resolve(outdir)}${sep}`) && existsSync(f));
  } finally {
    rmSync(readsFile, { force: true });
  }
  if (code !== 0) throw new CliError(`cdk synth failed (exit code ${code}); see its output above`);
  lastReads = notIgnored(reads);
  log(`ts-lambda: synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** `files` without those git ignores (.gitignore, .git/info/exclude); all of them outside a git work tree or without git. */
function notIgnored(files: string[]): string[] {
  if (files.length === 0) return files;
  const r = spawnSync('git', ['check-ignore', '--stdin'], { input: files.join('\n'), encoding: 'utf8', cwd: process.cwd() });
  // 0: some are ignored, 1: none is; anything else (not a repository, no git): nothing to honour
  if (r.status !== 0) return files;
  const ignored = new Set(r.stdout.split('\n').filter(Boolean).map((f) => resolve(f)));
  return files.filter((f) => !ignored.has(f));
}
