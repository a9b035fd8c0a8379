/**
 * A function's environment variables locally: the template's values,
 * resolved where they can be, and `--env-file` values (dotenv or JSON) for
 * the ones that need a deployed resource.
 */
import { existsSync, readFileSync } from 'node:fs';
import { FunctionInfo } from './assembly';
import { CliError } from './errors';
import { matchFunctions } from './find';
import { resolveValue } from './tokens';

/**
 * Values from an env file: `common` for every function, `perFunction` keyed by
 * what the file named (a logical id, construct path or suffix).
 */
export interface EnvFile {
  readonly common: Readonly<Record<string, string>>;
  readonly perFunction: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const EMPTY_ENV_FILE: EnvFile = { common: {}, perFunction: {} };

/**
 * Reads `--env-file`: dotenv (`KEY=value`, `# comments`, optional quotes,
 * `export `), or JSON: `{ "KEY": "value" }` for all functions, or
 * SAM-style `{ "Parameters": {...}, "<function>": { "KEY": "value" } }`.
 */
export function readEnvFile(file: string): EnvFile {
  if (!existsSync(file)) throw new CliError(`env file not found: ${file}`);
  const text = readFileSync(file, 'utf8');
  if (/^\s*\{/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new CliError(`env file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const common: Record<string, string> = {};
    const perFunction: Record<string, Record<string, string>> = {};
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const vars = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
        if (key === 'Parameters') Object.assign(common, vars);
        else perFunction[key] = vars;
      } else {
        common[key] = value === null ? '' : String(value);
      }
    }
    return { common, perFunction };
  }
  const common: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CliError(`env file ${file}, line ${i + 1}: expected KEY=value, got '${line}'`);
    let value = m[2];
    if (/^"(.*)"$/.test(value)) value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    else if (/^'(.*)'$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    common[m[1]] = value;
  });
  return { common, perFunction: {} };
}

export interface FunctionEnvironment {
  readonly variables: Record<string, string>;
  /** Template variables that could not be resolved and were not set by the env file: name → expression. */
  readonly unresolved: Record<string, string>;
}

/** The variables `fn` runs with: template values, then the env file's common, then its per-function values. */
export function functionEnvironment(fn: FunctionInfo, all: readonly FunctionInfo[], envFile: EnvFile, region: string): FunctionEnvironment {
  const variables: Record<string, string> = {};
  const unresolved: Record<string, string> = {};
  for (const [name, raw] of Object.entries(fn.environment)) {
    const r = resolveValue(raw, { region, accountId: '123456789012' });
    if ('value' in r) variables[name] = r.value;
    else unresolved[name] = r.unresolved;
  }
  const own: Record<string, string> = {};
  for (const [key, vars] of Object.entries(envFile.perFunction)) {
    if (matchFunctions(key, all).includes(fn)) Object.assign(own, vars);
  }
  for (const source of [envFile.common, own]) {
    for (const [name, value] of Object.entries(source)) {
      variables[name] = value;
      delete unresolved[name];
    }
  }
  return { variables, unresolved };
}
