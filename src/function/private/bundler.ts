import { execSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BundlingOptions, OutputFormat } from '../bundling-options';
import { EsbuildApi, EsbuildResult, Metafile, resolveEsbuild, ResolvedEsbuild } from './esbuild';
import { FileMemo, memoByFile } from './file-memo';
import { fileSha256, sha256 } from './hash';
import { nativeMismatches } from './native-arch';
import { installNodeModules, NodeModulesPlan, planNodeModules } from './node-modules';
import { findUp } from './project';
import { RuntimeAssetContext, RuntimeBundlingDefaults } from './runtime-contract';
import { dropSources, SourceMapV3 } from './sourcemap';

/** Bumped when the layout of cached bundles changes. */
const CACHE_FORMAT = 1;

/** Everything that decides the asset of one function. */
export interface BundleRequest {
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** Absolute path of the project root. */
  readonly projectRoot: string;
  /** Absolute path of the cache folder. */
  readonly cacheDir: string;
  /** Exported handler name. */
  readonly handler: string;
  /** `x86_64` or `arm64`. */
  readonly architecture: string;
  /** What the runtime needs. */
  readonly runtime: RuntimeBundlingDefaults;
  /** Adds the runtime's own files to the asset. */
  readonly prepareAsset: (context: Omit<RuntimeAssetContext, 'architecture'>) => void;
  /** The user's options. */
  readonly bundling: BundlingOptions;
  /** For messages: the construct path and the prop prefix. */
  readonly label: string;
}

/** A built (or cached) asset. */
export interface BundleResult {
  /** The folder to give to `Code.fromAsset`. */
  readonly assetDir: string;
  /** A hash of the asset's content, the same for the same content anywhere. */
  readonly assetHash: string;
  /** The bundle's file name inside the asset (`index.mjs` or `index.js`). */
  readonly bundleFile: string;
  /** Size of the bundle file in bytes. */
  readonly bundleBytes: number;
  /** Size of the whole asset in bytes. */
  readonly assetBytes: number;
  /** The inputs that contribute most to the bundle, largest first. */
  readonly topInputs: { path: string; bytes: number }[];
  /** True when nothing was built because the cache was up to date. */
  readonly cached: boolean;
}

interface Manifest {
  readonly format: number;
  readonly inputs: { [path: string]: string };
  readonly result: Omit<BundleResult, 'assetDir' | 'cached'>;
}

/**
 * Everything decided about one function's bundle before esbuild runs: the
 * esbuild options, the cache key and where the cached asset lives.
 */
export interface BundlePlan {
  readonly req: BundleRequest;
  readonly esbuild: ResolvedEsbuild;
  readonly format: OutputFormat;
  /** Why the format is not the default ESM, when it was chosen for the entry (for the bundle report). */
  readonly formatNote?: string;
  /** The esbuild banner (ours and the user's), when there is one. */
  readonly banner?: string;
  /** Whether the ESM bundle gets `require`, `__dirname` and `__filename` as CommonJS code has them. */
  readonly nodeShims: boolean;
  readonly bundleFile: string;
  readonly entryRel: string;
  readonly virtualOut: string;
  readonly options: Record<string, unknown>;
  readonly nodeModules: string[];
  readonly nodeModulesPlan?: NodeModulesPlan;
  readonly hookCommands?: { beforeBundling: string[]; beforeInstall: string[]; afterBundling: string[] };
  readonly key: string;
  readonly slot: string;
  readonly manifestPath: string;
  readonly assetDir: string;
}

/** esbuild's output for one entry, when it was built together with others. */
interface PrebuiltOutput {
  readonly result: EsbuildResult;
  /** Where this entry's bundle sits among the batch's outputs. */
  readonly virtualOut: string;
}

/**
 * Decides the esbuild options and the cache slot of one function; builds
 * nothing. Bundles go through a content-addressed cache: the key covers the
 * options, the runtime, the architecture and the esbuild version; a cached
 * bundle (`cachedBundle`) is reused only while every file esbuild read (and
 * the package.json/tsconfig files that steer resolution) still has the same
 * content; a miss is built by esbuild's in-process JavaScript API
 * (`buildBundle`, or `buildBundles` for several at once).
 */
export function planBundle(req: BundleRequest): BundlePlan {
  const b = req.bundling;
  const esbuild = resolveEsbuild(req.projectRoot);
  const required = req.runtime.requiredFormat as OutputFormat | undefined;
  // a CommonJS entry gets a CommonJS bundle unless the user or the runtime says otherwise
  const commonJsEntry = b.format || required ? undefined : commonJsEntryKind(esbuild.api, req.projectRoot, req.entry);
  const format = b.format ?? required ?? (commonJsEntry ? OutputFormat.CJS : OutputFormat.ESM);
  if (required && format !== required) {
    throw new Error(`${req.label}: bundling.format '${format}' is not supported by this runtime, which needs '${required}'.`);
  }
  const formatNote = commonJsEntry ? `CommonJS bundle: ${commonJsEntry}` : undefined;
  const bundleFile = format === OutputFormat.ESM ? 'index.mjs' : 'index.js';

  const nodeModules = [...(b.nodeModules ?? [])].sort();
  const nodeModulesPlan = nodeModules.length > 0 ? planNodeModules(req.label, req.projectRoot, req.entry, nodeModules) : undefined;

  const browser = req.runtime.platform === 'browser';
  const external = [
    ...(b.externalModules ?? []),
    ...(b.bundleAwsSdk ? [] : req.runtime.providedModules),
    ...nodeModules,
    // resolved as for a browser, but run where node:* modules exist: never bundle them
    ...(browser ? nodeBuiltinExternals() : []),
  ];
  const entryRel = toPosix(relative(req.projectRoot, req.entry));
  // esbuild writes nothing (write: false); the outfile only anchors relative
  // paths (source maps), so it sits at a fixed place inside the project root
  // and two checkouts of a project produce the same bytes.
  const virtualOut = join(req.projectRoot, '.cdk-ts-lambda-out', bundleFile);
  const nodeShims = format === OutputFormat.ESM && req.runtime.requireShim !== false;
  const banner = composeBanner(nodeShims, b.banner);
  const options: Record<string, unknown> = {
    entryPoints: [`./${entryRel}`],
    outfile: virtualOut,
    absWorkingDir: req.projectRoot,
    bundle: true,
    write: false,
    metafile: true,
    format,
    platform: req.runtime.platform,
    target: b.target ?? req.runtime.target,
    minify: b.minify ?? true,
    treeShaking: true,
    keepNames: b.keepNames ?? false,
    sourcemap: b.sourceMap ? 'linked' : false,
    sourcesContent: false,
    external,
    // free `__dirname`/`__filename` (CommonJS code in an ESM bundle) become
    // names that buildBundle declares when the bundle uses them; a module's
    // own declaration of `__dirname` is bound, so esbuild leaves it alone.
    // esbuild's browser platform would fold process.env.NODE_ENV into a
    // constant; on Lambda it is read from the environment, as on Node.js
    define: {
      ...(nodeShims ? PATH_DEFINES : {}),
      ...(browser ? { 'process.env.NODE_ENV': 'process.env.NODE_ENV' } : {}),
      ...(b.define ?? {}),
    },
    loader: b.loader ?? {},
    mainFields: b.mainFields ?? (browser ? ['browser', 'module', 'main'] : format === OutputFormat.ESM ? ['module', 'main'] : ['main', 'module']),
    conditions: req.runtime.conditions,
    logLevel: b.logLevel ?? 'warning',
    legalComments: 'none',
    charset: 'utf8',
    ...(banner ? { banner: { js: banner } } : {}),
    ...(b.footer ? { footer: { js: b.footer } } : {}),
    ...(b.tsconfig ? { tsconfig: isAbsolute(b.tsconfig) ? b.tsconfig : resolve(req.projectRoot, b.tsconfig) } : {}),
  };

  const hooks = b.commandHooks;
  const hookCommands = hooks
    ? {
      beforeBundling: hooks.beforeBundling(req.projectRoot, '<asset>'),
      beforeInstall: nodeModules.length > 0 ? hooks.beforeInstall(req.projectRoot, '<asset>') : [],
      afterBundling: hooks.afterBundling(req.projectRoot, '<asset>'),
    }
    : undefined;

  const keyMaterial = JSON.stringify({
    CACHE_FORMAT,
    esbuild: esbuild.api.version,
    options: {
      ...options,
      absWorkingDir: undefined,
      outfile: toPosix(relative(req.projectRoot, virtualOut)),
      tsconfig: options.tsconfig ? toPosix(relative(req.projectRoot, options.tsconfig as string)) : undefined,
    },
    runtime: req.runtime.cacheKey,
    architecture: req.architecture,
    handler: req.handler,
    nodeModules: nodeModulesPlan ? { names: nodeModules, lockfile: nodeModulesPlan.key } : undefined,
    hookCommands,
    metafile: b.metafile ?? false,
  });
  const key = sha256(keyMaterial).slice(0, 32);
  const slot = join(req.cacheDir, 'bundles', key);
  const manifestPath = join(slot, 'manifest.json');
  const assetDir = join(slot, 'asset');

  return {
    req,
    esbuild,
    format,
    formatNote,
    banner: banner || undefined,
    nodeShims,
    bundleFile,
    entryRel,
    virtualOut,
    options,
    nodeModules,
    nodeModulesPlan,
    hookCommands,
    key,
    slot,
    manifestPath,
    assetDir,
  };
}

const entryFormats: FileMemo<string | undefined> = new Map();

/** Text that CommonJS exports need (`module.exports`, `exports.x`, `exports[x]`, `defineProperty(exports, ...)`): a file without any is not parsed. */
const COMMONJS_HINT = /\bmodule\s*\.\s*exports\b|\bexports\s*[.[]|\(\s*exports\s*,/;

/**
 * Says why an entry is CommonJS (for the report), or undefined when it is
 * not: a `.cts` or `.cjs` file is CommonJS by its extension (as for Node.js
 * and TypeScript); any other is when esbuild finds CommonJS exports in it
 * (`module.exports`, `exports.x`). Only files whose text has such an
 * export are parsed, once per content; parsing follows no import.
 */
function commonJsEntryKind(api: EsbuildApi, projectRoot: string, entry: string): string | undefined {
  const ext = extname(entry);
  if (ext === '.cts' || ext === '.cjs') return `the entry is a ${ext} file`;
  if (ext === '.mts' || ext === '.mjs') return undefined;
  return memoByFile(entryFormats, entry, (path) => {
    if (!COMMONJS_HINT.test(readFileSync(path, 'utf8'))) return undefined;
    try {
      const probe = api.buildSync({
        entryPoints: [path],
        absWorkingDir: projectRoot,
        bundle: true,
        external: ['*'],
        write: false,
        metafile: true,
        format: 'esm',
        outfile: join(projectRoot, '.cdk-ts-lambda-out', 'probe.mjs'),
        logLevel: 'silent',
      });
      const input = Object.values(probe.metafile.inputs)[0];
      return input?.format === 'cjs' ? 'the entry uses CommonJS exports (module.exports)' : undefined;
    } catch {
      return undefined; // the real build reports the error
    }
  });
}

/** The cached asset of a plan, when every input still has the content it was built from. */
export function cachedBundle(plan: BundlePlan): BundleResult | undefined {
  const cachedManifest = readManifest(plan.manifestPath);
  if (cachedManifest && existsSync(plan.assetDir) && inputsUnchanged(plan.req.projectRoot, cachedManifest.inputs)) {
    recordSynthReads(plan.req.projectRoot, cachedManifest.inputs);
    return { ...cachedManifest.result, assetDir: plan.assetDir, cached: true };
  }
  return undefined;
}

/**
 * Whether a plan's esbuild call can be shared with other entries and give
 * the same bytes as on its own: not with source maps (their paths are
 * relative to the output file), a metafile (it would list the other
 * entries), command hooks (they run around esbuild, per function) or
 * loaders that write files next to the bundle.
 */
export function canShareBuild(plan: BundlePlan): boolean {
  const b = plan.req.bundling;
  return !b.sourceMap && !b.metafile && !b.commandHooks
    && !Object.values(b.loader ?? {}).some((loader) => loader === 'file' || loader === 'copy');
}

/**
 * Builds the cache misses of several functions: those whose esbuild options
 * are the same (except the entry) share one esbuild call, which costs far
 * less than one call per entry; each then goes through the same checks,
 * asset preparation and cache write as on its own. Results are in the order
 * of the plans; the first function that fails throws, naming its construct.
 */
export function buildBundles(plans: BundlePlan[]): BundleResult[] {
  const prebuilt = buildShared(plans.filter(canShareBuild));
  const byKey = new Map<string, BundleResult>();
  return plans.map((plan) => {
    // two constructs with the same entry and options share one cache slot
    const known = byKey.get(plan.key);
    const result = known ?? buildBundle(plan, prebuilt.get(plan));
    byKey.set(plan.key, result);
    return result;
  });
}

/** One esbuild call per group of plans with the same options; a failed call leaves its plans to be built alone. */
function buildShared(plans: BundlePlan[]): Map<BundlePlan, PrebuiltOutput> {
  const groups = new Map<string, BundlePlan[]>();
  for (const plan of plans) {
    const groupKey = JSON.stringify([plan.esbuild.path, { ...plan.options, entryPoints: undefined, outfile: undefined }]);
    const group = groups.get(groupKey);
    if (group) group.push(plan);
    else groups.set(groupKey, [plan]);
  }
  const prebuilt = new Map<BundlePlan, PrebuiltOutput>();
  for (const group of groups.values()) {
    const unique = [...new Map(group.map((plan) => [plan.key, plan])).values()];
    if (unique.length < 2) continue;
    const first = unique[0];
    const projectRoot = first.req.projectRoot;
    // each entry gets the same file name as on its own, one folder deeper;
    // without source maps nothing in the bundle depends on its folder
    const outdir = join(projectRoot, '.cdk-ts-lambda-out');
    const outBase = first.bundleFile.replace(/\.m?js$/, '');
    let result: EsbuildResult;
    try {
      result = first.esbuild.api.buildSync({
        ...first.options,
        outfile: undefined,
        outdir,
        entryPoints: unique.map((plan, i) => ({ in: `./${plan.entryRel}`, out: `${i}/${outBase}` })),
        ...(first.bundleFile.endsWith('.mjs') ? { outExtension: { '.js': '.mjs' } } : {}),
        // errors are reported per function, by the build on its own
        logLevel: 'silent',
      });
    } catch {
      continue;
    }
    unique.forEach((plan, i) => {
      const virtualOut = join(outdir, String(i), first.bundleFile);
      const outKey = toPosix(relative(projectRoot, virtualOut));
      const output = result.metafile.outputs[outKey];
      if (!output) return; // built alone instead
      const inputs: Metafile['inputs'] = {};
      for (const path of reachableInputs(result.metafile, plan.entryRel)) inputs[path] = result.metafile.inputs[path];
      prebuilt.set(plan, {
        virtualOut,
        result: {
          outputFiles: result.outputFiles.filter((file) => dirname(file.path) === dirname(virtualOut)),
          metafile: { inputs, outputs: { [outKey]: output } },
          warnings: [],
        },
      });
    });
    // the batch ran quietly: show its warnings once, as a build on its own would
    if (result.warnings.length > 0 && first.options.logLevel !== 'silent' && first.options.logLevel !== 'error') {
      const messages = first.esbuild.api.formatMessagesSync?.(result.warnings, { kind: 'warning', color: false }) ?? [];
      for (const message of messages) process.stderr.write(message);
    }
  }
  return prebuilt;
}

/** The inputs an entry's bundle was made of: the entry and everything it imports, transitively. */
function reachableInputs(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const path = todo.pop()!;
    if (seen.has(path) || !metafile.inputs[path]) continue;
    seen.add(path);
    for (const imported of metafile.inputs[path].imports ?? []) {
      if (!imported.external) todo.push(imported.path);
    }
  }
  return [...seen];
}

/**
 * What to do about native addons (`.node` files) that esbuild was asked to
 * bundle: esbuild cannot, so the package that holds them has to be
 * installed into the asset instead.
 */
export function nativeHint(err: unknown): string {
  const texts = ((err as { errors?: { text?: string }[] }).errors ?? []).map((e) => e.text ?? '');
  if (texts.length === 0) texts.push((err as Error).message ?? '');
  const files = texts.flatMap((text) => [...text.matchAll(/No loader is configured for "\.node" files: (\S+)/g)].map((m) => m[1]));
  if (files.length === 0) return '';
  const packages = new Set<string>();
  const own: string[] = [];
  for (const file of files) {
    const match = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*node_modules[\\/])/.exec(file);
    if (match) packages.add(match[1].replace(/\\/g, '/'));
    else own.push(file);
  }
  const lines: string[] = [];
  for (const name of packages) {
    lines.push(`'${name}' is a native package (it loads a compiled .node addon, which cannot be bundled): add it to bundling.nodeModules (e.g. nodeModules: ['${name}']) so it is installed into the asset for the function's architecture.`);
  }
  if (own.length > 0) {
    lines.push(`${own.join(', ')} is a native addon of the project itself: build it for the function's architecture and load it with bundling.loader { '.node': 'file' } or copy it in a commandHooks.afterBundling command.`);
  }
  return `\n${lines.join('\n')}`;
}

/** Builds a plan's asset (or takes esbuild's output from a shared call) and caches it. */
export function buildBundle(plan: BundlePlan, prebuilt?: PrebuiltOutput): BundleResult {
  const { req, esbuild, format, bundleFile, entryRel, options, nodeModulesPlan, hookCommands } = plan;
  const { key, slot, manifestPath, assetDir } = plan;
  const b = req.bundling;
  const virtualOut = prebuilt?.virtualOut ?? plan.virtualOut;
  // -- cache miss: build into a private folder, then move it into place
  const work = join(req.cacheDir, 'tmp', `${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(work, { recursive: true });
  try {
    runHooks(hookCommands?.beforeBundling, req.projectRoot, work, `${req.label}: bundling.commandHooks.beforeBundling`);

    let result = prebuilt?.result;
    if (!result) {
      try {
        result = esbuild.api.buildSync(options);
      } catch (err) {
        throw new Error(`${req.label}: esbuild failed to bundle ${entryRel}:\n${(err as Error).message}${nativeHint(err)}`);
      }
    }
    const metafile = result.metafile;
    const outKey = toPosix(relative(req.projectRoot, virtualOut));
    const output = metafile.outputs[outKey];
    if (!output) throw new Error(`${req.label}: esbuild wrote no ${outKey} (outputs: ${Object.keys(metafile.outputs).join(', ')})`);

    checkExport(req, esbuild.api, metafile, output.exports, format, entryRel);

    const bundleOutput = result.outputFiles.find((file) => relative(dirname(virtualOut), file.path) === bundleFile);
    const pathShimNeeded = plan.nodeShims && bundleOutput !== undefined
      && usesPathShim(Buffer.from(bundleOutput.contents).toString('utf8'));
    for (const file of result.outputFiles) {
      const name = relative(dirname(virtualOut), file.path);
      if (name.startsWith('..')) throw new Error(`${req.label}: esbuild wrote outside the asset: ${file.path}`);
      let contents: Uint8Array | string = file.contents;
      if (name === bundleFile && pathShimNeeded) {
        contents = insertPathShim(Buffer.from(file.contents).toString('utf8'), plan.banner!);
      }
      if (name === `${bundleFile}.map`) {
        let map = JSON.parse(Buffer.from(file.contents).toString('utf8')) as SourceMapV3;
        // the shim is one more generated line after the banner, which has no mappings
        if (pathShimNeeded) map = { ...map, mappings: `;${map.mappings}` };
        contents = JSON.stringify(dropSources(map, (source) => /(^|\/)node_modules\//.test(source)));
      }
      mkdirSync(dirname(join(work, name)), { recursive: true });
      writeFileSync(join(work, name), contents);
    }
    if (b.metafile) writeFileSync(join(work, 'index.meta.json'), JSON.stringify(metafile));

    if (nodeModulesPlan) {
      runHooks(hookCommands?.beforeInstall, req.projectRoot, work, `${req.label}: bundling.commandHooks.beforeInstall`);
      installNodeModules(nodeModulesPlan, req.label, req.cacheDir, req.architecture, work);
    }

    req.prepareAsset({ assetDir: work, cacheDir: req.cacheDir, bundleFile, handler: req.handler });
    runHooks(hookCommands?.afterBundling, req.projectRoot, work, `${req.label}: bundling.commandHooks.afterBundling`);

    const mismatches = nativeMismatches(work, req.architecture);
    if (mismatches.length > 0) {
      throw new Error(
        `${req.label}: the asset holds native code for another architecture than the function's (${req.architecture}):\n`
        + mismatches.map((m) => `  - ${m.file}: ${m.architecture}`).join('\n')
        + `\nBuild or install these files for ${req.architecture} (bundling.nodeModules installs packages for the function's architecture), or set \`architecture\` to match.`,
      );
    }

    const bundleBytes = statSync(join(work, bundleFile)).size;
    const { hash, bytes } = hashDir(work);
    const inputs = collectInputs(req.projectRoot, metafile, options.tsconfig as string | undefined);
    recordSynthReads(req.projectRoot, inputs);
    const topInputs = Object.entries(output.inputs)
      .map(([path, v]) => ({ path, bytes: v.bytesInOutput }))
      .sort((a, z) => z.bytes - a.bytes)
      .slice(0, 3);
    const manifest: Manifest = {
      format: CACHE_FORMAT,
      inputs,
      result: { assetHash: hash, bundleFile, bundleBytes, assetBytes: bytes, topInputs },
    };

    // replace the slot atomically enough: a reader sees the old or the new asset
    rmSync(assetDir, { recursive: true, force: true });
    mkdirSync(slot, { recursive: true });
    renameSync(work, assetDir);
    const manifestTmp = `${manifestPath}.${process.pid}.tmp`;
    writeFileSync(manifestTmp, JSON.stringify(manifest));
    renameSync(manifestTmp, manifestPath);
    return { ...manifest.result, assetDir, cached: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The names that free `__dirname` and `__filename` become in an ESM bundle (see PATH_SHIM). */
const PATH_DEFINES = { __dirname: '__cdkTsLambdaDirname', __filename: '__cdkTsLambdaFilename' };

/** Declares `require` in an ESM bundle, for CommonJS code that calls it (as Node.js gives CommonJS modules). */
const REQUIRE_SHIM = "import{createRequire as __cdkTsLambdaCreateRequire}from'node:module';const require=__cdkTsLambdaCreateRequire(import.meta.url);";

/**
 * Declares what free `__dirname` and `__filename` become in an ESM bundle:
 * the bundle's own folder and file, which is what they are in a CommonJS
 * bundle. Added only to bundles that use them, so other bundles keep their
 * bytes.
 */
const PATH_SHIM = "import{fileURLToPath as __cdkTsLambdaFileURLToPath}from'node:url';import{dirname as __cdkTsLambdaPathDirname}from'node:path';"
  + `const ${PATH_DEFINES.__filename}=__cdkTsLambdaFileURLToPath(import.meta.url),${PATH_DEFINES.__dirname}=__cdkTsLambdaPathDirname(${PATH_DEFINES.__filename});`;

/**
 * The bundle's banner: the user's first, then ours (the `require` shim of
 * ESM bundles), so a licence comment or a directive of the user's heads the
 * file. Two cases where that is not safe: a user banner that calls
 * `require` without declaring it needs ours before it (a `const` is not
 * usable before its line); a user banner that declares `require` itself
 * (NodejsFunction's ESM recipe) replaces ours, since a second declaration
 * would be a SyntaxError.
 */
export function composeBanner(nodeShims: boolean, user: string | undefined): string {
  if (!nodeShims) return user ?? '';
  if (!user) return REQUIRE_SHIM;
  if (/\b(const|let|var|function|class)\s+require\b|\bas\s+require\b/.test(user)) return user;
  if (/\brequire\b/.test(user)) return `${REQUIRE_SHIM}\n${user}`;
  return `${user}\n${REQUIRE_SHIM}`;
}

/** Whether an ESM bundle refers to the names that free `__dirname` or `__filename` became. */
function usesPathShim(code: string): boolean {
  return new RegExp(`\\b(${PATH_DEFINES.__dirname}|${PATH_DEFINES.__filename})\\b`).test(code);
}

/** The bundle with PATH_SHIM on a line of its own after the banner (which esbuild ends with a newline). */
function insertPathShim(code: string, banner: string): string {
  if (!code.startsWith(`${banner}\n`)) throw new Error(`internal error: the bundle does not start with its banner: ${code.slice(0, 200)}`);
  return `${banner}\n${PATH_SHIM}${code.slice(banner.length)}`;
}

function checkExport(
  req: BundleRequest,
  api: EsbuildApi,
  metafile: Metafile,
  bundleExports: string[],
  format: OutputFormat,
  entryRel: string,
): void {
  const entryFormat = metafile.inputs[entryRel]?.format;
  let exports = bundleExports;
  if (format === OutputFormat.CJS && entryFormat === 'cjs') {
    // CommonJS sets its exports at run time; read them as Node.js does for
    // `import` of CommonJS (cjs-module-lexer), and check only when it can tell
    const found = commonJsExports(api, req.projectRoot, entryRel);
    if (!found) return;
    exports = found;
  } else if (format === OutputFormat.CJS) {
    // esbuild lists exports of ESM outputs only: read the entry's own exports
    const probe = api.buildSync({
      entryPoints: [entryRel],
      absWorkingDir: req.projectRoot,
      bundle: false,
      write: false,
      metafile: true,
      format: 'esm',
      outfile: join(req.projectRoot, '.cdk-ts-lambda-out', 'probe.mjs'),
      logLevel: 'silent',
    });
    exports = Object.values(probe.metafile.outputs)[0]?.exports ?? [];
  }
  if (!exports.includes(req.handler)) {
    const hint = entryFormat === 'cjs' && format === OutputFormat.ESM
      ? ' The entry is CommonJS, so an ESM bundle only has a default export: export the handler with `export const` or set bundling.format to OutputFormat.CJS.'
      : '';
    throw new Error(`${req.label}: the entry ${entryRel} has no export named '${req.handler}' (handler). Its exports: ${exports.length ? exports.map((e) => `'${e}'`).join(', ') : 'none'}.${hint}`);
  }
}

/**
 * The names a CommonJS entry exports, as cjs-module-lexer reads them from
 * its JavaScript (TypeScript is stripped by esbuild first, nothing is run):
 * `exports.x = ...`, `module.exports = { x }`, `module.exports.x = ...`.
 * Undefined when the lexer cannot tell: the entry re-exports another module
 * (`module.exports = require('./impl')`), or assigns something it cannot
 * see into (`module.exports = makeHandlers()`).
 */
function commonJsExports(api: EsbuildApi, projectRoot: string, entryRel: string): string[] | undefined {
  let code: string;
  try {
    const stripped = api.buildSync({
      entryPoints: [entryRel],
      absWorkingDir: projectRoot,
      bundle: false,
      write: false,
      outfile: join(projectRoot, '.cdk-ts-lambda-out', 'probe.js'),
      logLevel: 'silent',
    });
    code = Buffer.from(stripped.outputFiles[0].contents).toString('utf8');
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lexer = require('cjs-module-lexer') as { parse(code: string): { exports: string[]; reexports: string[] } };
  let parsed: { exports: string[]; reexports: string[] };
  try {
    parsed = lexer.parse(code);
  } catch {
    return undefined;
  }
  if (parsed.reexports.length > 0 || parsed.exports.length === 0) return undefined;
  return [...new Set(parsed.exports)].filter((name) => name !== '__esModule');
}

function runHooks(commands: string[] | undefined, cwd: string, outputDir: string, label: string): void {
  for (const command of commands ?? []) {
    try {
      execSync(command.split('<asset>').join(outputDir), { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (err) {
      throw new Error(`${label}: \`${command}\` failed: ${(err as Error).message}`);
    }
  }
}

/** Every file that decides the bundle, with the hash of its content. */
function collectInputs(projectRoot: string, metafile: Metafile, tsconfig: string | undefined): { [path: string]: string } {
  const files = new Set<string>();
  const steering = new Map<string, string | undefined>();
  const nearest = (dir: string, name: string): string | undefined => {
    const memo = `${dir}\0${name}`;
    if (!steering.has(memo)) {
      const found = findUp(dir, (d) => existsSync(join(d, name)));
      steering.set(memo, found ? join(found, name) : undefined);
    }
    return steering.get(memo);
  };
  for (const input of Object.keys(metafile.inputs)) {
    if (input.includes(':')) continue; // virtual modules such as <define:...>
    const abs = resolve(projectRoot, input);
    files.add(abs);
    const pkg = nearest(dirname(abs), 'package.json');
    if (pkg) files.add(pkg);
    if (!abs.includes(`${sep}node_modules${sep}`)) {
      const tsc = nearest(dirname(abs), 'tsconfig.json');
      if (tsc) files.add(tsc);
    }
  }
  if (tsconfig) files.add(tsconfig);
  const inputs: { [path: string]: string } = {};
  for (const file of [...files].sort()) {
    inputs[toPosix(relative(projectRoot, file))] = fileSha256(file);
  }
  return inputs;
}

/**
 * `ts-lambda serve --watch` and `invoke --watch` watch what a synth reads:
 * they name a file in CDK_TS_LAMBDA_SYNTH_READS, and every bundle appends
 * its inputs to it (absolute paths, one a line).
 */
function recordSynthReads(projectRoot: string, inputs: { [path: string]: string }): void {
  const file = process.env.CDK_TS_LAMBDA_SYNTH_READS;
  if (!file) return;
  appendFileSync(file, Object.keys(inputs).map((path) => `${resolve(projectRoot, path)}\n`).join(''));
}

function inputsUnchanged(projectRoot: string, inputs: { [path: string]: string }): boolean {
  for (const [path, hash] of Object.entries(inputs)) {
    const abs = resolve(projectRoot, path);
    try {
      if (fileSha256(abs) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function readManifest(path: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return manifest.format === CACHE_FORMAT ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** A content hash of a folder: relative paths, file modes' executable bit and contents. */
export function hashDir(dir: string): { hash: string; bytes: number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const stat = statSync(path);
      const rel = toPosix(relative(dir, path));
      if (stat.isDirectory()) {
        hash.update(`d:${rel}\n`);
        walk(path);
      } else {
        bytes += stat.size;
        hash.update(`f:${rel}:${isExecutable(stat.mode) ? 'x' : '-'}:${stat.size}\n`);
        hash.update(readFileSync(path));
      }
    }
  };
  walk(dir);
  return { hash: hash.digest('hex'), bytes };
}

/** Whether any of the execute bits is set. */
function isExecutable(mode: number): boolean {
  // eslint-disable-next-line no-bitwise
  return (mode & 0o111) !== 0;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Node.js built-in modules, bare and with the `node:` prefix, as esbuild externals. */
function nodeBuiltinExternals(): string[] {
  return ['node:*', ...builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'))];
}
