/**
 * The prebuilt pieces that the package ships in assets/: what
 * `build:runtime` (scripts/build-runtime.ts) bundles, and what
 * `package:js` (scripts/check-package.ts) refuses to pack without.
 */
import type { BuildOptions } from 'esbuild';

export interface RuntimeAsset {
  /** source, relative to the repo root */
  readonly src: string;
  /** output file, relative to the repo root */
  readonly out: string;
  readonly options: BuildOptions;
  /** files copied beside the output (licences of bundled data): source → destination, relative to the repo root */
  readonly copy?: Readonly<Record<string, string>>;
}

export const RUNTIME_ASSETS: RuntimeAsset[] = [
  {
    // Runs inside Lambda (nodejs20.x and newer): ESM, minified, nothing external.
    src: 'src/runtime/authorizer/index.ts',
    out: 'assets/authorizer/index.mjs',
    options: { format: 'esm', platform: 'node', target: 'node20', minify: true },
  },
  {
    // Runs in any engine with fetch (Node.js, Bun, ...) as a Lambda bootstrap loop.
    src: 'src/runtime/ric/bootstrap.ts',
    out: 'assets/ric/bootstrap.mjs',
    options: { format: 'esm', platform: 'node', target: 'es2022', minify: false },
  },
  {
    // The ts-lambda command, run by Node.js 20+ on a developer's machine.
    src: 'src/runtime/cli/main.ts',
    out: 'assets/cli/ts-lambda.cjs',
    options: {
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      banner: { js: '#!/usr/bin/env node' },
      // resolved at run time from the user's project
      external: ['aws-cdk-lib', 'constructs', 'esbuild', 'esbuild-wasm'],
    },
    // the event catalog bundled into it travels with its licence and origin
    copy: {
      'src/runtime/cli/events/LICENSE-aws-lambda-rust-runtime': 'assets/cli/events/LICENSE-aws-lambda-rust-runtime',
      'src/runtime/cli/events/README.md': 'assets/cli/events/README.md',
    },
  },
];
