import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/** SHA-256 of data, in hex. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const fileHashes = new Map<string, { stamp: string; hash: string }>();

/**
 * SHA-256 of a file's content, in hex, computed once per process while the
 * file is unchanged (same inode, size, modification and change times): a
 * synth with dozens of functions reads a shared module, or a 100 MB engine,
 * once instead of once per function.
 */
export function fileSha256(path: string): string {
  const stat = statSync(path, { bigint: true });
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  const known = fileHashes.get(path);
  if (known?.stamp === stamp) return known.hash;
  const hash = sha256(readFileSync(path));
  fileHashes.set(path, { stamp, hash });
  return hash;
}
