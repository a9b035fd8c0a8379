/**
 * Tests that need a tool from outside npm (cfn-lint from PyPI, qemu-user, a
 * prefetched engine): on a developer's machine without the tool they are
 * skipped, with the reason in the test's name; under CI=true a missing tool
 * is a failure, since CI installs every tool (.ci/run) and a skip there would
 * hide that a check never ran.
 */

/** True when running under CI (CI=true or CI=1, as .ci/run sets it). */
export const ON_CI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/** How a test is declared: a name, its body, an optional timeout. */
export type TestFn = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * The `test` function to declare tests with: jest's `test` when nothing is
 * missing (`missing` undefined); otherwise one that declares a skipped test
 * (off CI) or a failing one (under CI) named after the test and the reason.
 */
export function testNeeding(missing: string | undefined): TestFn {
  if (missing === undefined) return test;
  return (name) => {
    if (ON_CI) {
      test(`${name} (CI must have it: ${missing})`, () => {
        throw new Error(`${missing} (under CI=true a missing tool fails instead of skipping)`);
      });
    } else {
      test.skip(`${name} (skipped: ${missing})`, () => undefined);
    }
  };
}
