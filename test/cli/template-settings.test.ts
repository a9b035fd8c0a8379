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
    expect(tenants).toContain('TracingConfig Active');
    expect(tenants).toContain('EphemeralStorage: /tmp is this machine\'s, its 1024 MB size is not enforced');
    expect(tenants).toContain('LoggingConfig: START, END and REPORT are text lines, not JSON records; SystemLogLevel WARN is not applied');
    // its log group's name is in the template: honoured, so not noted
    expect(tenants).not.toContain('generated name');
    const json = JSON.parse(runCli(['list', '--assembly', assembly, '--json']).stdout);
    expect(json.find((f: any) => f.path === 'Settings/Tenants').notes).toEqual(expect.arrayContaining([expect.stringMatching(/^TracingConfig Active/)]));
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
    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', message: 'a warn line', tenantId: 'blue-tenant' })]);
  });

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
