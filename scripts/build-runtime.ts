/**
 * Bundles the code under src/runtime (which is not jsii API) into assets/,
 * the folder the package ships: the OIDC authorizer handler, our runtime
 * interface client, and the ts-lambda CLI (which carries the emulator).
 *
 * Run by `build:runtime` before compile and before tests.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { RUNTIME_ASSETS as ENTRIES } from './runtime-assets';

const root = join(__dirname, '..');

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
    for (const [from, to] of Object.entries(entry.copy ?? {})) {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      copyFileSync(join(root, from), join(root, to));
    }
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
