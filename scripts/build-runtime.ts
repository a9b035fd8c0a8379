/**
 * Bundles the code under src/runtime (which is not jsii API) into assets/,
 * the folder the package ships: the OIDC authorizer handler, our runtime
 * interface client, and the ts-lambda CLI (which carries the emulator).
 *
 * Run by `build:runtime` before compile and before tests.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, BuildOptions } from 'esbuild';

const root = join(__dirname, '..');

interface Entry {
  /** source, relative to the repo root */
  readonly src: string;
  /** output file, relative to the repo root */
  readonly out: string;
  readonly options: BuildOptions;
}

const ENTRIES: Entry[] = [
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
  },
];

async function main(): Promise<void> {
  const pending: string[] = [];
  for (const entry of ENTRIES) {
    const src = join(root, entry.src);
    if (!existsSync(src)) {
      pending.push(entry.src);
      continue;
    }
    const outfile = join(root, entry.out);
    rmSync(dirname(outfile), { recursive: true, force: true });
    mkdirSync(dirname(outfile), { recursive: true });
    await build({
      entryPoints: [src],
      outfile,
      bundle: true,
      legalComments: 'none',
      logLevel: 'warning',
      ...entry.options,
    });
    console.log(`build-runtime: ${entry.src} -> ${entry.out}`);
  }
  if (pending.length > 0) {
    console.log(`build-runtime: not written yet (skipped): ${pending.join(', ')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
