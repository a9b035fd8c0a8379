/**
 * Run by test/helpers/external-tool.test.ts in its own jest process (its name
 * does not match the project's testMatch): one test that needs the
 * prefetched Bun engine, with XDG_CACHE_HOME pointing at an empty folder.
 */
import { needs, testNeeding } from '../external-tool';

testNeeding(needs.bun('x64'))('needs the prefetched Bun engine', () => {
  expect(true).toBe(true);
});

test('an ordinary test next to it', () => {
  expect(1 + 1).toBe(2);
});
