/** Handler unit tests and the stack's snapshot test, TypeScript through ts-jest (type-checked by `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // the stack test bundles the handlers with esbuild
  testTimeout: 60000,
};
