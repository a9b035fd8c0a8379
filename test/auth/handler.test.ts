/**
 * The authorizer handler from source: every algorithm, every event shape
 * (real fixture events from test/fixtures/events), the answers API Gateway
 * expects, principal and context claims, scopes, claim rules, config errors.
 */
import {
  ALGORITHMS, baseEnv, claims, httpEvent, ISSUER, jwksOf, keys, loadAuthEvent as loadEvent, makeHandler, makeKey, NOW, sign, signRaw, tokenEvent,
} from './helpers';
import { ENV } from '../../src/auth/private/contract';
import { stageWildcard } from '../../src/runtime/authorizer/authorizer';

const rsa = () => keys().get('RS256')!;

describe('every algorithm', () => {
  test.each(ALGORITHMS)('%s: a valid token is allowed; the same token with a flipped signature byte is denied', async (alg) => {
    const { handler, logs } = makeHandler();
    const token = await sign(keys().get(alg)!);
    expect(await handler(httpEvent(`Bearer ${token}`))).toEqual({ isAuthorized: true, context: { principalId: 'user-1', scope: 'orders:read orders:write' } });
    const [h, p, s] = token.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[5] = sig[5] === 0 ? 1 : sig[5] - 1;
    expect(await handler(httpEvent(`Bearer ${h}.${p}.${sig.toString('base64url')}`))).toEqual({ isAuthorized: false });
    expect(logs.reasons()).toEqual(['signature_invalid']);
  });

  test('a JWK without alg accepts every algorithm its key type allows (RS256 and PS256 on one RSA key)', async () => {
    const key = makeKey('RS256', 'no-alg');
    const { alg: _alg, ...jwk } = key.jwk;
    const { handler } = makeHandler(baseEnv({ keys: [jwk] }));
    expect((await handler(httpEvent(`Bearer ${await sign(key)}`)) as any).isAuthorized).toBe(true);
    expect((await handler(httpEvent(`Bearer ${await sign({ ...key, alg: 'PS256' })}`)) as any).isAuthorized).toBe(true);
  });

  test('a token without kid uses the only key that fits its alg, and is denied when two keys fit', async () => {
    const key = rsa();
    const noKid = { ...key.jwk, kid: undefined };
    const { handler } = makeHandler(baseEnv({ keys: [noKid, keys().get('ES256')!.jwk] }));
    const token = signRaw(key.privateKey, 'RS256', JSON.stringify({ alg: 'RS256' }), JSON.stringify(claims()));
    expect((await handler(httpEvent(`Bearer ${token}`)) as any).isAuthorized).toBe(true);
    const two = makeHandler(baseEnv({ keys: [noKid, { ...makeKey('RS256').jwk, kid: undefined }] }));
    expect((await two.handler(httpEvent(`Bearer ${token}`)) as any).isAuthorized).toBe(false);
    expect(two.logs.reasons()).toEqual(['kid_ambiguous']);
  });
});

describe('header reuse', () => {
  test('a header is never taken for the one before it: same length, longer with the same start, then the first again', async () => {
    const key = rsa();
    const { handler, logs } = makeHandler();
    const payload = JSON.stringify(claims());
    const good = signRaw(key.privateKey, 'RS256', JSON.stringify({ alg: 'RS256', kid: key.kid }), payload);
    // same length as the good header, other alg: signed as RS256 anyway, so only the header check can deny it
    const sameLength = signRaw(key.privateKey, 'RS256', JSON.stringify({ alg: 'HS256', kid: key.kid }), payload);
    const [h, p, sig] = good.split('.');
    const longer = `${h}QQ.${p}.${sig}`;
    expect((await handler(httpEvent(`Bearer ${good}`)) as any).isAuthorized).toBe(true);
    expect((await handler(httpEvent(`Bearer ${sameLength}`)) as any).isAuthorized).toBe(false);
    expect((await handler(httpEvent(`Bearer ${longer}`)) as any).isAuthorized).toBe(false);
    expect((await handler(httpEvent(`Bearer ${good}`)) as any).isAuthorized).toBe(true);
    expect(logs.reasons()).toEqual(['alg_not_allowed', 'token_encoding']);
  });
});

describe('event shapes and answers', () => {
  test('HTTP API payload 2.0 (real fixture event): simple response with principal and context claims', async () => {
    const { handler } = makeHandler();
    const event = loadEvent('example-apigw-v2-custom-authorizer-v2-request.json');
    const token = await sign(rsa(), claims({ email: 'a@example.com', scope: 'x y' }));
    event.identitySource = [`Bearer ${token}`];
    expect(await handler(event)).toEqual({ isAuthorized: true, context: { principalId: 'user-1', scope: 'x y', email: 'a@example.com' } });
  });

  test('HTTP API payload 2.0 with no identity source (real fixture event): denied, not thrown', async () => {
    const { handler, logs } = makeHandler();
    const event = loadEvent('example-apigw-v2-custom-authorizer-v2-request-without-identity-source.json');
    expect(await handler(event)).toEqual({ isAuthorized: false });
    expect(logs.reasons()).toEqual(['token_missing']);
  });

  test('HTTP API payload 2.0: the Authorization header is used when identitySource is absent; "bearer" is case-insensitive; a bare token works', async () => {
    const { handler } = makeHandler();
    const token = await sign(rsa());
    expect(await handler({ version: '2.0', type: 'REQUEST', headers: { authorization: `bearer ${token}` } })).toMatchObject({ isAuthorized: true });
    expect(await handler(httpEvent(token))).toMatchObject({ isAuthorized: true });
    expect(await handler(httpEvent(`Basic ${token}`))).toEqual({ isAuthorized: false });
  });

  test('HTTP API payload 1.0 (real fixture event): IAM policy, Allow on the stage wildcard', async () => {
    const { handler } = makeHandler();
    const event = loadEvent('example-apigw-v2-custom-authorizer-v1-request.json');
    event.authorizationToken = `Bearer ${await sign(rsa())}`;
    expect(await handler(event)).toEqual({
      principalId: 'user-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/*' }] },
      context: { principalId: 'user-1', scope: 'orders:read orders:write' },
    });
    event.authorizationToken = 'garbage';
    expect(await handler(event)).toMatchObject({ principalId: 'unauthorized', policyDocument: { Statement: [{ Effect: 'Deny' }] } });
  });

  test('REST TOKEN (real fixture event): Allow policy; "Unauthorized" thrown for a missing or unparseable token; Deny for an invalid one', async () => {
    const { handler } = makeHandler();
    const event = loadEvent('powertools-ts-rest-authorizer-token.json');
    event.authorizationToken = `Bearer ${await sign(rsa(), claims({ email: 'a@example.com' }))}`;
    expect(await handler(event)).toEqual({
      principalId: 'user-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:puhdx84jy9/prod/*' }] },
      context: { principalId: 'user-1', scope: 'orders:read orders:write', email: 'a@example.com' },
    });
    await expect(handler(tokenEvent(undefined))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(tokenEvent('Bearer not.a.jwt'))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(tokenEvent(''))).rejects.toThrow(/^Unauthorized$/);
    const expired = await sign(rsa(), claims({ exp: NOW - 10 }));
    expect(await handler(tokenEvent(`Bearer ${expired}`))).toEqual({
      principalId: 'unauthorized',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:puhdx84jy9/prod/*' }] },
    });
  });

  test('REST REQUEST (real fixture event): the Authorization header, any case', async () => {
    const { handler } = makeHandler();
    const event = loadEvent('example-apigw-custom-auth-request-type-request.json');
    event.headers.AUTHORIZATION = `Bearer ${await sign(rsa())}`;
    expect(await handler(event)).toMatchObject({ principalId: 'user-1', policyDocument: { Statement: [{ Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/*' }] } });
    delete event.headers.AUTHORIZATION;
    await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
  });

  test('events that are not objects are denied, not thrown (REST shape by default: Unauthorized)', async () => {
    const { handler } = makeHandler();
    for (const event of [null, undefined, 42, 'x', [], {}]) {
      await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
    }
    expect(await handler({ version: '2.0', identitySource: [42] })).toEqual({ isAuthorized: false });
  });

  test('stageWildcard keeps the API and stage and wildcards method and path', () => {
    expect(stageWildcard('arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/1')).toBe('arn:aws:execute-api:us-east-1:123456789012:abc/prod/*');
    expect(stageWildcard('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/')).toBe('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/*');
    expect(stageWildcard(undefined)).toBe('*');
  });
});

describe('claims', () => {
  test('principal id: the first configured claim present wins; numbers become strings', async () => {
    const { handler } = makeHandler(baseEnv(undefined, { [ENV.PRINCIPAL_ID_CLAIMS]: 'client_id,sub' }));
    expect(await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ client_id: 'svc-1' }))}`))).toMatchObject({ context: { principalId: 'svc-1' } });
    expect(await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ sub: 1234 }))}`))).toMatchObject({ context: { principalId: '1234' } });
  });

  test('context: strings, numbers and booleans as they are, arrays and objects as JSON, missing claims left out', async () => {
    const { handler } = makeHandler(baseEnv(undefined, { [ENV.CONTEXT_CLAIMS]: 'email,email_verified,age,groups,address,missing' }));
    const token = await sign(rsa(), claims({ email: 'a@example.com', email_verified: true, age: 42, groups: ['a', 'b'], address: { city: 'Oslo' } }));
    expect(await handler(httpEvent(`Bearer ${token}`))).toEqual({
      isAuthorized: true,
      context: { principalId: 'user-1', email: 'a@example.com', email_verified: true, age: 42, groups: '["a","b"]', address: '{"city":"Oslo"}' },
    });
  });

  test('audiences: a string or any member of an array matches', async () => {
    const { handler } = makeHandler(baseEnv(undefined, { [ENV.AUDIENCES]: JSON.stringify(['a', 'b']) }));
    expect((await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ aud: 'b' }))}`)) as any).isAuthorized).toBe(true);
    expect((await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ aud: ['x', 'a'] }))}`)) as any).isAuthorized).toBe(true);
  });

  test('allowAnyAudience: the aud check is skipped only when explicitly allowed', async () => {
    const { handler } = makeHandler(baseEnv(undefined, { [ENV.AUDIENCES]: '', [ENV.ALLOW_ANY_AUDIENCE]: 'true' }));
    expect((await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ aud: 'whatever' }))}`)) as any).isAuthorized).toBe(true);
    const strict = makeHandler(baseEnv(undefined, { [ENV.AUDIENCES]: '' }));
    expect((await strict.handler(httpEvent(`Bearer ${await sign(rsa())}`)) as any).isAuthorized).toBe(false);
    expect(strict.logs.reasons()).toEqual(['config_invalid']);
  });

  test('required scopes: all of them, from scope (string) or scp (array or string)', async () => {
    const { handler } = makeHandler(baseEnv(undefined, { [ENV.REQUIRED_SCOPES]: 'read write' }));
    const allowed = async (extra: object) => (await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ scope: undefined, ...extra }))}`)) as any).isAuthorized;
    expect(await allowed({ scope: 'write read admin' })).toBe(true);
    expect(await allowed({ scp: ['read', 'write'] })).toBe(true);
    expect(await allowed({ scp: 'read write' })).toBe(true);
    expect(await allowed({ scope: 'read' })).toBe(false);
    expect(await allowed({ scp: ['read write'] })).toBe(false);
    expect(await allowed({})).toBe(false);
  });

  test('claim rules: equals, oneOf, contains (array member or space-separated word)', async () => {
    const rules = [
      { claim: 'tenant', op: 'equals', values: ['acme'] },
      { claim: 'email_verified', op: 'equals', values: ['true'] },
      { claim: 'role', op: 'oneOf', values: ['admin', 'editor'] },
      { claim: 'groups', op: 'contains', values: ['staff'] },
    ];
    const { handler } = makeHandler(baseEnv(undefined, { [ENV.CLAIM_RULES]: JSON.stringify(rules) }));
    const ok = { tenant: 'acme', email_verified: true, role: 'editor', groups: ['x', 'staff'] };
    const allowed = async (extra: object) => (await handler(httpEvent(`Bearer ${await sign(rsa(), claims({ ...ok, ...extra }))}`)) as any).isAuthorized;
    expect(await allowed({})).toBe(true);
    expect(await allowed({ groups: 'x staff' })).toBe(true);
    expect(await allowed({ tenant: 'ACME' })).toBe(false);
    expect(await allowed({ email_verified: 'yes' })).toBe(false);
    expect(await allowed({ role: 'viewer' })).toBe(false);
    expect(await allowed({ role: ['admin'] })).toBe(false);
    expect(await allowed({ groups: ['staffers'] })).toBe(false);
    expect(await allowed({ groups: undefined })).toBe(false);
  });
});

describe('key sets', () => {
  test('two keys with one kid: neither is used (kid_ambiguous), even with a valid signature by one of them', async () => {
    const { handler, logs } = makeHandler(baseEnv({ keys: [rsa().jwk, { ...makeKey('RS256').jwk, kid: rsa().kid }] }));
    expect(await handler(httpEvent(`Bearer ${await sign(rsa())}`))).toEqual({ isAuthorized: false });
    expect(logs.reasons()).toEqual(['kid_ambiguous']);
  });

  test('keys that can not verify are skipped, the others work: symmetric, encryption-only, unknown curve, unparseable, no kty', async () => {
    const skipped = [
      { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
      { ...keys().get('ES256')!.jwk, kid: 'enc', use: 'enc' },
      { ...keys().get('ES256')!.jwk, kid: 'ops', key_ops: ['encrypt'] },
      { kty: 'EC', crv: 'secp256k1', kid: 'k1', x: 'AA', y: 'AA' },
      { kty: 'RSA', kid: 'broken', n: 'not-a-modulus', e: 'AQAB' },
      { kid: 'no-kty' },
      'not an object',
    ];
    const { handler } = makeHandler(baseEnv({ keys: [...skipped, rsa().jwk] }));
    expect((await handler(httpEvent(`Bearer ${await sign(rsa())}`)) as any).isAuthorized).toBe(true);
    for (const kid of ['enc', 'ops']) {
      const ec = makeHandler(baseEnv({ keys: skipped }));
      expect(await ec.handler(httpEvent(`Bearer ${await sign({ ...keys().get('ES256')!, kid })}`))).toEqual({ isAuthorized: false });
      expect(ec.logs.reasons()).toEqual(['kid_unknown']);
    }
  });

  test('a pre-seeded JWKS that is not a JWKS is a configuration error: everything denied', async () => {
    const { handler, logs } = makeHandler(baseEnv({ hello: 'world' }));
    expect(await handler(httpEvent(`Bearer ${await sign(rsa())}`))).toEqual({ isAuthorized: false });
    expect(JSON.parse(logs.lines[0])).toMatchObject({ event: 'config_invalid', detail: expect.stringContaining('OIDC_JWKS') });
    expect(logs.reasons()).toEqual(['config_invalid']);
  });
});

describe('configuration', () => {
  test('a configuration error denies everything (fails closed) and logs the variable name once', async () => {
    const { handler, logs } = makeHandler({ [ENV.AUDIENCES]: '["a"]' });
    expect(await handler(httpEvent(`Bearer ${await sign(rsa())}`))).toEqual({ isAuthorized: false });
    expect(JSON.parse(logs.lines[0])).toMatchObject({ event: 'config_invalid', detail: expect.stringContaining(ENV.ISSUER) });
  });

  test.each([
    ['HS256 in algorithms', { [ENV.ALGORITHMS]: 'RS256,HS256' }, 'HS256'],
    ['none in algorithms', { [ENV.ALGORITHMS]: 'none' }, 'none'],
    ['an http issuer that is not loopback', { [ENV.ISSUER]: 'http://issuer.example.com/' }, 'https'],
    ['a negative tolerance', { [ENV.CLOCK_TOLERANCE]: '-1' }, ENV.CLOCK_TOLERANCE],
    ['a claim rule with an unknown op', { [ENV.CLAIM_RULES]: '[{"claim":"a","op":"regex","values":["x"]}]' }, ENV.CLAIM_RULES],
  ])('%s is a configuration error', async (_name, extra, message) => {
    const { handler, logs } = makeHandler(baseEnv(undefined, extra));
    expect(await handler(httpEvent(`Bearer ${await sign(rsa())}`))).toEqual({ isAuthorized: false });
    expect(logs.lines[0]).toContain(message);
  });

  test('the defaults: all supported algorithms, sub as principal, issuer checked', async () => {
    const { handler } = makeHandler({ [ENV.ISSUER]: ISSUER, [ENV.AUDIENCES]: '["api://orders"]', [ENV.JWKS]: JSON.stringify(jwksOf(...keys().values())) });
    for (const key of keys().values()) {
      expect(await handler(httpEvent(`Bearer ${await sign(key)}`))).toEqual({ isAuthorized: true, context: { principalId: 'user-1' } });
    }
  });
});
