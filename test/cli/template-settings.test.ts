/**
 * The template settings the runner reads (issue 15, items 3 and 4), through
 * the real CLI, emulator and client: a capacity provider (Lambda Managed
 * Instances) and --concurrency; LoggingConfig; TenancyConfig with
 * --tenant-id and serve's X-Amz-Tenant-Id header; and the NOTE column of
 * `list` for what is not honoured. The assembly is synthesized in-process
 * with aws-cdk-lib, so its templates are the ones CDK writes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { runCli, startServe } from './helpers';

const FIXTURES = join(__dirname, '..', 'runtime', 'fixtures', 'concurrent');
const SETTINGS = join(__dirname, 'fixtures', 'settings');
const XRAY = join(__dirname, '..', 'runtime', 'fixtures', 'xray');

function synth(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'cli-settings-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Settings');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const provider = new lambda.CapacityProvider(stack, 'Provider', {
    securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })],
    subnets: vpc.isolatedSubnets,
  });
  const mi = new lambda.Function(stack, 'Managed', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.sharedState',
    code: lambda.Code.fromAsset(FIXTURES),
    memorySize: 2048,
    // a log group CloudFormation names: its name cannot be known locally
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup: new logs.LogGroup(stack, 'ManagedLogs'),
    environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' },
  });
  provider.addFunction(mi, { perExecutionEnvironmentMaxConcurrency: 3 });
  new lambda.Function(stack, 'Tenants', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(SETTINGS),
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.WARN,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    tracing: lambda.Tracing.ACTIVE,
    ephemeralStorageSize: Size.mebibytes(1024),
    tenancyConfig: lambda.TenancyConfig.PER_TENANT,
    logGroup: new logs.LogGroup(stack, 'TenantLogs', { logGroupName: '/custom/tenants' }),
  });
  // LogFormat JSON, SystemLogLevel DEBUG: the platform's records as JSON
  new lambda.Function(stack, 'Debugged', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(SETTINGS),
    memorySize: 512,
    loggingFormat: lambda.LoggingFormat.JSON,
    systemLogLevelV2: lambda.SystemLogLevel.DEBUG,
  });
  // TracingConfig Active: sampled, and the segments it sends are counted locally
  new lambda.Function(stack, 'Traced', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.segments',
    code: lambda.Code.fromAsset(XRAY),
    tracing: lambda.Tracing.ACTIVE,
  });
  new lambda.Function(stack, 'Untraced', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.env',
    code: lambda.Code.fromAsset(XRAY),
    tracing: lambda.Tracing.PASS_THROUGH,
  });
  // the default Text format: START, END and REPORT lines
  new lambda.Function(stack, 'Plain', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(SETTINGS),
  });
  app.synth();
  return outdir;
}

let assembly: string;
beforeAll(() => {
  assembly = synth();
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

describe('list: NOTE column', () => {
  test('says how a capacity provider runs, that a tenant id is needed, and every setting not honoured', () => {
    const run = runCli(['list', '--assembly', assembly]);
    expect(run.code).toBe(0);
    const managed = run.stdout.split('\n').find((l) => l.startsWith('Settings/Managed'))!;
    expect(managed).toContain('capacity provider: 3 invocations at once per environment');
    expect(managed).toContain('its vCPUs and instance type are not emulated');
    expect(managed).toContain('its LogGroup has a generated name, so AWS_LAMBDA_LOG_GROUP_NAME is /aws/lambda/<name>');
    const tenants = run.stdout.split('\n').find((l) => l.startsWith('Settings/Tenants'))!;
    expect(tenants).toContain('tenant isolation: invoke with --tenant-id');
    expect(tenants).toContain('TracingConfig Active: sampled as Lambda samples; segments are received locally, not sent to X-Ray');
    expect(run.stdout.split('\n').find((l) => l.startsWith('Settings/Untraced'))).not.toContain('TracingConfig');
    expect(tenants).toContain('EphemeralStorage: /tmp is this machine\'s, its 1024 MB size is not enforced');
    // JSON platform records and SystemLogLevel WARN are honoured, and so is its
    // log group's name (in the template): no LoggingConfig note at all
    expect(tenants).not.toContain('LoggingConfig');
    expect(managed).not.toContain('START, END and REPORT');
    const debugged = run.stdout.split('\n').find((l) => l.startsWith('Settings/Debugged'))!;
    expect(debugged).toContain('LoggingConfig: SystemLogLevel DEBUG: only the INFO records (platform.start, platform.report) are written');
    expect(run.stdout.split('\n').find((l) => l.startsWith('Settings/Plain'))).not.toContain('LoggingConfig');
    const json = JSON.parse(runCli(['list', '--assembly', assembly, '--json']).stdout);
    expect(json.find((f: any) => f.path === 'Settings/Tenants').notes).toEqual(expect.arrayContaining([expect.stringMatching(/^TracingConfig Active/)]));
  });
});

describe('TracingConfig', () => {
  test('invoke, Active: the first invocation is sampled, and the segments the function sends are counted on stderr', () => {
    const run = runCli(['invoke', 'Traced', '--assembly', assembly]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.sent).toBe(2);
    expect(result.trace).toMatch(/;Sampled=1;/);
    const root = /Root=([^;]+)/.exec(result.trace)![1];
    expect(run.stderr).toContain(`ts-lambda: X-Ray: 2 segments received for trace ${root} (not sent to AWS)\n`);
  });

  test('invoke, PassThrough: not sampled, Lambda\'s daemon address, no X-Ray line', () => {
    const run = runCli(['invoke', 'Untraced', '--assembly', assembly]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.trace).toMatch(/;Sampled=0;/);
    expect(result.daemon).toBe('169.254.79.129:2000');
    expect(run.stderr).not.toContain('X-Ray');
  });
});

describe('capacity provider (Lambda Managed Instances)', () => {
  test('invoke: the template\'s PerExecutionEnvironmentMaxConcurrency reaches the function', () => {
    const run = runCli(['invoke', 'Managed', '--assembly', assembly]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.maxConcurrency).toBe('3');
    expect(result.initializationType).toBe('lambda-managed-instances');
    expect(result.threadId).toBeGreaterThan(0);
  });

  test('invoke --concurrency 2: the event twice at once, overlapping in one environment', () => {
    const event = join(mkdtempSync(join(tmpdir(), 'cli-event-')), 'event.json');
    writeFileSync(event, JSON.stringify({ user: 'x', waitMs: 400 }));
    const run = runCli(['invoke', 'Managed', '--assembly', assembly, '--concurrency', '2', '--event', event]);
    expect(run.code).toBe(0);
    const results = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results).toHaveLength(2);
    expect(results[0].maxConcurrency).toBe('2');
    expect(results[0].pid).toBe(results[1].pid);
    expect(results[0].requestId).not.toBe(results[1].requestId);
    const [first, second] = results.sort((a, b) => a.startedAt - b.startedAt);
    expect(second.startedAt).toBeLessThan(first.endedAt);
    expect(run.stderr).toContain('2 of 2 returned, 0 failed');
  });

  test('serve --concurrency 2: overlapping requests run in one environment, AWS_LAMBDA_MAX_CONCURRENCY=2', async () => {
    const served = await startServe(['--assembly', assembly, '--port', '0', '--concurrency', '2']);
    try {
      const url = `${served.url}/lambda-url/Managed/`;
      const call = async () => (await fetch(url, { method: 'POST', body: '{}' })).json() as Promise<Record<string, any>>;
      const answers = await Promise.all([call(), call()]);
      expect(answers.map((a) => a.maxConcurrency)).toEqual(['2', '2']);
      expect(answers[0].pid).toBe(answers[1].pid);
    } finally {
      await served.stop();
    }
  }, 60_000);

  test('--concurrency must be a whole number', () => {
    const run = runCli(['invoke', 'Managed', '--assembly', assembly, '--concurrency', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--concurrency many: give a whole number from 1 to 1024');
  });
});

describe('LoggingConfig and TenancyConfig', () => {
  test('invoke --tenant-id: context.tenantId, the invoke store and the JSON log lines carry it; levels below WARN dropped', () => {
    const run = runCli(['invoke', 'Tenants', '--assembly', assembly, '--tenant-id', 'blue-tenant']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ tenantId: 'blue-tenant', storeTenantId: 'blue-tenant', logFormat: 'JSON', logLevel: 'WARN', logGroup: '/custom/tenants' });
    expect(result.traceId).toMatch(/^Root=1-/);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    // SystemLogLevel WARN: no platform.start or platform.report record, and no text line in their place
    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', message: 'a warn line', tenantId: 'blue-tenant' })]);
    expect(run.stderr).not.toMatch(/RequestId:/);
  });

  test('invoke, LogFormat JSON and SystemLogLevel DEBUG: START and REPORT are platform.start and platform.report records', () => {
    const run = runCli(['invoke', 'Debugged', '--assembly', assembly]);
    expect(run.code).toBe(0);
    const records = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const platform = records.filter((r) => String(r.type).startsWith('platform.'));
    expect(platform.map((r) => r.type)).toEqual(['platform.start', 'platform.report']);
    const [start, report] = platform;
    expect(start.record).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), version: '$LATEST' });
    expect(start.time).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
    expect(report.record.requestId).toBe(start.record.requestId);
    expect(report.record.status).toBe('success');
    const m = report.record.metrics;
    expect(m.memorySizeMB).toBe(512);
    for (const key of ['durationMs', 'billedDurationMs', 'maxMemoryUsedMB', 'initDurationMs']) expect(typeof m[key]).toBe('number');
    // the function's own (application) records are there as before
    expect(records.filter((r) => r.level).map((r) => r.message)).toEqual(['an info line', 'a warn line']);
    expect(run.stderr).not.toMatch(/(START|END|REPORT) RequestId/);
  });

  test('invoke, Text format: the START, END and REPORT lines as before', () => {
    const run = runCli(['invoke', 'Plain', '--assembly', assembly]);
    expect(run.code).toBe(0);
    const id = /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$/m.exec(run.stderr)?.[1];
    expect(id).toBeDefined();
    expect(run.stderr).toContain(`\nEND RequestId: ${id}\n`);
    expect(run.stderr).toMatch(new RegExp(`\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms\\t\n`));
    expect(run.stderr).not.toContain('platform.');
  });

  test('serve: the JSON records of each request on its log, with the request id of the invocation', async () => {
    const served = await startServe(['--assembly', assembly, '--port', '0']);
    try {
      const res = await fetch(`${served.url}/lambda-url/Debugged/`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      const reports = () => served.stderr().split('\n').filter((l) => l.startsWith('{"time"')).map((l) => JSON.parse(l)).filter((r) => r.type === 'platform.report');
      for (let i = 0; i < 100 && reports().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const starts = served.stderr().split('\n').filter((l) => l.includes('"type":"platform.start"')).map((l) => JSON.parse(l));
      expect(starts).toHaveLength(1);
      expect(reports()).toEqual([expect.objectContaining({ record: expect.objectContaining({ requestId: starts[0].record.requestId, status: 'success' }) })]);
    } finally {
      await served.stop();
    }
  }, 60_000);

  test('a function with tenant isolation needs a tenant id; one without takes none', () => {
    const missing = runCli(['invoke', 'Tenants', '--assembly', assembly]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Settings/Tenants has tenant isolation (TenancyConfig PER_TENANT): every invocation needs a tenant id');
    const extra = runCli(['invoke', 'Managed', '--assembly', assembly, '--tenant-id', 'blue']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('Settings/Managed has no tenant isolation');
  });

  test('serve: the X-Amz-Tenant-Id header is the tenant; without it, 400', async () => {
    const served = await startServe(['--assembly', assembly, '--port', '0']);
    try {
      const url = `${served.url}/lambda-url/Tenants/`;
      const ok = await fetch(url, { headers: { 'X-Amz-Tenant-Id': 'green' } });
      expect(ok.status).toBe(200);
      expect(await ok.json() as object).toMatchObject({ tenantId: 'green' });
      const refused = await fetch(url);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toContain('needs a tenant id');
    } finally {
      await served.stop();
    }
  }, 60_000);
});
