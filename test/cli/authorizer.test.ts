/** The Lambda authorizer flow: identity sources, simple and IAM responses, errors, the cache. */
import { AuthorizerInfo } from '../../src/runtime/cli/assembly';
import { evaluatePolicy, identityValues, LambdaAuthorizer } from '../../src/runtime/cli/http/authorizer';
import { ApiTarget, HttpRequest, requestParts } from '../../src/runtime/cli/http/request';
import { loadEvent } from '../helpers/fixtures';

const target: ApiTarget = { apiId: 'abcdef123', accountId: '123456789012', region: 'us-east-1', stage: '$default', routeKey: 'GET /pets' };

function request(headers: Record<string, string>, url = '/pets'): HttpRequest {
  return {
    method: 'GET', url, rawHeaders: Object.entries(headers).flat(), body: Buffer.alloc(0), sourceIp: '1.2.3.4', protocol: 'HTTP/1.1', port: 9000,
  };
}

function info(overrides: Partial<AuthorizerInfo> = {}): AuthorizerInfo {
  return {
    logicalId: 'Auth',
    name: 'Auth',
    type: 'REQUEST',
    functionPath: 'S/Auth',
    identitySource: ['$request.header.Authorization'],
    ttlSeconds: 300,
    simpleResponses: true,
    payloadFormatVersion: '2.0',
    ...overrides,
  };
}

/** An authorizer whose function answers with `answer(event)`, with a controllable clock. */
function authorizer(answer: (event: any) => unknown, overrides: Partial<AuthorizerInfo> = {}) {
  const clock = { now: 1_000_000 };
  const events: any[] = [];
  const a = new LambdaAuthorizer(info(overrides), async (event) => {
    const parsed = JSON.parse(event);
    events.push(parsed);
    const value = answer(parsed);
    if (value instanceof Error) return { ok: false, payload: Buffer.from(JSON.stringify({ errorMessage: value.message })) };
    return { ok: true, payload: Buffer.from(JSON.stringify(value)) };
  }, () => clock.now);
  const run = (headers: Record<string, string>, url?: string) => {
    const req = request(headers, url);
    return a.authorize(req, requestParts(req, target), target);
  };
  return { a, run, events, clock };
}

describe('Lambda authorizer flow', () => {
  test('allow (simple response): the context is passed on; the event is a 2.0 authorizer event', async () => {
    const { run, events } = authorizer(() => ({ isAuthorized: true, context: { user: 'alice' } }));
    expect(await run({ Authorization: 'Bearer x' })).toEqual({ kind: 'allow', context: { user: 'alice' }, cached: false });
    const real = loadEvent('example-apigw-v2-custom-authorizer-v2-request.json');
    const event = events[0];
    for (const key of Object.keys(event)) expect(Object.keys(real)).toContain(key);
    expect(event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      identitySource: ['Bearer x'],
      routeKey: 'GET /pets',
      rawPath: '/pets',
      routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/pets',
    });
    expect(event.headers.authorization).toBe('Bearer x');
  });

  test('deny (simple response) → 403', async () => {
    const { run } = authorizer(() => ({ isAuthorized: false }));
    expect(await run({ Authorization: 'Bearer x' })).toMatchObject({ kind: 'deny', status: 403 });
  });

  test('missing or empty identity source → 401 without calling the authorizer', async () => {
    const { a, run } = authorizer(() => ({ isAuthorized: true }));
    expect(await run({})).toMatchObject({ kind: 'deny', status: 401 });
    expect(await run({ Authorization: '' })).toMatchObject({ kind: 'deny', status: 401 });
    expect(a.invocations).toBe(0);
  });

  test('authorizer error or invalid answer → error (500)', async () => {
    expect(await authorizer(() => new Error('crash')).run({ Authorization: 'x' })).toMatchObject({ kind: 'error' });
    expect(await authorizer(() => ({ nothing: true })).run({ Authorization: 'x' })).toMatchObject({ kind: 'error' });
    expect(await authorizer(() => 'yes').run({ Authorization: 'x' })).toMatchObject({ kind: 'error' });
  });

  test('cache hit: the same identity within the TTL does not call the authorizer again; another identity does', async () => {
    const { a, run, clock } = authorizer((e) => ({ isAuthorized: e.identitySource[0] === 'good', context: { n: e.identitySource[0] } }));
    expect(await run({ Authorization: 'good' })).toMatchObject({ kind: 'allow', cached: false });
    expect(await run({ Authorization: 'good' }, '/pets?other=1')).toMatchObject({ kind: 'allow', cached: true, context: { n: 'good' } });
    expect(a.invocations).toBe(1);
    expect(await run({ Authorization: 'bad' })).toMatchObject({ kind: 'deny', status: 403 });
    expect(await run({ Authorization: 'bad' })).toMatchObject({ kind: 'deny', status: 403, cached: true });
    expect(a.invocations).toBe(2);
    clock.now += 301_000;
    expect(await run({ Authorization: 'good' })).toMatchObject({ kind: 'allow', cached: false });
    expect(a.invocations).toBe(3);
  });

  test('TTL 0: no cache', async () => {
    const { a, run } = authorizer(() => ({ isAuthorized: true }), { ttlSeconds: 0 });
    await run({ Authorization: 'good' });
    await run({ Authorization: 'good' });
    expect(a.invocations).toBe(2);
  });

  test('IAM policy responses (payload 1.0): allow, explicit deny, not covered', async () => {
    const policy = (effect: string, resource: string) => ({
      principalId: 'me',
      context: { via: 'iam' },
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
    });
    const base = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default';
    const v1 = { simpleResponses: false, payloadFormatVersion: '1.0', ttlSeconds: 0 };
    const allow = authorizer(() => policy('Allow', `${base}/GET/*`), v1);
    expect(await allow.run({ Authorization: 't' })).toEqual({ kind: 'allow', context: { via: 'iam' }, cached: false });
    expect(allow.events[0]).toMatchObject({ version: '1.0', type: 'REQUEST', identitySource: 't', methodArn: `${base}/GET/pets`, httpMethod: 'GET' });
    expect(await authorizer(() => policy('Deny', `${base}/*`), v1).run({ Authorization: 't' })).toMatchObject({ kind: 'deny', status: 403 });
    expect(await authorizer(() => policy('Allow', `${base}/POST/*`), v1).run({ Authorization: 't' })).toMatchObject({ kind: 'deny', status: 403 });
  });

  test('policy evaluation: an explicit Deny wins, wildcards match', () => {
    const arn = 'arn:aws:execute-api:us-east-1:1:api/$default/GET/pets/1';
    expect(evaluatePolicy([{ Effect: 'Allow', Action: 'execute-api:*', Resource: '*' }], arn)).toBe(true);
    expect(evaluatePolicy([
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
      { Effect: 'Deny', Action: ['execute-api:Invoke'], Resource: ['arn:aws:execute-api:*:*:api/*/GET/pets/*'] },
    ], arn)).toBe(false);
    expect(evaluatePolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }], arn)).toBe(false);
  });

  test('identity sources: headers (any case), query strings, context, stage variables', () => {
    const req = request({ 'X-Key': 'k' }, '/pets?token=q');
    const parts = requestParts(req, target);
    expect(identityValues(['$request.header.x-key', '$request.querystring.token', '$context.http.method'], parts)).toEqual({ values: ['k', 'q', 'GET'] });
    expect(identityValues(['$request.querystring.nope'], parts)).toEqual({ missing: '$request.querystring.nope' });
    expect(identityValues(['$stageVariables.color'], parts, { color: 'blue' })).toEqual({ values: ['blue'] });
    expect(identityValues(['$stageVariables.color'], parts)).toEqual({ missing: '$stageVariables.color' });
  });
});
