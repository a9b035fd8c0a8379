/**
 * `ts-lambda invoke --watch --app ...`: invoke, then re-synthesize and
 * invoke again with the same event whenever a file the synth read changes
 * (`cargo lambda watch` for functions that are not behind an HTTP API).
 * Each round prints the result on stdout and its duration on stderr; a
 * failed synth or invocation is reported and the watch goes on.
 */
import { resolve } from 'node:path';
import { CliError } from './errors';
import { lastSynthReads } from './synth';
import { oneAtATime, SourceWatcher, watchSynthInputs } from './watch';

export interface InvokeWatchOptions {
  readonly app?: string;
  readonly assembly?: string;
}

/** Runs `once` now and after every change, until SIGINT or SIGTERM; resolves to the last exit code. */
export async function invokeOnChange(options: InvokeWatchOptions, once: () => Promise<number>): Promise<number> {
  if (!options.app) throw new CliError('--watch re-synthesizes the app when its sources change, so it needs --app "<command>"', 2);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const root = process.cwd();
  const assembly = resolve(options.assembly ?? 'cdk.out');
  let code = 0;
  let watcher: SourceWatcher | undefined;
  let changedAt: number | undefined;

  const round = oneAtATime(async () => {
    try {
      code = await once();
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      say(`ts-lambda: ${err.message}`);
      code = err.exitCode;
    }
    if (changedAt !== undefined) say(`ts-lambda: ${((Date.now() - changedAt) / 1000).toFixed(2)} s from the change to this result`);
    watcher?.close();
    watcher = watchSynthInputs(root, lastSynthReads(), assembly, say, (file) => {
      changedAt = Date.now();
      say(`ts-lambda: ${file} changed; re-synthesizing and invoking again`);
      void round();
    });
    say('ts-lambda: waiting for changes (Ctrl+C to stop)');
  });

  await round();
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  watcher?.close();
  return code;
}
