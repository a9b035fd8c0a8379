/**
 * Source maps a debugger can use, for `--inspect` runs: the bundle's map
 * (`bundling.sourceMap: true`) names its sources relative to where esbuild
 * placed the bundle in the project (`<project>/.cdk-ts-lambda-out/`), and
 * carries no source text; from the task root under the temp dir those paths
 * lead nowhere. In the inspected run's own task root (a separate tree, so
 * the asset in `cdk.out` and other runs keep the map as deployed) each map
 * gets `file://` URLs of the project's `.ts` files and their text
 * (`sourcesContent`), so DevTools and VS Code bind breakpoints set on the
 * `.ts` lines.
 */
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where esbuild's output sits in the project while bundling (src/function/private/bundler.ts, `virtualOut`). */
const BUNDLE_DIR = '.cdk-ts-lambda-out';

export interface DebugMaps {
  /** Maps rewritten. */
  readonly maps: number;
  /** The JavaScript files of the asset without a source map. */
  readonly unmapped: string[];
}

/**
 * Rewrites the `.map` files of `taskRoot` (outside node_modules) in place
 * with absolute sources and their content. `projectHints` are folders the
 * project root is searched from (it holds `.cdk-ts-lambda-out/<source>`).
 * The files are replaced, never written through: the task root is hard-linked to the asset.
 */
export function prepareDebugMaps(taskRoot: string, projectHints: readonly string[]): DebugMaps {
  let maps = 0;
  const unmapped: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(full);
      } else if (entry.name.endsWith('.map')) {
        if (rewriteMap(full, projectHints)) maps++;
      } else if (/\.(m?js|cjs)$/.test(entry.name) && !existsSync(`${full}.map`)) {
        unmapped.push(full);
      }
    }
  };
  visit(taskRoot);
  return { maps, unmapped };
}

function rewriteMap(file: string, projectHints: readonly string[]): boolean {
  let map: { sources?: string[]; sourcesContent?: (string | null)[]; sourceRoot?: string };
  try {
    map = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (!Array.isArray(map.sources)) return false;
  const sources = map.sources;
  const local = sources.find((s) => !/(^|\/)node_modules\//.test(s) && !/^[a-z]+:/i.test(s) && !isAbsolute(s));
  const base = local === undefined ? undefined : findBase(local, projectHints);
  const absolute = sources.map((s) => {
    if (/^file:/.test(s)) return fileURLToPath(s);
    if (isAbsolute(s)) return s;
    return base ? resolve(base, s) : undefined;
  });
  map.sources = sources.map((s, i) => (absolute[i] ? pathToFileURL(absolute[i]!).href : s));
  map.sourcesContent = absolute.map((path, i) => {
    try {
      if (path) return readFileSync(path, 'utf8');
    } catch {
      // not readable: the map's own text, if it has one
    }
    return map.sourcesContent?.[i] ?? null;
  });
  delete map.sourceRoot;
  const text = JSON.stringify(map);
  unlinkSync(file);
  writeFileSync(file, text);
  return true;
}

/** The folder `source` is relative to: `<project>/.cdk-ts-lambda-out` of a project at or above one of `hints`. */
function findBase(source: string, hints: readonly string[]): string | undefined {
  for (const hint of hints) {
    for (let dir = resolve(hint); ; dir = dirname(dir)) {
      const base = join(dir, BUNDLE_DIR);
      if (existsSync(resolve(base, source))) return base;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}
