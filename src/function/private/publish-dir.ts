import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Publishes a fully written cache entry: moves the folder `staged` to `dir`
 * in one rename, so readers see all of it or none of it. When another
 * process published `dir` first (its `marker` file exists), theirs is kept.
 */
export function publishDir(staged: string, dir: string, marker: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    renameSync(staged, dir);
  } catch (err) {
    if (!existsSync(marker)) throw err;
  }
}
