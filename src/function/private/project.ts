import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

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

/** The package managers whose lockfiles `bundling.nodeModules` installs from. */
export type PackageManagerName = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

/** A project's lockfile and the package manager it belongs to. */
export interface ProjectLockfile {
  readonly manager: PackageManagerName;
  /** Absolute path of the lockfile. */
  readonly path: string;
  /** Its file name, e.g. `pnpm-lock.yaml`. */
  readonly name: string;
}

/** What `bundling.nodeModules` supports, for error messages and the README. */
export const SUPPORTED_LOCKFILES = 'package-lock.json or npm-shrinkwrap.json (npm), pnpm-lock.yaml (pnpm), yarn.lock (Yarn 1, or Yarn 2+ installed with nodeLinker node-modules), bun.lock (Bun)';

/**
 * The lockfile of a project root and its package manager. Throws, naming
 * the files looked for, when there is none, when there are two of different
 * managers, or when it is Bun's (not supported).
 */
export function projectLockfile(projectRoot: string, label: string): ProjectLockfile {
  const found = LOCKFILES.filter((f) => existsSync(join(projectRoot, f)));
  const what = `${label}: bundling.nodeModules are installed from the project's lockfile with its own package manager`;
  if (found.length === 0) {
    throw new Error(`${what}, and ${projectRoot} has none. Supported: ${SUPPORTED_LOCKFILES}. Install the project with its package manager first (e.g. npm install), or set bundling.projectRoot to the folder that holds the lockfile.`);
  }
  if (found.includes('bun.lockb') && !found.includes('bun.lock')) {
    throw new Error(`${what}; ${join(projectRoot, 'bun.lockb')} is Bun's binary lockfile, which is not supported. Supported: ${SUPPORTED_LOCKFILES}. Bun writes the text one with \`bun install --save-text-lockfile\`.`);
  }
  const managers = new Set(found.filter((f) => f !== 'bun.lockb').map((f) => managerOfName(f)));
  if (managers.size > 1) {
    throw new Error(`${what}, and ${projectRoot} has several: ${found.join(', ')}. Keep the lockfile of the package manager the project uses.`);
  }
  const name = found.find((f) => f !== 'bun.lockb')!;
  const path = join(projectRoot, name);
  let manager = managerOfName(name);
  if (manager === 'yarn-classic' && /^__metadata:/m.test(readFileSync(path, 'utf8'))) manager = 'yarn-berry';
  return { manager, path, name };
}

function managerOfName(lockfile: string): PackageManagerName {
  if (lockfile === 'pnpm-lock.yaml') return 'pnpm';
  if (lockfile === 'yarn.lock') return 'yarn-classic';
  if (lockfile === 'bun.lock') return 'bun';
  return 'npm';
}
