/**
 * Run by test/helpers/external-tool.test.ts in its own jest process (its name
 * does not match the project's testMatch): one test that needs the
 * prefetched Bun engine, with XDG_CACHE_HOME pointing at an empty folder.
 */
import { existsSync } from 'node:fs';
import { needs, prefetchedBun, testNeeding } from '../external-tool';

testNeeding(needs.bun('x64'))('needs the prefetched Bun engine', () => {
  // runs only where the engine is: the helper must not let it run without it
  expect(existsSync(prefetchedBun('x64'))).toBe(true);
});

test('an ordinary test next to it', () => {
  expect(1 + 1).toBe(2);
});
