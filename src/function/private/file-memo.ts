import { statSync } from 'node:fs';

/** A value computed from a file, and the file's version it was computed from. */
export type FileMemo<T> = Map<string, { readonly stamp: string; readonly value: T }>;

/**
 * `compute(path)`, computed once per process while the file is unchanged
 * (same inode, size, modification and change times): a synth with dozens of
 * functions reads a shared file once instead of once per function.
 */
export function memoByFile<T>(memo: FileMemo<T>, path: string, compute: (path: string) => T): T {
  const stat = statSync(path, { bigint: true });
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  const known = memo.get(path);
  if (known?.stamp === stamp) return known.value;
  const value = compute(path);
  memo.set(path, { stamp, value });
  return value;
}
