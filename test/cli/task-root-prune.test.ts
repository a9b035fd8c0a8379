/**
 * Task-root trees ($TMPDIR/ts-lambda-<uid>/<key>/, src/runtime/cli/task-root.ts)
 * do not pile up: a tree unused for a week and the half-built tree of a run
 * that died are removed when another tree is built; a warm run marks its
 * tree as used; nothing else in the folder is touched.
 */
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prepareTaskRoot, pruneTaskRoots, TASK_ROOT_MAX_IDLE_MS, taskRootBase } from '../../src/runtime/cli/task-root';
import { tempDir } from '../helpers/fixtures';

const HOUR = 3600 * 1000;
const key = (c: string) => c.repeat(32);

function folder(base: string, name: string, ageMs: number): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'task'), { recursive: true });
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(dir, when, when);
  return dir;
}

test('removes only idle trees and stale half-built ones', () => {
  const base = tempDir('ts-lambda-prune-');
  const idle = folder(base, key('a'), TASK_ROOT_MAX_IDLE_MS + HOUR);
  const recent = folder(base, key('b'), TASK_ROOT_MAX_IDLE_MS - HOUR);
  const deadBuild = folder(base, `${key('c')}.tmp-123-abc`, 2 * HOUR);
  const liveBuild = folder(base, `${key('d')}.tmp-456-def`, 10 * 60 * 1000);
  const notOurs = folder(base, 'my-notes', TASK_ROOT_MAX_IDLE_MS * 3);
  const recorder = join(base, 'synth-reads.cjs');
  writeFileSync(recorder, '// recorder');

  pruneTaskRoots(base);

  expect(existsSync(idle)).toBe(false);
  expect(existsSync(deadBuild)).toBe(false);
  expect(existsSync(recent)).toBe(true);
  expect(existsSync(liveBuild)).toBe(true);
  expect(existsSync(notOurs)).toBe(true);
  expect(existsSync(recorder)).toBe(true);
});

test('through prepareTaskRoot: a warm run marks its tree as used; building another tree removes a week-old one', () => {
  // the real base folder (os.tmpdir() cannot be redirected from inside jest)
  const base = taskRootBase();
  const assets = tempDir('ts-lambda-prune-assets-');
  const asset = (name: string) => {
    const dir = join(assets, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.mjs'), `export const handler = async () => '${name}';\n`);
    return dir;
  };
  const first = prepareTaskRoot(asset('one'), [], undefined, '22');
  const tree = dirname(first.taskRoot);
  expect(dirname(tree)).toBe(base);
  const twoDaysAgo = (Date.now() - 48 * HOUR) / 1000;
  utimesSync(tree, twoDaysAgo, twoDaysAgo);

  // warm: same asset, same tree, marked as used now
  expect(prepareTaskRoot(join(assets, 'one'), [], undefined, '22').taskRoot).toBe(first.taskRoot);
  expect(Date.now() - statSync(tree).mtimeMs).toBeLessThan(HOUR);

  // left unused for more than a week, it goes when another tree is built
  const old = (Date.now() - TASK_ROOT_MAX_IDLE_MS - HOUR) / 1000;
  utimesSync(tree, old, old);
  const second = prepareTaskRoot(asset('two'), [], undefined, '22');
  expect(existsSync(second.taskRoot)).toBe(true);
  expect(existsSync(tree)).toBe(false);
});
