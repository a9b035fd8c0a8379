/**
 * Projects of `ts-lambda new`, synthesized from this repository's source (no
 * packed package): each app's node_modules links to the repository's, and
 * `cdk-ts-lambda` resolves to src/index.ts through a NODE_PATH shim, run by
 * tsx as the app's cdk.json runs it, with cdk.json's context. Used by
 * test/cli/new.test.ts and by the cfn-lint test (which lints their templates).
 *
 * The `bun` template's engine comes from the prefetched Bun
 * (scripts/prefetch-engines.sh), seeded into the bundle cache as
 * FunctionRuntime.bun caches what `npm pack` gives, so synthesizing needs no
 * network.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prefetchedBun } from './external-tool';
import { newApp } from '../../src/runtime/cli/new';
import { BUN_VERSION } from '../../src/runtime/cli/new/templates';

const ROOT = join(__dirname, '..', '..');

/** Why the `bun` template cannot be synthesized offline here, or undefined. */
export function bunTemplateMissing(): string | undefined {
  return existsSync(prefetchedBun('arm64')) ? undefined : `no prefetched Bun arm64 engine at ${prefetchedBun('arm64')} (run scripts/prefetch-engines.sh)`;
}

export interface SynthesizedApp {
  readonly template: string;
  readonly dir: string;
  /** the cloud assembly */
  readonly out: string;
  /** the stack templates in it */
  readonly templates: string[];
}

/** Generates the app of `template` in `parent` and synthesizes it into its cdk.out. */
export function synthNewApp(parent: string, template: string): SynthesizedApp {
  const dir = join(parent, `${template}-app`);
  newApp({ dir, template, packageRoot: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const shim = join(parent, 'shim', 'cdk-ts-lambda');
  if (!existsSync(shim)) {
    mkdirSync(shim, { recursive: true });
    writeFileSync(join(shim, 'index.js'), `module.exports = require(${JSON.stringify(join(ROOT, 'src', 'index.ts'))});\n`);
  }
  const cacheDir = process.env.CDK_TS_LAMBDA_CACHE_DIR ?? join(parent, 'cache');
  if (template === 'bun' && !bunTemplateMissing()) {
    // where FunctionRuntime.bun caches the engine of @oven/bun-linux-aarch64@<version>
    const cached = join(cacheDir, 'bun', `@oven+bun-linux-aarch64@${BUN_VERSION}`);
    if (!existsSync(join(cached, 'bun'))) {
      mkdirSync(cached, { recursive: true });
      symlinkSync(prefetchedBun('arm64'), join(cached, 'bun'));
    }
  }
  const out = join(dir, 'cdk.out');
  // the context of cdk.json (its feature flags), as the cdk CLI passes it
  const context = JSON.parse(readFileSync(join(dir, 'cdk.json'), 'utf8')).context ?? {};
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NODE_PATH: join(parent, 'shim'), CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_TS_LAMBDA_CACHE_DIR: cacheDir, CDK_TS_LAMBDA_QUIET: '1' },
  });
  if (run.status !== 0) throw new Error(`synth of the ${template} app failed (status ${run.status}, ${run.error?.message ?? ''}):\n${run.stderr}`);
  const templates = readdirSync(out).filter((f) => f.endsWith('.template.json')).sort().map((f) => join(out, f));
  return { template, dir, out, templates };
}
