import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'assets', 'cli', 'ts-lambda.cjs');

/** Environment of the CLI in tests: quiet bundling with a private cache. */
export const CLI_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CDK_TS_LAMBDA_QUIET: '1',
  CDK_TS_LAMBDA_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cli-test-cache-')),
};

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ts-lambda ...args` as a user would, to the end. */
export function runCli(args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? CLI_ENV,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Synthesizes a test app with `ts-lambda list --app` and returns its assembly folder. */
export function synthApp(appFile: string): { dir: string; run: CliRun } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-test-assembly-'));
  const run = runCli(['list', '--app', `npx tsx ${appFile}`, '--assembly', dir], { timeout: 180_000 });
  if (run.code !== 0) throw new Error(`synth of ${appFile} failed:\n${run.stderr}`);
  return { dir, run };
}

/** A running `ts-lambda serve`, with the URL it announced. */
export interface Served {
  readonly child: ChildProcess;
  /** the URL of the first API served (or of the function URLs) */
  readonly url: string;
  /** construct path of each HTTP API → its URL */
  readonly apis: ReadonlyMap<string, string>;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `ts-lambda serve ...args` and waits (at most `timeout` ms) for it to be ready. */
export function startServe(args: string[], timeout = 60_000, cwd = ROOT): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not get ready in ${timeout} ms:\n${err}`));
    }, timeout);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('ts-lambda: ready')) {
        clearTimeout(timer);
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        const apis = new Map([...err.matchAll(/serving HTTP API (\S+) .* on (http:\/\/\S+)/g)].map((a) => [a[1], a[2]]));
        resolve({ child, url: apis.values().next().value ?? (m ? m[1] : ''), apis, stderr: () => err, stop });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${err}`));
    });
  });
}

/**
 * A temporary project for the watch tests: app.ts (fixtures/watch-app.ts.txt,
 * a TypeScriptFunction from this checkout) and handler.ts returning `{ version: 1 }`,
 * with this repository's node_modules.
 */
export function watchProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'cli-watch-'));
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  writeFileSync(join(project, 'package-lock.json'), '{}');
  writeFileSync(join(project, 'handler.ts'), 'export const handler = async () => ({ version: 1 });\n');
  const app = readFileSync(join(__dirname, 'fixtures', 'watch-app.ts.txt'), 'utf8').split('__ROOT__').join(ROOT);
  writeFileSync(join(project, 'app.ts'), app);
  return project;
}
