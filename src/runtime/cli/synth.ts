/** `--app`: synthesizes the app with the CDK CLI (the project's own, else npx). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './errors';

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
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    child.stdout.on('data', (d) => process.stderr.write(d));
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', fail);
    child.on('close', done);
  }).catch((err: Error) => {
    throw new CliError(`could not run the cdk CLI (${cmd}): ${err.message}`);
  });
  if (code !== 0) throw new CliError(`cdk synth failed (exit code ${code}); see its output above`);
  log(`ts-lambda: synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
