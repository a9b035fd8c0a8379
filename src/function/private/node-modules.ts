import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { sha256 } from './hash';
import { findUp, PackageManagerName, ProjectLockfile, projectLockfile } from './project';

/*
 * bundling.nodeModules, lockfile-faithful:
 *
 * 1. The project's lockfile decides the manager (project.ts). Its manifests
 *    (the root package.json, every workspace's package.json), the lockfile
 *    and the manager's settings files are copied into a staging folder.
 * 2. The manager installs that copy frozen (npm ci, pnpm install
 *    --frozen-lockfile, yarn --frozen-lockfile, yarn focus under
 *    immutable installs, bun install --frozen-lockfile), production dependencies only, no install scripts,
 *    for Linux on the function's architecture. The installed tree is cached
 *    per lockfile state and architecture, so functions share one install.
 * 3. Each function's asset gets the closure of its nodeModules as Node.js
 *    resolves them from the handler's own package folder in that tree
 *    (in a workspace packages/api/node_modules/x wins over the hoisted
 *    node_modules/x), laid out flat where names do not clash and nested
 *    where they do, so every package resolves the very copy it resolved in
 *    the project.
 */

/** The files of a project, besides the lockfile and the manifests, that steer its manager. */
const SETTINGS_FILES = ['.npmrc', '.yarnrc', '.yarnrc.yml', 'pnpm-workspace.yaml', '.pnpmfile.cjs', 'bunfig.toml'];
/** Folders the managers read patches or plugins from. */
const SETTINGS_DIRS = ['patches', join('.yarn', 'patches'), join('.yarn', 'plugins')];

/** Decided at synth before anything is installed. */
export interface NodeModulesPlan {
  readonly lockfile: ProjectLockfile;
  readonly projectRoot: string;
  /** The handler's package folder, relative to the project root ('' for the root). */
  readonly packageDir: string;
  /** Sorted package names. */
  readonly names: string[];
  /** Covers the lockfile, the manifests that matter and the manager's settings. */
  readonly key: string;
}

/**
 * Checks `nodeModules` against the project and decides the install's cache
 * key; installs nothing.
 */
export function planNodeModules(label: string, projectRoot: string, entry: string, names: string[]): NodeModulesPlan {
  const lockfile = projectLockfile(projectRoot, label);
  const inside = (dir: string) => !relative(projectRoot, dir).startsWith('..');
  const pkgFolder = findUp(dirname(entry), (dir) => !inside(dir) || existsSync(join(dir, 'package.json')));
  const packageDir = pkgFolder && inside(pkgFolder) ? pkgFolder : projectRoot;
  const manifests = [...new Set([packageDir, projectRoot])].map((dir) => join(dir, 'package.json')).filter(existsSync);
  for (const name of names) {
    const where = (fields: string[]) => manifests.find((m) => fields.some((f) => Object.prototype.hasOwnProperty.call(readJson(m)[f] ?? {}, name)));
    if (where(['dependencies', 'optionalDependencies', 'peerDependencies'])) continue;
    const dev = where(['devDependencies']);
    if (dev) {
      throw new Error(`${label}: bundling.nodeModules lists '${name}', which ${dev} has in devDependencies; the asset gets production dependencies only. Move it to dependencies.`);
    }
    throw new Error(`${label}: bundling.nodeModules lists '${name}', which is not a dependency of ${manifests.join(' or ') || `any package.json in ${projectRoot}`}. Add it (with ${managerCommand(lockfile.manager)}) so ${lockfile.name} locks it.`);
  }
  const material: string[] = [lockfile.manager, readFileSync(lockfile.path, 'utf8')];
  for (const file of [...manifests, ...SETTINGS_FILES.map((f) => join(projectRoot, f))]) {
    material.push(`${relative(projectRoot, file)}\0${existsSync(file) ? readFileSync(file, 'utf8') : ''}`);
  }
  return {
    lockfile,
    projectRoot,
    packageDir: toPosix(relative(projectRoot, packageDir)),
    names: [...names].sort(),
    key: sha256(material.join('\0')).slice(0, 32),
  };
}

/**
 * Installs a plan's packages into `assetDir/node_modules` for Linux on
 * `architecture` (`x86_64` or `arm64`), and writes `assetDir/package.json`
 * listing them with their installed versions.
 */
export function installNodeModules(
  plan: NodeModulesPlan, label: string, cacheDir: string, architecture: string, assetDir: string,
): { [name: string]: string } {
  const target: Target = { os: 'linux', cpu: architecture === 'arm64' ? 'arm64' : 'x64', libc: 'glibc' };
  const tree = installedTree(plan, label, cacheDir, target);
  const from = join(tree, plan.packageDir);
  const graph = closure(plan, label, tree, from, target);
  const versions: { [name: string]: string } = {};
  for (const name of plan.names) versions[name] = graph.nodes.get(graph.roots.get(name)!)!.version;
  for (const [path, id] of layout(graph, label)) {
    cpSync(id, join(assetDir, path), {
      recursive: true,
      dereference: true,
      filter: (src) => {
        const rel = relative(id, src);
        return rel !== 'node_modules' && !rel.startsWith(`node_modules${sep}`);
      },
    });
  }
  writeFileSync(join(assetDir, 'package.json'), JSON.stringify({ name: 'cdk-ts-lambda-asset', private: true, dependencies: versions }, null, 2));
  return versions;
}

/** The platform the packages are installed for. */
interface Target {
  readonly os: string;
  readonly cpu: string;
  readonly libc: string;
}

/** The manager's install of the project's production dependencies, cached per lockfile state and platform. */
function installedTree(plan: NodeModulesPlan, label: string, cacheDir: string, target: Target): string {
  const installs = join(cacheDir, 'installs');
  const final = join(installs, `${plan.key}-${target.cpu}`);
  if (existsSync(join(final, '.cdk-ts-lambda-complete'))) return final;
  const stage = join(installs, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(stage, { recursive: true });
  try {
    stageProject(plan, stage);
    runInstall(plan, label, stage, target);
    writeFileSync(join(stage, '.cdk-ts-lambda-complete'), '');
    try {
      renameSync(stage, final);
    } catch {
      // another process installed the same state meanwhile
      if (!existsSync(join(final, '.cdk-ts-lambda-complete'))) {
        rmSync(final, { recursive: true, force: true });
        renameSync(stage, final);
      }
    }
    return final;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Copies what the manager reads: the lockfile, every workspace manifest and the settings. */
function stageProject(plan: NodeModulesPlan, stage: string): void {
  const root = plan.projectRoot;
  const copy = (rel: string) => {
    mkdirSync(dirname(join(stage, rel)), { recursive: true });
    cpSync(join(root, rel), join(stage, rel), { recursive: true, dereference: true });
  };
  copy(plan.lockfile.name);
  copy('package.json');
  for (const dir of workspaceDirs(root)) {
    if (existsSync(join(root, dir, 'package.json'))) copy(join(dir, 'package.json'));
  }
  for (const rel of [...SETTINGS_FILES, ...SETTINGS_DIRS]) {
    if (existsSync(join(root, rel))) copy(rel);
  }
  const yarnrc = join(stage, '.yarnrc.yml');
  if (existsSync(yarnrc)) {
    // the manager's own release and plugins stay where the project has them
    const text = readFileSync(yarnrc, 'utf8').replace(/^(\s*(?:yarnPath|path):\s*)["']?([^"'\n#]+?)["']?\s*$/gm,
      (line, key: string, path: string) => (isAbsolute(path) ? line : `${key}${JSON.stringify(resolve(root, path))}`));
    writeFileSync(yarnrc, text);
  }
}

/** Workspace folders of a project (relative), from package.json `workspaces` or pnpm-workspace.yaml `packages`. */
export function workspaceDirs(root: string): string[] {
  const patterns: string[] = [];
  const pkg = readJson(join(root, 'package.json'));
  const ws = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages;
  if (Array.isArray(ws)) patterns.push(...ws.filter((p: unknown) => typeof p === 'string'));
  const pnpmWs = join(root, 'pnpm-workspace.yaml');
  if (existsSync(pnpmWs)) {
    const block = /^packages:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(readFileSync(pnpmWs, 'utf8'))?.[1] ?? '';
    for (const line of block.split('\n')) {
      const m = /^\s+-\s*["']?([^"'#]+?)["']?\s*(#.*)?$/.exec(line);
      if (m) patterns.push(m[1]);
    }
  }
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  if (include.length === 0) return [];
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > 6) return;
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'cdk.out') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (include.some((r) => r.test(child)) && !exclude.some((r) => r.test(child))) found.push(child);
      walk(child, depth + 1);
    }
  };
  walk('', 0);
  return found.sort();
}

function globToRegExp(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  const source = clean.split('/').map((segment) => (segment === '**'
    ? '.*'
    : segment.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))).join('/');
  return new RegExp(`^${source.replace(/\/\.\*$/, '(/.*)?')}$`);
}

/** Runs the project's manager on the staged copy, frozen, production only, for the target platform. */
function runInstall(plan: NodeModulesPlan, label: string, stage: string, target: Target): void {
  const { manager } = plan.lockfile;
  const env: NodeJS.ProcessEnv = { ...process.env };
  let bin: string = manager.startsWith('yarn') ? 'yarn' : manager;
  let args: string[];
  if (manager === 'npm') {
    args = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error',
      `--os=${target.os}`, `--cpu=${target.cpu}`, `--libc=${target.libc}`];
  } else if (manager === 'pnpm') {
    const arch = { os: [target.os], cpu: [target.cpu], libc: [target.libc] };
    // pnpm 10 reads settings from pnpm-workspace.yaml, older ones from package.json's pnpm field
    const wsFile = join(stage, 'pnpm-workspace.yaml');
    const ws = existsSync(wsFile) ? withoutTopLevelKeys(readFileSync(wsFile, 'utf8'), ['supportedArchitectures']) : '';
    writeFileSync(wsFile, `${ws.replace(/\n*$/, '\n')}supportedArchitectures:\n  os: [${target.os}]\n  cpu: [${target.cpu}]\n  libc: [${target.libc}]\n`);
    const pkgFile = join(stage, 'package.json');
    const pkg = readJson(pkgFile);
    writeFileSync(pkgFile, JSON.stringify({ ...pkg, pnpm: { ...pkg.pnpm, supportedArchitectures: arch } }, null, 2));
    args = ['install', '--frozen-lockfile', '--prod', '--ignore-scripts', '--config.node-linker=hoisted',
      '--config.confirm-modules-purge=false', '--reporter=append-only'];
  } else if (manager === 'yarn-classic') {
    checkYarnMajor(label, stage, plan.lockfile, false);
    // Yarn 1 has no setting for another platform: it checks packages' os and
    // cpu against its own process, so that process is told the target's
    const shim = join(stage, '.cdk-ts-lambda-platform.cjs');
    writeFileSync(shim, `Object.defineProperty(process, 'arch', { value: ${JSON.stringify(target.cpu)} });\n`);
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(shim)}`.trim();
    args = ['install', '--frozen-lockfile', '--production', '--ignore-scripts', '--non-interactive', '--silent', '--no-progress'];
  } else if (manager === 'yarn-berry') {
    checkYarnMajor(label, stage, plan.lockfile, true);
    const rcFile = join(stage, '.yarnrc.yml');
    const rc = existsSync(rcFile) ? withoutTopLevelKeys(readFileSync(rcFile, 'utf8'), ['supportedArchitectures', 'nodeLinker']) : '';
    // the asset needs a node_modules folder whatever linker the project uses locally
    writeFileSync(rcFile, `${rc.replace(/\n*$/, '\n')}nodeLinker: node-modules\nsupportedArchitectures:\n  os: [${target.os}]\n  cpu: [${target.cpu}]\n  libc: [${target.libc}]\n`);
    Object.assign(env, { YARN_ENABLE_IMMUTABLE_INSTALLS: '1', YARN_ENABLE_SCRIPTS: '0', YARN_ENABLE_TELEMETRY: '0', YARN_ENABLE_PROGRESS_BARS: '0' });
    args = ['workspaces', 'focus', '--all', '--production'];
  } else {
    // Bun has no libc override; its Linux packages are glibc builds unless named musl
    args = ['install', '--frozen-lockfile', '--production', '--ignore-scripts', '--linker=hoisted', '--no-progress',
      `--os=${target.os}`, `--cpu=${target.cpu}`];
  }
  if (process.platform === 'win32') bin = `${bin}.cmd`;
  try {
    execFileSync(bin, args, { cwd: stage, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { code?: string; stdout?: Buffer; stderr?: Buffer; message: string };
    if (e.code === 'ENOENT') throw new Error(missingManager(label, plan.lockfile, bin));
    const output = `${e.stderr?.toString() ?? ''}\n${e.stdout?.toString() ?? ''}`.trim() || e.message;
    throw new Error(`${label}: bundling.nodeModules: \`${bin} ${args.join(' ')}\` failed on a copy of ${plan.lockfile.path} and the project's package.json files (is the lockfile up to date with them?):\n${output}`);
  }
}

function checkYarnMajor(label: string, stage: string, lockfile: ProjectLockfile, berry: boolean): void {
  let version: string;
  try {
    version = execFileSync(process.platform === 'win32' ? 'yarn.cmd' : 'yarn', ['--version'], { cwd: stage, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new Error(missingManager(label, lockfile, 'yarn'));
    throw new Error(`${label}: bundling.nodeModules: \`yarn --version\` failed in a copy of ${dirname(lockfile.path)}: ${(err as Error).message}`);
  }
  if (berry !== !version.startsWith('1.')) {
    throw new Error(`${label}: bundling.nodeModules: ${lockfile.path} is a Yarn ${berry ? '2+ (Berry)' : '1 (classic)'} lockfile, but \`yarn\` here is ${version}. `
      + (berry ? 'Set yarnPath in .yarnrc.yml to the project\'s Yarn release, or enable corepack with a packageManager field.' : 'Use Yarn 1 for this project, or migrate the lockfile.'));
  }
}

function missingManager(label: string, lockfile: ProjectLockfile, bin: string): string {
  return `${label}: bundling.nodeModules are installed with the project's own package manager: ${lockfile.path} needs \`${bin}\`, which is not in PATH. `
    + (lockfile.manager === 'bun' ? 'Install Bun (npm install -g bun).' : `Install it (npm install -g ${lockfile.manager === 'pnpm' ? 'pnpm' : 'yarn'}, or corepack enable).`);
}

function managerCommand(manager: PackageManagerName): string {
  return { 'npm': 'npm install', 'pnpm': 'pnpm add', 'yarn-classic': 'yarn add', 'yarn-berry': 'yarn add', 'bun': 'bun add' }[manager];
}

/** A YAML document without the given top-level keys (and their indented values). */
function withoutTopLevelKeys(yaml: string, keys: string[]): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of yaml.split('\n')) {
    const top = /^([A-Za-z_][\w-]*)\s*:/.exec(line);
    if (top) skipping = keys.includes(top[1]);
    else if (line.trim() !== '' && !/^\s/.test(line)) skipping = false;
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

interface PackageNode {
  readonly name: string;
  readonly version: string;
  /** Dependency name to the id (real path) of the package it resolves to. */
  readonly deps: Map<string, string>;
}

interface Graph {
  /** nodeModules name to node id. */
  readonly roots: Map<string, string>;
  /** Real path to package. */
  readonly nodes: Map<string, PackageNode>;
}

/** The packages the names need, as Node.js resolves them from `from` in the installed tree. */
function closure(plan: NodeModulesPlan, label: string, tree: string, from: string, target: Target): Graph {
  const nodes = new Map<string, PackageNode>();
  const roots = new Map<string, string>();
  const where = `the ${managerLabel(plan.lockfile.manager)} install of ${plan.lockfile.path}`;
  const visit = (id: string): PackageNode => {
    const known = nodes.get(id);
    if (known) return known;
    const pkg = readJson(join(id, 'package.json'));
    const deps = new Map<string, string>();
    const node: PackageNode = { name: pkg.name, version: pkg.version, deps };
    nodes.set(id, node);
    const optional = new Set([
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    const wanted = [...new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ])].sort();
    for (const dep of wanted) {
      const depId = resolvePackage(tree, id, dep);
      if (!depId) {
        if (optional.has(dep)) continue;
        throw new Error(`${label}: bundling.nodeModules: ${pkg.name}@${pkg.version} depends on '${dep}', which ${where} does not provide.`);
      }
      if (optional.has(dep) && !matchesPlatform(readJson(join(depId, 'package.json')), target)) continue;
      deps.set(dep, depId);
      visit(depId);
    }
    return node;
  };
  for (const name of plan.names) {
    const id = resolvePackage(tree, from, name);
    if (!id) {
      throw new Error(`${label}: bundling.nodeModules lists '${name}', which ${where} does not provide for ${plan.packageDir || 'the root package'}.`);
    }
    if (!toPosix(relative(tree, id)).split('/').includes('node_modules')) {
      throw new Error(`${label}: bundling.nodeModules lists '${name}', which is a package of this workspace (${toPosix(relative(tree, id))}), not an installed one: let esbuild bundle it instead.`);
    }
    roots.set(name, id);
    visit(id);
  }
  return { roots, nodes };
}

function managerLabel(manager: PackageManagerName): string {
  return { 'npm': 'npm', 'pnpm': 'pnpm', 'yarn-classic': 'Yarn 1', 'yarn-berry': 'Yarn', 'bun': 'Bun' }[manager];
}

/** Node.js's lookup of `name` from a folder, bounded by the tree. */
function resolvePackage(tree: string, fromDir: string, name: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === tree || relative(tree, dir).startsWith('..')) return undefined;
    dir = dirname(dir);
  }
}

/** npm's rule for a package's `os`, `cpu` and `libc` lists (`!x` excludes). */
function matchesPlatform(pkg: any, target: Target): boolean {
  const ok = (list: unknown, value: string) => {
    if (!Array.isArray(list) || list.length === 0) return true;
    if (list.includes(`!${value}`)) return false;
    const positives = list.filter((v) => typeof v === 'string' && !v.startsWith('!'));
    return positives.length === 0 || positives.includes(value);
  };
  return ok(pkg.os, target.os) && ok(pkg.cpu, target.cpu) && ok(pkg.libc, target.libc);
}

/**
 * Places the closure in one node_modules tree: each package at the top when
 * its name is free there, else nested under the package that needs it, so
 * that every package resolves exactly the copy it resolved in the install.
 * Returns asset-relative paths (`node_modules/a/node_modules/b`) to ids.
 */
function layout(graph: Graph, label: string): [string, string][] {
  const placed = new Map<string, string>();
  const queue: string[] = [];
  for (const [name, id] of [...graph.roots].sort()) {
    placed.set(`node_modules/${name}`, id);
    queue.push(`node_modules/${name}`);
  }
  while (queue.length > 0) {
    const path = queue.shift()!;
    const parts = path.slice('node_modules/'.length).split('/node_modules/');
    if (parts.length > 64) throw new Error(`${label}: bundling.nodeModules: the dependency tree nests deeper than 64 levels at ${path}`);
    const scopes = parts.map((_, i) => `node_modules/${parts.slice(0, parts.length - i).join('/node_modules/')}/`).concat(['']);
    for (const [dep, depId] of graph.nodes.get(placed.get(path)!)!.deps) {
      const seen = scopes.map((scope) => `${scope}node_modules/${dep}`).find((p) => placed.has(p));
      if (seen && placed.get(seen) === depId) continue;
      const at = seen ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
      placed.set(at, depId);
      queue.push(at);
    }
  }
  return [...placed].sort(([a], [z]) => (a < z ? -1 : a > z ? 1 : 0));
}

function readJson(path: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
