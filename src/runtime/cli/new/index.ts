/**
 * `ts-lambda new DIR [--template NAME]`: writes a ready CDK app from the
 * templates shipped in this package (templates/, see its README.md). Nothing
 * is fetched; the user's `npm install` is the only download.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { BUN_VERSION, NOT_SHIPPED, PINNED_VERSIONS, PinnedPackage, TEMPLATES, AppTemplate } from './templates';
import { CliError } from '../errors';
import { editDistance } from '../find';

export { TEMPLATES, NOT_SHIPPED, PINNED_VERSIONS } from './templates';

/** The package name, and the folder of this package that holds templates/. */
const PACKAGE_NAME = 'cdk-ts-lambda';

export interface NewAppOptions {
  /** the folder to create (its last segment names the app) */
  readonly dir: string;
  /** @default 'http' */
  readonly template?: string;
  /** the package root holding templates/ and package.json @default - found upwards from this file */
  readonly packageRoot?: string;
}

export interface NewAppResult {
  readonly dir: string;
  readonly name: string;
  readonly template: AppTemplate;
  /** files written, relative to `dir`, sorted */
  readonly files: string[];
}

/** The root of the installed cdk-ts-lambda package (or of this repository). */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'templates'))) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
      } catch {
        // not readable: keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new CliError(`cannot find the templates of ${PACKAGE_NAME} above ${from}: is the package installed completely?`);
    dir = parent;
  }
}

/** The template called `name`, or a CliError listing the templates (and the closest one). */
export function findTemplate(name: string): AppTemplate {
  const found = TEMPLATES.find((t) => t.name === name);
  if (found) return found;
  const names = TEMPLATES.map((t) => t.name);
  if (NOT_SHIPPED[name]) {
    throw new CliError(`--template ${name} is not available in this release: ${NOT_SHIPPED[name]}. Templates: ${names.join(', ')}.`, 2);
  }
  const closest = [...names].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
  const hint = editDistance(name, closest) <= 2 ? ` Did you mean ${closest}?` : '';
  throw new CliError(`unknown template '${name}'.${hint} Templates: ${names.join(', ')} (\`ts-lambda new --help\` describes them).`, 2);
}

/** The npm name rules a project folder's name must meet (it becomes package.json's name). */
function checkAppName(name: string, dir: string): void {
  if (!/^[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214) {
    throw new CliError(`the app name '${name}' (the last part of ${dir}) is not a valid npm package name: `
      + 'use lowercase letters, digits, and - . _ ~, starting with a letter or a digit (e.g. my-app)', 2);
  }
}

/** `my-app` -> `MyApp`: the stack's id. */
export function stackId(name: string): string {
  const pascal = name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z]/.test(pascal) ? pascal : `App${pascal}`;
}

function checkTarget(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new CliError(`${dir} exists and is not a folder: choose another name`, 2);
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '');
    throw new CliError(`the folder ${dir} is not empty (${shown}): choose a new name, or empty it first; nothing was written`, 2);
  }
}

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** `_gitignore` -> `.gitignore`, `_vscode/launch.json` -> `.vscode/launch.json`. */
function targetPath(rel: string): string {
  return rel.split('/').map((part) => (part.startsWith('_') ? `.${part.slice(1)}` : part)).join('/');
}

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/__([A-Z_]+?)__/g, (whole, key: string) => values[key] ?? whole);
}

function packageJson(name: string, template: AppTemplate, version: string): string {
  const pick = (names: readonly PinnedPackage[]) => Object.fromEntries(names.map((n) => [n, PINNED_VERSIONS[n]]));
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    scripts: {
      test: 'jest',
      typecheck: 'tsc --noEmit',
      synth: 'cdk synth --quiet',
      invoke: `ts-lambda invoke ${template.function} --event events/${template.event} --app "npx tsx bin/app.ts"`,
      deploy: 'cdk deploy',
    },
    dependencies: {
      [PACKAGE_NAME]: version,
      ...pick(['aws-cdk-lib', 'constructs']),
      ...pick(template.dependencies),
    },
    devDependencies: pick(['@types/aws-lambda', '@types/jest', '@types/node', 'aws-cdk', 'esbuild', 'jest', 'ts-jest', 'tsx', 'typescript']),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Writes the app; throws a CliError (before writing anything) for a bad name, template or folder. */
export function newApp(options: NewAppOptions): NewAppResult {
  const template = findTemplate(options.template ?? 'http');
  const dir = resolve(options.dir);
  const name = basename(dir);
  checkAppName(name, options.dir);
  checkTarget(dir);
  const root = options.packageRoot ?? packageRoot();
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  const sources = [join(root, 'templates', 'common'), join(root, 'templates', template.name)];
  for (const source of sources) {
    if (!existsSync(source)) throw new CliError(`the template folder ${source} is missing: is ${PACKAGE_NAME} installed completely?`);
  }
  const values: Record<string, string> = {
    APP_NAME: name,
    STACK_ID: stackId(name),
    TEMPLATE: template.name,
    FUNCTION: template.function,
    EVENT: template.event,
    BUN_VERSION,
    TEMPLATE_README: readFileSync(join(sources[1], '_readme.md'), 'utf8').trim(),
  };
  const written = new Map<string, string>();
  for (const source of sources) {
    for (const rel of filesUnder(source)) {
      if (rel === '_readme.md') continue;
      written.set(targetPath(rel), substitute(readFileSync(join(source, rel), 'utf8'), values));
    }
  }
  written.set('package.json', packageJson(name, template, version));
  for (const [rel, text] of written) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, name, template, files: [...written.keys()].sort() };
}

/** What `ts-lambda new --help` says after the options. */
export const NEW_HELP = `Writes a ready CDK app into <dir> (a new or empty folder; its name becomes the
app's name): bin/app.ts (run through tsx), lib/stack.ts, a typed handler in
src/, its unit test on a real event and the stack's snapshot test in test/,
events/, .gitignore, .vscode/launch.json and a README. Versions are pinned to
the ones this release is tested with. Nothing is downloaded: run npm install.

Templates (--template, default http):
${TEMPLATES.map((t) => `  ${t.name.padEnd(12)} ${t.description}`).join('\n')}`;

/** The `new` command: writes the app and says what to run next. */
export function newCommand(positionals: string[], template: string | undefined, say: (line: string) => void): number {
  if (positionals.length === 0) throw new CliError('where? `ts-lambda new <dir> [--template NAME]` (`ts-lambda new --help`)', 2);
  if (positionals.length > 1) throw new CliError(`unexpected arguments: ${positionals.slice(1).join(' ')} (\`ts-lambda new <dir> [--template NAME]\`)`, 2);
  const result = newApp({ dir: positionals[0], template });
  const shown = relative(process.cwd(), result.dir) || '.';
  say(`ts-lambda: wrote ${result.name} (template ${result.template.name}, ${result.files.length} files) in ${shown}`);
  say('\nNext:');
  say(`  cd ${shown}`);
  say('  npm install');
  say('  npm test');
  say('  npx cdk synth');
  say(`  npx ts-lambda invoke ${result.template.function} --event events/${result.template.event}`);
  return 0;
}
