/**
 * The OidcAuthorizer construct: snapshots of the authorizer wired to an HTTP
 * API and to a REST API (asset hashes masked: the snapshot is about the
 * construct's configuration, not the bytes of the prebuilt handler), the
 * properties that matter asserted one by one, the environment round trip
 * into the handler's config reader, and every validation error.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { JwtAlgorithm, OidcAuthorizer, OidcAuthorizerProps, OidcClaimRule } from '../../src';
import { ENV } from '../../src/auth/private/contract';
import { loadConfig } from '../../src/runtime/authorizer/config';

const ISSUER = 'https://login.example.com/';

/** When true, the prebuilt handler asset looks missing to the construct. */
let mockHideAsset = false;
jest.mock('node:fs', () => {
  const actual = jest.requireActual('node:fs');
  return { ...actual, existsSync: (p: string) => !(mockHideAsset && /authorizer[\\/]index\.mjs$/.test(String(p))) && actual.existsSync(p) };
});

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function authorizer(props: Partial<OidcAuthorizerProps> = {}, stack = newStack()): { stack: Stack; auth: OidcAuthorizer } {
  const auth = new OidcAuthorizer(stack, 'Auth', { issuer: ISSUER, audiences: ['orders-api'], ...props });
  return { stack, auth };
}

/** The template, with asset hashes masked. */
function snapshotOf(stack: Stack): unknown {
  return JSON.parse(JSON.stringify(Template.fromStack(stack).toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, (_m, zip) => `ASSET-HASH${zip ?? ''}`));
}

function envOf(stack: Stack): { [name: string]: string } {
  const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const [fn] = Object.values(fns);
  return (fn as any).Properties.Environment.Variables;
}

function httpApiStack() {
  const { stack, auth } = authorizer({ requiredScopes: ['orders:read'], contextClaims: ['email', 'scope'] });
  const api = new apigwv2.HttpApi(stack, 'Api');
  api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpUrlIntegration('Backend', 'https://backend.example.com/orders'), authorizer: auth.httpAuthorizer });
  return { stack, auth };
}

function restApiStack() {
  const { stack, auth } = authorizer({ principalIdClaims: ['client_id', 'sub'] });
  const api = new apigateway.RestApi(stack, 'Api');
  api.root.addResource('orders').addMethod('GET', new apigateway.MockIntegration(), { authorizer: auth.restAuthorizer });
  return { stack, auth };
}

describe('wired to an HTTP API', () => {
  test('snapshot', () => {
    expect(snapshotOf(httpApiStack().stack)).toMatchSnapshot();
  });

  test('a REQUEST authorizer with payload 2.0, simple responses, the Authorization header and a 60 s cache', () => {
    const t = Template.fromStack(httpApiStack().stack);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
      AuthorizerUri: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /orders', AuthorizationType: 'CUSTOM', AuthorizerId: Match.anyValue() });
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
  });

  test('the function: nodejs24.x, arm64, prebuilt asset, 256 MB, JSON logs in a log group with retention', () => {
    const t = Template.fromStack(httpApiStack().stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: Match.anyValue() },
      Environment: {
        Variables: {
          [ENV.ISSUER]: ISSUER,
          [ENV.AUDIENCES]: '["orders-api"]',
          [ENV.REQUIRED_SCOPES]: 'orders:read',
          [ENV.CONTEXT_CLAIMS]: 'email,scope',
        },
      },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('IAM: its own role, no managed policy, only writes to its own log group', () => {
    const t = Template.fromStack(httpApiStack().stack);
    const roles = t.findResources('AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(1);
    const role = Object.values(roles)[0].Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    // the one statement is an inline policy of the role; no separate AWS::IAM::Policy
    t.resourceCountIs('AWS::IAM::Policy', 0);
    expect(role.Policies).toEqual([{
      PolicyName: 'WriteLogs',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuthLogGroup/), 'Arn'] } }],
      },
    }]);
  });
});

describe('wired to a REST API', () => {
  test('snapshot', () => {
    expect(snapshotOf(restApiStack().stack)).toMatchSnapshot();
  });

  test('a TOKEN authorizer on the Authorization header with a 60 s cache; the method uses it', () => {
    const t = Template.fromStack(restApiStack().stack);
    t.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
    });
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'CUSTOM', AuthorizerId: Match.anyValue() });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { [ENV.PRINCIPAL_ID_CLAIMS]: 'client_id,sub' } } });
  });
});

test('authorizers are created lazily: an authorizer not used by any API synthesizes, with no API Gateway resources', () => {
  const { stack } = authorizer();
  const t = Template.fromStack(stack);
  expect(Object.keys(t.findResources('AWS::ApiGateway::Authorizer'))).toHaveLength(0);
  expect(Object.keys(t.findResources('AWS::ApiGatewayV2::Authorizer'))).toHaveLength(0);
  t.resourceCountIs('AWS::Lambda::Function', 1);
});

test('each getter returns one instance', () => {
  const { auth } = authorizer();
  expect(auth.httpAuthorizer).toBe(auth.httpAuthorizer);
  expect(auth.restAuthorizer).toBe(auth.restAuthorizer);
});

test('options: identity header, cache TTL 0, memory, log retention and level', () => {
  const { stack, auth } = authorizer({ identitySource: 'X-Token', resultsCacheTtl: Duration.seconds(0), memorySize: 128, logRetention: logs.RetentionDays.ONE_WEEK, logLevel: lambda.ApplicationLogLevel.WARN });
  const api = new apigwv2.HttpApi(stack, 'Api');
  api.addRoutes({ path: '/x', integration: new HttpUrlIntegration('B', 'https://b.example.com'), authorizer: auth.httpAuthorizer });
  const rest = new apigateway.RestApi(stack, 'Rest');
  rest.root.addMethod('GET', new apigateway.MockIntegration(), { authorizer: auth.restAuthorizer });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: ['$request.header.X-Token'], AuthorizerResultTtlInSeconds: 0 });
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', { IdentitySource: 'method.request.header.X-Token', AuthorizerResultTtlInSeconds: 0 });
  t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 128, LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'WARN' }) });
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
});

test.each([
  ['$request.header.X-Api-Token'],
  ['method.request.header.X-Api-Token'],
])('identitySource %s (one API\'s syntax) sets the same header on both authorizers', (identitySource) => {
  const { stack, auth } = authorizer({ identitySource });
  const api = new apigwv2.HttpApi(stack, 'Api');
  api.addRoutes({ path: '/x', integration: new HttpUrlIntegration('B', 'https://b.example.com'), authorizer: auth.httpAuthorizer });
  const rest = new apigateway.RestApi(stack, 'Rest');
  rest.root.addMethod('GET', new apigateway.MockIntegration(), { authorizer: auth.restAuthorizer });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: ['$request.header.X-Api-Token'] });
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', { IdentitySource: 'method.request.header.X-Api-Token' });
});

test('environment round trip: every prop reaches the handler\'s config reader with its meaning', () => {
  const jwks = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1', alg: 'ES256' }] }, null, 2);
  const { stack } = authorizer({
    jwksUri: 'https://login.example.com/keys',
    audiences: ['a', 'b'],
    algorithms: [JwtAlgorithm.ES256, JwtAlgorithm.EDDSA],
    principalIdClaims: ['oid', 'sub'],
    contextClaims: ['email'],
    requiredScopes: ['read', 'write'],
    claims: [OidcClaimRule.equalTo('tenant', 'acme'), OidcClaimRule.oneOf('role', ['a', 'b']), OidcClaimRule.contains('groups', 'staff')],
    clockTolerance: Duration.seconds(30),
    maxTokenAge: Duration.hours(12),
    jwks,
    jwksCacheMaxAge: Duration.minutes(10),
    jwksRefreshCooldown: Duration.seconds(5),
    jwksFetchTimeout: Duration.millis(1500),
  });
  const env = envOf(stack);
  expect(env[ENV.JWKS]).toBe(JSON.stringify(JSON.parse(jwks)));
  const config = loadConfig(env);
  expect(config).toMatchObject({
    issuer: ISSUER,
    jwksUri: 'https://login.example.com/keys',
    audiences: new Set(['a', 'b']),
    algorithms: new Set(['ES256', 'EdDSA']),
    principalIdClaims: ['oid', 'sub'],
    contextClaims: ['email'],
    requiredScopes: ['read', 'write'],
    claimRules: [
      { claim: 'tenant', op: 'equals', values: ['acme'] },
      { claim: 'role', op: 'oneOf', values: ['a', 'b'] },
      { claim: 'groups', op: 'contains', values: ['staff'] },
    ],
    clockToleranceSeconds: 30,
    maxTokenAgeSeconds: 43200,
    jwksCacheMaxAgeSeconds: 600,
    jwksCooldownSeconds: 5,
    jwksFetchTimeoutMs: 1500,
  });
});

test('defaults reach the handler as its own defaults (nothing set that need not be)', () => {
  const env = envOf(authorizer().stack);
  expect(Object.keys(env).sort()).toEqual([ENV.AUDIENCES, ENV.ISSUER].sort());
  const config = loadConfig(env);
  expect(config.algorithms).toEqual(new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']));
  expect(config.principalIdClaims).toEqual(['sub']);
});

test('allowAnyAudience sets the explicit opt-out; no issuer warns that iss is not checked', () => {
  const stack = newStack();
  new OidcAuthorizer(stack, 'Auth', { jwksUri: 'https://login.example.com/keys', allowAnyAudience: true });
  expect(envOf(stack)).toEqual({ [ENV.JWKS_URI]: 'https://login.example.com/keys', [ENV.ALLOW_ANY_AUDIENCE]: 'true' });
  Annotations.fromStack(stack).hasWarning('/Test/Auth', Match.stringLikeRegexp('No issuer is set'));
});

test('http is accepted for loopback hosts only (local testing)', () => {
  for (const issuer of ['http://127.0.0.1:8080/', 'http://localhost:9000/realms/x', 'http://[::1]:1234']) {
    expect(() => authorizer({ issuer })).not.toThrow();
  }
});

describe('validation errors name the prop', () => {
  const cases: [string, Partial<OidcAuthorizerProps>, RegExp][] = [
    ['neither issuer nor jwksUri', { issuer: undefined }, /Auth: issuer and jwksUri are both missing/],
    ['http issuer', { issuer: 'http://login.example.com/' }, /Auth: issuer 'http:\/\/login.example.com\/' must use https/],
    ['http jwksUri', { jwksUri: 'http://login.example.com/keys' }, /Auth: jwksUri .* must use https/],
    ['not a URL', { issuer: 'login.example.com' }, /Auth: issuer 'login.example.com' is not a valid absolute URL/],
    ['URL with credentials', { jwksUri: 'https://user:pw@login.example.com/keys' }, /Auth: jwksUri .* must not contain credentials/],
    ['HS256 in algorithms', { algorithms: ['HS256' as JwtAlgorithm] }, /Auth: algorithms has 'HS256', which is never accepted/],
    ['none in algorithms', { algorithms: ['none' as JwtAlgorithm] }, /Auth: algorithms has 'none', which is never accepted/],
    ['unknown algorithm', { algorithms: ['ES256K' as JwtAlgorithm] }, /Auth: algorithms has 'ES256K', which is not supported/],
    ['empty algorithms', { algorithms: [] }, /Auth: algorithms is empty/],
    ['duplicate algorithm', { algorithms: [JwtAlgorithm.RS256, JwtAlgorithm.RS256] }, /Auth: algorithms lists an algorithm twice/],
    ['no audiences', { audiences: undefined }, /Auth: audiences is missing: .*allowAnyAudience: true/],
    ['empty audiences', { audiences: [] }, /Auth: audiences is missing/],
    ['allowAnyAudience with audiences', { allowAnyAudience: true }, /Auth: allowAnyAudience is true but audiences are given too/],
    ['resultsCacheTtl over 1 hour', { resultsCacheTtl: Duration.seconds(3601) }, /Auth: resultsCacheTtl is 1 hour 1 second; it must be a whole number of seconds from 0 s to 3600 s/],
    ['resultsCacheTtl fractional', { resultsCacheTtl: Duration.millis(1500) }, /Auth: resultsCacheTtl .* whole number of seconds/],
    ['clockTolerance over 5 minutes', { clockTolerance: Duration.minutes(6) }, /Auth: clockTolerance is 6 minutes; .* from 0 s to 300 s/],
    ['maxTokenAge of 0', { maxTokenAge: Duration.seconds(0) }, /Auth: maxTokenAge .* from 1 s/],
    ['jwksCacheMaxAge under a minute', { jwksCacheMaxAge: Duration.seconds(10) }, /Auth: jwksCacheMaxAge .* from 60 s to 86400 s/],
    ['jwksRefreshCooldown over an hour', { jwksRefreshCooldown: Duration.hours(2) }, /Auth: jwksRefreshCooldown .* from 1 s to 3600 s/],
    ['jwksFetchTimeout over 4 s', { jwksFetchTimeout: Duration.seconds(5) }, /Auth: jwksFetchTimeout .* from 100 ms to 4000 ms/],
    ['memorySize too small', { memorySize: 64 }, /Auth: memorySize is 64; it must be an integer from 128 to 10240/],
    ['identitySource not a header name', { identitySource: 'Authorization: Bearer' }, /Auth: identitySource 'Authorization: Bearer' is not a request header: give a header name/],
    ['identitySource a query string', { identitySource: '$request.querystring.token' }, /Auth: identitySource '\$request.querystring.token' is not a request header.*REST API TOKEN authorizers read a header only/],
    ['identitySource a REST header source with no name', { identitySource: 'method.request.header.' }, /Auth: identitySource 'method.request.header.' is not a request header/],
    ['empty principalIdClaims', { principalIdClaims: [] }, /Auth: principalIdClaims is empty/],
    ['claim name with a comma', { contextClaims: ['a,b'] }, /Auth: contextClaims has 'a,b': claim names can't contain commas/],
    ['principalId in contextClaims', { contextClaims: ['principalId'] }, /Auth: contextClaims has 'principalId'/],
    ['scope with a space', { requiredScopes: ['read write'] }, /Auth: requiredScopes has 'read write', which is not an OAuth scope/],
    ['claim rule with no values', { claims: [OidcClaimRule.oneOf('role', [])] }, /Auth: claims\[0\] \(oneOf on 'role'\) has no values/],
    ['jwks not JSON', { jwks: '{keys:' }, /Auth: jwks is not valid JSON/],
    ['jwks without keys', { jwks: '{"keys":[]}' }, /Auth: jwks must be a JWKS/],
    ['jwks with a private key', { jwks: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k', n: 'AQAB', e: 'AQAB', d: 'secret' }] }) }, /Auth: jwks key 0 \('k'\) has private or symmetric key material \(d\)/],
    ['jwks with a symmetric key', { jwks: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) }, /Auth: jwks key 0 has private or symmetric key material \(k\)/],
    ['jwks over the environment limit', { jwks: JSON.stringify({ keys: Array.from({ length: 12 }, (_, i) => ({ kty: 'RSA', kid: `k${i}`, e: 'AQAB', n: 'x'.repeat(342) })) }) }, /Auth: jwks makes the function's environment \d+ bytes, over Lambda's 4096-byte limit/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => authorizer(props)).toThrow(message);
  });

  test('a missing prebuilt handler asset fails synth and says how to build it', () => {
    mockHideAsset = true;
    try {
      expect(() => authorizer()).toThrow(/Auth: the prebuilt authorizer handler is missing .*npm run build:runtime/);
    } finally {
      mockHideAsset = false;
    }
    expect(() => authorizer()).not.toThrow();
  });
});
