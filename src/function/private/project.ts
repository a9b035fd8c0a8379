import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { FileMemo, memoByFile } from './file-memo';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];

/**
 * The project root of an entry: the nearest folder above it with a lockfile,
 * else the nearest with a package.json, else the entry's folder.
 */
export function findProjectRoot(entry: string): string {
  return findUp(dirname(entry), (dir) => LOCKFILES.some((f) => existsSync(join(dir, f))))
    ?? findUp(dirname(entry), (dir) => existsSync(join(dir, 'package.json')))
    ?? dirname(entry);
}

/** The first folder from `start` upwards for which `test` is true. */
export function findUp(start: string, test: (dir: string) => boolean): string | undefined {
  let dir = start;
  const { root } = parse(dir);
  for (;;) {
    if (test(dir)) return dir;
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}

/** Where bundles and downloads are cached for a project. */
export function cacheDirFor(projectRoot: string): string {
  if (process.env.CDK_TS_LAMBDA_CACHE_DIR) return process.env.CDK_TS_LAMBDA_CACHE_DIR;
  if (existsSync(join(projectRoot, 'node_modules'))) return join(projectRoot, 'node_modules', '.cache', 'cdk-ts-lambda');
  return join(projectRoot, '.cdk-ts-lambda-cache');
}

/**
 * The version of an installed package as the project pins it: from
 * package-lock.json when there is one, else from node_modules.
 */
export function lockedVersion(projectRoot: string, name: string): { version: string; source: string } | undefined {
  for (const lockName of ['package-lock.json', 'npm-shrinkwrap.json']) {
    const lockPath = join(projectRoot, lockName);
    if (!existsSync(lockPath)) continue;
    const lock = readLockfile(lockPath);
    const pkg = lock.packages?.[`node_modules/${name}`] ?? lock.dependencies?.[name];
    if (pkg?.version) return { version: pkg.version, source: lockName };
  }
  const installed = join(projectRoot, 'node_modules', name, 'package.json');
  if (existsSync(installed)) {
    return { version: JSON.parse(readFileSync(installed, 'utf8')).version, source: `node_modules/${name}/package.json` };
  }
  return undefined;
}

const lockfiles: FileMemo<any> = new Map();

/** A parsed npm lockfile, parsed once per process while it is unchanged. */
function readLockfile(path: string): any {
  return memoByFile(lockfiles, path, (p) => JSON.parse(readFileSync(p, 'utf8')));
}
