/**
 * Watching what a synth reads: `serve --watch` with its output in a log file
 * inside the project re-synthesizes once per source change, not once per log
 * line; `invoke --watch` invokes again with the same event after a change.
 * Every process is stopped.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CLI_ENV, watchProject } from './helpers';

/** Waits (at most `ms`) until `ok()` holds. */
async function waitFor(ok: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  child.kill('SIGTERM');
  return exited;
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

test('serve --watch > serve.log in the project: one synth at start, one per source change, none for its own log', async () => {
  const project = watchProject();
  const logPath = join(project, 'serve.log');
  const fd = openSync(logPath, 'w');
  const child = spawn(process.execPath, [CLI, 'serve', '--app', 'npx tsx app.ts', '--watch', '--port', '0', '--assembly', join(project, 'cdk.out')], {
    cwd: project, env: CLI_ENV, stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const log = () => readFileSync(logPath, 'utf8');
  try {
    await waitFor(() => /ts-lambda: ready/.test(log()));
    expect(log()).toMatch(/watching the \d+ files the synth read/);
    // the log grows (the server writes to it) but nothing the synth read changed
    await new Promise((r) => setTimeout(r, 3000));
    expect(count(log(), /synthesizing: cdk synth/)).toBe(1);

    writeFileSync(join(project, 'handler.ts'), 'export const handler = async () => ({ version: 2 });\n');
    await waitFor(() => /ts-lambda: reloaded/.test(log()));
    expect(log()).toMatch(/handler\.ts changed; re-synthesizing/);
    await new Promise((r) => setTimeout(r, 3000));
    expect(count(log(), /synthesizing: cdk synth/)).toBe(2);
    // a file the synth never read is no change
    writeFileSync(join(project, 'notes.txt'), 'not a source\n');
    await new Promise((r) => setTimeout(r, 2000));
    expect(count(log(), /synthesizing: cdk synth/)).toBe(2);
  } finally {
    expect(await stop(child)).toBe(0);
  }
}, 400_000);

test('invoke --watch: invokes, then re-synthesizes and invokes again with the same event after a change', async () => {
  const project = watchProject();
  writeFileSync(join(project, 'handler.ts'), 'export const handler = async (event: { name: string }) => ({ version: 1, name: event.name });\n');
  writeFileSync(join(project, 'event.json'), '{"name": "same"}');
  const child = spawn(process.execPath, [CLI, 'invoke', 'Fn', '--event', 'event.json', '--watch', '--app', 'npx tsx app.ts', '--assembly', join(project, 'cdk.out')], {
    cwd: project, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitFor(() => /waiting for changes/.test(stderr));
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ version: 1, name: 'same' }]);
    expect(stderr).toMatch(/Watched\/Fn returned in [\d.]+ ms/);

    writeFileSync(join(project, 'handler.ts'), 'export const handler = async (event: { name: string }) => ({ version: 2, name: event.name });\n');
    await waitFor(() => stdout.trim().split('\n').length === 2);
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ version: 1, name: 'same' }, { version: 2, name: 'same' }]);
    expect(stderr).toMatch(/handler\.ts changed; re-synthesizing and invoking again/);
    const took = /([\d.]+) s from the change to this result/.exec(stderr);
    expect(took).not.toBeNull();
    process.stderr.write(`invoke --watch: ${took![1]} s from saving handler.ts to the new result\n`);
  } finally {
    expect(await stop(child)).toBe(0);
  }
}, 400_000);
