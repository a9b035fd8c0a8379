/**
 * `ts-lambda` driven as a user drives it: a spawned process, against real
 * cloud assemblies synthesized here by the CLI itself (`--app`): an app of
 * TypeScriptFunctions behind an HTTP API, and a plain aws-cdk-lib app with a
 * NodejsFunction and a Python function.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, synthApp } from './helpers';
import { needs, testNeeding } from '../helpers/external-tool';
import { eventPath } from '../helpers/fixtures';

/** arm64 emulation is only needed (and tested) on x86_64 machines. */
const onX64 = testNeeding(needs.x64Host());
/**
 * ...and run for real where qemu-user, the arm64 libraries (C++ runtime
 * included) and the arm64 Node.js are installed: scripts/prefetch-engines.sh
 * (run by .ci/run) puts that Node.js where ts-lambda caches it, so the test
 * never fetches anything itself. Skipped elsewhere, failed under CI=true.
 */
const onX64Qemu = testNeeding(needs.x64Host(), needs.qemuUser(), needs.arm64CxxRuntime(), needs.arm64Node());

let app: string;
let nodejsApp: string;
let synthStderr: string;

beforeAll(() => {
  expect(existsSync(CLI)).toBe(true);
  const synth = synthApp('test/cli/fixtures/app.ts');
  app = synth.dir;
  synthStderr = synth.run.stderr;
  nodejsApp = synthApp('test/cli/fixtures/nodejs-app.ts').dir;
}, 300_000);

function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cli-test-')), name);
  writeFileSync(file, content);
  return file;
}

describe('list', () => {
  test('--app synthesizes with the cdk CLI and says so', () => {
    expect(synthStderr).toMatch(/synthesizing: cdk synth --app/);
    expect(existsSync(join(app, 'manifest.json'))).toBe(true);
  });

  test('construct path, logical id, runtime, architecture, handler, asset size', () => {
    const r = runCli(['list', '--assembly', app]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FUNCTION\s+LOGICAL ID\s+RUNTIME\s+ARCH\s+HANDLER\s+SIZE/);
    const echo = lines.find((l) => l.startsWith('CliTest/Echo '));
    expect(echo).toMatch(/^CliTest\/Echo\s+Echo[0-9A-F]{8}\s+nodejs\d+\.x\s+arm64\s+index\.handler\s+\d+(\.\d)? (B|KB)/);
    expect(lines.filter((l) => l.startsWith('CliTest/'))).toHaveLength(4);
  });

  test('--json', () => {
    const r = runCli(['list', '--assembly', app, '--json']);
    const fns = JSON.parse(r.stdout);
    const echo = fns.find((f: any) => f.path === 'CliTest/Echo');
    expect(echo).toMatchObject({ name: 'Echo', runtime: expect.stringMatching(/^nodejs/), architecture: 'arm64', handler: 'index.handler', supported: true });
    expect(echo.assetSize).toBeGreaterThan(0);
    // what calls each function, and the sample event that fits it
    expect(echo).toMatchObject({ triggers: ['http'], sampleEvent: 'http' });
    expect(fns.find((f: any) => f.path === 'CliTest/Authorizer')).toMatchObject({ triggers: ['http-authorizer'], sampleEvent: 'http-authorizer-bearer' });
    expect(existsSync(join(echo.codeDir, 'index.mjs'))).toBe(true);
  });

  test('a NodejsFunction app: the NodejsFunction runs, the Python function is listed as not runnable', () => {
    const r = runCli(['list', '--assembly', nodejsApp, '--json']);
    const fns = JSON.parse(r.stdout);
    expect(fns.find((f: any) => f.path === 'NodejsApp/Greeter')).toMatchObject({ runtime: 'nodejs22.x', architecture: 'x86_64', supported: true });
    expect(fns.find((f: any) => f.path === 'NodejsApp/Py')).toMatchObject({ supported: false, unsupported: expect.stringMatching(/python3\.12 is not supported/) });
  });
});

describe('nested stages, custom runtimes, inline code', () => {
  test('functions of a nested Stage are listed with their construct paths', () => {
    const fns = JSON.parse(runCli(['list', '--assembly', nodejsApp, '--json']).stdout);
    expect(fns.map((f: any) => f.path).sort()).toEqual([
      'NodejsApp/Greeter', 'NodejsApp/Py', 'Prod/Backend/ArmBinary', 'Prod/Backend/Custom', 'Prod/Backend/Inline', 'Prod/Backend/NoBootstrap',
    ]);
    expect(fns.find((f: any) => f.path === 'Prod/Backend/NoBootstrap')).toMatchObject({ supported: false, unsupported: 'its provided.al2023 asset has no bootstrap file' });
  });

  test('a provided.al2023 function runs its bootstrap', () => {
    const r = runCli(['invoke', 'Prod/Backend/Custom', '--assembly', nodejsApp, '--example', 'kafka']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ custom: true, got: { eventSource: 'aws:kafka' } });
  });

  test('inline code (Code.fromInline) runs as index.js', () => {
    const r = runCli(['invoke', 'Inline', '--assembly', nodejsApp, '-'], { input: '{"name":"x"}' });
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, { inline: 'x' }]);
  });

  onX64('an arm64 binary bootstrap needs qemu-user: without it, how to install it', () => {
    const r = runCli(['invoke', 'ArmBinary', '--assembly', nodejsApp], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Prod\/Backend\/ArmBinary \(an arm64 bootstrap\) needs qemu-user to run on this x86_64 machine.*apt-get install qemu-user-static libc6-arm64-cross/);
  });
});

describe('invoke', () => {
  test('a NodejsFunction with a sample event: result JSON on stdout, logs and duration/memory on stderr', () => {
    const r = runCli(['invoke', 'Greeter', '--assembly', nodejsApp, '--example', 'sqs']);
    expect(r.code).toBe(0);
    const sqs = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'runtime', 'cli', 'events', 'example-sqs-event.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual({ message: `Hello, ${sqs.Records[0].body}!`, records: sqs.Records.length });
    expect(r.stderr).toContain(`greeting ${sqs.Records[0].body}`);
    expect(r.stderr).toMatch(/returned in \d+\.\d ms/);
    expect(r.stderr).toMatch(/max memory \d+ MB of 128 MB/);
  });

  test('by construct path, logical id and suffix; --event FILE and - (stdin)', () => {
    const listed = JSON.parse(runCli(['list', '--assembly', nodejsApp, '--json']).stdout);
    const logicalId = listed.find((f: any) => f.path === 'NodejsApp/Greeter').logicalId;
    const file = tempFile('event.json', JSON.stringify({ name: 'file' }));
    const byPath = runCli(['invoke', 'NodejsApp/Greeter', '--assembly', nodejsApp, '--event', file]);
    expect(JSON.parse(byPath.stdout).message).toBe('Hello, file!');
    const byId = runCli(['invoke', logicalId, '--assembly', nodejsApp, '-'], { input: '{"name":"stdin"}' });
    expect(JSON.parse(byId.stdout).message).toBe('Hello, stdin!');
    const real = runCli(['invoke', 'Greeter', '--assembly', nodejsApp, '--event', eventPath('powertools-ts-sqs.json')]);
    expect(JSON.parse(real.stdout).records).toBe(2);
  });

  test('a TypeScriptFunction gets an HTTP event; template variables resolved, tokens reported', () => {
    const r = runCli(['invoke', 'CliTest/Echo', '--assembly', app, '--example', 'http']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.statusCode).toBe(201);
    const body = JSON.parse(out.body);
    expect(body.env).toEqual({ GREETING: 'hi', REGION_NAME: 'us-east-1' });
    expect(body.event.routeKey).toBe('$default');
    expect(r.stderr).toMatch(/QUEUE_URL = \{"Ref":"Queue[0-9A-F]+"\}/);
    expect(r.stderr).toMatch(/--env-file/);
  });

  test('--env-file sets unresolved variables (dotenv and JSON per function)', () => {
    const dotenv = tempFile('.env', '# local values\nQUEUE_URL="http://localhost:4566/q"\nexport GREETING=hello # comment\n');
    const r1 = runCli(['invoke', 'Echo', '--assembly', app, '--env-file', dotenv]);
    expect(JSON.parse(JSON.parse(r1.stdout).body).env).toMatchObject({ QUEUE_URL: 'http://localhost:4566/q', GREETING: 'hello' });
    expect(r1.stderr).not.toMatch(/unresolved/);
    const json = tempFile('env.json', JSON.stringify({ Echo: { QUEUE_URL: 'q-json' }, Plain: { QUEUE_URL: 'other' } }));
    const r2 = runCli(['invoke', 'Echo', '--assembly', app, '--env-file', json]);
    expect(JSON.parse(JSON.parse(r2.stdout).body).env.QUEUE_URL).toBe('q-json');
  });

  test('a function error: the Lambda-shaped error on stdout, a summary on stderr, exit 1', () => {
    const r = runCli(['invoke', 'Fail', '--assembly', app]);
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stdout);
    expect(error).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
    expect(Array.isArray(error.trace)).toBe(true); // the managed Node.js runtime's error shape
    expect(r.stderr).toMatch(/CliTest\/Fail failed after .* TypeError: boom/);
  });

  onX64Qemu('--arch arm64 runs an arm64 function under qemu-user with an arm64 Node.js', () => {
    const native = runCli(['invoke', 'Echo', '--assembly', app]);
    expect(JSON.parse(JSON.parse(native.stdout).body).arch).toBe('x64');
    expect(native.stderr).toMatch(/run natively on x64; --arch arm64 emulates arm64/);
    const r = runCli(['invoke', 'Echo', '--assembly', app, '--arch', 'arm64'], { timeout: 300_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(JSON.parse(r.stdout).body).arch).toBe('arm64');
    expect(r.stderr).toMatch(/emulated with qemu/);
  }, 300_000);

  onX64('--arch arm64 without qemu says how to install it', () => {
    const r = runCli(['invoke', 'Echo', '--assembly', app, '--arch', 'arm64'], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/qemu-aarch64-static/);
    expect(r.stderr).toMatch(/apt-get install qemu-user-static libc6-arm64-cross libstdc\+\+6-arm64-cross/);
  });
});

describe('events', () => {
  test('lists the bundled sample events with attribution', () => {
    const r = runCli(['events']);
    expect(r.code).toBe(0);
    for (const name of ['sqs', 'kafka', 'http', 'http-jwt', 'rest-token', 'http-authorizer']) expect(r.stdout).toMatch(new RegExp(`^ {2}${name}\\s`, 'm'));
    expect(r.stderr).toMatch(/aws-lambda-rust-runtime/);
  });

  test('prints one: the real fixture', () => {
    const r = runCli(['events', 'kafka']);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'runtime', 'cli', 'events', 'example-kafka-event.json'), 'utf8')));
    expect(readFileSync(join(__dirname, '..', '..', 'src', 'runtime', 'cli', 'events', 'README.md'), 'utf8')).toMatch(/example-kafka-event\.json \| awslabs\/aws-lambda-rust-runtime@/);
  });
});

describe('bad input: a clear message and a non-zero exit', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['no assembly', () => ['list', '--assembly', mkdtempSync(join(tmpdir(), 'empty-'))], /no cloud assembly in .* \(no manifest\.json\).*--app/],
    ['unknown function (typo → closest names)', () => ['invoke', 'Ech', '--assembly', app], /no function 'Ech'.*Did you mean:\n\s+Echo/s],
    ['ambiguous function', () => ['invoke', 'CliTest', '--assembly', app], /'CliTest' is ambiguous; it matches:\n\s+CliTest\/Echo/],
    ['unsupported runtime', () => ['invoke', 'Py', '--assembly', nodejsApp], /NodejsApp\/Py cannot run locally: runtime python3\.12 is not supported/],
    ['custom runtime without bootstrap', () => ['invoke', 'NoBootstrap', '--assembly', nodejsApp], /cannot run locally: its provided\.al2023 asset has no bootstrap file/],
    ['malformed event file', () => ['invoke', 'Echo', '--assembly', app, '--event', tempFile('bad.json', '{"a": ')], /the event from .*bad\.json is not valid JSON/],
    ['missing event file', () => ['invoke', 'Echo', '--assembly', app, '--event', '/nonexistent/e.json'], /event file not found: \/nonexistent\/e\.json/],
    ['unknown sample event', () => ['invoke', 'Echo', '--assembly', app, '--example', 'sqss'], /no sample event 'sqss'. Did you mean: sqs/],
    ['two event sources', () => ['invoke', 'Echo', '--assembly', app, '--example', 'sqs', '-'], /give the event one way/],
    ['no function named', () => ['invoke', '--assembly', app], /which function\?/],
    ['unknown command', () => ['deploy'], /unknown command 'deploy'/],
    ['unknown option', () => ['list', '--nope'], /Unknown option '--nope'/],
    ['bad --arch', () => ['invoke', 'Echo', '--assembly', app, '--arch', 'mips'], /--arch mips: use arm64 or x86_64/],
    ['malformed env file', () => ['invoke', 'Echo', '--assembly', app, '--env-file', tempFile('bad.env', 'not a pair')], /line 1: expected KEY=value/],
    ['--watch without --app', () => ['serve', '--assembly', app, '--watch'], /--watch .* needs --app/],
    ['bad port', () => ['serve', '--assembly', app, '--port', 'abc'], /--port abc: give a port number/],
    ['failing --app', () => ['list', '--app', 'node -e "process.exit(3)"', '--assembly', mkdtempSync(join(tmpdir(), 'empty-'))], /cdk synth failed/],
  ];
  test.each(cases)('%s', (_name, args, message) => {
    const r = runCli(args());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
  });
});
