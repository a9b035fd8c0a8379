import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpApiFunction } from '../../src';
import { isolateBundleCache, loadEvent } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

isolateBundleCache();

// The example app's handler, built by HttpApiFunction exactly as in a deployment,
// then called with real HTTP API (payload 2.0) events from test/fixtures/events.
const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
const api = new HttpApiFunction(stack, 'Pets', {
  entry: join(__dirname, '..', '..', 'examples', 'app', 'handlers', 'pets-api.ts'),
  routes: ['GET /', 'GET /pets', 'POST /pets', 'GET /pets/{id}'],
  authorizer: new HttpJwtAuthorizer('Jwt', 'https://issuer.example.com/', { jwtAudience: ['pets'] }),
  publicRoutes: ['GET /'],
});

interface Result { statusCode: number; headers: Record<string, string>; body: string }
const invoke = (event: unknown) => runBundle(api.function.assetPath, 'index.mjs', 'handler', event) as Result;

/** A real event sent to another method and path (everything else as recorded). */
function retarget(event: any, method: string, path: string, extra: Record<string, unknown> = {}): any {
  return { ...event, rawPath: path, routeKey: `${method} ${path}`, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } }, ...extra };
}

test('the bundle is an ES module at the asset root', () => {
  expect(existsSync(join(api.function.assetPath, 'index.mjs'))).toBe(true);
});

test('GET / (a request with no authorizer): the service description', () => {
  const result = invoke(loadEvent('example-apigw-v2-request-no-authorizer.json'));
  expect(result.statusCode).toBe(200);
  expect(result.headers['content-type']).toBe('application/json');
  expect(JSON.parse(result.body)).toEqual({ service: 'pets', routes: ['GET /pets', 'POST /pets', 'GET /pets/{id}'] });
});

test('POST /lambda (Powertools HTTP API event): 404 naming the method and path', () => {
  const result = invoke(loadEvent('powertools-ts-http-no-auth.json'));
  expect(result.statusCode).toBe(404);
  expect(JSON.parse(result.body)).toEqual({ message: 'Not found: POST /lambda' });
});

test('GET /my/path with a JWT authorizer context: 404', () => {
  const result = invoke(loadEvent('example-apigw-v2-request-jwt-authorizer.json'));
  expect(result.statusCode).toBe(404);
  expect(JSON.parse(result.body).message).toBe('Not found: GET /my/path');
});

test('GET /pets lists the pets', () => {
  const result = invoke(retarget(loadEvent('example-apigw-v2-request-jwt-authorizer.json'), 'GET', '/pets'));
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body).pets.map((p: { name: string }) => p.name)).toEqual(['Rex', 'Tom']);
});

test('POST /pets with the recorded body (no "name"): 400', () => {
  const event = loadEvent('example-apigw-v2-request-jwt-authorizer.json');
  expect(JSON.parse(event.body)).toEqual({ a: 1 });
  const result = invoke(retarget(event, 'POST', '/pets'));
  expect(result.statusCode).toBe(400);
  expect(JSON.parse(result.body).message).toMatch(/non-empty "name"/);
});

test('POST /pets creates a pet owned by the JWT subject', () => {
  const event = loadEvent('example-apigw-v2-request-jwt-authorizer.json');
  const jwt = event.requestContext.authorizer.jwt;
  const withSub = { ...event.requestContext, authorizer: { jwt: { ...jwt, claims: { ...jwt.claims, sub: 'user-42' } } } };
  const result = invoke(retarget({ ...event, requestContext: withSub }, 'POST', '/pets', { body: JSON.stringify({ name: 'Fido' }) }));
  expect(result.statusCode).toBe(201);
  expect(result.headers.location).toBe('/pets/3');
  expect(JSON.parse(result.body)).toEqual({ id: '3', name: 'Fido', owner: 'user-42' });
});

test('POST /pets with a base64 body and a Lambda authorizer context', () => {
  const event = loadEvent('example-apigw-v2-request-lambda-authorizer.json');
  const withSub = { ...event.requestContext, authorizer: { lambda: { ...event.requestContext.authorizer.lambda, principalId: 'user-7' } } };
  const body = Buffer.from(JSON.stringify({ name: 'Nemo' })).toString('base64');
  const result = invoke(retarget({ ...event, requestContext: withSub }, 'POST', '/pets', { body, isBase64Encoded: true }));
  expect(result.statusCode).toBe(201);
  expect(JSON.parse(result.body)).toEqual({ id: '3', name: 'Nemo', owner: 'user-7' });
});

test('GET /pets/{id}: found and not found', () => {
  const event = loadEvent('example-apigw-v2-request-lambda-authorizer.json');
  const found = invoke(retarget(event, 'GET', '/pets/2'));
  expect(found.statusCode).toBe(200);
  expect(JSON.parse(found.body)).toEqual({ id: '2', name: 'Tom' });
  const missing = invoke(retarget(event, 'GET', '/pets/99'));
  expect(missing.statusCode).toBe(404);
  expect(JSON.parse(missing.body).message).toBe('No pet with id 99.');
});
