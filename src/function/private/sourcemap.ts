/* eslint-disable no-bitwise */ // Base64 VLQ is bit arithmetic by definition

/**
 * Removes some sources (e.g. everything under node_modules) from a source map
 * version 3: their segments are dropped from `mappings`, the remaining source
 * indexes renumbered. Positions in node_modules code then map to nothing,
 * which is what a stack trace should show for code that is not ours.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Map<string, number>([...BASE64].map((c, i) => [c, i]));

/** Decodes one Base64 VLQ segment into its numbers. */
export function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DECODE.get(char);
    if (digit === undefined) throw new Error(`invalid base64 VLQ character '${char}'`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Encodes numbers as one Base64 VLQ segment. */
export function encodeSegment(values: number[]): string {
  let out = '';
  for (const original of values) {
    let value = original < 0 ? (-original << 1) | 1 : original << 1;
    do {
      let digit = value & 31;
      value >>>= 5;
      if (value > 0) digit |= 32;
      out += BASE64[digit];
    } while (value > 0);
  }
  return out;
}

/** The fields of a source map that this module reads and writes. */
export interface SourceMapV3 {
  version: number;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

/**
 * Returns a copy of `map` without the sources for which `drop` is true.
 */
export function dropSources(map: SourceMapV3, drop: (source: string) => boolean): SourceMapV3 {
  const keep: number[] = []; // old index -> new index, or -1
  const sources: string[] = [];
  const sourcesContent: (string | null)[] = [];
  map.sources.forEach((source, i) => {
    if (drop(source)) {
      keep.push(-1);
    } else {
      keep.push(sources.length);
      sources.push(source);
      if (map.sourcesContent) sourcesContent.push(map.sourcesContent[i] ?? null);
    }
  });

  // absolute state while decoding (old numbering) and encoding (new numbering)
  let oldSource = 0, oldLine = 0, oldColumn = 0, oldName = 0;
  let newSource = 0, newLine = 0, newColumn = 0, newName = 0;
  const lines = map.mappings.split(';').map((line) => {
    let genColumnIn = 0;
    let genColumnOut = 0;
    const segments: string[] = [];
    for (const raw of line.split(',')) {
      if (raw === '') continue;
      const v = decodeSegment(raw);
      genColumnIn += v[0];
      if (v.length === 1) continue; // a segment without a source carries nothing we keep
      oldSource += v[1];
      oldLine += v[2];
      oldColumn += v[3];
      if (v.length >= 5) oldName += v[4];
      const target = keep[oldSource];
      if (target === undefined || target < 0) continue;
      const out = [genColumnIn - genColumnOut, target - newSource, oldLine - newLine, oldColumn - newColumn];
      genColumnOut = genColumnIn;
      newSource = target;
      newLine = oldLine;
      newColumn = oldColumn;
      if (v.length >= 5) {
        out.push(oldName - newName);
        newName = oldName;
      }
      segments.push(encodeSegment(out));
    }
    return segments.join(',');
  });

  const result: SourceMapV3 = { ...map, sources, mappings: lines.join(';') };
  if (map.sourcesContent) result.sourcesContent = sourcesContent;
  return result;
}
