/**
 * `oneAtATime` (src/runtime/cli/watch.ts), which `serve --watch` and
 * `invoke --watch` use for file events: never two runs at once, and the
 * calls made during a run give exactly one more run after it.
 */
import { oneAtATime } from '../../src/runtime/cli/watch';

test('calls during a run are folded into one more run; runs never overlap', async () => {
  let active = 0;
  let most = 0;
  let runs = 0;
  let release: () => void = () => undefined;
  const run = oneAtATime(async () => {
    runs++;
    active++;
    most = Math.max(most, active);
    await new Promise<void>((done) => { release = done; });
    active--;
  });
  const first = run();
  // three changes while the first run is busy
  await Promise.all([run(), run(), run()]);
  expect(runs).toBe(1);
  release();
  await new Promise((resolve) => setImmediate(resolve));
  // the second run started by itself after the first, once for the three calls
  expect(runs).toBe(2);
  release();
  await first;
  expect(runs).toBe(2);
  expect(most).toBe(1);
});

test('a run that fails does not stop the next one', async () => {
  let runs = 0;
  const run = oneAtATime(async () => {
    runs++;
    if (runs === 1) throw new Error('synth failed');
  });
  await expect(run()).rejects.toThrow('synth failed');
  await run();
  expect(runs).toBe(2);
});
