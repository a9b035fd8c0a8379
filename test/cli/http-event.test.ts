/**
 * The payload 2.0 event builder and the response mapper, field by field
 * against real HTTP API events (test/fixtures/events, see its README).
 */
import {
  apiGatewayTime, headersAndCookies, httpApiEvent, isTextContentType, queryParameters, requestParts, routeArn,
} from '../../src/runtime/cli/http/request';
import { gatewayError, mapResponse, mapResponseV1 } from '../../src/runtime/cli/http/response';
import { loadEvent } from '../helpers/fixtures';

/** Rebuilds a request from a real event: the headers, path and query API Gateway received. */
function requestFrom(event: any, body?: Buffer) {
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries<string>(event.headers)) {
    if (name.startsWith('x-forwarded-') || name === 'x-amzn-trace-id') continue;
    for (const v of value.split(',')) rawHeaders.push(name, v);
  }
  if (event.cookies) rawHeaders.push('Cookie', event.cookies.join('; '));
  return {
    method: event.requestContext.http.method,
    url: event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath,
    rawHeaders,
    body: body ?? Buffer.alloc(0),
    sourceIp: event.requestContext.http.sourceIp,
    protocol: event.requestContext.http.protocol,
    port: Number(event.headers['x-forwarded-port'] ?? 443),
  };
}

function targetFrom(event: any) {
  return {
    apiId: event.requestContext.apiId,
    accountId: event.requestContext.accountId,
    region: 'us-west-2',
    stage: event.requestContext.stage,
    routeKey: event.routeKey,
    domainName: event.requestContext.domainName,
    pathParameters: event.pathParameters,
  };
}

describe('payload 2.0 event builder', () => {
  test.each(['example-apigw-v2-request-no-authorizer.json', 'powertools-ts-http-no-auth.json'])('%s: same fields as API Gateway', (file) => {
    const real = loadEvent(file);
    const request = requestFrom(real);
    const built: any = httpApiEvent(requestParts(request, targetFrom(real), new Date(real.requestContext.timeEpoch)), targetFrom(real));

    // the same keys, in the same places
    expect(Object.keys(built).sort()).toEqual(Object.keys(real).filter((k) => real[k] !== undefined).sort());
    expect(built.version).toBe('2.0');
    expect(built.routeKey).toBe(real.routeKey);
    expect(built.rawPath).toBe(real.rawPath);
    expect(built.rawQueryString).toBe(real.rawQueryString);
    expect(built.isBase64Encoded).toBe(false);
    expect(built.body).toBeUndefined();
    expect(built.queryStringParameters).toBeUndefined();
    // headers: every header the client sent, lowercased, plus what API Gateway adds
    for (const [name, value] of Object.entries<string>(real.headers)) {
      if (name === 'x-amzn-trace-id') {
        expect(built.headers[name]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      } else if (name === 'x-forwarded-proto') {
        expect(built.headers[name]).toBe('http'); // served over plain HTTP locally
      } else {
        expect(built.headers[name]).toBe(value);
      }
    }
    expect(Object.keys(built.headers).sort()).toEqual(Object.keys(real.headers).sort());

    const rc = built.requestContext;
    const realRc = real.requestContext;
    for (const key of ['accountId', 'apiId', 'domainName', 'domainPrefix', 'routeKey', 'stage', 'time', 'timeEpoch']) {
      expect([key, rc[key]]).toEqual([key, realRc[key]]);
    }
    expect(rc.http).toEqual(realRc.http);
    expect(rc.requestId).toMatch(/^[A-Za-z0-9_=-]{16}$/);
    expect(rc.authorizer).toBeUndefined();
  });

  test('multi-value headers and query strings are comma-joined, cookies split out, path parameters kept', () => {
    const real = loadEvent('example-apigw-v2-request-multi-value-parameters.json');
    const built: any = httpApiEvent(requestParts(requestFrom(real), targetFrom(real)), targetFrom(real));
    expect(built.queryStringParameters).toEqual(real.queryStringParameters);
    expect(built.headers.header2).toBe(real.headers.Header2);
    expect(built.cookies).toEqual(real.cookies);
    expect(built.pathParameters).toEqual(real.pathParameters);
    expect(built.headers.cookie).toBeUndefined();
  });

  test('a Lambda authorizer context lands in requestContext.authorizer.lambda', () => {
    const real = loadEvent('example-apigw-v2-request-lambda-authorizer.json');
    const target = { ...targetFrom(real), authorizerContext: real.requestContext.authorizer.lambda };
    const built: any = httpApiEvent(requestParts(requestFrom(real, Buffer.from(real.body)), target), target);
    expect(built.requestContext.authorizer).toEqual(real.requestContext.authorizer);
    expect(built.queryStringParameters).toEqual(real.queryStringParameters);
    expect(built.cookies).toEqual(real.cookies);
    // a body without content type is not text: API Gateway sends it base64-encoded
    expect(built.isBase64Encoded).toBe(true);
    expect(Buffer.from(built.body, 'base64').toString()).toBe(real.body);
  });

  test('text bodies pass as UTF-8, others base64', () => {
    for (const type of ['application/json', 'text/plain; charset=utf-8', 'application/xml', 'application/javascript', 'application/problem+json']) {
      expect([type, isTextContentType(type)]).toEqual([type, true]);
    }
    for (const type of [undefined, 'application/octet-stream', 'image/png', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      expect([type, isTextContentType(type)]).toEqual([type, false]);
    }
    const target = { apiId: 'abc', accountId: '1', region: 'us-east-1', stage: '$default', routeKey: '$default' };
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const bin: any = httpApiEvent(requestParts({
      method: 'POST', url: '/up', rawHeaders: ['Content-Type', 'image/png'], body: png, sourceIp: '1.2.3.4', protocol: 'HTTP/1.1', port: 9000,
    }, target), target);
    expect(bin.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.body, 'base64')).toEqual(png);
    const json: any = httpApiEvent(requestParts({
      method: 'POST', url: '/up', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"é":1}'), sourceIp: '1.2.3.4', protocol: 'HTTP/1.1', port: 9000,
    }, target), target);
    expect(json.isBase64Encoded).toBe(false);
    expect(json.body).toBe('{"é":1}');
    expect(json.headers['content-type']).toBe('application/json');
  });

  test('query strings: decoded values, repeated names comma-joined, none → undefined', () => {
    expect(queryParameters('')).toBeUndefined();
    expect(queryParameters('a=1&a=2&b=x%20y&c')).toEqual({ a: '1,2', b: 'x y', c: '' });
  });

  test('headers: lowercased, repeated ones comma-joined; every cookie header split into cookies', () => {
    expect(headersAndCookies(['X-A', '1', 'x-a', '2', 'Cookie', 'a=1; b=2', 'cookie', 'c=3'])).toEqual({
      headers: { 'x-a': '1,2' },
      cookies: ['a=1', 'b=2', 'c=3'],
    });
  });

  test('time and route ARN formats', () => {
    const real = loadEvent('example-apigw-v2-request-no-authorizer.json');
    expect(apiGatewayTime(new Date(real.requestContext.timeEpoch))).toBe(real.requestContext.time);
    const authz = loadEvent('example-apigw-v2-custom-authorizer-v2-request.json');
    expect(routeArn({ apiId: 'abcdef123', accountId: '123456789012', region: 'us-east-1', stage: 'test', routeKey: '$default' }, 'GET', '/request'))
      .toBe(authz.routeArn);
  });
});

describe('response mapper (payload 2.0)', () => {
  test('structured response: status, headers lowercased, cookies as Set-Cookie, body', () => {
    const r = mapResponse(JSON.stringify({
      statusCode: 201, headers: { 'Content-Type': 'text/plain', 'X-A': 1 }, cookies: ['a=1; Path=/', 'b=2'], body: 'hi',
    }));
    expect(r.statusCode).toBe(201);
    expect(r.headers).toEqual({ 'content-type': 'text/plain', 'x-a': '1', 'set-cookie': ['a=1; Path=/', 'b=2'] });
    expect(r.body.toString()).toBe('hi');
  });

  test('base64 bodies are decoded', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    const r = mapResponse(JSON.stringify({ statusCode: 200, isBase64Encoded: true, body: bytes.toString('base64') }));
    expect(r.body).toEqual(bytes);
  });

  test('inferred format: a value without statusCode is a 200 JSON body', () => {
    const obj = mapResponse(JSON.stringify({ message: 'Hello from Lambda!' }));
    expect(obj.statusCode).toBe(200);
    expect(obj.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(obj.body.toString())).toEqual({ message: 'Hello from Lambda!' });
    const str = mapResponse(JSON.stringify('Hello from Lambda!'));
    expect([str.statusCode, str.headers['content-type'], str.body.toString()]).toEqual([200, 'application/json', 'Hello from Lambda!']);
    const num = mapResponse('42');
    expect([num.statusCode, num.body.toString()]).toEqual([200, '42']);
    const arr = mapResponse('[1,2]');
    expect([arr.statusCode, arr.body.toString()]).toEqual([200, '[1,2]']);
  });

  test('a malformed structured response is a 500, and says why', () => {
    const whys: string[] = [];
    const r = mapResponse(JSON.stringify({ statusCode: 'nope' }), (w) => whys.push(w));
    expect(r.statusCode).toBe(500);
    expect(JSON.parse(r.body.toString())).toEqual({ message: 'Internal Server Error' });
    expect(whys[0]).toMatch(/statusCode/);
    expect(mapResponse(JSON.stringify({ statusCode: 200, body: { a: 1 } })).statusCode).toBe(500);
  });

  test('payload 1.0: statusCode required, multiValueHeaders merged', () => {
    const r = mapResponseV1(JSON.stringify({
      statusCode: 200, headers: { 'X-A': '1' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: 'aGk=', isBase64Encoded: true,
    }));
    expect([r.statusCode, r.headers, r.body.toString()]).toEqual([200, { 'x-a': '1', 'set-cookie': ['a=1', 'b=2'] }, 'hi']);
    expect(mapResponseV1(JSON.stringify({ message: 'no status' })).statusCode).toBe(500);
    expect(mapResponseV1('"text"').statusCode).toBe(500);
  });

  test('API Gateway error bodies', () => {
    expect(JSON.parse(gatewayError(401).body.toString())).toEqual({ message: 'Unauthorized' });
    expect(JSON.parse(gatewayError(403).body.toString())).toEqual({ message: 'Forbidden' });
    expect(JSON.parse(gatewayError(404).body.toString())).toEqual({ message: 'Not Found' });
  });
});
