import { dirname } from 'node:path';

/** The part of esbuild's JavaScript API that the bundler uses. */
export interface EsbuildApi {
  readonly version: string;
  buildSync(options: Record<string, unknown>): EsbuildResult;
  formatMessagesSync?(messages: unknown[], options: { kind: 'error' | 'warning'; color?: boolean }): string[];
}

/** The result of a build with `write: false` and `metafile: true`. */
export interface EsbuildResult {
  readonly outputFiles: { path: string; contents: Uint8Array }[];
  readonly metafile: Metafile;
  readonly warnings: unknown[];
}

/** esbuild's metafile, the parts we read. */
export interface Metafile {
  readonly inputs: { [path: string]: { bytes: number; format?: string; imports?: { path: string; external?: boolean }[] } };
  readonly outputs: {
    [path: string]: {
      bytes: number;
      entryPoint?: string;
      exports: string[];
      inputs: { [path: string]: { bytesInOutput: number } };
    };
  };
}

/** Which esbuild was found and where. */
export interface ResolvedEsbuild {
  readonly api: EsbuildApi;
  /** `esbuild` (native, from the project) or `esbuild-wasm` (shipped with cdk-ts-lambda). */
  readonly flavour: 'esbuild' | 'esbuild-wasm';
  readonly path: string;
}

/** Loaded modules by path, and lookups already done by project (resolution walks the file system). */
const loaded = new Map<string, ResolvedEsbuild>();
const byProject = new Map<string, ResolvedEsbuild>();

/**
 * Finds esbuild for a project: the project's own `esbuild` first (native and
 * fastest), then the portable `esbuild-wasm` that this package bundles, so a
 * Python or Java CDK app needs nothing extra. Both run in-process through the
 * JavaScript API: one long-lived esbuild service serves every function.
 *
 * `CDK_TS_LAMBDA_ESBUILD=wasm` forces the portable build (for tests, or where
 * the native binary cannot run).
 */
export function resolveEsbuild(projectRoot: string, opts: { force?: string; selfDir?: string } = {}): ResolvedEsbuild {
  const force = opts.force ?? process.env.CDK_TS_LAMBDA_ESBUILD;
  if (force && force !== 'wasm' && force !== 'native') {
    throw new Error(`CDK_TS_LAMBDA_ESBUILD must be 'native' or 'wasm', got '${force}'.`);
  }
  const lookup = `${force ?? ''}\0${projectRoot}\0${opts.selfDir ?? ''}`;
  const known = byProject.get(lookup);
  if (known) return known;
  const attempts: string[] = [];
  const candidates: { flavour: 'esbuild' | 'esbuild-wasm'; paths: string[] }[] = [];
  if (force !== 'wasm') candidates.push({ flavour: 'esbuild', paths: [projectRoot] });
  if (force !== 'native') candidates.push({ flavour: 'esbuild-wasm', paths: [opts.selfDir ?? dirname(__dirname)] });

  for (const candidate of candidates) {
    let path: string;
    try {
      path = require.resolve(candidate.flavour, { paths: candidate.paths });
    } catch {
      attempts.push(`${candidate.flavour}: not found from ${candidate.paths.join(', ')}`);
      continue;
    }
    const cached = loaded.get(path);
    if (cached) {
      byProject.set(lookup, cached);
      return cached;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const api = require(path) as EsbuildApi;
      if (typeof api.buildSync !== 'function') throw new Error('it has no buildSync()');
      const resolved: ResolvedEsbuild = { api, flavour: candidate.flavour, path };
      loaded.set(path, resolved);
      byProject.set(lookup, resolved);
      return resolved;
    } catch (err) {
      attempts.push(`${candidate.flavour} at ${path}: ${(err as Error).message}`);
    }
  }
  throw new Error(
    'cdk-ts-lambda could not load esbuild to bundle TypeScript functions.\n'
      + attempts.map((a) => `  - ${a}`).join('\n')
      + '\nInstall it in your project: `npm install --save-dev esbuild` (or reinstall cdk-ts-lambda, which ships esbuild-wasm).',
  );
}
