import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FunctionRuntime, OutputFormat, TypeScriptFunction, TypeScriptFunctionProps } from '../../src';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();

const FIXTURE = join(__dirname, 'fixtures', 'basic');
const entry = (name: string) => join(FIXTURE, 'src', name);

function synth(props: Partial<TypeScriptFunctionProps> = {}): { fn: TypeScriptFunction; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new TypeScriptFunction(stack, 'Fn', { entry: entry('hello.ts'), ...props });
  return { fn, template: Template.fromStack(stack) };
}

describe('TypeScriptFunction defaults', () => {
  const { fn, template } = synth();

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('arm64, the newest Node.js runtime, ESM handler, JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^FnLogGroup') } },
    });
    expect(fn.runtime.name).toBe('nodejs24.x');
    expect(fn.architecture.name).toBe('arm64');
  });

  test('least-privilege role: writes its own log group, no AWS managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: [{
        PolicyName: 'WriteLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnLogGroup'), 'Arn'] },
          }],
        },
      }],
    });
    // the statement is inline in the role: no separate policy resource
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(fn.createdRole).toBeDefined();
    expect(fn.role).toBe(fn.createdRole);
  });

  test('a log group with one month of retention, not kept forever', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('no NODE_OPTIONS unless source maps are on', () => {
    const props = template.findResources('AWS::Lambda::Function');
    const env = Object.values(props)[0].Properties.Environment;
    expect(env?.Variables?.NODE_OPTIONS).toBeUndefined();
  });
});

describe('TypeScriptFunction configurations', () => {
  test('CommonJS: index.js and handler index.handler', () => {
    const { fn, template } = synth({ bundling: { format: OutputFormat.CJS } });
    expect(template.toJSON()).toMatchSnapshot();
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    expect(fn.assetPath).toBeDefined();
    expect(existsSync(join(fn.assetPath, 'index.js'))).toBe(true);
  });

  test('source maps: NODE_OPTIONS=--enable-source-maps, merged with the user\'s NODE_OPTIONS', () => {
    const { template } = synth({ bundling: { sourceMap: true } });
    expect(template.toJSON()).toMatchSnapshot();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
    const merged = synth({ bundling: { sourceMap: true }, environment: { NODE_OPTIONS: '--max-old-space-size=100', STAGE: 'x' } });
    merged.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { NODE_OPTIONS: '--max-old-space-size=100 --enable-source-maps', STAGE: 'x' } },
    });
  });

  test('bundleAwsSdk: the SDK client is inside the bundle', () => {
    const external = synth({ entry: entry('with-deps.ts') });
    const bundled = synth({ entry: entry('with-deps.ts'), bundling: { bundleAwsSdk: true } });
    expect(bundled.template.toJSON()).toMatchSnapshot();
    const read = (fn: TypeScriptFunction) => readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8') as string;
    expect(read(external.fn)).toMatch(/from"@aws-sdk\/client-sqs"/);
    expect(read(bundled.fn)).not.toMatch(/from"@aws-sdk\/client-sqs"/);
    expect(bundled.fn.bundleSize).toBeGreaterThan(external.fn.bundleSize * 10);
  });

  test('x86_64 when asked', () => {
    const { template } = synth({ architecture: lambda.Architecture.X86_64 });
    expect(template.toJSON()).toMatchSnapshot();
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'] });
  });

  test('an older Node.js runtime sets the esbuild target', () => {
    const { fn, template } = synth({ runtime: FunctionRuntime.nodejs(lambda.Runtime.NODEJS_20_X), bundling: { minify: false } });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs20.x' });
    expect(fn.functionRuntime.lambdaRuntime.name).toBe('nodejs20.x');
  });

  test('a given log group is used and none is created; logRetention is respected', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const logGroup = new logs.LogGroup(stack, 'Mine', { retention: logs.RetentionDays.ONE_WEEK });
    const fn = new TypeScriptFunction(stack, 'Fn', { entry: entry('hello.ts'), logGroup });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^Mine') } } });
    expect(fn.createdLogGroup).toBeUndefined();
  });

  test('in a VPC the role keeps the managed policies that network interfaces need', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const fn = new TypeScriptFunction(stack, 'Fn', { entry: entry('hello.ts'), vpc });
    expect(fn.createdRole).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'])]) })]),
    });
  });

  test('a given role is used as is', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fn = new TypeScriptFunction(stack, 'Fn', { entry: entry('hello.ts'), role });
    expect(fn.role).toBe(role);
    expect(fn.createdRole).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 1);
  });

  test('logGroupRetention and loggingFormat can be overridden', () => {
    const { template } = synth({ logGroupRetention: logs.RetentionDays.ONE_YEAR, loggingFormat: lambda.LoggingFormat.TEXT });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogFormat: 'Text' } });
  });

  test('every other FunctionOptions prop passes through', () => {
    const { template } = synth({ memorySize: 512, description: 'd', reservedConcurrentExecutions: 3, environment: { A: '1' } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512, Description: 'd', ReservedConcurrentExecutions: 3, Environment: { Variables: { A: '1' } },
    });
  });

  test('a custom handler export name', () => {
    const { template } = synth({ entry: entry('no-handler.ts'), handler: 'main' });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.main' });
  });
});

describe('nodeModules', () => {
  test('installs the locked version for arm64 (native builds for the function\'s architecture)', () => {
    const { fn, template } = synth({ entry: entry('with-deps.ts'), bundling: { nodeModules: ['ms', 'esbuild'] } });
    expect(template.toJSON()).toMatchSnapshot();
    const pkg = JSON.parse(readFileSync(join(fn.assetPath, 'node_modules', 'ms', 'package.json'), 'utf8'));
    expect(pkg.version).toBe('2.1.3');
    // esbuild's optional native package: the arm64 Linux build, not this machine's
    expect(existsSync(join(fn.assetPath, 'node_modules', '@esbuild', 'linux-arm64'))).toBe(true);
    expect(existsSync(join(fn.assetPath, 'node_modules', '@esbuild', 'linux-x64'))).toBe(false);
    // installed packages are external: the bundle imports them
    expect(readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8')).toMatch(/from"ms"/);
  });

  test('installs the x64 build for an x86_64 function', () => {
    const { fn } = synth({ entry: entry('with-deps.ts'), architecture: lambda.Architecture.X86_64, bundling: { nodeModules: ['esbuild'] } });
    expect(existsSync(join(fn.assetPath, 'node_modules', '@esbuild', 'linux-x64'))).toBe(true);
    expect(existsSync(join(fn.assetPath, 'node_modules', '@esbuild', 'linux-arm64'))).toBe(false);
  });
});
