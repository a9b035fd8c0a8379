/**
 * The CloudFormation templates of the jest snapshots, read back from the
 * committed `__snapshots__/*.snap` files. Under `jest --ci` every snapshot
 * test asserts that its stack still synthesizes to exactly what the .snap
 * file holds, so linting the .snap contents lints the templates of those
 * stacks, in one batch, with no dependence on the order jest runs files in.
 *
 * A .snap file is a CommonJS module of strings printed by jest's
 * pretty-format (jest 30 defaults: strings unescaped, no `Object`/`Array`
 * prefixes, keys sorted, two-space indent, a trailing comma after every
 * entry). `parseSnapshot` reads that subset back and `printSnapshot` prints
 * it again: a template is only used when printing it gives back the exact
 * text of the snapshot, so it is one that the snapshot test itself accepts
 * (jest compares the printed text); anything else fails loudly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';

/** One template found in a snapshot file. */
export interface SnapshotTemplate {
  /** the .snap file, relative to the repository root */
  readonly file: string;
  /** the snapshot's name (test name and counter) */
  readonly name: string;
  readonly template: Record<string, unknown>;
}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** The entries of a .snap file: snapshot name → printed text. */
export function readSnapFile(path: string): Record<string, string> {
  const exports: Record<string, string> = {};
  runInNewContext(readFileSync(path, 'utf8'), { exports }, { filename: path });
  return exports;
}

/** Reads back a value printed by pretty-format as jest 30 prints snapshots. */
export function parseSnapshot(text: string): Value {
  const body = text.startsWith('\n') && text.endsWith('\n') ? text.slice(1, -1) : text;
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`snapshot text not understood at offset ${pos} (${what}): ${JSON.stringify(body.slice(pos, pos + 60))}`);
  };
  const expect = (s: string) => {
    if (!body.startsWith(s, pos)) fail(`expected ${JSON.stringify(s)}`);
    pos += s.length;
  };
  // a string or scalar runs up to its terminator: `,\n` inside a container,
  // the end of the text at the top level
  const until = (terminator: string | undefined): string => {
    const end = terminator === undefined ? body.length : body.indexOf(terminator, pos);
    if (end < 0) fail(`no ${JSON.stringify(terminator)}`);
    const token = body.slice(pos, end);
    pos = end;
    return token;
  };
  const value = (indent: string, terminator: string | undefined): Value => {
    const open = body[pos];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      pos += 1;
      if (body[pos] === close) {
        pos += 1;
        return open === '{' ? {} : [];
      }
      expect('\n');
      const inner = `${indent}  `;
      const object: { [key: string]: Value } = {};
      const array: Value[] = [];
      while (!body.startsWith(`${indent}${close}`, pos)) {
        expect(inner);
        if (open === '{') {
          expect('"');
          const key = until('": ');
          expect('": ');
          object[key] = value(inner, ',\n');
        } else {
          array.push(value(inner, ',\n'));
        }
        expect(',\n');
      }
      expect(`${indent}${close}`);
      return open === '{' ? object : array;
    }
    if (open === '"') {
      pos += 1;
      const token = until(terminator === undefined ? undefined : `"${terminator}`);
      if (terminator === undefined) {
        if (!token.endsWith('"')) fail('unterminated string');
        return token.slice(0, -1);
      }
      pos += 1;
      return token;
    }
    const token = until(terminator);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(token)) return Number(token);
    return fail(`unsupported value ${JSON.stringify(token)}`);
  };
  const result = value('', undefined);
  if (pos !== body.length) fail('text after the value');
  return result;
}

/** Prints a value the way pretty-format prints a snapshot (the inverse of `parseSnapshot`). */
export function printSnapshot(value: Value, indent = ''): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? `"${value}"` : String(value);
  const inner = `${indent}  `;
  const entries = Array.isArray(value)
    ? value.map((v) => `${inner}${printSnapshot(v, inner)},\n`)
    : Object.keys(value).sort().map((k) => `${inner}"${k}": ${printSnapshot(value[k], inner)},\n`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return entries.length === 0 ? `${open}${close}` : `${open}\n${entries.join('')}${indent}${close}`;
}

/** Every `__snapshots__/*.snap` file under `dir`. */
function snapFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'fixtures') found.push(...snapFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.snap') && dir.endsWith('__snapshots__')) found.push(path);
  }
  return found.sort();
}

/**
 * Every snapshot under `testDir` that is a CloudFormation template (an
 * object with `Resources`), read back and checked to print to the very same
 * text. Throws when a snapshot that prints `"Resources": {` cannot be read.
 */
export function snapshotTemplates(testDir: string, root: string): SnapshotTemplate[] {
  const templates: SnapshotTemplate[] = [];
  for (const path of snapFiles(testDir)) {
    for (const [name, text] of Object.entries(readSnapFile(path))) {
      if (!/^ {2}"Resources": \{$/m.test(text)) continue;
      const template = parseSnapshot(text);
      const printed = `\n${printSnapshot(template)}\n`;
      if (printed !== text) throw new Error(`${relative(root, path)}: snapshot "${name}" does not print back to the same text; it was misread`);
      templates.push({ file: relative(root, path), name, template: template as Record<string, unknown> });
    }
  }
  return templates;
}
