/**
 * The file system a local run sees, made to match a Lambda execution
 * environment instead of the project it was synthesized in.
 *
 * On Lambda the code is unpacked in `/var/task`, the layers in `/opt`, and
 * the managed Node.js runtime brings the AWS SDK v3 in
 * `/var/runtime/node_modules`; nothing else is resolvable. Run in place (in
 * `cdk.out`, inside the project), Node.js would also find the project's
 * `node_modules` by walking up from the asset. So every run gets its own
 * tree under the OS temp dir, outside any `node_modules`:
 *
 *     $TMPDIR/ts-lambda-<uid>/<key>/
 *       task/            the asset, hard-linked (copied across devices)   ~ /var/task
 *       opt/             the function's asset layers, in order, merged    ~ /opt
 *       runtime/node_modules/@aws-sdk ...  the project's SDK v3, linked   ~ /var/runtime/node_modules
 *       node_modules/    what ES modules resolve after the asset's own node_modules:
 *                        opt/nodejs/nodeXX/node_modules, opt/nodejs/node_modules, runtime/node_modules
 *
 * CommonJS finds layers and the SDK through NODE_PATH, as on Lambda
 * (`/opt/nodejs/nodeXX/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`,
 * https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths).
 * NODE_PATH does not apply to ES modules (https://nodejs.org/api/esm.html#no-node_path),
 * yet Lambda resolves layer packages and the SDK from ES modules since nodejs18.x
 * (https://repost.aws/knowledge-center/lambda-import-module-error-nodejs); here an
 * ES module finds them in `node_modules/` beside `task/`, the first parent
 * folder Node.js looks in after the asset's own `node_modules`.
 *
 * `<key>` is a hash of the asset's and layers' file listings (path, size,
 * mtime) and of the SDK folder: a warm run reuses the tree; a tree is built
 * under a temporary name and renamed into place, so two runs never see half of one.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync,
  renameSync, rmSync, statSync, symlinkSync, utimesSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** An AWS SDK v3 found for the managed runtime's `/var/runtime/node_modules`. */
export interface LocalSdk {
  /** The `node_modules` folder whose `@aws-sdk` (and `@smithy`, `@aws-crypto`, `@aws`) scopes are exposed. */
  readonly nodeModules: string;
  /** e.g. `@aws-sdk/client-sqs 3.899.0` (the first client found), or `@aws-sdk/core <version>`. */
  readonly version: string;
}

/** The file system of one local run. */
export interface TaskRoot {
  /** `LAMBDA_TASK_ROOT`: the asset, outside any `node_modules` tree. */
  readonly taskRoot: string;
  /** Stands in for `/opt` (the layers, merged; empty without layers). */
  readonly optDir: string;
  /** Stands in for `/var/runtime` (its `node_modules` holds the SDK when one was found). */
  readonly runtimeDir: string;
}

/** The scopes of the SDK v3 and its closure that the managed runtime holds in /var/runtime/node_modules. */
const SDK_SCOPES = ['@aws-sdk', '@smithy', '@aws-crypto', '@aws'];

/** Where the trees live: per user, under the OS temp dir. */
export function taskRootBase(): string {
  let user = 'user';
  try {
    const me = userInfo();
    user = me.uid >= 0 ? String(me.uid) : me.username;
  } catch {
    // no user database entry: one shared name
  }
  return join(tmpdir(), `ts-lambda-${user}`);
}

/**
 * The AWS SDK v3 of the project: the first `node_modules/@aws-sdk` found
 * walking up from each of `from`; undefined when there is none.
 */
export function findLocalSdk(from: readonly string[]): LocalSdk | undefined {
  for (const start of from) {
    let dir = resolve(start);
    for (;;) {
      const nodeModules = join(dir, 'node_modules');
      const scope = join(nodeModules, '@aws-sdk');
      if (existsSync(scope)) {
        const names = readdirSync(scope).sort();
        const pick = names.find((n) => n.startsWith('client-')) ?? names.find((n) => n === 'core') ?? names[0];
        let version = 'unknown version';
        try {
          version = JSON.parse(readFileSync(join(scope, pick, 'package.json'), 'utf8')).version;
        } catch {
          // left as unknown
        }
        return { nodeModules, version: `@aws-sdk/${pick} ${version}` };
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/**
 * The task root of a run of `codeDir` with `layerDirs` (unpacked layer
 * assets, in the function's order) and, for Node.js runtimes, `sdk`.
 * @param nodeMajor the Node.js major version of the runtime (`22` for nodejs22.x), for `/opt/nodejs/node22/node_modules`
 */
export function prepareTaskRoot(
  codeDir: string, layerDirs: readonly string[], sdk: LocalSdk | undefined, nodeMajor?: string, variant?: string,
): TaskRoot {
  const base = taskRootBase();
  const hash = createHash('sha256');
  hash.update(`v1\0${nodeMajor ?? ''}\0${sdk?.nodeModules ?? ''}\0${sdk?.version ?? ''}\0`);
  // a tree that a run changes (e.g. the source maps of --inspect) is its own
  if (variant) hash.update(`variant:${variant}\0`);
  for (const dir of [codeDir, ...layerDirs]) {
    hash.update(`${resolve(dir)}\0`);
    listing(dir, '', hash);
  }
  const dir = join(base, hash.digest('hex').slice(0, 32));
  const result = { taskRoot: join(dir, 'task'), optDir: join(dir, 'opt'), runtimeDir: join(dir, 'runtime') };
  if (existsSync(dir)) {
    markUsed(dir);
    return result;
  }

  mkdirSync(base, { recursive: true, mode: 0o700 });
  pruneTaskRoots(base);
  const work = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(work);
    linkTree(codeDir, join(work, 'task'));
    mkdirSync(join(work, 'opt'));
    // later layers overwrite earlier ones, as Lambda extracts them in order
    for (const layer of layerDirs) linkTree(layer, join(work, 'opt'));
    mkdirSync(join(work, 'runtime', 'node_modules'), { recursive: true });
    if (sdk) {
      for (const scope of SDK_SCOPES) {
        const source = join(sdk.nodeModules, scope);
        if (existsSync(source)) symlinkSync(source, join(work, 'runtime', 'node_modules', scope), 'dir');
      }
    }
    // the ES module view: the first folder of the search order wins
    const view = join(work, 'node_modules');
    mkdirSync(view);
    const sources = [
      ...(nodeMajor ? [join(work, 'opt', 'nodejs', `node${nodeMajor}`, 'node_modules')] : []),
      join(work, 'opt', 'nodejs', 'node_modules'),
      join(work, 'runtime', 'node_modules'),
    ];
    for (const source of sources) mergeLinks(source, view);
    try {
      renameSync(work, dir);
    } catch (err) {
      // another run built the same tree first: use it
      if (!existsSync(dir)) throw err;
      rmSync(work, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return result;
}

/** A tree not used for this long is removed when another tree is built. */
export const TASK_ROOT_MAX_IDLE_MS = 7 * 24 * 3600 * 1000;
/** A half-built tree (`<key>.tmp-...`) this old belongs to a run that died. */
const UNFINISHED_MAX_AGE_MS = 3600 * 1000;

/**
 * Records that a tree was used now (its folder's mtime), at most once an
 * hour, so that warm runs do not write on every invocation.
 */
function markUsed(dir: string): void {
  try {
    const now = Date.now();
    if (now - statSync(dir).mtimeMs > 3600 * 1000) utimesSync(dir, now / 1000, now / 1000);
  } catch {
    // another run removed it meanwhile: the next run builds it again
  }
}

/**
 * Removes the trees of `base` not used for TASK_ROOT_MAX_IDLE_MS (a tree
 * copied across devices costs space, and every tree costs inodes) and the
 * half-built ones of runs that died. Only folders named as this module
 * names them are touched.
 */
export function pruneTaskRoots(base: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const tree = /^[0-9a-f]{32}$/.test(name);
    const unfinished = /^[0-9a-f]{32}\.tmp-/.test(name);
    if (!tree && !unfinished) continue;
    try {
      const age = now - statSync(join(base, name)).mtimeMs;
      if (age > (tree ? TASK_ROOT_MAX_IDLE_MS : UNFINISHED_MAX_AGE_MS)) rmSync(join(base, name), { recursive: true, force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Feeds the file listing of `dir` (names, kinds, sizes, mtimes) into `hash`. */
function listing(dir: string, rel: string, hash: ReturnType<typeof createHash>): void {
  const entries = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      hash.update(`d ${path}\0`);
      listing(dir, path, hash);
    } else {
      const stat = lstatSync(join(dir, path));
      hash.update(`f ${path} ${stat.size} ${stat.mtimeMs} ${stat.mode}\0`);
    }
  }
}

/** Hard-links every file of `from` into `to` (copies when linking is not possible), replacing what is there. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      linkTree(source, target);
      continue;
    }
    rmSync(target, { force: true });
    if (entry.isSymbolicLink()) {
      symlinkSync(readlinkSync(source), target);
    } else {
      try {
        linkSync(source, target);
      } catch {
        // another device, or a file system without hard links
        copyFileSync(source, target);
      }
    }
  }
}

/**
 * Links each package of `source` (a node_modules folder) into `view`, unless
 * `view` has it already. Links are relative: the tree is built under another name.
 */
function mergeLinks(source: string, view: string): void {
  if (!existsSync(source)) return;
  for (const name of readdirSync(source)) {
    if (name.startsWith('.')) continue;
    const from = join(source, name);
    const to = join(view, name);
    if (name.startsWith('@')) {
      mkdirSync(to, { recursive: true });
      for (const member of readdirSync(from)) {
        if (!existsSync(join(to, member))) symlinkSync(relative(to, join(from, member)), join(to, member), 'dir');
      }
    } else if (!existsSync(to)) {
      symlinkSync(relative(view, from), to, 'dir');
    }
  }
}
