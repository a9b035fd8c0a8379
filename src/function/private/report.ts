import { BundleResult } from './bundler';

/** Formats a byte count for people: `812 B`, `12.4 kB`, `3.10 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

/**
 * One line of the bundle report: construct path, bundle size, asset size
 * when it differs, the top contributors, whether it came from the cache,
 * and a note (why the bundle is CommonJS) when there is one.
 */
export function reportLine(path: string, result: BundleResult, ms: number, note?: string): string {
  const size = formatBytes(result.bundleBytes);
  const asset = result.assetBytes !== result.bundleBytes ? ` (asset ${formatBytes(result.assetBytes)})` : '';
  const total = result.topInputs.reduce((n, i) => n + i.bytes, 0) || 1;
  const top = result.topInputs
    .map((i) => `${i.path} ${Math.round((i.bytes / Math.max(total, result.bundleBytes)) * 100)}%`)
    .join(', ');
  const how = result.cached ? 'cached' : `built in ${ms} ms`;
  return `cdk-ts-lambda: ${path}  ${size}${asset}  [${top || 'empty'}]  ${how}${note ? `  (${note})` : ''}`;
}
