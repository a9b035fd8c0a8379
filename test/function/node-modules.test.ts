import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { TypeScriptFunction } from '../../src';
import { planNodeModules } from '../../src/function/private/node-modules';
import { copyToTemp, isolateBundleCache, tempDir } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

/*
 * bundling.nodeModules installs with the project's own package manager from
 * its own lockfile. Each fixture project under fixtures/projects pins old
 * versions on purpose: semver 7.5.4 (by an override or a resolution; newer
 * ones exist), ms 2.0.0 in packages/api where the workspace root has 2.1.3,
 * and esbuild 0.19.12, whose native package is per platform. The tests read
 * the package.json of every installed package of the asset, and compare
 * them with what aws-cdk-lib's NodejsFunction installs on the same project.
 *
 * pnpm and Yarn 1 must be in PATH (.ci/run installs them); Yarn 4 is the
 * project's own release (yarnPath), taken from the npm registry's
 * @yarnpkg/cli-dist; Bun is the one in PATH or the prefetched engine. Without them the tests skip with the reason; under
 * CI=true they fail instead.
 */

isolateBundleCache();
jest.setTimeout(180_000);

const PROJECTS = join(__dirname, 'fixtures', 'projects');
const YARN_BERRY = '4.18.1';

/**
 * What every fixture's handler package locks, for an arm64 function, where
 * the asset has it: debug 4.3.4 needs ms 2.1.2 while the handler's package
 * has ms 2.0.0, so debug gets its own copy.
 */
const LOCKED_ARM64 = {
  'node_modules/@esbuild/linux-arm64': '@esbuild/linux-arm64@0.19.12',
  'node_modules/debug': 'debug@4.3.4',
  'node_modules/debug/node_modules/ms': 'ms@2.1.2',
  'node_modules/esbuild': 'esbuild@0.19.12',
  'node_modules/lru-cache': 'lru-cache@6.0.0',
  'node_modules/make-dir': 'make-dir@4.0.0',
  'node_modules/ms': 'ms@2.0.0',
  'node_modules/semver': 'semver@7.5.4',
  'node_modules/yallist': 'yallist@4.0.0',
};
const NODE_MODULES = ['ms', 'debug', 'make-dir', 'esbuild'];

function toolVersion(bin: string, cwd?: string): string | undefined {
  const run = spawnSync(bin, ['--version'], { cwd, encoding: 'utf8', env: process.env });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** A test that needs something: skipped with the reason, or failing under CI=true. */
function testWith(reason: string | undefined): (name: string, fn: () => void) => void {
  if (!reason) return test;
  if (process.env.CI === 'true') {
    return (name) => test(name, () => {
      throw new Error(`${reason} (required under CI=true; .ci/run installs it)`);
    });
  }
  return (name) => test.skip(`${name} [skipped: ${reason}]`, () => undefined);
}

/** The Yarn 4 release of the test, from the npm registry (cached like the test engines). */
function yarnBerryRelease(): string | undefined {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdk-ts-lambda', 'test-engines', `yarn-${YARN_BERRY}`);
  const file = join(dir, 'package', 'bin', 'yarn.js');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const pack = spawnSync('npm', ['pack', `@yarnpkg/cli-dist@${YARN_BERRY}`, '--silent'], { cwd: dir, encoding: 'utf8' });
  if (pack.status !== 0) return undefined;
  execFileSync('tar', ['xzf', pack.stdout.trim()], { cwd: dir });
  return existsSync(file) ? file : undefined;
}

// Bun: the one in PATH, else the engine scripts/prefetch-engines.sh fetched for the real-Bun tests
const BUN_BIN = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdk-ts-lambda', 'test-engines',
  `bun-${process.env.BUN_VERSION ?? '1.4.5'}-${process.arch}`, 'package', 'bin');
if (!toolVersion('bun') && existsSync(join(BUN_BIN, 'bun'))) process.env.PATH = `${BUN_BIN}${delimiter}${process.env.PATH}`;
const bunMissing = toolVersion('bun') ? undefined : `Bun is neither in PATH nor in ${BUN_BIN} (scripts/prefetch-engines.sh)`;
const pnpmMissing = toolVersion('pnpm') ? undefined : 'pnpm is not in PATH (npm install -g pnpm@10)';
const yarnMissing = toolVersion('yarn')?.startsWith('1.') ? undefined : 'Yarn 1 is not in PATH (npm install -g yarn@1)';

interface Fixture {
  readonly name: string;
  readonly handlerDir: string;
  readonly missing?: string;
  /** Prepares a copy (the Yarn 4 release). */
  readonly prepare?: (dir: string) => void;
  /** The manager's own install of the copy, for NodejsFunction. */
  readonly install: string[];
}

let berry: string | undefined;
const FIXTURES: Fixture[] = [
  { name: 'npm-workspace', handlerDir: 'packages/api', install: ['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund'] },
  { name: 'pnpm-workspace', handlerDir: 'packages/api', missing: pnpmMissing, install: ['pnpm', 'install', '--frozen-lockfile', '--ignore-scripts'] },
  { name: 'yarn-classic', handlerDir: '', missing: yarnMissing, install: ['yarn', 'install', '--frozen-lockfile', '--ignore-scripts'] },
  {
    name: 'yarn-berry',
    handlerDir: '',
    missing: yarnMissing,
    prepare: (dir) => {
      berry ??= yarnBerryRelease();
      if (!berry) throw new Error(`could not fetch @yarnpkg/cli-dist@${YARN_BERRY} from the npm registry`);
      mkdirSync(join(dir, '.yarn', 'releases'), { recursive: true });
      copyFileSync(berry, join(dir, '.yarn', 'releases', 'yarn.cjs'));
    },
    install: ['yarn', 'install', '--immutable', '--mode=skip-build'],
  },
  { name: 'bun-workspace', handlerDir: 'packages/api', missing: bunMissing, install: ['bun', 'install', '--frozen-lockfile', '--ignore-scripts'] },
];

/** Every installed package of a node_modules tree: `path` -> `name@version`. */
function installed(root: string): { [path: string]: string } {
  const found: { [path: string]: string } = {};
  const walk = (nodeModules: string) => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((s) => join(nodeModules, entry, s)) : [join(nodeModules, entry)];
      for (const dir of dirs) {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        found[relative(root, dir)] = `${pkg.name}@${pkg.version}`;
        walk(join(dir, 'node_modules'));
      }
    }
  };
  walk(join(root, 'node_modules'));
  return found;
}

/** The packages of a tree, `name@version`, sorted, without esbuild's native one. */
function portable(tree: { [path: string]: string }): string[] {
  return Object.values(tree).filter((id) => !id.startsWith('@esbuild/')).sort();
}

function ours(project: string, handlerDir: string, architecture = lambda.Architecture.ARM_64): TypeScriptFunction {
  const stack = new Stack(new App(), 'Ours');
  return new TypeScriptFunction(stack, 'Fn', {
    entry: join(project, handlerDir, 'src', 'handler.ts'),
    architecture,
    bundling: { nodeModules: NODE_MODULES, projectRoot: project },
  });
}

/** NodejsFunction (local bundling) on a copy installed by its manager: the asset folder it stages. */
function theirs(project: string, fixture: Fixture): string {
  const [bin, ...args] = fixture.install;
  execFileSync(bin, args, { cwd: project, stdio: 'pipe', env: { ...process.env, YARN_ENABLE_SCRIPTS: '0' } });
  const outdir = tempDir('cdk-ts-lambda-nodejs-');
  const app = new App({ outdir });
  const stack = new Stack(app, 'Theirs');
  new nodejs.NodejsFunction(stack, 'Fn', {
    entry: join(project, fixture.handlerDir, 'src', 'handler.ts'),
    projectRoot: project,
    depsLockFilePath: join(project, readdirSync(project).find((f) => /^(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lock)$/.test(f))!),
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: { nodeModules: NODE_MODULES, forceDockerBundling: false, logLevel: nodejs.LogLevel.ERROR },
  });
  app.synth();
  const assets = readdirSync(outdir).filter((f) => f.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  return join(outdir, assets[0]);
}

describe.each(FIXTURES)('$name', (fixture) => {
  testWith(fixture.missing)('the asset holds exactly the locked tree of the handler\'s package, for arm64', () => {
    const project = copyToTemp(join(PROJECTS, fixture.name), `nm-${fixture.name}-`);
    fixture.prepare?.(project);
    const fn = ours(project, fixture.handlerDir);
    const tree = installed(fn.assetPath);
    expect(tree).toEqual(LOCKED_ARM64);
    expect(existsSync(join(fn.assetPath, 'node_modules', '@esbuild', 'linux-arm64', 'bin', 'esbuild'))).toBe(true);
    expect(JSON.parse(readFileSync(join(fn.assetPath, 'package.json'), 'utf8')).dependencies)
      .toEqual({ 'debug': '4.3.4', 'esbuild': '0.19.12', 'make-dir': '4.0.0', 'ms': '2.0.0' });

    // the x86_64 function of the same project gets the x64 build, from its own install
    const x64Asset = ours(project, fixture.handlerDir, lambda.Architecture.X86_64).assetPath;
    const x64 = installed(x64Asset);
    expect(portable(x64)).toEqual(portable(LOCKED_ARM64));
    expect(Object.values(x64).filter((id) => id.startsWith('@esbuild/'))).toEqual(['@esbuild/linux-x64@0.19.12']);
    // and runs here in a fresh Node.js process, its imports (make-dir loads
    // semver, lru-cache, yallist) answered by the asset alone
    if (process.arch === 'x64') {
      expect(runBundle(x64Asset, 'index.mjs', 'handler', {})).toEqual({ ms: 3_600_000, makeDir: 'function', debug: 'function' });
    }
  });

  testWith(fixture.missing)('NodejsFunction on the same project: the same versions where it follows the lockfile, but for the host\'s architecture', () => {
    const project = copyToTemp(join(PROJECTS, fixture.name), `nm-${fixture.name}-`, { linkNodeModules: false });
    fixture.prepare?.(project);
    let theirsDir: string;
    try {
      theirsDir = theirs(project, fixture);
    } catch (err) {
      // NodejsFunction has no answer here: say what it did, ours is tested above
      const message = (err as Error).message;
      expect(KNOWN_NODEJS_FAILURES[fixture.name]?.test(message)).toBe(true);
      return;
    }
    const theirTree = installed(theirsDir);
    if (UNLOCKED_BY_NODEJS.includes(fixture.name)) {
      // it installs without the project's own Yarn, so the lockfile is not
      // read: semver comes out at the registry's newest, not the locked one
      const semver = Object.values(theirTree).filter((id) => id.startsWith('semver@'));
      expect(semver).toHaveLength(1);
      expect(semver).not.toEqual([LOCKED_ARM64['node_modules/semver']]);
      return;
    }
    // the same locked packages...
    expect(portable(theirTree)).toEqual(portable(LOCKED_ARM64));
    // ...but its native package is the build machine's, not the function's
    expect(Object.values(theirTree).filter((id) => id.startsWith('@esbuild/'))).toEqual([`@esbuild/linux-${process.arch}@0.19.12`]);
  });
});

/** Where NodejsFunction fails on a fixture, what it says. */
const KNOWN_NODEJS_FAILURES: { [fixture: string]: RegExp } = {
  // it writes the handler's versions into a package.json beside the whole
  // workspace's lockfile and runs npm ci, which refuses the pair
  'npm-workspace': /Failed to bundle asset Theirs\/Fn\/Code\/Stage.*npm ci --loglevel error run in directory .* exited with status 1/,
};
/** Where NodejsFunction installs but not what the lockfile says. */
const UNLOCKED_BY_NODEJS = ['yarn-berry'];

testWith(yarnMissing)('a Yarn 4 project on Plug\'n\'Play gets the same node_modules tree', () => {
  const project = copyToTemp(join(PROJECTS, 'yarn-berry'), 'nm-yarn-pnp-');
  FIXTURES.find((f) => f.name === 'yarn-berry')!.prepare!(project);
  writeFileSync(join(project, '.yarnrc.yml'), 'yarnPath: .yarn/releases/yarn.cjs\nnodeLinker: pnp\n');
  expect(installed(ours(project, '').assetPath)).toEqual(LOCKED_ARM64);
});

describe('errors name the lockfile and what is supported', () => {
  const project = (files: { [path: string]: string }): string => {
    const dir = join(tempDir('cdk-ts-lambda-nm-'), 'project');
    for (const [path, text] of Object.entries({ 'src/handler.ts': 'export const handler = async () => 1;\n', ...files })) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  const plan = (dir: string) => planNodeModules('Fn', dir, join(dir, 'src', 'handler.ts'), ['ms']);
  const pkg = JSON.stringify({ name: 'p', dependencies: { ms: '2.1.3' } });

  test('no lockfile', () => {
    expect(() => plan(project({ 'package.json': pkg })))
      .toThrow(/Fn: bundling.nodeModules are installed from the project's lockfile with its own package manager, and .*project has none\. Supported: package-lock\.json or npm-shrinkwrap\.json \(npm\), pnpm-lock\.yaml \(pnpm\), yarn\.lock/);
  });

  test('Bun\'s binary lockfile', () => {
    expect(() => plan(project({ 'package.json': pkg, 'bun.lockb': '' })))
      .toThrow(/project\/bun\.lockb is Bun's binary lockfile, which is not supported\. Supported: package-lock\.json.*bun\.lock \(Bun\)\. Bun writes the text one with `bun install --save-text-lockfile`/);
    expect(plan(project({ 'package.json': pkg, 'bun.lockb': '', 'bun.lock': '{}' })).lockfile.name).toBe('bun.lock');
  });

  test('two managers\' lockfiles', () => {
    expect(() => plan(project({ 'package.json': pkg, 'package-lock.json': '{}', 'yarn.lock': '' })))
      .toThrow(/has several: package-lock\.json, yarn\.lock\. Keep the lockfile of the package manager the project uses/);
  });

  test('a name the handler\'s package does not depend on, or only as a devDependency', () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'p', devDependencies: { ms: '2.1.3' } }), 'pnpm-lock.yaml': 'lockfileVersion: \'9.0\'\n' });
    expect(() => plan(dir)).toThrow(/lists 'ms', which .*package\.json has in devDependencies; the asset gets production dependencies only/);
    expect(() => planNodeModules('Fn', dir, join(dir, 'src', 'handler.ts'), ['left-pad']))
      .toThrow(/lists 'left-pad', which is not a dependency of .*project\/package\.json\. Add it \(with pnpm add\) so pnpm-lock\.yaml locks it/);
  });

  test('a Yarn 2+ lockfile is told apart from a Yarn 1 one', () => {
    const dir = project({ 'package.json': pkg, 'yarn.lock': '__metadata:\n  version: 8\n' });
    expect(plan(dir).lockfile.manager).toBe('yarn-berry');
    const classic = project({ 'package.json': pkg, 'yarn.lock': '# yarn lockfile v1\n' });
    expect(plan(classic).lockfile.manager).toBe('yarn-classic');
  });

  test('a manager that is not installed: which one, for which lockfile, and how to get it', () => {
    const dir = copyToTemp(join(PROJECTS, 'pnpm-workspace'), 'nm-no-pnpm-');
    // a settings file of its own: not the install the other tests cached
    writeFileSync(join(dir, '.npmrc'), '# no pnpm in PATH\n');
    const path = process.env.PATH;
    process.env.PATH = tempDir('cdk-ts-lambda-empty-path-');
    try {
      expect(() => ours(dir, 'packages/api').assetPath)
        .toThrow(/Ours\/Fn: bundling.nodeModules are installed with the project's own package manager: .*nm-no-pnpm-.*\/pnpm-lock\.yaml needs `pnpm`, which is not in PATH\. Install it \(npm install -g pnpm, or corepack enable\)/);
    } finally {
      process.env.PATH = path;
    }
  });

  test('the cache key follows the lockfile and the manifests, nothing else', () => {
    const dir = project({ 'package.json': pkg, 'package-lock.json': '{"lockfileVersion":3}' });
    const first = plan(dir).key;
    writeFileSync(join(dir, 'src', 'other.ts'), 'export {};\n');
    expect(plan(dir).key).toBe(first);
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    expect(plan(dir).key).not.toBe(first);
    const second = plan(dir).key;
    writeFileSync(join(dir, '.npmrc'), 'omit=dev\n');
    expect(plan(dir).key).not.toBe(second);
    rmSync(join(dir, '.npmrc'));
    expect(plan(dir).key).toBe(second);
  });
});
