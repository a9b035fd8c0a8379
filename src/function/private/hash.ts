import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FileMemo, memoByFile } from './file-memo';

/** SHA-256 of data, in hex. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const fileHashes: FileMemo<string> = new Map();

/**
 * SHA-256 of a file's content, in hex, computed once per process while the
 * file is unchanged: a synth with dozens of functions reads a shared module,
 * or a 100 MB engine, once instead of once per function.
 */
export function fileSha256(path: string): string {
  return memoByFile(fileHashes, path, (p) => sha256(readFileSync(p)));
}
