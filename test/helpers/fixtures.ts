import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of a real Lambda event copied from ../shared/fixtures/events (see test/fixtures/events/README.md). */
export function eventPath(name: string): string {
  return join(__dirname, '..', 'fixtures', 'events', name);
}

/** A real Lambda event, parsed. */
export function loadEvent<T = any>(name: string): T {
  return JSON.parse(readFileSync(eventPath(name), 'utf8')) as T;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'cdk-ts-lambda-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Copies a fixture project into a fresh temporary folder and returns the
 * copy. Like a real project it gets a `node_modules` (a link to this repo's),
 * so the project's own esbuild is used; the portable esbuild-wasm fallback
 * has its own test.
 */
export function copyToTemp(dir: string, prefix?: string, options: { linkNodeModules?: boolean } = {}): string {
  const target = join(tempDir(prefix), 'project');
  cpSync(dir, target, { recursive: true });
  if ((options.linkNodeModules ?? true) && !existsSync(join(target, 'node_modules'))) {
    symlinkSync(join(__dirname, '..', '..', 'node_modules'), join(target, 'node_modules'), 'dir');
  }
  return target;
}

/**
 * Copies a fixture project whose dependencies are local packages (its
 * `packages/*`, each a `file:` dependency of its package.json) into a fresh
 * temporary folder and installs them as npm would: copied into
 * `node_modules/<name>`. The repo's esbuild is linked in.
 */
export function installFixtureProject(dir: string, prefix?: string): string {
  const project = copyToTemp(dir, prefix, { linkNodeModules: false });
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  for (const pkg of readdirSync(join(project, 'packages'))) {
    const name = (JSON.parse(readFileSync(join(project, 'packages', pkg, 'package.json'), 'utf8')) as { name: string }).name;
    cpSync(join(project, 'packages', pkg), join(modules, name), { recursive: true });
  }
  symlinkSync(join(__dirname, '..', '..', 'node_modules', 'esbuild'), join(modules, 'esbuild'), 'dir');
  return project;
}

/**
 * Sends the bundle cache of this test file to a private temporary folder and
 * silences bundle reports. Call at the top of a test file.
 */
export function isolateBundleCache(): string {
  const dir = tempDir('cdk-ts-lambda-cache-');
  process.env.CDK_TS_LAMBDA_CACHE_DIR = dir;
  process.env.CDK_TS_LAMBDA_QUIET = '1';
  return dir;
}
