/**
 * `ts-lambda new`: the files each template writes, its pinned versions, its
 * errors, and one generated app synthesized and invoked with its own event.
 * (Every template is proven end to end from the packed package by
 * scripts/smoke-new.sh in .ci/run: install, cdk synth, invoke, the app's own
 * tests; and their templates are linted by test/cfn-lint/templates.test.ts.)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CLI_ENV, ROOT, runCli, startServe } from './helpers';
import { findTemplate, newApp, stackId } from '../../src/runtime/cli/new';
import { NOT_SHIPPED, PINNED_VERSIONS, TEMPLATES } from '../../src/runtime/cli/new/templates';
import { isolateBundleCache, tempDir } from '../helpers/fixtures';
import { synthNewApp } from '../helpers/new-apps';

isolateBundleCache();

let work: string;
beforeAll(() => {
  work = tempDir('cdk-ts-lambda-new-');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe.each(TEMPLATES.map((t) => t.name))('template %s', (name) => {
  let dir: string;
  beforeAll(() => {
    dir = join(work, `files-${name}`);
    newApp({ dir, template: name, packageRoot: ROOT });
  });

  test('writes the app: bin, lib, src, tests, events, .gitignore, .vscode, README, package.json', () => {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
    expect(files).toEqual([
      '.gitignore', '.vscode/launch.json', 'README.md', 'bin/app.ts', 'cdk.json',
      `events/${findTemplate(name).event}`, 'jest.config.js', 'lib/stack.ts', 'package.json',
      'src/handler.ts', 'test/handler.test.ts', 'test/stack.test.ts', 'tsconfig.json',
    ]);
    expect(readFileSync(join(dir, 'bin', 'app.ts'), 'utf8')).toContain(`new AppStack(app, '${stackId(`files-${name}`)}'`);
    expect(readJson(join(dir, 'cdk.json')).app).toBe('npx tsx bin/app.ts');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^cdk\.out\/$/m);
    expect(readJson(join(dir, '.vscode', 'launch.json')).configurations.length).toBeGreaterThan(0);
  });

  test('no placeholder is left, and the README names the function and event to invoke', () => {
    for (const file of ['README.md', 'bin/app.ts', 'lib/stack.ts', 'src/handler.ts', 'package.json']) {
      expect(readFileSync(join(dir, file), 'utf8')).not.toMatch(/__[A-Z_]+__/);
    }
    const t = findTemplate(name);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`npx ts-lambda invoke ${t.function} --event events/${t.event}`);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`## The \`${name}\` template`);
  });

  test('package.json pins the tested versions, this package\'s version, and the handler\'s runtime packages', () => {
    const manifest = readJson(join(dir, 'package.json'));
    expect(manifest.name).toBe(`files-${name}`);
    expect(manifest.dependencies['cdk-ts-lambda']).toBe(readJson(join(ROOT, 'package.json')).version);
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const [pkg, version] of Object.entries(all)) {
      if (pkg !== 'cdk-ts-lambda') expect(`${pkg}@${version}`).toBe(`${pkg}@${PINNED_VERSIONS[pkg as keyof typeof PINNED_VERSIONS]}`);
    }
    // every package the handler imports is a dependency
    const imports = [...readFileSync(join(dir, 'src', 'handler.ts'), 'utf8').matchAll(/from '([^.'][^']*)'/g)]
      .map((m) => m[1].split('/').slice(0, m[1].startsWith('@') ? 2 : 1).join('/'))
      .filter((p) => p !== 'aws-lambda');
    for (const pkg of imports) expect(manifest.dependencies).toHaveProperty([pkg]);
    expect(manifest.devDependencies).toHaveProperty(['@types/aws-lambda']);
  });

  test('its event is JSON and the handler test reads it', () => {
    const t = findTemplate(name);
    expect(() => readJson(join(dir, 'events', t.event))).not.toThrow();
    expect(readFileSync(join(dir, 'test', 'handler.test.ts'), 'utf8')).toContain(`'events', '${t.event}'`);
  });
});

test('the pinned versions are the ones this repository builds and tests with (its lockfile)', () => {
  const lock = readJson(join(ROOT, 'package-lock.json')).packages;
  for (const [pkg, version] of Object.entries(PINNED_VERSIONS)) {
    expect(`${pkg}@${lock[`node_modules/${pkg}`]?.version}`).toBe(`${pkg}@${version}`);
  }
});

test('cdk.json sets the feature flags the pinned aws-cdk-lib recommends for new apps (as cdk init does)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CURRENTLY_RECOMMENDED_FLAGS } = require('aws-cdk-lib/cx-api');
  const cdkJson = readJson(join(ROOT, 'templates', 'common', 'cdk.json'));
  expect(Object.keys(CURRENTLY_RECOMMENDED_FLAGS).length).toBeGreaterThan(10);
  expect(cdkJson.context).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
});

describe('errors', () => {
  test('an existing non-empty folder is refused and left as it was', () => {
    const dir = join(work, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => newApp({ dir, packageRoot: ROOT })).toThrow(/the folder .*taken is not empty \(notes\.txt\): choose a new name, or empty it first; nothing was written/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  test('an existing empty folder is used', () => {
    const dir = join(work, 'empty-app');
    mkdirSync(dir);
    expect(newApp({ dir, packageRoot: ROOT }).files).toContain('package.json');
  });

  test('a file in the way is refused', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    expect(() => newApp({ dir: file, packageRoot: ROOT })).toThrow(/exists and is not a folder/);
  });

  test('an unknown template names the templates and the closest one', () => {
    expect(() => newApp({ dir: join(work, 'x1'), template: 'sqss', packageRoot: ROOT }))
      .toThrow("unknown template 'sqss'. Did you mean sqs? Templates: http, sqs, kafka, authorizer, bun, streaming");
    expect(existsSync(join(work, 'x1'))).toBe(false);
  });

  test('streaming is a template now, no longer refused as not in this release', () => {
    expect(NOT_SHIPPED).not.toHaveProperty(['streaming']);
    expect(findTemplate('streaming').function).toBe('Progress');
  });

  test.each(Object.keys(NOT_SHIPPED))('--template %s says why it is not in this release', (name) => {
    expect(() => newApp({ dir: join(work, 'x2'), template: name, packageRoot: ROOT })).toThrow(new RegExp(`--template ${name} is not available in this release: .+Templates: http`));
  });

  test('a folder name that is no npm package name is refused', () => {
    expect(() => newApp({ dir: join(work, 'My App'), packageRoot: ROOT })).toThrow(/the app name 'My App' .* is not a valid npm package name/);
  });

  test('stack ids are PascalCase and start with a letter', () => {
    expect(stackId('my-app')).toBe('MyApp');
    expect(stackId('2fa.service')).toBe('App2faService');
  });
});

describe('the ts-lambda command', () => {
  test('new writes the app and says what to run next', () => {
    const run = runCli(['new', 'cli-app', '--template', 'sqs'], { cwd: work });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('ts-lambda: wrote cli-app (template sqs, 13 files) in cli-app');
    expect(run.stderr).toContain('npx ts-lambda invoke Orders/Function --event events/orders.json');
    expect(readJson(join(work, 'cli-app', 'package.json')).name).toBe('cli-app');
  });

  test('new refuses a non-empty folder with exit code 2', () => {
    const run = runCli(['new', 'cli-app'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ts-lambda: the folder .*cli-app is not empty/);
  });

  test('new --help lists the templates; the main help lists new', () => {
    const help = runCli(['new', '--help']);
    expect(help.code).toBe(0);
    for (const t of TEMPLATES) expect(help.stdout).toMatch(new RegExp(`^  ${t.name} +\\S`, 'm'));
    expect(runCli(['--help']).stdout).toMatch(/^ {2}new <dir> +write a ready CDK app into a new folder \(templates: http, sqs, kafka, authorizer, bun, streaming\)$/m);
    expect(help.stdout).toMatch(/^ {2}--template NAME, -t +the kind of app/m);
  });

  test('new without a folder says how to call it', () => {
    const run = runCli(['new']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('`ts-lambda new <dir> [--template NAME]`');
  });
});

test('a generated app synthesizes and its function answers its own event through ts-lambda invoke', () => {
  const app = synthNewApp(work, 'sqs');
  expect(app.templates.map((f) => f.slice(app.out.length + 1))).toEqual(['SqsApp.template.json']);
  const run = runCli(['invoke', 'Orders/Function', '--event', 'events/orders.json', '--assembly', app.out], { cwd: app.dir, env: CLI_ENV });
  expect(run.stderr).toContain('ts-lambda: invoking SqsApp/Orders/Function');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ batchItemFailures: [{ itemIdentifier: 'MessageID_2' }] });
}, 300_000);

test('the http app is served by ts-lambda serve as its README says (GET /hello?name=Ada)', async () => {
  const app = synthNewApp(work, 'http');
  const served = await startServe(['--port', '0', '--assembly', app.out], 120_000, app.dir);
  try {
    const response = await fetch(`${served.url}/hello?name=Ada`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Hello, Ada!' });
  } finally {
    await served.stop();
  }
}, 300_000);

test('the streaming app synthesizes a streaming AWS_IAM function URL, and ts-lambda invoke prints its lines as they arrive', async () => {
  const app = synthNewApp(work, 'streaming');
  const stack = readJson(app.templates[0]);
  const urls = Object.values(stack.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)
    .filter((r) => r.Type === 'AWS::Lambda::Url');
  expect(urls.map((u) => [u.Properties.AuthType, u.Properties.InvokeMode])).toEqual([['AWS_IAM', 'RESPONSE_STREAM']]);
  const pieces: Array<{ text: string; at: number }> = [];
  const child = spawn(process.execPath, [CLI, 'invoke', 'Progress', '--event', 'events/get-progress.json', '--assembly', app.out],
    { cwd: app.dir, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stdout.on('data', (c: Buffer) => pieces.push({ text: c.toString('latin1'), at: Date.now() }));
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(err).toContain('ts-lambda: invoking StreamingApp/Progress');
  expect(code).toBe(0);
  // Lambda's prelude (status and headers as JSON, then 8 zero bytes), then the body
  const out = pieces.map((p) => p.text).join('');
  const [prelude, body] = out.split('\0'.repeat(8));
  expect(JSON.parse(prelude)).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
  expect(body).toBe('step 1/3 done\nstep 2/3 done\nstep 3/3 done\n');
  // printed as they came: the first line before the last one was written (200 ms per step)
  const first = pieces.find((p) => p.text.includes('step 1/3'))!;
  const last = pieces.find((p) => p.text.includes('step 3/3'))!;
  expect(last.at - first.at).toBeGreaterThanOrEqual(300);
}, 300_000);
