/**
 * Finding a function by what a person types: its construct path, its
 * logical id, or an unambiguous suffix of its path; a typo gets the
 * closest names.
 */
import { FunctionInfo } from './assembly';
import { CliError } from './errors';
import { editDistance } from '../../private/edit-distance';

export { editDistance };

/** Every suffix of a construct path on `/` boundaries: `A/B/C` → `A/B/C`, `B/C`, `C`. */
function suffixes(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(i).join('/'));
}

/** The shortest suffix of `fn.path` that names only it among `all`. */
export function shortName(fn: FunctionInfo, all: readonly FunctionInfo[]): string {
  const own = suffixes(fn.path).reverse();
  for (const s of own) {
    const n = all.filter((o) => o.path === s || o.path.endsWith(`/${s}`)).length;
    if (n === 1) return s;
  }
  return fn.path;
}

/** Functions whose path, logical id or path suffix is `query` (or that are inside the construct `query`), best matches first. */
export function matchFunctions(query: string, all: readonly FunctionInfo[]): FunctionInfo[] {
  const q = query.replace(/^\//, '').replace(/\/Resource$/, '');
  const exact = all.filter((f) => f.path === q || f.logicalId === q);
  if (exact.length > 0) return exact;
  const suffix = all.filter((f) => f.path.endsWith(`/${q}`));
  if (suffix.length > 0) return suffix;
  // a construct that holds the function (`Api` for `Stack/Api/Handler`)
  const parent = all.filter((f) => f.path.startsWith(`${q}/`) || f.path.includes(`/${q}/`));
  if (parent.length > 0) return parent;
  const lower = q.toLowerCase();
  return all.filter((f) => f.path.toLowerCase() === lower || f.logicalId.toLowerCase() === lower
    || f.path.toLowerCase().endsWith(`/${lower}`));
}

/** The one function `query` names, or a CliError listing the candidates or the closest names. */
export function findFunction(query: string, all: readonly FunctionInfo[]): FunctionInfo {
  if (all.length === 0) throw new CliError('the assembly has no Lambda functions');
  const found = matchFunctions(query, all);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new CliError(`'${query}' is ambiguous; it matches:\n${found.map((f) => `  ${f.path}  (${f.logicalId})`).join('\n')}\nUse a longer path.`);
  }
  const scored = all.map((f) => {
    const names = [...suffixes(f.path), ...f.path.split('/'), f.logicalId];
    return { f, d: Math.min(...names.map((n) => editDistance(query, n))) };
  }).sort((a, b) => a.d - b.d);
  const limit = Math.max(2, Math.floor(query.length / 2));
  const close = scored.filter((s) => s.d <= limit).slice(0, 3);
  const hint = close.length > 0
    ? `Did you mean:\n${close.map((s) => `  ${shortName(s.f, all)}  (${s.f.path})`).join('\n')}`
    : `Functions:\n${all.map((f) => `  ${f.path}`).join('\n')}`;
  throw new CliError(`no function '${query}' in the assembly. ${hint}\n(\`ts-lambda list\` shows them all.)`);
}
