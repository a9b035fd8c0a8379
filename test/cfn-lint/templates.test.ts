/**
 * cfn-lint over every CloudFormation template the project synthesizes, in
 * one cfn-lint run (it takes seconds to start, so templates are batched):
 *   - the integ tests' committed snapshots (integ/*.snapshot/*.template.json),
 *     their assertion stacks included;
 *   - the templates of the jest snapshot tests, read back from the committed
 *     __snapshots__/*.snap files (see snapshot-templates.ts for why those are
 *     exactly the stacks' templates);
 *   - the example app (examples/app), synthesized here as `npm run demo`
 *     synthesizes it into cdk.out;
 *   - the projects `ts-lambda new` generates, one per template (see
 *     tsLambdaNewTemplates below).
 * No error and no warning may remain: a warning is fixed, or ignored in
 * .cfnlintrc with its reason.
 *
 * cfn-lint comes from PyPI, pinned in scripts/cfn-lint-requirements.txt and
 * installed into its own virtual environment by scripts/install-cfn-lint.sh
 * (which .ci/run runs). Without it these tests skip, saying why; under
 * CI=true they fail instead. CFN_LINT=/path/to/cfn-lint picks another binary
 * (it must be the pinned version).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { parseSnapshot, printSnapshot, snapshotTemplates } from './snapshot-templates';
import { TEMPLATES } from '../../src/runtime/cli/new/templates';
import { ON_CI, testNeeding } from '../helpers/external-tool';
import { isolateBundleCache, tempDir } from '../helpers/fixtures';
import { bunTemplateMissing, synthNewApp } from '../helpers/new-apps';

isolateBundleCache();

const ROOT = join(__dirname, '..', '..');
const REQUIREMENTS = join(ROOT, 'scripts', 'cfn-lint-requirements.txt');
const VERSION = /^cfn-lint==(\S+)$/m.exec(readFileSync(REQUIREMENTS, 'utf8'))?.[1];
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdk-ts-lambda');

/** The pinned cfn-lint: its path, or why there is none. */
function findCfnLint(): { bin?: string; missing?: string } {
  if (!VERSION) throw new Error(`${REQUIREMENTS} pins no cfn-lint version (a line cfn-lint==X.Y.Z)`);
  const candidates = [process.env.CFN_LINT, join(CACHE, `cfn-lint-${VERSION}`, 'bin', 'cfn-lint'), 'cfn-lint'].filter((c): c is string => !!c);
  const found: string[] = [];
  for (const bin of candidates) {
    const run = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    const version = /cfn-lint (\S+)/.exec(run.stdout ?? '')?.[1];
    if (version === VERSION) return { bin };
    if (version) found.push(`${bin === 'cfn-lint' ? 'the cfn-lint on PATH' : bin} is ${version}`);
  }
  const other = found.length > 0 ? ` (${found.join('; ')})` : '';
  return { missing: `cfn-lint ${VERSION} is not installed${other}: run scripts/install-cfn-lint.sh` };
}

/** A template handed to cfn-lint, and where it comes from. */
interface Target {
  readonly source: 'integ' | 'jest' | 'example' | 'new' | 'self-check';
  /** what a finding names: the integ file, the .snap file and snapshot, ... */
  readonly label: string;
  /** the file cfn-lint reads */
  readonly file: string;
}

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Start: { readonly LineNumber: number } };
}

function integTemplates(): Target[] {
  const targets: Target[] = [];
  for (const dir of readdirSync(join(ROOT, 'integ')).filter((d) => d.endsWith('.snapshot')).sort()) {
    for (const name of readdirSync(join(ROOT, 'integ', dir)).filter((f) => f.endsWith('.template.json')).sort()) {
      const file = join(ROOT, 'integ', dir, name);
      targets.push({ source: 'integ', label: relative(ROOT, file), file });
    }
  }
  return targets;
}

function writeTemplate(dir: string, name: string, template: unknown): string {
  const file = join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80)}.template.json`);
  writeFileSync(file, JSON.stringify(template, null, 1));
  return file;
}

function jestTemplates(dir: string): Target[] {
  mkdirSync(join(dir, 'jest'));
  return snapshotTemplates(join(ROOT, 'test'), ROOT).map((t, i) => ({
    source: 'jest',
    label: `${t.file}: ${t.name}`,
    file: writeTemplate(join(dir, 'jest'), `${i}-${t.name}`, t.template),
  }));
}

/** The example app, synthesized by the cdk CLI as `npm run demo` does (the CLI adds its own context, e.g. CDKMetadata). */
function exampleTemplates(dir: string): Target[] {
  const out = join(dir, 'example-cdk.out');
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  const run = spawnSync(cdk, ['synth', '--app', 'npx tsx examples/app/main.ts', '--output', out, '--quiet'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`cdk synth of examples/app failed (status ${run.status}):\n${run.stderr}`);
  return readdirSync(out).filter((f) => f.endsWith('.template.json')).sort().map((name) => ({
    source: 'example',
    label: `examples/app (cdk synth): ${name}`,
    file: join(out, name),
  }));
}

/**
 * The projects `ts-lambda new` generates, one per template, synthesized from
 * this repository's source with their cdk.json context (test/helpers/new-apps.ts).
 * The `bun` template needs the prefetched Bun engine: without it that one is
 * left out, saying so (under CI=true, which prefetches it, that fails).
 */
function tsLambdaNewTemplates(dir: string): Target[] {
  const parent = join(dir, 'new');
  mkdirSync(parent);
  const targets: Target[] = [];
  for (const { name } of TEMPLATES) {
    if (name === 'bun' && bunTemplateMissing()) {
      if (ON_CI) throw new Error(`ts-lambda new --template bun: ${bunTemplateMissing()}`);
      console.log(`cfn-lint: the bun template of ts-lambda new is left out: ${bunTemplateMissing()}`);
      continue;
    }
    const app = synthNewApp(parent, name);
    for (const file of app.templates) {
      targets.push({ source: 'new', label: `ts-lambda new --template ${name}: ${relative(app.out, file)}`, file });
    }
  }
  return targets;
}

/**
 * A template with mistakes cfn-lint must report (E3002, a property Lambda
 * does not have; E3012, a string where a number goes), linted in the same
 * run: it proves that the run checked templates and that its findings are
 * read, so "no finding" below means something.
 */
function selfCheckTemplate(dir: string): Target[] {
  const template = {
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { ZipFile: 'exports.handler = async () => 1;' },
          Handler: 'index.handler',
          Runtime: 'nodejs22.x',
          Role: 'arn:aws:iam::123456789012:role/r',
          MemorySize: 'lots',
          Memory: 128,
        },
      },
    },
  };
  return [{ source: 'self-check', label: 'self-check template', file: writeTemplate(dir, 'self-check', template) }];
}

const { bin, missing } = findCfnLint();
const testWithCfnLint = testNeeding(missing);
/** cfn-lint's exit statuses when it ran: 0, or a sum of 2 (errors), 4 (warnings) and 8 (informational). */
const LINT_STATUSES = new Set([0, 2, 4, 6, 8, 10, 12, 14]);

describe('cfn-lint over every template', () => {
  let targets: Target[] = [];
  let findings: Finding[] = [];
  let dir: string | undefined;

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(() => {
    if (!bin) return;
    dir = tempDir('cdk-ts-lambda-cfn-lint-');
    targets = [...integTemplates(), ...jestTemplates(dir), ...exampleTemplates(dir), ...tsLambdaNewTemplates(dir), ...selfCheckTemplate(dir)];
    const started = Date.now();
    const run = spawnSync(bin, ['--config-file', join(ROOT, '.cfnlintrc'), '--format', 'json', '--', ...targets.map((t) => t.file)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    // exit status: the sum of 2 (errors), 4 (warnings), 8 (informational); anything else failed to run
    if (run.status === null || !LINT_STATUSES.has(run.status)) {
      throw new Error(`cfn-lint failed to run (status ${run.status}, ${run.error?.message ?? run.signal ?? ''}):\n${run.stderr}`);
    }
    findings = JSON.parse(run.stdout) as Finding[];
    console.log(`cfn-lint ${VERSION}: ${targets.length} templates in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);

  /** The findings in the templates of one source, with the template each is in. */
  function findingsIn(source: Target['source']): { finding: Finding; target: Target }[] {
    const byFile = new Map(targets.filter((t) => t.source === source).map((t) => [t.file, t]));
    return findings.flatMap((finding) => {
      const target = byFile.get(finding.Filename) ?? byFile.get(join(ROOT, finding.Filename));
      return target ? [{ finding, target }] : [];
    });
  }
  /** The findings of one source, each naming its template and line. */
  const findingsOf = (source: Target['source']) => findingsIn(source).map(({ finding: f, target }) =>
    `${target.label}:${f.Location.Start.LineNumber} ${f.Rule.Id} (${f.Level}) ${f.Message.slice(0, 300)}`);
  const count = (source: Target['source']) => targets.filter((t) => t.source === source).length;

  testWithCfnLint('the self-check template gets the findings it must (the run really checks)', () => {
    const ids = findingsIn('self-check').map(({ finding }) => finding.Rule.Id);
    expect(ids).toEqual(expect.arrayContaining(['E3002', 'E3012']));
  });

  testWithCfnLint('integ snapshots: every template, assertion stacks included, has no finding', () => {
    expect(count('integ')).toBeGreaterThanOrEqual(10);
    expect(findingsOf('integ')).toEqual([]);
  });

  testWithCfnLint('jest snapshots: every snapshot that is a template has no finding', () => {
    expect(count('jest')).toBeGreaterThanOrEqual(20);
    expect(findingsOf('jest')).toEqual([]);
  });

  testWithCfnLint('example app: its template has no finding', () => {
    expect(count('example')).toBeGreaterThanOrEqual(1);
    expect(findingsOf('example')).toEqual([]);
  });

  testWithCfnLint('templates of `ts-lambda new` projects have no finding', () => {
    expect(count('new')).toBeGreaterThanOrEqual(TEMPLATES.length - (ON_CI ? 0 : 1));
    expect(findingsOf('new')).toEqual([]);
  });
});

describe('reading templates back from .snap files', () => {
  test('every template snapshot prints back to its exact text', () => {
    // snapshotTemplates throws on any snapshot it cannot read back exactly
    const templates = snapshotTemplates(join(ROOT, 'test'), ROOT);
    expect(templates.length).toBeGreaterThanOrEqual(20);
    for (const t of templates) expect(Object.keys(t.template.Resources as object).length).toBeGreaterThan(0);
  });

  test('strings, numbers, booleans, null, empty and nested containers survive a round trip', () => {
    const value = { A: [1, -2.5, true, false, null, 'x: "quoted"', 'two\nlines', [], {}], B: { 'C': 'D', 'Fn::Sub': '${AWS::Region}' } };
    const text = `\n${printSnapshot(value)}\n`;
    expect(parseSnapshot(text)).toEqual(value);
    expect(text).toContain('"x: "quoted"",');
  });

  test('text that is not pretty-format as jest prints it is refused', () => {
    expect(() => parseSnapshot('\n{\n  "A": 1\n}\n')).toThrow(/not understood/); // no trailing comma
    expect(() => parseSnapshot('\n{\n  "A": Object {},\n}\n')).toThrow(/not understood/); // old format with prefixes
    expect(() => parseSnapshot('\n{\n  "A": "unterminated\n}\n')).toThrow(/not understood/);
  });
});
